"""PDF edition: the print layout (``layout``) written as a tagged PDF/UA-1 file.

The pages are laid out once; where each page begins is handed back to the build
(``PRODUCES``), so the EPUB can carry the same page numbers without a layout of its own.
"""

from __future__ import annotations

import os

from ..document import Document
from . import STYLES_DIR, RenderContext

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
    """Number of pages in a PDF edition (qpdf reads the page tree, not every object:
    pypdf parsed each link annotation and took longer than the layout on a book)."""
    known = _COUNTED.get(_digest(data))
    if known is not None:
        return known
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def warm_up() -> None:
    """Load WeasyPrint (about 0.4 s) before there is a document to lay out, and lay out
    a line of text in the editions' fonts: the first layout of a process loads fonts
    and fills Pango's caches (about 70 ms, measured)."""
    import weasyprint
    import weasyprint.urls  # noqa: F401

    weasyprint.HTML(string='<p lang="en">Warm <b>up</b> <i>fonts</i></p>').render(
        stylesheets=[weasyprint.CSS(filename=str(STYLES_DIR / "print.css"))]).write_pdf()


def _link_descriptions(parts) -> dict[str, str]:
    """Link target id -> what the link says it leads to (its accessible name).

    PDF/UA wants every link annotation described (/Contents); WeasyPrint writes the
    target's id there ("gref-lachin-corridor-2"), which means nothing read aloud.
    """
    import lxml.html

    found: dict[str, str] = {}
    for part in parts:
        if "<a" not in part.html:
            continue
        root = lxml.html.fragment_fromstring(part.html, create_parent="div")
        for link in root.iter("a"):
            href = link.get("href") or ""
            target = href[1:] if href.startswith("#") else href
            name = link.get("aria-label") or link.get("title") or " ".join(
                link.text_content().split())
            if target and name:
                found.setdefault(target, name)
    return found


def _describe_links(descriptions: dict[str, str]):
    """A WeasyPrint finisher that gives every link annotation its description."""
    import pydyf

    def finish(_document, pdf) -> None:
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/Link":
                target = obj.get("Contents")
                target = target.string if isinstance(target, pydyf.String) else None
                if target in descriptions:
                    obj["Contents"] = pydyf.String(descriptions[target])

    return finish


def render(doc: Document, ctx: RenderContext) -> bytes:
    """Lay ``doc`` out as a tagged PDF/UA-1 with metadata, bookmarks and embedded fonts."""
    from ..layout import PART_ID_PREFIX, lay_out
    from ..pagination import page_starts

    parts = ctx.html.parts
    document, root = lay_out(doc, parts, ctx.styles.css("print.css", "pdf"), ctx.timestamp)
    ctx.extras["page_starts"] = page_starts(document, root, PART_ID_PREFIX)
    # fontTools stamps embedded font subsets with "now" unless SOURCE_DATE_EPOCH is set.
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(ctx.timestamp)
    try:
        data = document.write_pdf(pdf_identifier=doc.meta.stable_identifier(doc.slug).encode(),
                                  pdf_variant="pdf/ua-1",
                                  finisher=_describe_links(_link_descriptions(parts)))
        if len(_COUNTED) > 8:  # a long-lived worker (``exporter watch``) keeps only a few
            _COUNTED.clear()
        _COUNTED[_digest(data)] = len(document.pages)
        return data
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
