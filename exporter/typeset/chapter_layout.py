"""Chapter-parallel, cached page layout of collections and long books.

A book laid out as one WeasyPrint document is laid out in full after any edit. Here it
is cut into *units*, each laid out as a document of its own, in worker processes:

- the front matter (the title page, and a collection's contents page),
- one unit per chapter (a collection's introduction and articles, a long article's
  top-level sections),
- the back matter (the glossary, the maps and the gazetteer), laid out last.

Chapters start on a right-hand page (print.css), but one that follows a chapter of
a single page, which starts on the next page (``_placement``); chapters carry no page
numbers of their own: the folios are drawn afterwards for the whole book, in one small document
(``folio_css``) laid over the pages. So a chapter's layout does not depend on where
it falls in the book, and is cached under a hash of its HTML, the styles, its
resources and the engine: after an edit only the changed chapter is laid out again.
The pages that show other pages' numbers (the contents' and the glossary's
``target-counter``) get the numbers written into their HTML once the chapters'
pages are known (``data-page``). ``pdfmerge`` joins the units' PDFs into one tagged
PDF with one copy of each font.

The pages come out as in one document of the same HTML (tests compare the two).
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .. import cache
from ..document import Document
from ..house.fonts import book_face_digests
from .layout import LAYOUT_MEDIA_TYPES, PART_ID_PREFIX, lay_out, part_classes, print_html, write_pdf
from .pagination import PageStart, page_starts

#: Chapter units needed before a single article is laid out by chapter (a collection
#: always is): below this the single layout is as fast.
MIN_CHAPTERS = 4

#: Bumped when what a unit's cached layout holds changes.
_CACHE_FORMAT = "units-7"  # 5: tags finished (pdftags); 6: chapters set long (breaks); 7: part-front, running heads
_NAMESPACE = "chapter-layout"


@dataclass(frozen=True)
class Unit:
    """A stretch of the book laid out as one document."""

    kind: str  # "front", "chapter" or "back"
    parts: tuple  # html.Part

    @property
    def on_right(self) -> bool:
        """Whether the unit starts on a recto (``break-before: recto``): a right-hand
        page, or a left-hand one in a right-to-left book."""
        return "part-chapter" in part_classes(self.parts[0]).split()


def units_of(parts: Sequence, collection: bool) -> list[Unit] | None:
    """The book cut into units, or None when it is laid out as one document (a short
    article: fewer than ``MIN_CHAPTERS`` chapters and not a collection)."""
    out: list[Unit] = []
    front: list = []
    back: list = []
    for part in parts:
        classes = part_classes(part).split()
        if "part-appendix" in classes:
            back.append(part)
        elif back:  # body after an appendix: keep the document's order, lay out whole
            return None
        elif part.id == "title" or "toc" in part.epub_type.split():
            if out:
                return None
            front.append(part)
        elif "part-chapter" in classes or part.id == "article":
            out.append(Unit("chapter", (part,)))
        elif out:
            out[-1] = Unit("chapter", out[-1].parts + (part,))
        else:
            front.append(part)
    if not collection and len(out) < MIN_CHAPTERS:
        return None
    return ([Unit("front", tuple(front))] if front else []) + out + (
        [Unit("back", tuple(back))] if back else [])


@dataclass(frozen=True)
class LaidOut:
    """A unit's layout: its PDF and what the book needs to know about its pages."""

    pdf: bytes
    #: Each page's named page ("" for none), for the folio pages.
    page_names: tuple[str, ...]
    #: Which pages the layout left blank (a chapter waiting for a right-hand page).
    blank: tuple[bool, ...]
    #: Anchor id -> index of its page in this unit.
    anchors: dict[str, int]
    #: Ids this unit links to that live in other units (given stand-in anchors).
    borrowed: tuple[str, ...]
    #: Where each page begins, numbered from 1 in this unit.
    starts: tuple[PageStart, ...]
    #: The axis values of each variable font (by PDF font name), embedded here as a
    #: variable subset and made static once for the book (``pdfmerge``).
    variations: dict[str, dict[str, float]]

    @property
    def pages(self) -> int:
        return len(self.page_names)

    def to_bytes(self) -> bytes:
        head = json.dumps({"page_names": self.page_names, "blank": self.blank,
                           "anchors": self.anchors,
                           "borrowed": self.borrowed, "variations": self.variations,
                           "starts": [[s.number, s.part, list(s.path), s.offset]
                                      for s in self.starts]}).encode()
        return len(head).to_bytes(8, "big") + head + self.pdf

    @classmethod
    def from_bytes(cls, data: bytes) -> LaidOut:
        size = int.from_bytes(data[:8], "big")
        head = json.loads(data[8:8 + size])
        return cls(data[8 + size:], tuple(head["page_names"]), tuple(head["blank"]),
                   head["anchors"],
                   tuple(head["borrowed"]),
                   tuple(PageStart(n, p, tuple(path), o) for n, p, path, o in head["starts"]),
                   head["variations"])


