"""What a reader is told about one edition file: its format in plain words, and the
accessibility statement read from the file itself (never assumed)."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from ..i18n import Words, words

#: Format name -> (what the page calls it, what it is for), in English (the messages;
#: ``plain_words`` gives them in the reader's language). Formats the registry may gain
#: later have their words here already; an unknown format is named by its extension.
PLAIN_WORDS: dict[str, tuple[str, str]] = {
    "html": ("Web page", "to read in any browser, phones too"),
    "epub": ("EPUB", "for e-readers and phones"),
    "pdf": ("PDF", "to read on screen or print"),
    "print": ("Print-ready PDF", "for a print shop, with bleed and crop marks"),
    "booklet": ("Booklet to print and fold", "A5 pages on A4 sheets, printed on both sides"),
    "docx": ("Word document", "to edit in Word or LibreOffice"),
}


def _plain_words_marked(_: Words) -> None:
    """The words of PLAIN_WORDS as messages (so that the extractor finds them)."""
    _("Web page"), _("to read in any browser, phones too")
    _("EPUB"), _("for e-readers and phones"), _("PDF"), _("to read on screen or print")
    _("Print-ready PDF"), _("for a print shop, with bleed and crop marks")
    _("Booklet to print and fold"), _("A5 pages on A4 sheets, printed on both sides")
    _("Word document"), _("to edit in Word or LibreOffice")


def plain_words(fmt: str, file_name: str, lang: str = "en") -> tuple[str, str]:
    """(name, purpose) of a format for readers in ``lang``, e.g. ("EPUB", "for e-readers
    and phones")."""
    if fmt not in PLAIN_WORDS:
        return Path(file_name).suffix.lstrip(".").upper() or fmt, ""
    _ = words(lang)
    name, purpose = PLAIN_WORDS[fmt]
    return _(name), _(purpose)


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


def _pdf_summary(path: Path, _: Words) -> str | None:
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
        if not tagged:
            facts = [_("Untagged PDF: screen readers get the text but not its structure")]
        elif ua:
            facts = [_("Tagged PDF/UA-1: screen readers can follow its headings, lists and "
                       "figures, and every figure has a text description")]
        else:
            facts = [_("Tagged PDF")]
        if "/Lang" in root:
            facts.append(_("language set ({lang})", lang=str(root["/Lang"])))
        if "/Outlines" in root:
            facts.append(_("bookmarks for each section"))
    except (PdfReadError, OSError, KeyError, ValueError):
        return None
    return _("; ").join(facts) + _(".")


def _docx_summary(path: Path, _: Words) -> str | None:
    """Whether the DOCX uses heading styles and gives every image a text alternative."""
    try:
        with zipfile.ZipFile(path) as z:
            body = z.read("word/document.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    facts = []
    if re.search(r'<w:pStyle w:val="Heading\d"', body):
        facts.append(_("Word heading styles, so the navigation pane lists its sections"))
    images = re.findall(r"<wp:docPr\b[^>]*>", body)
    if images:
        described = sum(1 for tag in images if re.search(r'\bdescr="[^"]+"', tag))
        missing = len(images) - described
        facts.append(_("every image has a text description") if not missing
                     else _.n("{n} of {total} images has no text description",
                              "{n} of {total} images have no text description", missing,
                              n=_.number(missing), total=_.number(len(images))))
    if not facts:
        return None
    text = _("; ").join(facts) + _(".")
    return text[0].upper() + text[1:]


def _html_summary(path: Path, _: Words) -> str | None:
    """``accessibilitySummary`` from the web edition's JSON-LD, if it has one."""
    import json

    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for found in re.findall(r'<script type="application/ld\+json">([\s\S]*?)</script>', text):
        try:
            summary = json.loads(found).get("accessibilitySummary")
        except (ValueError, AttributeError):
            continue
        if summary:
            return " ".join(str(summary).split())
    return None


_SUMMARIES = {".pdf": _pdf_summary, ".docx": _docx_summary, ".html": _html_summary}


def accessibility_summary(path: Path, lang: str = "en") -> str | None:
    """The edition's accessibility statement, as the file itself declares it; None if it
    declares none (the EPUB's ``schema:accessibilitySummary``, in the EPUB's language,
    and the web edition's JSON-LD ``accessibilitySummary``, in its own; for PDF and DOCX, what their structure shows, said in ``lang``)."""
    suffix = path.suffix.lower()
    if suffix == ".epub":
        return _epub_summary(path)
    reader = _SUMMARIES.get(suffix)
    return reader(path, words(lang)) if reader else None
