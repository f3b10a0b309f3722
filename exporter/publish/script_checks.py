"""Checks of what a reader of another script sees: glyphs that print as empty boxes, and
a right-to-left language laid out left to right. Part of ``exporter check``.

A missing glyph is found the way it shows. Each font a PDF embeds maps the codes in its
text to glyphs (the encoding, then ``CIDToGIDMap``) and says in ``ToUnicode`` which
characters each code stands for; a code whose glyph is the font's ``.notdef`` (glyph 0)
or lies past the font's last glyph (WeasyPrint numbers a character no font on the
machine has that way) prints as an empty box.
"""

from __future__ import annotations

import io
import re
import unicodedata

_PAIR = r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>"


def _to_unicode(cmap: str) -> dict[int, str]:
    """Code -> the text a ``ToUnicode`` CMap says the code stands for."""
    found: dict[int, str] = {}

    def text(hex_string: str) -> str:
        return bytes.fromhex(hex_string).decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, target in re.findall(_PAIR, block):
            found[int(code, 16)] = text(target)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, target in re.findall(_PAIR + r"\s*<([0-9A-Fa-f]+)>", block):
            start = int(target, 16)
            for i in range(int(last, 16) - int(first, 16) + 1):
                if 0 <= start + i < 0x110000:
                    found[int(first, 16) + i] = chr(start + i)
    return found


def _cids(encoding) -> dict[int, int] | None:
    """Code -> CID of an embedded encoding CMap (None: Identity-H, the code is the CID)."""
    import pikepdf

    if not isinstance(encoding, pikepdf.Stream):
        return None
    cmap = encoding.read_bytes().decode("latin-1")
    found: dict[int, int] = {}
    for block in re.findall(r"begincidchar(.*?)endcidchar", cmap, re.S):
        for code, cid in re.findall(r"<([0-9A-Fa-f]+)>\s*(\d+)", block):
            found[int(code, 16)] = int(cid)
    for block in re.findall(r"begincidrange(.*?)endcidrange", cmap, re.S):
        for first, last, cid in re.findall(_PAIR + r"\s*(\d+)", block):
            for i in range(int(last, 16) - int(first, 16) + 1):
                found[int(first, 16) + i] = int(cid) + i
    return found


def _drawn(char: str) -> bool:
    """Whether ``char`` should show a glyph: not a space, a control, a format mark or a
    noncharacter (U+FFFF stands for "no text" in some ``ToUnicode`` maps)."""
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Zs", "Cn")


def pdf_missing_glyphs(pdf) -> dict[str, str]:
    """Characters drawn as empty boxes in the opened PDF ``pdf`` (pikepdf): character
    -> the font that lacks it."""
    import pikepdf
    from fontTools.ttLib import TTFont

    missing: dict[str, str] = {}
    seen: set = set()

    def fonts(resources, depth=0):
        yield from (resources.get("/Font") or {}).values()
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and depth < 4:
                yield from fonts(xobject.get("/Resources") or {}, depth + 1)

    for page in pdf.pages:
        for font in fonts(page.obj.get("/Resources") or {}):
            if font.objgen in seen or "/ToUnicode" not in font or "/DescendantFonts" not in font:
                continue
            seen.add(font.objgen)
            descendant = font.DescendantFonts[0]
            descriptor = descendant.get("/FontDescriptor") or {}
            program = descriptor.get("/FontFile2")
            if program is None:
                continue  # not embedded (check_pdf says so), or not TrueType
            glyphs = TTFont(io.BytesIO(program.read_bytes()), lazy=True)["maxp"].numGlyphs
            to_gid = descendant.get("/CIDToGIDMap")
            gid_map = to_gid.read_bytes() if isinstance(to_gid, pikepdf.Stream) else None
            cids = _cids(font.get("/Encoding"))
            name = str(font.get("/BaseFont", "?")).split("+")[-1]
            for code, text in _to_unicode(font.ToUnicode.read_bytes().decode("latin-1")).items():
                cid = code if cids is None else cids.get(code, code)
                gid = cid if gid_map is None else int.from_bytes(
                    gid_map[2 * cid:2 * cid + 2] or b"\0\0", "big")
                if gid == 0 or gid >= glyphs:
                    for char in text:
                        if _drawn(char):
                            missing.setdefault(char, name)
    return missing


