"""PDF edition: the print layout (``layout``) written as a tagged PDF/UA-1 file.

The pages are laid out once; where each page begins is handed back to the build
(``PRODUCES``), so the EPUB can carry the same page numbers without a layout of its own.
"""

from __future__ import annotations

from ..document import Document
from . import RenderContext

EXTENSION = "pdf"
MEDIA_TYPE = "application/pdf"
USES_HTML = True
LAYS_OUT_PAGES = True
#: What rendering this format leaves in ``ctx.extras`` for other formats.
PRODUCES = ("page_starts",)

#: Page counts of the PDFs this process laid out, by digest, so that ``pages`` need not
#: import pypdf (0.17 CPU s, measured) to read back what WeasyPrint just counted.
_COUNTED: dict[bytes, int] = {}


def _digest(data: bytes) -> bytes:
    import hashlib

    return hashlib.blake2b(data, digest_size=16).digest()


def pages(data: bytes) -> int:
    """Number of pages in a PDF edition (counted at layout when this process made it)."""
    known = _COUNTED.get(_digest(data))
    if known is not None:
        return known
    from ..typeset.layout import page_count

    return page_count(data)


def warm_up() -> None:
    """Load WeasyPrint (about 0.4 s) before there is a document to lay out, and lay out
    a line in the editions' fonts (``layout.warm_up``)."""
    from ..typeset.layout import warm_up as warm_layout

    warm_layout()


def render(doc: Document, ctx: RenderContext) -> bytes:
    """Lay ``doc`` out as a tagged PDF/UA-1 with metadata, bookmarks and embedded fonts."""
    from ..typeset.chapter_layout import lay_out_book, units_of
    from ..typeset.layout import PART_ID_PREFIX, chosen_paper, lay_out, stylesheet, write_pdf
    from ..typeset.pagination import page_starts

    parts = ctx.html.parts
    css = stylesheet(ctx.styles, chosen_paper(doc, ctx.styles), lang=doc.meta.lang)
    units = units_of(parts, bool(doc.chapters))
    if units is not None:  # a collection or a long book: laid out by chapter, cached
        book = lay_out_book(doc, units, css, ctx.timestamp, ctx.jobs)
        ctx.extras["page_starts"] = book.starts
        _remember(book.pdf, book.pages)
        return book.pdf
    document, root = lay_out(doc, parts, css, ctx.timestamp)
    ctx.extras["page_starts"] = page_starts(document, root, PART_ID_PREFIX)
    data = write_pdf(document, doc, parts, ctx.timestamp, "pdf/ua-1")
    _remember(data, len(document.pages))
    return data


def _remember(data: bytes, pages: int) -> None:
    if len(_COUNTED) > 8:  # a long-lived worker (``exporter watch``) keeps only a few
        _COUNTED.clear()
    _COUNTED[_digest(data)] = pages
