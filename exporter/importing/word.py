"""What a Word document (DOCX) holds beyond what pandoc reads: its core properties,
comments and tracked changes (never silently kept or lost), and what cannot be carried
into Markdown (text boxes, floating shapes, fields, Windows metafiles), with where.

Read with lxml from the package's XML: python-docx writes documents and is not needed
to read four parts.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from .findings import Finding, place, quoted

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "v": "urn:schemas-microsoft-com:vml",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}
#: Paragraph styles pandoc reads as the title block, not as the article's text.
TITLE_STYLES = ("Title", "Subtitle", "Author", "Date", "Abstract", "AbstractTitle")
#: Fields whose shown text pandoc turns into what they mean (links, references).
_UNDERSTOOD_FIELDS = ("HYPERLINK", "PAGEREF", "REF", "NOTEREF", "SEQ")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class WordFacts:
    """A DOCX's metadata, its comments and tracked changes, and what it loses."""

    properties: dict[str, str] = field(default_factory=dict)
    default_language: str | None = None
    comments: list[Finding] = field(default_factory=list)
    changes: list[Finding] = field(default_factory=list)
    dropped: list[Finding] = field(default_factory=list)


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _text(element) -> str:
    return "".join(element.itertext())


def inspect_docx(archive: zipfile.ZipFile) -> WordFacts:
    """Read ``archive``'s core properties, comments, tracked changes and the things
    pandoc leaves out, each located by paragraph."""
    facts = WordFacts()
    names = set(archive.namelist())
    if "docProps/core.xml" in names:
        core = etree.fromstring(archive.read("docProps/core.xml"), _PARSER)
        for key, path in (("title", "dc:title"), ("creator", "dc:creator"),
                          ("language", "dc:language"), ("created", "dcterms:created"),
                          ("modified", "dcterms:modified"), ("subject", "dc:subject"),
                          ("description", "dc:description"), ("keywords", "cp:keywords")):
            found = core.find(path, NS)
            if found is not None and (found.text or "").strip():
                facts.properties[key] = found.text.strip()
    if "word/styles.xml" in names:
        styles = etree.fromstring(archive.read("word/styles.xml"), _PARSER)
        lang = styles.find("w:docDefaults//w:lang", NS)
        if lang is not None and lang.get(_w("val")):
            facts.default_language = lang.get(_w("val"))
    comment_texts = {}
    if "word/comments.xml" in names:
        for comment in etree.fromstring(archive.read("word/comments.xml"), _PARSER).iter(
                _w("comment")):
            comment_texts[comment.get(_w("id"))] = (comment.get(_w("author")) or "someone",
                                                    _text(comment))
    body = etree.fromstring(archive.read("word/document.xml"), _PARSER).find("w:body", NS)
    _walk(body, facts, comment_texts)
    return facts


def _walk(body, facts: WordFacts, comment_texts: dict) -> None:
    number, heading = 0, None
    for paragraph in body.iter(_w("p")):
        if paragraph.getparent().tag == _w("txbxContent"):
            continue  # said with its text box
        style = paragraph.find("w:pPr/w:pStyle", NS)
        style = style.get(_w("val")) if style is not None else ""
        own_text = "".join(t.text or "" for t in paragraph.iterfind(".//w:t", NS)
                           if not _in_text_box(t, paragraph))
        if style in TITLE_STYLES:
            where = f"the title block ({quoted(own_text)})"
        else:
            number += 1
            where = place(number, own_text, heading)
            if re.fullmatch(r"Heading\d", style or "") and own_text.strip():
                heading = own_text
        _paragraph(paragraph, where, facts, comment_texts)


def _in_text_box(element, paragraph) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is paragraph:
            return False
        if ancestor.tag == _w("txbxContent"):
            return True
    return False


def _paragraph(paragraph, where: str, facts: WordFacts, comment_texts: dict) -> None:
    for ref in paragraph.iterfind(".//w:commentReference", NS):
        author, text = comment_texts.get(ref.get(_w("id")), ("someone", ""))
        facts.comments.append(Finding(where, f"a comment by {author}: {quoted(text)}"))
    for kind, tag in (("insertion", "ins"), ("deletion", "del"), ("moved text", "moveTo")):
        for change in paragraph.iterfind(f".//w:{tag}", NS):
            if _in_text_box(change, paragraph):
                continue
            text = "".join(change.itertext())
            facts.changes.append(Finding(where, f"a tracked {kind} by "
                                         f"{change.get(_w('author')) or 'someone'}: "
                                         f"{quoted(text)}"))
    if paragraph.find("w:pPr/w:rPr/w:ins", NS) is not None or \
            paragraph.find("w:pPr/w:rPr/w:del", NS) is not None:
        facts.changes.append(Finding(where, "a tracked paragraph mark (paragraphs joined or "
                                            "split)"))
    for box in paragraph.iterfind(".//w:txbxContent", NS):
        if any(a.tag == _w("txbxContent") for a in box.iterancestors()):
            continue
        facts.dropped.append(Finding(where, f"a text box {quoted(_text(box))} was left out "
                                            "(copy its text into the article where it belongs)"))
    for anchor in paragraph.iterfind(".//wp:anchor", NS):
        if anchor.find(".//pic:pic", NS) is not None:
            facts.dropped.append(Finding(where, "a floating picture is placed in the text "
                                                "where it is anchored"))
        elif anchor.find(".//w:txbxContent", NS) is None:
            name = anchor.find("wp:docPr", NS)
            label = name.get("name") if name is not None else "a shape"
            facts.dropped.append(Finding(where, f"a floating shape ({label}) was left out"))
    for shape in paragraph.iterfind(".//v:shape", NS):
        if shape.find(".//w:txbxContent", NS) is None and shape.find(".//v:imagedata", NS) is None:
            facts.dropped.append(Finding(where, "a drawing (VML shape) was left out"))
    for instruction in _fields(paragraph):
        kind = instruction.split()[0].upper() if instruction.split() else "?"
        if kind in _UNDERSTOOD_FIELDS:
            continue
        facts.dropped.append(Finding(
            where, f"a {kind} field keeps the value Word last showed; it will not update"
            if kind not in ("TOC", "INDEX") else
            f"a {kind} field (Word's generated {'contents' if kind == 'TOC' else 'index'}) "
            "is kept as plain text: delete it, the editions make their own"))


def _fields(paragraph) -> list[str]:
    """The instructions of the fields in ``paragraph`` (simple and complex fields)."""
    found = [f.get(_w("instr")) or "" for f in paragraph.iterfind(".//w:fldSimple", NS)]
    current: list[str] | None = None
    for element in paragraph.iter(_w("fldChar"), _w("instrText")):
        if element.tag == _w("instrText"):
            if current is not None:
                current.append(element.text or "")
        elif element.get(_w("fldCharType")) == "begin":
            current = []
        elif element.get(_w("fldCharType")) in ("separate", "end") and current is not None:
            found.append("".join(current))
            current = None
    return [f.strip() for f in found if f.strip()]
