"""Build the DOCX reference template that pandoc's docx writer uses.

Usage::

    python styles/reference_docx.py [OUT]      # default OUT: styles/reference.docx

or, from Python, ``build_reference_docx()`` returns the file's bytes.

The template is derived from pandoc's own default ``reference.docx`` (printed
by the bundled pandoc binary, so no network access is needed) and then edited
with lxml, so that every style pandoc's writer looks up still exists under the
same style ID and name.  The edits give a news-article look:

* body text in Georgia 11pt, 1.15 line spacing, 6pt after, British English;
* Title / Subtitle / Heading 1-3 / Caption / Block Text / Hyperlink /
  footnote / Compact / Definition styles tuned for an article;
* an A4 page with 25 mm margins and a centred page number in the footer
  (pandoc copies the reference document's body ``sectPr`` and its footer part).

Fonts: Georgia (body) and Arial (headings) ship with Word on every platform.
LibreOffice on Linux substitutes them through fontconfig: Arial becomes the
metric-compatible Liberation Sans, Georgia becomes Gelasio when installed and
otherwise the default serif face (typically DejaVu Serif).  The font table
declares each face's family class so the substitute is always serif/sans.

The output is reproducible: the same pandoc version always yields the same
bytes, because every zip member gets a fixed timestamp, a fixed order and
fixed (no) compression, and the core properties carry a fixed date and no
author.  A different pandoc version ships a different default template, so the
committed ``reference.docx`` must be regenerated when pandoc is upgraded.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

from lxml import etree

# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

DEFAULT_OUT = Path(__file__).resolve().parent / "reference.docx"

#: Zip timestamp for every member: the earliest date the zip format can store.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: The same instant for the core properties (created / modified).
CORE_DATE = "1980-01-01T00:00:00Z"

SERIF = "Georgia"
SANS = "Arial"
# Panose numbers let Word and LibreOffice classify a face they do not have.
FONT_PANOSE = {SERIF: "02040502050405020303", SANS: "020B0604020202020204"}
FONT_FAMILY = {SERIF: "roman", SANS: "swiss"}

TEXT_COLOUR = "1A1A1A"  # near-black: softer than pure black on paper and screen
GREY = "595959"  # Word's own "text 1, lighter 35%": subtitle, footer
LINK_BLUE = "1F3A73"  # dark blue: readable, still clearly a link in print

# A4 in twips (1/20 pt) and 25 mm margins (25 mm = 1417.3 twips).
A4_WIDTH, A4_HEIGHT = 11906, 16838
MARGIN = 1417
TEXT_WIDTH = A4_WIDTH - 2 * MARGIN

FOOTER_PART = "word/footer1.xml"
# A non-numeric ID cannot collide with the rIdNN pandoc allocates itself.
FOOTER_REL_ID = "rIdFooterDefault"

# Schema (CT_PPr / CT_RPr) order of the child elements this script writes.
# Word rejects or silently ignores properties that appear out of order.
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl",
    "numPr", "pBdr", "tabs", "spacing", "ind", "contextualSpacing", "jc",
    "outlineLvl",
)
RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "color", "spacing", "sz",
    "szCs", "u", "vertAlign", "lang",
)
# CT_Style child order, used to place a newly created pPr / rPr.
STYLE_ORDER = (
    "name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden",
    "uiPriority", "semiHidden", "unhideWhenUsed", "qFormat", "locked",
    "personal", "personalCompose", "personalReply", "rsid", "pPr", "rPr",
    "tblPr", "trPr", "tcPr", "tblStylePr",
)


def _w(tag: str) -> str:
    """Return the Clark-notation name of a WordprocessingML element/attribute."""
    return f"{{{W_NS}}}{tag}"


def _fonts(face: str) -> dict[str, str]:
    """rFonts attributes naming *face* for Latin and complex-script text.

    East Asian text keeps following the theme, so CJK runs still get a face
    that has the glyphs.
    """
    return {"ascii": face, "hAnsi": face, "cs": face, "eastAsiaTheme": "minorEastAsia"}


def _size(points: float) -> dict[str, dict[str, str]]:
    """sz/szCs properties for *points* (OOXML counts half-points)."""
    half_points = str(round(points * 2))
    return {"sz": {"val": half_points}, "szCs": {"val": half_points}}


def _spacing(before: int = 0, after: int = 0, line: int | None = None) -> dict[str, str]:
    """Paragraph spacing in twips; *line* is in 240ths of a line (auto rule)."""
    attrs = {"before": str(before), "after": str(after)}
    if line is not None:
        attrs |= {"line": str(line), "lineRule": "auto"}
    return attrs


LINE_1_15 = 276  # 1.15 x 240
LINE_SINGLE = 240

# --------------------------------------------------------------------------
# The style sheet
# --------------------------------------------------------------------------
#
# For each style ID: the complete paragraph (pPr) and run (rPr) properties.
# They *replace* pandoc's, so what is written here is exactly what the style
# sets.  Each value maps an element name to its attributes ({} for a bare
# on/off element).  Styles not listed keep pandoc's definition (tables,
# Heading 4-9, TOC Heading, ...), and pick up the new theme fonts.

BODY_RPR = {"rFonts": _fonts(SERIF), "color": {"val": TEXT_COLOUR}, **_size(11)}
BODY_PPR = {"spacing": _spacing(0, 120, LINE_1_15)}


def _heading(points: float, before: int, after: int, level: int) -> dict:
    """Properties of a sans-serif, bold section heading kept with its text."""
    return {
        "pPr": {
            "keepNext": {},
            "keepLines": {},
            "spacing": _spacing(before, after, LINE_SINGLE),
            "outlineLvl": {"val": str(level)},
        },
        "rPr": {"rFonts": _fonts(SANS), "b": {}, "bCs": {}, "color": {"val": TEXT_COLOUR}, **_size(points)},
    }


TITLE_RPR = {"rFonts": _fonts(SERIF), "b": {}, "bCs": {}, "color": {"val": TEXT_COLOUR}, **_size(26)}
SUBTITLE_RPR = {
    "rFonts": _fonts(SERIF),
    # Subtitle is based on Title: switch bold off explicitly.
    "b": {"val": "0"},
    "bCs": {"val": "0"},
    "i": {},
    "iCs": {},
    "color": {"val": GREY},
    **_size(14),
}
BYLINE_RPR = {"rFonts": _fonts(SANS), "b": {"val": "0"}, "bCs": {"val": "0"}, "color": {"val": GREY}, **_size(9.5)}
H1, H2, H3 = _heading(16, 360, 120, 0), _heading(13, 280, 80, 1), _heading(11.5, 240, 60, 2)

STYLES: dict[str, dict[str, dict]] = {
    "Normal": {"pPr": BODY_PPR, "rPr": BODY_RPR},
    # pandoc's Body Text adds 9pt before and after; an article wants 6pt after only.
    "BodyText": {"pPr": BODY_PPR},
    "FirstParagraph": {"pPr": BODY_PPR},
    "Compact": {"pPr": {"spacing": _spacing(0, 40, LINE_1_15)}},
    # Headline: left-aligned like a news page, not centred like pandoc's.
    "Title": {
        "pPr": {"keepNext": {}, "spacing": _spacing(0, 120, LINE_SINGLE), "jc": {"val": "left"}},
        "rPr": TITLE_RPR,
    },
    "TitleChar": {"rPr": TITLE_RPR},
    # pandoc's Subtitle carries a stray numPr (level, no list); replacing the
    # pPr drops it, so LibreOffice never treats the standfirst as a list item.
    "Subtitle": {
        "pPr": {"keepNext": {}, "spacing": _spacing(0, 240, LINE_SINGLE), "jc": {"val": "left"}},
        "rPr": SUBTITLE_RPR,
    },
    "SubtitleChar": {"rPr": SUBTITLE_RPR},
    "Author": {"pPr": {"keepNext": {}, "keepLines": {}, "spacing": _spacing(0, 0, LINE_SINGLE)}, "rPr": BYLINE_RPR},
    "Date": {"pPr": {"keepNext": {}, "keepLines": {}, "spacing": _spacing(0, 240, LINE_SINGLE)}, "rPr": BYLINE_RPR},
    "Heading1": H1,
    "Heading1Char": {"rPr": H1["rPr"]},
    "Heading2": H2,
    "Heading2Char": {"rPr": H2["rPr"]},
    "Heading3": H3,
    "Heading3Char": {"rPr": H3["rPr"]},
    # Quotations: indented 1 cm each side with a thin grey rule on the left.
    "BlockText": {
        "pPr": {
            "pBdr": {"_children": {"left": {"val": "single", "sz": "12", "space": "8", "color": "BFBFBF"}}},
            "spacing": _spacing(120, 120, LINE_1_15),
            "ind": {"left": "567", "right": "567", "firstLine": "0"},
        },
        "rPr": {"color": {"val": "333333"}},
    },
    "FootnoteText": {"pPr": {"spacing": _spacing(0, 60, LINE_SINGLE)}, "rPr": _size(9)},
    "Caption": {"pPr": {"spacing": _spacing(60, 120, LINE_SINGLE)}, "rPr": {"i": {}, "iCs": {}, "color": {"val": "404040"}, **_size(9)}},
    "Hyperlink": {"rPr": {"color": {"val": LINK_BLUE}, "u": {"val": "single"}}},
    "DefinitionTerm": {"pPr": {"keepNext": {}, "keepLines": {}, "spacing": _spacing(120, 0, LINE_1_15)}, "rPr": {"b": {}, "bCs": {}}},
    "Definition": {"pPr": {"spacing": _spacing(0, 120, LINE_1_15), "ind": {"left": "425"}}},
}

# Style ID -> Word's internal (lower-case) name of that built-in style.
BUILTIN_NAMES = {"Caption": "caption"}

# The footer paragraph style is new: pandoc's default template has no footer.
FOOTER_STYLE = f"""
<w:style xmlns:w="{W_NS}" w:type="paragraph" w:styleId="Footer">
  <w:name w:val="footer"/>
  <w:basedOn w:val="Normal"/>
  <w:uiPriority w:val="99"/>
  <w:unhideWhenUsed/>
  <w:pPr>
    <w:tabs>
      <w:tab w:val="center" w:pos="{TEXT_WIDTH // 2}"/>
      <w:tab w:val="right" w:pos="{TEXT_WIDTH}"/>
    </w:tabs>
    <w:spacing w:before="0" w:after="0" w:line="{LINE_SINGLE}" w:lineRule="auto"/>
    <w:jc w:val="center"/>
  </w:pPr>
  <w:rPr>
    <w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:cs="{SANS}"/>
    <w:color w:val="{GREY}"/>
    <w:sz w:val="18"/>
    <w:szCs w:val="18"/>
  </w:rPr>
