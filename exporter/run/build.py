"""Orchestration: load -> enrich -> adapters -> write atomically.

Everything the user can get wrong is found before the first byte is written; each
edition is written to a temporary file beside its target and moved into place only
when complete, so a failed build never leaves a half-written or missing edition.

Work is spread over ``jobs`` processes: with several sources, one source per task;
with one source, its PDF (the slowest layout) runs beside the other formats.
Editions whose inputs are unchanged are skipped (see ``freshness``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol
from pathlib import Path

from ..adapters import ADAPTERS, DEFAULT_FORMATS, RenderContext, adapter, file_name
from ..document import Document
from ..errors import BuildError, ExporterError, SourceError, UsageError
from ..house.styles import SAMPLE_DIR, HouseStyle, house_style

#: The default when no SOURCE is given: ``source/`` in the working folder, else the
#: sample that comes with the exporter (package data: ``exporter/data/sample``).
DEFAULT_SOURCE_DIR = Path("source")
SAMPLE_SOURCE_DIR = SAMPLE_DIR

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Edition:
    """One edition and what the summary shows about it."""

    format: str
    path: Path
    size: int
    seconds: float
    pages: int | None = None
    words: int | None = None
    skipped: bool = False
    #: The article's slug, the edition's media type, and what the downloads page and
    #: catalogue say about the article (``distribution.articles.Article``).
    slug: str = ""
    media_type: str = ""
    article: object = None


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


def find_sources(paths: Sequence[Path]) -> list[Path]:
    """Markdown sources named on the command line; a folder means every ``*.md`` in it."""
    from ..read.collection import SUFFIX as COLLECTION_SUFFIX

    found: list[Path] = []
    default = DEFAULT_SOURCE_DIR if DEFAULT_SOURCE_DIR.is_dir() else SAMPLE_SOURCE_DIR
    for path in paths or [default]:
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.md") if p.is_file()))
            found.extend(sorted(p for p in path.glob(f"*{COLLECTION_SUFFIX}") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError("source not found", hint=f"no file or folder at '{path}'",
                             file=path)
    if not found:
        raise UsageError("no Markdown sources (*.md) found",
                         file=paths[0] if paths else DEFAULT_SOURCE_DIR)
    return found


def prepare(source: Path, allow_remote: bool = False,
            maps_ready: Callable[[], None] | None = None,
            house: HouseStyle | None = None, strict: bool = False) -> Document:
    """Load, validate and enrich one source: everything before any adapter runs.
    With ``strict``, warnings are errors (as Sphinx's -W)."""
    from ..read.collection import is_collection, load_collection
    from ..enrich.article import enrich
    from ..errors import Problems
    from ..read.source import load_document

    if is_collection(source):
        return load_collection(source, allow_remote, maps_ready, house)
    doc, locator = load_document(source)
    doc.house = house or HouseStyle()
    enrich(doc, locator, allow_remote, maps_ready)
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


def _needs(fmt: str) -> tuple[str, ...]:
    """What format ``fmt`` takes from others' rendering (an adapter's ``NEEDS``)."""
    return getattr(adapter(fmt), "NEEDS", ())


def _producers(fmt: str) -> tuple[str, ...]:
    """The formats whose rendering ``fmt`` takes something from (the EPUB: the PDF's
    page breaks), so whose styles shape ``fmt`` too."""
    needs = set(_needs(fmt))
    return tuple(name for name in ADAPTERS
                 if needs & set(getattr(adapter(name), "PRODUCES", ())))


def _in_order(formats: Sequence[str]) -> list[str]:
    """``formats`` with those that need others' products after the others."""
    return sorted(formats, key=lambda fmt: bool(_needs(fmt)))


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
    article: object = None  # distribution.articles.Article


def build_source(source: Path, formats: Sequence[str], allow_remote: bool = False,
                 house: HouseStyle | None = None, strict: bool = False) -> Built:
    """Prepare ``source`` and render ``formats``: one task for a worker process."""
    from ..publish.articles import article_of

    doc = prepare(source, allow_remote, house=house, strict=strict)
    ctx = context(doc)
    rendered = {fmt: render_one(ctx, fmt) for fmt in _in_order(formats)}
    return Built(doc.slug, [rendered[fmt] for fmt in formats], doc.warnings, article_of(doc))


def _warm_up(fmt: str) -> None:
    """Load the libraries of format ``fmt`` in a worker (see ``warm_up`` in adapters)."""
    module = adapter(fmt)
    if hasattr(module, "warm_up"):
        module.warm_up()
    gc.freeze()  # what is loaded now stays: the collector need not walk it again


def _for_worker(ctx: RenderContext, fmt: str) -> RenderContext:
    """What a worker process needs to render ``fmt`` from ``ctx``."""
    return ctx.detached() if adapter(fmt).USES_HTML else ctx


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise BuildError(f"cannot write to the output folder: {exc.strerror}", file=path.parent,
                         hint="choose a writable folder with --out") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BuildError(f"cannot write the edition: {exc.strerror}", file=path,
                             hint="check free disk space and permissions") from None
        raise


#: Workers are forked: they start at once and inherit what the parent has prepared.
_START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else None


_HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _forking() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while child processes are forked.

    A signal that arrives meanwhile is recorded and raised again once the children are
    started and registered, so the build stops cleanly and ends them all; raised in the
    middle of a fork, it could leave a worker that nobody ends. The children start with
    both signals blocked and take them once they have their own handlers
    (``_child_signals``).
    """
    import threading

    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "pthread_sigmask")):
        yield
        return
    caught: list[int] = []
    handlers = {signum: signal.signal(signum, lambda n, _f: caught.append(n))
                for signum in _HELD}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])


def _child_signals() -> None:
    """In a child process: SIGTERM ends it at once and Ctrl-C is the parent's to handle;
    then take the signals held since the fork."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


@contextlib.contextmanager
def _pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers are ended, not waited for, when the build stops
    early (an error, Ctrl-C, SIGTERM): a page layout can take many seconds."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_child_signals,
                               mp_context=multiprocessing.get_context(_START_METHOD))
    try:
        yield pool
    except BaseException:
        # ProcessPoolExecutor has no public way to stop running tasks before 3.14.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _draw_maps(source: Path, map_style: Path) -> None:
    _child_signals()
    from ..maps.appendix import prefetch

    prefetch(source, map_style)


