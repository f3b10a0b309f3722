"""Booklet: the print layout on half sheets, imposed two-up for saddle stitching.

The article is laid out on A5 pages (half-letter with ``--paper Letter``) and the
pages are placed two to a side of A4 (Letter) landscape sheets in saddle-stitch order
(``imposition.saddle_stitch``), blank pages added to make a multiple of four: printed
double-sided (flip on the short edge), folded and stapled, it reads in order.
"""

from __future__ import annotations

from ..document import Document
from . import RenderContext

EXTENSION = "pdf"
SUFFIX = "-booklet"
MEDIA_TYPE = "application/pdf"
USES_HTML = True
LAYS_OUT_PAGES = True


def pages(data: bytes) -> int:
    """Number of sheet sides in the booklet (twice the sheets)."""
    from ..typeset.layout import page_count

    return page_count(data)


def warm_up() -> None:
    """Load WeasyPrint and pikepdf, and lay out a line in the editions' fonts, before
    there is a document to lay out."""
    import pikepdf  # noqa: F401

    from ..typeset.layout import warm_up as warm_layout

    warm_layout()


def render(doc: Document, ctx: RenderContext) -> bytes:
    """Lay ``doc`` out on the booklet's pages and impose them on sheets."""
    from ..typeset.imposition import saddle_stitch
    from ..typeset.layout import lay_out, paper_of, stylesheet, write_pdf
    from ..house.paper import SHEETS_MM, booklet_paper

    page, sheet = booklet_paper(paper_of(doc, ctx.styles).name)
    parts = ctx.html.parts
    document, _root = lay_out(doc, parts, stylesheet(ctx.styles, page, lang=doc.meta.lang), ctx.timestamp)
    # Untagged: imposed pages keep no reading order a screen reader could follow.
    data = write_pdf(document, doc, parts, ctx.timestamp, None, tagged=False)
    return saddle_stitch(data, SHEETS_MM[sheet], rtl=doc.meta.direction == "rtl")