</w:style>
"""

# Centred page number.  A complex field (begin/instr/separate/end) rather than
# fldSimple, because every Word and LibreOffice version updates it on layout.
FOOTER_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:ftr>
"""

CORE_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title></dc:title><dc:creator></dc:creator><cp:keywords></cp:keywords><cp:lastModifiedBy></cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">{CORE_DATE}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{CORE_DATE}</dcterms:modified></cp:coreProperties>
"""


# --------------------------------------------------------------------------
# XML helpers
# --------------------------------------------------------------------------


def _parse(data: bytes) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(data))


def _serialise(tree: etree._ElementTree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def _props(tag: str, spec: dict, order: tuple[str, ...]) -> etree._Element:
    """Build a pPr/rPr element from *spec*, children sorted into schema order."""
    props = etree.Element(_w(tag))
    for name in sorted(spec, key=order.index):  # ValueError on an unknown name
        attrs = dict(spec[name])
        children = attrs.pop("_children", {})
        child = etree.SubElement(props, _w(name), {_w(k): v for k, v in attrs.items()})
        for sub_name, sub_attrs in children.items():
            etree.SubElement(child, _w(sub_name), {_w(k): v for k, v in sub_attrs.items()})
    return props


def _replace_child(parent: etree._Element, new: etree._Element, order: tuple[str, ...]) -> None:
    """Put *new* into *parent* in place of its namesake, respecting *order*."""
    old = parent.find(new.tag)
    if old is not None:
        old.addnext(new)
        parent.remove(old)
        return
    rank = order.index(etree.QName(new).localname)
    for index, child in enumerate(parent):
        if order.index(etree.QName(child).localname) > rank:
            parent.insert(index, new)
            return
    parent.append(new)


# --------------------------------------------------------------------------
# Part editors
# --------------------------------------------------------------------------


def _edit_styles(data: bytes) -> bytes:
    """Apply the style sheet above to pandoc's styles.xml."""
    tree = _parse(data)
    root = tree.getroot()

    # Document defaults apply to everything not based on Normal (footnote
    # separators, table cells, ...): same face and size as Normal, en-GB.
    rpr_default = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}")
    rpr_default.replace(
        rpr_default[0],
        _props(
            "rPr",
            {
                "rFonts": _fonts(SERIF),
                **_size(11),
                # Keep pandoc's East Asian / bidi language defaults; only the
                # Latin language changes to British English (spell checking,
                # hyphenation, quote style in Word).
                "lang": {"val": "en-GB", "eastAsia": "zh-CN", "bidi": "ar-SA"},
            },
            RPR_ORDER,
        ),
    )
    ppr_default = root.find(f"{_w('docDefaults')}/{_w('pPrDefault')}")
    ppr_default.replace(ppr_default[0], _props("pPr", {"widowControl": {}, **BODY_PPR}, PPR_ORDER))

    by_id = {style.get(_w("styleId")): style for style in root.iter(_w("style"))}
    missing = sorted(set(STYLES) - set(by_id))
    if missing:
        # A changed pandoc default template: fail loudly rather than ship a
        # half-styled reference document.
        raise RuntimeError(f"pandoc's reference.docx lacks styles {missing}")

    for style_id, spec in STYLES.items():
        style = by_id[style_id]
        for tag, order in (("pPr", PPR_ORDER), ("rPr", RPR_ORDER)):
            if tag in spec:
                _replace_child(style, _props(tag, spec[tag], order), STYLE_ORDER)

    # pandoc spells Caption's name with a capital C; Word stores its built-in
    # names in lower case ("caption", like pandoc's "heading 1") and
    # python-docx only maps "Caption" to the lower-case form.  pandoc matches
    # style names case-insensitively, so both keep working with pandoc.
    for style_id, builtin_name in BUILTIN_NAMES.items():
        by_id[style_id].find(_w("name")).set(_w("val"), builtin_name)

    if "Footer" not in by_id:
        root.append(etree.fromstring(FOOTER_STYLE))
    return _serialise(tree)