# -- stylesheets ------------------------------------------------------------------------

_STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\''
_CONTENT = re.compile(r"(?<![-\w])content\s*:\s*((?:%s|[^;{}\"'])*)" % _STRING)
_FOLIO = re.compile(r"(?<![-\w])counter\(\s*pages?\s*[,)]")
_FIRST = re.compile(r"@page\s*:first\b")
_TARGET_PAGE = re.compile(r"target-counter\(\s*attr\(\s*href(?:\s+url)?\s*\)\s*,\s*page\s*\)")


def _contents(css: str, keep) -> str:
    """``css`` with each ``content`` declaration whose value ``keep`` refuses set to none."""
    return _CONTENT.sub(lambda m: m.group(0) if keep(m.group(1)) else "content: none", css)


def unit_css(stylesheet: str, unit: Unit, first_page: int) -> str:
    """The stylesheet of a unit laid out from page ``first_page``: no folios (drawn for
    the book afterwards), ``:first`` only on the book's first page, page references
    read from ``data-page``, and the first page on the side it has in the book."""
    css = _contents(stylesheet, lambda value: not _FOLIO.search(value))
    if first_page != 1:
        css = _FIRST.sub("@page exporter-not-first", css)
    if unit.kind != "chapter":
        css = _TARGET_PAGE.sub("attr(data-page)", css)
    if first_page % 2 == 0:  # an even page is a verso, left or (right to left) right
        css += "\nhtml { break-before: verso; }\n"
    return css


def folio_css(stylesheet: str) -> str:
    """The stylesheet of the folio pages: only what shows page numbers."""
    return _contents(stylesheet, lambda value: bool(_FOLIO.search(value)))


def folio_html(lang: str, names: Sequence[str], blank: Sequence[bool],
               direction: str = "ltr") -> str:
    """One empty page per page of the book, on its named page; a blank page of the book
    is left blank here by breaking to the side the next page is on."""
    pages = []
    number = 0
    for name, empty in zip(names, blank):
        number += 1
        if empty:
            continue
        page = f"page: {name};" if name else ""
        if number == 1:
            brk = ""
        elif blank[number - 2]:
            brk = "break-before: recto;" if number % 2 else "break-before: verso;"
        else:
            brk = "break-before: page;"
        pages.append(f'<div style="{brk} {page} height: 1px"></div>')
    return (f'<!DOCTYPE html><html lang="{html.escape(lang)}" dir="{direction}"><head>'
            f'<meta charset="utf-8"><title>'
            f'</title></head><body>{"".join(pages)}</body></html>')


# -- page references --------------------------------------------------------------------

_LINK = re.compile(r'<a\b([^>]*?)\bhref="#([^"]+)"')
_ID = re.compile(r'\bid="([^"]+)"')