def _draw_maps_beside(source: Path, house: HouseStyle) -> Callable[[], None]:
    """Start drawing ``source``'s maps into the cache in another process; return a waiter.
    When the build stops early, the child is ended with SIGTERM (it is a daemon)."""
    process = multiprocessing.get_context(_START_METHOD).Process(
        target=_draw_maps, args=(source, house.file("maps.yml")), daemon=True)
    with _forking():
        process.start()
    return process.join


def _render_all(todo: dict[Path, list[str]], jobs: int, progress: Progress | None,
                allow_remote: bool, houses: dict[Path, HouseStyle],
                strict: bool = False) -> dict[Path, Built]:
    """Render every (source, formats) in ``todo``, in ``jobs`` processes."""
    say = progress or (lambda _msg: None)
    results: dict[Path, Built] = {}
    if jobs <= 1:
        for source, formats in todo.items():
            say(f"building {source.name}: {', '.join(formats)}")
            results[source] = build_source(source, formats, allow_remote, houses[source],
                                           strict)
        return results
    if len(todo) >= jobs:
        with _pool(jobs) as pool:
            with _forking():  # the first submit forks the workers
                futures = {source: pool.submit(build_source, source, formats, allow_remote,
                                                houses[source], strict)
                           for source, formats in todo.items()}
            for n, (source, future) in enumerate(futures.items(), start=1):
                results[source] = future.result()
                say(f"built {n}/{len(futures)}: {source.name}")
        return results
    # Few sources: page layout (the slowest step) runs in a worker beside the other
    # formats. The worker starts first, loading its layout engine while the text is
    # parsed and linked here and the maps are drawn in a third process.
    layouts = [fmt for fmt in dict.fromkeys(f for fs in todo.values() for f in fs)
               if adapter(fmt).LAYS_OUT_PAGES]
    with _pool(jobs - 1) as pool:
        with _forking():  # the first submit forks the workers
            for fmt in layouts:
                for _ in range(min(jobs - 1, len(todo))):
                    pool.submit(_warm_up, fmt)
        remote: dict[Path, list[Future]] = {}
        prepared: dict[Path, RenderContext] = {}
        for source, formats in todo.items():
            say(f"reading {source.name}")
            house = houses[source]
            ctx = context(prepare(source, allow_remote,
                                  maps_ready=_draw_maps_beside(source, house), house=house,
                                  strict=strict))
            ctx.jobs = jobs  # a book's chapters are laid out in as many processes
            remote[source] = [pool.submit(render_one, _for_worker(ctx, fmt), fmt)
                              for fmt in formats if fmt in layouts]
            prepared[source] = ctx
        for source, formats in todo.items():
            ctx = prepared[source]
            local = []
            # Formats that take the layout's products (the EPUB's page numbers) wait for it.
            waiting = [fmt for fmt in formats if fmt not in layouts
                       and set(_needs(fmt)) & {k for f in formats if f in layouts
                                                for k in getattr(adapter(f), "PRODUCES", ())}]
            for fmt in formats:
                if fmt not in layouts and fmt not in waiting:
                    say(f"building {source.name}: {fmt}")
                    local.append(render_one(ctx, fmt))
            for future in remote[source]:
                say(f"laying out {source.name}")
                local.append(future.result())
                ctx.extras.update(local[-1].extras)
            for fmt in waiting:
                say(f"building {source.name}: {fmt}")
                local.append(render_one(ctx, fmt))
            order = {fmt: i for i, fmt in enumerate(formats)}
            from ..publish.articles import article_of

            results[source] = Built(ctx.doc.slug, sorted(local, key=lambda r: order[r.format]),
                                    ctx.doc.warnings, article_of(ctx.doc))
    return results


