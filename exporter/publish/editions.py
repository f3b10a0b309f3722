"""What a reader is told about one edition file: its format in plain words, and the
accessibility statement read from the file itself (never assumed)."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

#: Format name -> (what the page calls it, what it is for). Formats the registry may gain
#: later (print-shop PDF, booklet) have their words here already; an unknown format is
#: named by its file extension.
PLAIN_WORDS: dict[str, tuple[str, str]] = {
    "epub": ("EPUB", "for e-readers and phones"),
    "pdf": ("PDF", "to read on screen or print"),
    "print": ("Print-ready PDF", "for a print shop, with bleed and crop marks"),
    "booklet": ("Booklet to print and fold", "A5 pages on A4 sheets, printed on both sides"),
    "docx": ("Word document", "to edit in Word or LibreOffice"),
}


def plain_words(fmt: str, file_name: str) -> tuple[str, str]:
    """(name, purpose) of a format for readers, e.g. ("EPUB", "for e-readers and phones")."""
    return PLAIN_WORDS.get(fmt, (Path(file_name).suffix.lstrip(".").upper() or fmt, ""))


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _epub_summary(path: Path) -> str | None:
    """``schema:accessibilitySummary`` from the EPUB's package document, if it has one."""
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as z:
            container = etree.fromstring(z.read("META-INF/container.xml"))
            rootfile = container.find(".//{*}rootfile")
            opf = etree.fromstring(z.read(rootfile.get("full-path")))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, AttributeError):
        return None
    for meta in opf.iter("{*}meta"):
        if meta.get("property") == "schema:accessibilitySummary" and (meta.text or "").strip():
            return " ".join(meta.text.split())
        if meta.get("name") == "schema:accessibilitySummary" and meta.get("content"):
            return " ".join(meta.get("content").split())
    return None


def _pdf_summary(path: Path) -> str | None:
    """What the PDF's catalogue says about its structure: tags, language, bookmarks."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        root = PdfReader(path).trailer["/Root"]
        mark_info = root.get("/MarkInfo")
        tagged = "/StructTreeRoot" in root and bool(
            mark_info and mark_info.get_object().get("/Marked"))
        metadata = root.get("/Metadata")
        ua = metadata is not None and b"pdfuaid:part" in metadata.get_object().get_data()
        facts = [("Tagged PDF/UA-1" if ua else "Tagged PDF")
                 + ": screen readers can follow its headings, lists and figures, and every "
                   "figure has a text description" * ua
                 if tagged else
                 "Untagged PDF: screen readers get the text but not its structure"]
        if "/Lang" in root:
            facts.append(f"language set ({root['/Lang']})")
        if "/Outlines" in root:
            facts.append("bookmarks for each section")
    except (PdfReadError, OSError, KeyError, ValueError):
        return None
    return "; ".join(facts) + "."


def _docx_summary(path: Path) -> str | None:
    """Whether the DOCX uses heading styles and gives every image a text alternative."""
    try:
        with zipfile.ZipFile(path) as z:
            body = z.read("word/document.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    facts = []
    if re.search(r'<w:pStyle w:val="Heading\d"', body):
        facts.append("Word heading styles, so the navigation pane lists its sections")
    images = re.findall(r"<wp:docPr\b[^>]*>", body)
    if images:
        described = sum(1 for tag in images if re.search(r'\bdescr="[^"]+"', tag))
        facts.append("every image has a text description" if described == len(images)
                     else f"{len(images) - described} of {len(images)} images "
                          "have no text description")
    if not facts:
        return None
    text = "; ".join(facts) + "."
    return text[0].upper() + text[1:]


_SUMMARIES = {".epub": _epub_summary, ".pdf": _pdf_summary, ".docx": _docx_summary}


def accessibility_summary(path: Path) -> str | None:
    """The edition's accessibility statement, as the file itself declares it; None if it
    declares none (the EPUB's ``schema:accessibilitySummary``; for PDF and DOCX, what
    their structure shows)."""
    reader = _SUMMARIES.get(path.suffix.lower())
    return reader(path) if reader else None
