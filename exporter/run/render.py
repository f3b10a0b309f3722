"""One source through the pipeline, in memory: read, enrich, render each format.

``prepare`` reads and enriches a source (an article or a collection) into one
``Document``; ``render_one`` renders one format of it to bytes. Nothing here writes to
the output folder or decides where the work runs (``executors``, ``build``).
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..adapters import ADAPTERS, RenderContext, adapter
from ..document import Document
from ..house.styles import HouseStyle


@dataclass
class Rendered:
    """An edition rendered in memory, not yet written."""

    format: str
    data: bytes
    seconds: float
    pages: int | None
    words: int | None
    #: What rendering left for other formats (an adapter's ``PRODUCES``).
    extras: dict = field(default_factory=dict)


def prepare(source: Path, allow_remote: bool = False,
            maps_ready: Callable[[], None] | None = None,
            house: HouseStyle | None = None, strict: bool = False) -> Document:
    """Load, validate and enrich one source: everything before any adapter runs.
    With ``strict``, warnings are errors (as Sphinx's -W)."""
    from ..enrich.book import assemble_book
    from ..read.collection import is_collection
    from ..enrich.article import enrich
    from ..errors import Mistakes, Problems
    from ..read.source import load_document

    if is_collection(source):
        return assemble_book(source, allow_remote, maps_ready, house)
    # The metadata's, the body's, the glossary's and the maps' mistakes in one report.
    errors = Mistakes()
    doc, locator = load_document(source, defaults=house.defaults if house else (),
                                 errors=errors)
    doc.house = house or HouseStyle()
    enrich(doc, locator, allow_remote, maps_ready, errors)
    if strict and doc.warnings:
        raise Problems([f"{w} [--strict]" for w in doc.warnings], file=doc.source)
    return doc


def word_count(doc: Document) -> int:
    """Words in the document, appendices, notes and tables included, as a reader would
    count them: pandoc's words (``Str``), and the words of code and maths."""
    import panflute as pf

    from ..document import elements

    count = 0
    for block in doc.ast.content:
        for elem in elements(block):
            if isinstance(elem, pf.Str):
                count += 1
            elif isinstance(elem, (pf.Code, pf.CodeBlock, pf.Math)):
                count += len(elem.text.split())
    return count


#: Allocations between two runs of the cyclic garbage collector during page layout
#: (Python's default: 700, 10, 10). Layout allocates millions of objects and few cycles;
#: at the default the collector takes about 15% of a book's PDF layout.
GC_THRESHOLD = (50_000, 20, 20)


@contextlib.contextmanager
def _collecting_less() -> Iterator[None]:
    """Collect cyclic garbage less often for a while. Only around page layout: the
    ASTs of a batch of sources are cyclic (parent links) and would pile up."""
    saved = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def render_one(ctx: RenderContext, fmt: str) -> Rendered:
    """Render one format of a prepared document in memory."""
    module = adapter(fmt)
    start = time.perf_counter()
    with _collecting_less() if module.LAYS_OUT_PAGES else contextlib.nullcontext():
        data = module.render(ctx.doc, ctx)
    seconds = time.perf_counter() - start
    extras = {key: ctx.extras[key] for key in getattr(module, "PRODUCES", ())
              if key in ctx.extras}
    if hasattr(module, "pages"):
        return Rendered(fmt, data, seconds, module.pages(data), None, extras)
    if "words" not in ctx.extras:
        ctx.extras["words"] = word_count(ctx.doc)
    return Rendered(fmt, data, seconds, None, ctx.extras["words"], extras)


def needs(fmt: str) -> tuple[str, ...]:
    """What format ``fmt`` takes from others' rendering (an adapter's ``NEEDS``)."""
    return getattr(adapter(fmt), "NEEDS", ())


def producers(fmt: str) -> tuple[str, ...]:
    """The formats whose rendering ``fmt`` takes something from (the EPUB: the PDF's
    page breaks), so whose styles shape ``fmt`` too."""
    wanted = set(needs(fmt))
    return tuple(name for name in ADAPTERS
                 if wanted & set(getattr(adapter(name), "PRODUCES", ())))


def in_order(formats: Sequence[str]) -> list[str]:
    """``formats`` with those that need others' products after the others."""
    return sorted(formats, key=lambda fmt: bool(needs(fmt)))


def context(doc: Document) -> RenderContext:
    """The render context of a prepared document (build timestamp fixed here)."""
    from ..reproducible import build_timestamp

    # A corrected article is dated by its latest correction (dcterms:modified).
    return RenderContext(doc, styles=doc.house or HouseStyle(),
                         timestamp=build_timestamp(doc.meta.modified))


@dataclass
class Built:
    """A source's rendered editions and the warnings found while preparing it."""

    slug: str
    rendered: list[Rendered]
    warnings: list[str]
    article: object = None  # publish.articles.Article
    #: Seconds spent reading and enriching the source and taking its article facts
    #: (the work before and beside the editions, for the build's account of its time).
    read_seconds: float = 0.0


def build_source(source: Path, formats: Sequence[str], allow_remote: bool = False,
                 house: HouseStyle | None = None, strict: bool = False) -> Built:
    """Prepare ``source`` and render ``formats``: one task for a worker process."""
    from ..publish.articles import article_of

    started = time.perf_counter()
    doc = prepare(source, allow_remote, house=house, strict=strict)
    ctx = context(doc)
    read = time.perf_counter() - started
    rendered = {fmt: render_one(ctx, fmt) for fmt in in_order(formats)}
    started = time.perf_counter()
    article = article_of(doc)
    read += time.perf_counter() - started
    return Built(doc.slug, [rendered[fmt] for fmt in formats], doc.warnings, article, read)


def warm_up(fmt: str) -> None:
    """Load the libraries of format ``fmt`` in a worker (see ``warm_up`` in adapters)."""
    module = adapter(fmt)
    if hasattr(module, "warm_up"):
        module.warm_up()
    gc.freeze()  # what is loaded now stays: the collector need not walk it again


def for_worker(ctx: RenderContext, fmt: str) -> RenderContext:
    """What a worker process needs to render ``fmt`` from ``ctx``."""
    return ctx.detached() if adapter(fmt).USES_HTML else ctx