class Executor(Protocol):
    """Where the stale sources are built: local processes, or a Dask cluster."""

    def run(self, todo: dict[Path, list[str]], houses: dict[Path, HouseStyle],
            allow_remote: bool, write: Callable[[Path, Built], None],
            progress: Progress | None, strict: bool = False) -> list[ExporterError]:
        """Build ``todo`` (source -> formats), handing each result to ``write``; return
        the errors of the sources that failed and were not allowed to stop the build."""
        ...


@dataclass(frozen=True)
class LocalProcesses:
    """The default: ``jobs`` processes on this machine; the first error stops the build
    before anything is written."""

    jobs: int

    def run(self, todo, houses, allow_remote, write, progress,
            strict: bool = False) -> list[ExporterError]:
        for source, built in _render_all(todo, self.jobs, progress, allow_remote,
                                         houses, strict).items():
            write(source, built)
        return []


def build(sources: Sequence[Path], formats: Sequence[str] | None, out_dir: Path,
          progress: Progress | None = None, jobs: int | None = None,
          force: bool = False, allow_remote: bool = False,
          warn: Callable[[str], None] | None = None,
          styles: Path | None = None, paper: str | None = None,
          scheduler: str | None = None, notice: Callable[[str], None] | None = None,
          strict: bool = False) -> list[Edition]:
    """Build every source in every format into ``out_dir``; return the editions.

    ``allow_remote`` lets http(s) images be fetched; ``warn`` receives located warnings;
    ``styles`` is a folder of house-style overrides (default: ``styles/`` beside the
    sources' folder, see ``styles.house_style``); ``paper`` (``--paper``) sets the paper
    of the paged editions over the front-matter's and the theme's. With ``scheduler`` (a
    Dask scheduler's address) the sources are built on that cluster; ``notice`` receives
    what the user should see of it (the dashboard's address). ``strict`` makes warnings
    errors.
    """
    from . import freshness
    from ..read.collection import source_slug

    formats = list(dict.fromkeys(formats or DEFAULT_FORMATS))
    for name in formats:
        adapter(name)  # unknown names fail here, before any work
    paths = find_sources(sources)
    slugs = [source_slug(p) for p in paths]
    duplicate = next((s for s in slugs if slugs.count(s) > 1), None)
    if duplicate:
        raise SourceError(f"two sources would both be written as '{duplicate}'",
                          hint="rename one of them")
    editions: dict[tuple[Path, str], Edition] = {}
    todo: dict[Path, list[str]] = {}
    digests: dict[tuple[Path, str], str] = {}
    if paper is not None:
        from dataclasses import replace

        from ..house.paper import paper as known_paper

        paper = known_paper(paper).name  # an unknown paper fails here, before any work
    houses = {source: house_style(source, styles) for source in paths}
    if paper is not None:
        houses = {source: replace(house, paper=paper) for source, house in houses.items()}
    for source, slug in zip(paths, slugs):
        for fmt in formats:
            target = out_dir / file_name(fmt, slug)
            digest = digests[source, fmt] = freshness.input_digest(
                source, fmt, houses[source], shaped_by=(fmt, *_producers(fmt)))
            known = None if force else freshness.is_fresh(target, digest)
            if known is not None:
                editions[source, fmt] = Edition(fmt, target, target.stat().st_size, 0.0,
                                                known.get("pages"), known.get("words"),
                                                skipped=True)
            else:
                todo.setdefault(source, []).append(fmt)
    results: dict[Path, Built] = {}

    def write(source: Path, built: Built) -> None:
        results[source] = built
        for warning in built.warnings:
            (warn or (lambda _w: None))(warning)
        # Editions that must pass a validator (the EPUB: EPUBCheck) are checked before
        # any edition of their source is replaced: one that fails leaves them in place.
        for item in built.rendered:
            module = adapter(item.format)
            if hasattr(module, "verify"):
                if progress:
                    progress(f"checking {built.slug}.{module.EXTENSION}")
                module.verify(item.data, f"{built.slug}.{module.EXTENSION}")
        for item in built.rendered:
            target = out_dir / file_name(item.format, built.slug)
            # An edition rendered again to the same bytes (a print style that moved no
            # page break, for the EPUB) is left as it was.
            same = target.is_file() and target.stat().st_size == len(item.data) \
                and target.read_bytes() == item.data
            if not same:
                write_atomically(target, item.data)
            freshness.record(target, digests[source, item.format], item.data,
                             pages=item.pages, words=item.words)
            editions[source, item.format] = Edition(item.format, target, len(item.data),
                                                    item.seconds, item.pages, item.words,
                                                    skipped=same)

    if todo:
        if scheduler:
            from .cluster.dask_runner import DaskCluster

            executor: Executor = DaskCluster(scheduler, notice)
        else:
            executor = LocalProcesses(max(1, jobs or os.cpu_count() or 1))
        failures = executor.run(todo, houses, allow_remote, write, progress, strict)
        if failures:
            raise BuildError(
                f"{len(failures)} of {len(todo)} sources failed:\n"
                + "\n".join(f"  {error}" for error in failures),
                hint="the other editions were written; fix these and build again")
    articles = _articles(paths, slugs, results, out_dir, allow_remote, houses)
    return [dataclasses.replace(editions[source, fmt], slug=slug, article=articles[source],
                                media_type=adapter(fmt).MEDIA_TYPE)
            for source, slug in zip(paths, slugs) for fmt in formats]


def _articles(paths: Sequence[Path], slugs: Sequence[str], results: dict[Path, Built],
              out_dir: Path, allow_remote: bool,
              houses: dict[Path, HouseStyle]) -> dict[Path, object]:
    """Each source's article facts for the downloads page: from this build, else kept
    from an earlier one, else (an output folder from before they were kept) prepared."""
    from . import freshness
    from ..publish import articles

    found = {}
    for source, slug in zip(paths, slugs):
        digest = freshness.input_digest(source, "article", houses[source])
        built = results.get(source)
        article = None if built is not None else articles.load(out_dir, slug, digest)
        if article is None:
            article = (built.article if built is not None
                       else articles.article_of(prepare(source, allow_remote,
                                                        house=houses[source])))
            articles.save(out_dir, article, digest)
        found[source] = article
    return found
