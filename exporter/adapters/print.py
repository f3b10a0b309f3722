"""Print-shop PDF: the print layout as PDF/X-4, with bleed and crop marks.

The same pages as the PDF edition (same paper, same breaks: ``layout``), laid out
with the front-matter's bleed (``print: {bleed_mm: 3}``): TrimBox at the paper size,
BleedBox at the bleed, and crop marks outside both (``imposition.add_crop_marks``).
The file is for a print shop's workflow (PDF/X-4: fonts embedded, TrimBox, the
FOGRA39 output intent; text and rules in black ink alone, colours in the press's CMYK:
``typeset/presscolour``); it keeps the structure tags, but readers get the PDF/UA
edition, ``<slug>.pdf``.
"""

from __future__ import annotations

from ..document import Document
from . import RenderContext

EXTENSION = "pdf"
SUFFIX = "-print"
MEDIA_TYPE = "application/pdf"
USES_HTML = True
LAYS_OUT_PAGES = True


def pages(data: bytes) -> int:
    """Number of pages in the print PDF."""
    from ..typeset.layout import page_count

    return page_count(data)


def warm_up() -> None:
    """Load WeasyPrint and pikepdf, and lay out a line in the editions' fonts, before
    there is a document to lay out."""
    import pikepdf  # noqa: F401

    from ..typeset.layout import warm_up as warm_layout

    warm_layout()


def render(doc: Document, ctx: RenderContext) -> bytes:
    """Lay ``doc`` out with bleed and write it as PDF/X-4 with crop marks."""
    from ..typeset.imposition import add_crop_marks
    from ..typeset.presscolour import to_press
    from ..typeset.layout import chosen_paper, lay_out, stylesheet, write_pdf
    from ..read.metadata import PrintSettings

    settings = doc.meta.print or PrintSettings()
    paper = chosen_paper(doc, ctx.styles)
    parts = ctx.html.parts
    # Laid out in sRGB, the space the styles and the maps are drawn in, then converted
    # to the press's CMYK with the FOGRA39 profile the exporter ships, which is the
    # file's one output intent (``presscolour``): text and rules in black ink alone.
    document, _root = lay_out(doc, parts, stylesheet(ctx.styles, paper, settings.bleed_mm, doc.meta.lang),
                              ctx.timestamp)
    data = write_pdf(document, doc, parts, ctx.timestamp, "pdf/x-4")
    if settings.crop_marks:
        data = add_crop_marks(data, settings.bleed_mm)
    return to_press(data)