def with_page_numbers(unit: Unit, numbers: dict[str, int]) -> Unit:
    """``unit`` with ``data-page`` on each link to an anchor of another unit whose page
    is known (``numbers``: anchor id -> page number in the book)."""
    own = {ident for part in unit.parts for ident in _ID.findall(part.html)}

    def add(match: re.Match) -> str:
        number = numbers.get(match.group(2))
        if number is None or match.group(2) in own or "data-page=" in match.group(1):
            return match.group(0)
        return f'<a{match.group(1)}data-page="{number}" href="#{match.group(2)}"'

    from dataclasses import replace

    return Unit(unit.kind, tuple(replace(p, html=_LINK.sub(add, p.html)) for p in unit.parts))


# -- laying out a unit ------------------------------------------------------------------

def _unit_key(doc: Document, unit: Unit, css: str, timestamp: int) -> str:
    import weasyprint

    markup = print_html(doc, unit.parts, timestamp)
    used = sorted(set(re.findall(r'resource:([^"\')\s]+)', markup)))
    resources = []
    for name in used:
        resource = doc.resources.get(name)
        if resource is not None:
            resources.append(name)
            media_type, data = resource.best(LAYOUT_MEDIA_TYPES)  # what the layout reads
            resources.append(cache.digest(media_type, data))
    return cache.digest(_CACHE_FORMAT, weasyprint.__version__, unit.kind, markup, css,
                        *resources, _fonts_key())


def _fonts_key() -> str:
    """The book face's files, as cache keys count them."""
    return ",".join(f"{style}={digest}" for style, digest in sorted(book_face_digests().items()))


def cached_unit(doc: Document, unit: Unit, css: str, timestamp: int
                ) -> tuple[str, LaidOut | None]:
    """The cache key of ``unit``'s layout, and the layout if it is cached."""
    key = _unit_key(doc, unit, css, timestamp)
    hit = cache.get(_NAMESPACE, key)
    return key, (LaidOut.from_bytes(hit) if hit is not None else None)


def lay_out_unit(doc: Document, unit: Unit, css: str, timestamp: int,
                 key: str | None = None) -> LaidOut:
    """Lay ``unit`` out alone: its tagged PDF, pages and anchors (cached under ``key``)."""
    if key is None:
        key, hit = cached_unit(doc, unit, css, timestamp)
        if hit is not None:
            return hit
    document, root = lay_out(doc, unit.parts, css, timestamp)
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    links = {target for page in document.pages for kind, target, _r, _b in page.links
             if kind == "internal"}
    borrowed = tuple(sorted(links - anchors.keys()))
    # A link to another unit keeps its annotation (and its tag) with a stand-in anchor
    # on the first page; the book's destinations replace the stand-ins (``pdfmerge``).
    for name in borrowed:
        document.pages[0].anchors[name] = (0, 0, 0, 0)
    with variable_fonts_kept() as variations:
        data = write_pdf(document, doc, unit.parts, timestamp, "pdf/ua-1")
    types = [page._page_box.page_type for page in document.pages]
    result = LaidOut(data, tuple(t.name or "" for t in types), tuple(t.blank for t in types),
                     anchors, borrowed,
                     page_starts(document, root, PART_ID_PREFIX), variations)
    cache.put(_NAMESPACE, key, result.to_bytes())
    return result


@contextlib.contextmanager
def variable_fonts_kept() -> Iterator[dict[str, dict[str, float]]]:
    """While WeasyPrint writes a unit, embed its variable fonts' subsets as they are
    and record the axis values it would have set (``{font name: {axis: value}}``).

    Making a subset static costs WeasyPrint about 0.13 s a font whatever the subset's
    size (it walks every glyph id of the font): 9 fonts in each of 25 chapters took
    longer than laying the chapters out. The book makes each font static once.
    """
    from weasyprint.pdf import fonts as pdf_fonts

    found: dict[str, dict[str, float]] = {}
    calls: list[dict] = []
    clean, instantiate = pdf_fonts.Font.clean, pdf_fonts.instantiateVariableFont

    def record(ttfont, variations, **_options):
        calls.append(dict(variations))
        return ttfont

    def clean_keeping_variations(font, to_unicode, hinting):
        calls.clear()
        clean(font, to_unicode, hinting)
        if calls:
            found[font.name.decode()[1:]] = calls[0]

    pdf_fonts.Font.clean, pdf_fonts.instantiateVariableFont = clean_keeping_variations, record
    try:
        yield found
    finally:
        pdf_fonts.Font.clean, pdf_fonts.instantiateVariableFont = clean, instantiate