def _edit_document(data: bytes) -> bytes:
    """Give the body's sectPr an A4 page, 25 mm margins and the footer."""
    tree = _parse(data)
    sect = tree.getroot().find(f"{_w('body')}/{_w('sectPr')}")
    # Keep pandoc's footnotePr; everything else is rebuilt in schema order
    # (footerReference first, then footnotePr, pgSz, pgMar).
    footnote_pr = sect.find(_w("footnotePr"))
    for child in list(sect):
        sect.remove(child)
    etree.SubElement(sect, _w("footerReference"), {_w("type"): "default", f"{{{R_NS}}}id": FOOTER_REL_ID})
    if footnote_pr is not None:
        sect.append(footnote_pr)
    etree.SubElement(sect, _w("pgSz"), {_w("w"): str(A4_WIDTH), _w("h"): str(A4_HEIGHT)})
    margins = {side: str(MARGIN) for side in ("top", "right", "bottom", "left")}
    # Header/footer sit 12.5 mm from the edge, in the middle of the margin.
    margins |= {"header": "709", "footer": "709", "gutter": "0"}
    etree.SubElement(sect, _w("pgMar"), {_w(k): v for k, v in margins.items()})
    return _serialise(tree)


def _edit_document_rels(data: bytes) -> bytes:
    """Relate the footer part to document.xml."""
    tree = _parse(data)
    etree.SubElement(
        tree.getroot(),
        f"{{{PKG_REL_NS}}}Relationship",
        {
            "Id": FOOTER_REL_ID,
            "Type": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer",
            "Target": "footer1.xml",
        },
    )
    return _serialise(tree)


