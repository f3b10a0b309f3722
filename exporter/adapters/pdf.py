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


def pages(data: bytes) -> int:
    """Number of pages in a PDF edition."""
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def warm_up() -> None:
    """Load WeasyPrint (about 0.4 s) and pypdf before there is a document to lay out."""
    import pypdf  # noqa: F401
    import weasyprint  # noqa: F401
    import weasyprint.urls  # noqa: F401


def render(doc: Document, ctx: RenderContext) -> bytes:
    """Lay ``doc`` out as a tagged PDF/UA-1 with metadata, bookmarks and embedded fonts."""
    from ..layout import PART_ID_PREFIX, chosen_paper, lay_out, stylesheet, write_pdf
    from ..pagination import page_starts

    parts = ctx.html.parts
    document, root = lay_out(doc, parts, stylesheet(ctx.styles, chosen_paper(doc, ctx.styles)),
                             ctx.timestamp)
    ctx.extras["page_starts"] = page_starts(document, root, PART_ID_PREFIX)
    return write_pdf(document, doc, parts, ctx.timestamp, "pdf/ua-1")