# -- the book ---------------------------------------------------------------------------

#: What the workers lay out: set before they are forked, so nothing is pickled to them.
_JOB: dict = {}


def _lay_out_job(index: int, css: str, key: str) -> LaidOut:
    return lay_out_unit(_JOB["doc"], _JOB["units"][index], css, _JOB["timestamp"], key)


class _Workers:
    """Lay units out in ``jobs`` forked processes (in this one when ``jobs`` is 1)."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = None

    def __enter__(self):
        if self.jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("fork"))
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(wait=exc[0] is None, cancel_futures=True)

    def map(self, jobs: list[tuple[int, str, str]]) -> list[LaidOut]:
        if self.pool is None or len(jobs) == 1:
            return [_lay_out_job(*job) for job in jobs]
        futures = [self.pool.submit(_lay_out_job, *job) for job in jobs]
        return [f.result() for f in futures]


@dataclass
class Book:
    """The book's pages: the merged PDF and where each page begins."""

    pdf: bytes
    pages: int
    starts: tuple[PageStart, ...]


def _placement(units: list[Unit], counts: list[int]) -> tuple[list[int], list[bool]]:
    """Each unit's first page number in the book, and which pages of the book are
    blank (left so that a chapter starts on the right)."""
    firsts: list[int] = []
    blank: list[bool] = []
    page = 1
    for i, (unit, count) in enumerate(zip(units, counts)):
        # After a chapter of one page the next opens on the next page, left or right:
        # a short chapter costs one page, not two (``breaks.opening_after_short``).
        after_short = i > 0 and units[i - 1].kind == "chapter" and units[i - 1].on_right \
            and counts[i - 1] == 1
        if unit.on_right and page % 2 == 0 and firsts and not after_short:
            blank.append(True)
            page += 1
        firsts.append(page)
        blank += [False] * count
        page += count
    return firsts, blank


#: The pages a unit not yet laid out is taken to fill: more than one, so that the
#: chapters after it are first placed on a recto, where most chapters open.
_GUESS = 2


def lay_out_book(doc: Document, units: list[Unit], stylesheet: str, timestamp: int,
                 jobs: int = 1) -> Book:
    """Lay the book out by unit (``units_of``), in ``jobs`` processes, and merge."""
    from .pdfmerge import merge

    _JOB.update(doc=doc, timestamp=timestamp)
    resolved = list(units)
    laid: list[LaidOut | None] = [None] * len(units)
    inputs: list[tuple | None] = [None] * len(units)  # what each was laid out from
    numbers: dict[str, int] = {}
    # The front matter and the chapters first (their pages place everything); then the
    # units that show page numbers, again whenever the numbers they show have moved.
    for _round in range(6):
        counts = [lo.pages if lo is not None else _GUESS for lo in laid]
        firsts, _ = _placement(units, counts)
        todo = []
        changed = False
        for i, unit in enumerate(units):
            if unit.kind == "back" and _round == 0:
                continue
            if unit.kind != "chapter":
                resolved[i] = with_page_numbers(unit, numbers)
            css = unit_css(stylesheet, resolved[i], firsts[i])
            wanted = (css, tuple(p.html for p in resolved[i].parts))
            if wanted == inputs[i]:
                continue
            inputs[i] = wanted
            key, hit = cached_unit(doc, resolved[i], css, timestamp)
            if hit is not None:
                laid[i] = hit
                if hit.pages != counts[i]:  # the units after it start elsewhere
                    counts[i] = hit.pages
                    firsts, _ = _placement(units, counts)
            else:
                todo.append((i, css, key))
            changed = True
        if not changed:
            break
        _JOB["units"] = resolved
        if todo:
            with _Workers(min(jobs, len(todo))) as workers:
                for (i, _css, _key), result in zip(todo, workers.map(todo)):
                    laid[i] = result
        counts = [lo.pages if lo is not None else _GUESS for lo in laid]
        firsts, _ = _placement(units, counts)
        numbers = {}
        for i, result in enumerate(laid):
            for name, index in (result.anchors.items() if result is not None else ()):
                numbers.setdefault(name, firsts[i] + index)
    else:  # pragma: no cover - page counts that keep changing with their own numbers
        raise RuntimeError("the book's page numbers did not settle")
    counts = [lo.pages for lo in laid]
    firsts, blank = _placement(units, counts)
    starts = _book_starts(laid, firsts, blank)
    folios = _folios(doc, laid, blank, stylesheet, timestamp)
    variations = {name: axes for lo in laid + [folios] for name, axes in lo.variations.items()}
    data = merge([lo.pdf for lo in laid], firsts, len(blank), folios.pdf,
                 [set(lo.borrowed) for lo in laid], variations)
    return Book(data, len(blank), starts)