def _edit_content_types(data: bytes) -> bytes:
    """Declare the footer part's content type."""
    tree = _parse(data)
    etree.SubElement(
        tree.getroot(),
        f"{{{CT_NS}}}Override",
        {
            "PartName": "/" + FOOTER_PART,
            "ContentType": "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
        },
    )
    return _serialise(tree)


def _edit_theme(data: bytes) -> bytes:
    """Point the theme's heading/body Latin fonts at our two faces.

    Styles left as pandoc's (Heading 4-9, TOC Heading, ...) refer to theme
    fonts, and Word's font menu shows them as "+Headings"/"+Body": both should
    agree with the explicit fonts of the edited styles.
    """
    tree = _parse(data)
    root = tree.getroot()
    for slot, face in (("majorFont", SANS), ("minorFont", SERIF)):
        latin = root.find(f".//{{{A_NS}}}{slot}/{{{A_NS}}}latin")
        latin.set("typeface", face)
        latin.set("panose", FONT_PANOSE[face])
    return _serialise(tree)


def _edit_font_table(data: bytes) -> bytes:
    """Declare Georgia and Arial with their panose/family classification.

    An application lacking a face uses these entries to pick a substitute of
    the same kind (serif for Georgia, sans-serif for Arial).
    """
    tree = _parse(data)
    root = tree.getroot()
    declared = {font.get(_w("name")) for font in root.iter(_w("font"))}
    for face in (SERIF, SANS):
        if face in declared:
            continue
        font = etree.SubElement(root, _w("font"), {_w("name"): face})
        etree.SubElement(font, _w("panose1"), {_w("val"): FONT_PANOSE[face]})
        etree.SubElement(font, _w("charset"), {_w("val"): "00"})
        etree.SubElement(font, _w("family"), {_w("val"): FONT_FAMILY[face]})
        etree.SubElement(font, _w("pitch"), {_w("val"): "variable"})
    return _serialise(tree)