def describe(char: str) -> str:
    return f"'{char}' (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')})"


def right_to_left(lang: str) -> bool:
    """Whether language ``lang`` is written right to left."""
    from ..i18n import words

    return bool(lang) and words(lang).direction == "rtl"


def pdf_findings(path) -> list[tuple[str, str]]:
    """(level, message) of a PDF: empty boxes, and a right-to-left language that is
    not laid out right to left."""
    import pikepdf

    found: list[tuple[str, str]] = []
    with pikepdf.open(path) as pdf:
        missing = pdf_missing_glyphs(pdf)
        if missing:
            chars = sorted(missing)
            more = f" and {len(chars) - 5} more" if len(chars) > 5 else ""
            found.append(("error", f"{len(chars)} characters print as empty boxes (no font "
                          "has a glyph for them): " + ", ".join(
                              f"{describe(c)} in {missing[c]}" for c in chars[:5]) + more))
        lang = str(pdf.Root.get("/Lang", ""))
        preferences = pdf.Root.get("/ViewerPreferences") or {}
        if right_to_left(lang) and str(preferences.get("/Direction", "")) != "/R2L":
            found.append(("error", f"the language '{lang}' is written right to left, but the "
                          "PDF is laid out left to right (no /ViewerPreferences /Direction "
                          "/R2L); build it again"))
    return found


def epub_findings(archive) -> list[tuple[str, str]]:
    """(level, message) of an opened EPUB (``zipfile.ZipFile``): a right-to-left language
    whose spine or documents are left to right."""
    import posixpath

    import lxml.etree as etree

    container = etree.fromstring(archive.read("META-INF/container.xml"))
    opf_name = container.find(".//{*}rootfile").get("full-path")
    opf = etree.fromstring(archive.read(opf_name))
    lang = (opf.findtext(".//{http://purl.org/dc/elements/1.1/}language") or "").strip()
    if not right_to_left(lang):
        return []
    found = []
    spine = opf.find("{*}spine")
    if spine is None or spine.get("page-progression-direction") != "rtl":
        found.append(("error", f"the language '{lang}' is written right to left, but the "
                      "spine's page-progression-direction is not rtl"))
    folder = posixpath.dirname(opf_name)
    for item in opf.iterfind(".//{*}manifest/{*}item"):
        if item.get("media-type") != "application/xhtml+xml":
            continue
        name = posixpath.normpath(posixpath.join(folder, item.get("href")))
        root = etree.fromstring(archive.read(name))
        body = root.find("{*}body")
        if "rtl" not in (root.get("dir"), body.get("dir") if body is not None else None):
            found.append(("error", f"{name}: the language '{lang}' is written right to left, "
                          "but the document has no dir=\"rtl\""))
    return found


def docx_findings(document: bytes, styles: bytes) -> list[tuple[str, str]]:
    """(level, message) of a DOCX's document and styles parts: a right-to-left language
    whose paragraphs are set left to right."""
    found = re.search(rb'<w:lang [^>]*w:val="([^"]+)"', styles)
    lang = found.group(1).decode() if found else ""
    if not right_to_left(lang):
        return []
    paragraphs = [p for p in re.findall(rb"<w:p[ >].*?</w:p>", document, re.S) if b"<w:t" in p]
    left = [p for p in paragraphs if b"<w:bidi" not in p]
    if paragraphs and len(left) > len(paragraphs) // 10:
        return [("error", f"the language '{lang}' is written right to left, but "
                 f"{len(left)} of {len(paragraphs)} paragraphs are set left to right "
                 "(no w:bidi)")]
    return []