def _book_starts(laid: list[LaidOut], firsts: list[int],
                 blank: list[bool]) -> tuple[PageStart, ...]:
    """Every page's start, numbered in the book; a blank page where the next begins."""
    by_number: dict[int, PageStart] = {}
    for result, first in zip(laid, firsts):
        for s in result.starts:
            by_number[first + s.number - 1] = PageStart(first + s.number - 1, s.part,
                                                        s.path, s.offset)
    out = []
    for number in range(len(blank), 0, -1):
        start = by_number.get(number)
        if start is None and out:
            nxt = out[-1]
            start = PageStart(number, nxt.part, nxt.path, nxt.offset)
        if start is not None:
            out.append(start)
    return tuple(reversed(out))


def _folios(doc: Document, laid: list[LaidOut], blank: list[bool], stylesheet: str,
            timestamp: int) -> LaidOut:
    """The book's folio pages (page numbers only), as an untagged PDF (cached)."""
    names: list[str] = []
    empties: list[bool] = []
    pages = iter((n, b) for lo in laid for n, b in zip(lo.page_names, lo.blank))
    for empty in blank:
        name, empty_here = ("", True) if empty else next(pages)
        names.append(name)
        empties.append(empty_here)
    markup = folio_html(doc.meta.lang, names, empties, doc.meta.direction)
    css = folio_css(stylesheet)
    import weasyprint

    key = cache.digest(_CACHE_FORMAT, "folios", weasyprint.__version__, markup, css,
                       str(timestamp), _fonts_key())
    hit = cache.get(_NAMESPACE, key)
    if hit is not None:
        return LaidOut.from_bytes(hit)
    from .layout import font_configuration, resource_fetcher  # the same fonts and fetcher

    from .page_styles import install

    install()  # each page's styles in constant time
    fetcher = resource_fetcher(doc)
    fonts = font_configuration()
    source = weasyprint.HTML(string=markup, url_fetcher=fetcher, base_url="resource:")
    sheet = weasyprint.CSS(string=css, font_config=fonts, url_fetcher=fetcher,
                           base_url="resource:")
    document = source.render(stylesheets=[sheet], font_config=fonts)
    if len(document.pages) != len(blank):
        raise RuntimeError(f"folio pages: {len(document.pages)} for {len(blank)} pages")
    # Its fonts are joined with the chapters' (the same faces): kept variable like theirs.
    with variable_fonts_kept() as variations:
        data = write_pdf(document, doc, (), timestamp, None, tagged=False)
    result = LaidOut(data, tuple(names), tuple(empties), {}, (), (), variations)
    cache.put(_NAMESPACE, key, result.to_bytes())
    return result