def _edit_settings(data: bytes) -> bytes:
    """Make the theme font language British English like the text."""
    tree = _parse(data)
    lang = tree.getroot().find(_w("themeFontLang"))
    if lang is not None:
        lang.set(_w("val"), "en-GB")
    return _serialise(tree)


EDITORS = {
    "[Content_Types].xml": _edit_content_types,
    "docProps/core.xml": lambda _data: CORE_XML.encode("utf-8"),
    "word/document.xml": _edit_document,
    "word/_rels/document.xml.rels": _edit_document_rels,
    "word/styles.xml": _edit_styles,
    "word/theme/theme1.xml": _edit_theme,
    "word/fontTable.xml": _edit_font_table,
    "word/settings.xml": _edit_settings,
}


# --------------------------------------------------------------------------
# Package
# --------------------------------------------------------------------------


def pandoc_default_reference_docx() -> bytes:
    """Return pandoc's built-in reference.docx, printed by the bundled binary.

    ``--print-default-data-file`` ignores the user data directory, so a
    customised ``~/.local/share/pandoc/reference.docx`` cannot leak in.
    """
    import pypandoc  # imported here so the module imports without pandoc

    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        check=True,
        capture_output=True,
    )
    return result.stdout


def _member_order(name: str) -> tuple[int, str]:
    # [Content_Types].xml and the package rels first, as Word writes them;
    # some strict readers sniff the first entry.  The rest alphabetically.
    first = ("[Content_Types].xml", "_rels/.rels")
    return (first.index(name), "") if name in first else (len(first), name)


def _write_zip(members: dict[str, bytes]) -> bytes:
    """Zip *members* reproducibly: fixed order, timestamps and attributes.

    Members are stored uncompressed: deflate output depends on the zlib build
    (zlib vs zlib-ng differ), and byte-identical output on every machine is
    worth more than ~40 kB.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members, key=_member_order):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            # ZipInfo defaults these from the host OS; pin them.
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, members[name])
    return buffer.getvalue()


def build_reference_docx() -> bytes:
    """Return the bytes of the reference .docx for pandoc's ``--reference-doc``.

    Starts from pandoc's default template and restyles it for a news article
    (see the module docstring).  Deterministic: equal pandoc versions give
    byte-identical results.
    """
    with zipfile.ZipFile(io.BytesIO(pandoc_default_reference_docx())) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    for name, edit in EDITORS.items():
        members[name] = edit(members[name])
    members[FOOTER_PART] = FOOTER_XML.encode("utf-8")
    return _write_zip(members)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: write the template to OUT (or the default)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in ("-h", "--help")):
        print(f"usage: python {Path(__file__).name} [OUT]   (default: {DEFAULT_OUT})", file=sys.stderr)
        return 2
    out = Path(args[0]) if args else DEFAULT_OUT
    out.write_bytes(build_reference_docx())
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
