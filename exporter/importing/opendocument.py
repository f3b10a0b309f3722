"""An OpenDocument text (ODT, LibreOffice) made ready for pandoc, and what it holds
beyond what pandoc reads.

Pandoc's ODT reader takes the title block for body text, drops comments and text boxes
without a word and always keeps tracked insertions. Here the title, subtitle, author
and date paragraphs become metadata; comments and tracked changes are counted (and
dropped, accepted or rejected as asked); text boxes, shapes and fields are reported;
caption paragraphs are remembered so that they become the captions of their figures.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from .findings import Finding, place, quoted
from .trees import remove_keeping_tail

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
_T = "{%s}" % NS["text"]
_D = "{%s}" % NS["draw"]
#: Paragraph styles of the title block (LibreOffice's own, and those pandoc writes).
_TITLE_BLOCK = {"Title": "title", "Subtitle": "subtitle", "Author": "author", "Date": "date"}
#: Caption styles: LibreOffice's (Caption, Figure, Illustration, Table, Drawing) and pandoc's.
CAPTION_STYLES = ("Caption", "Figure", "Illustration", "Table", "Drawing", "Text",
                  "FigureCaption", "TableCaption")
#: Fields whose shown value is kept as text (it will not update).
_FIELDS = ("date", "time", "page-number", "page-count", "author-name", "author-initials",
           "chapter", "file-name", "title", "subject", "word-count", "sequence",
           "user-field-get", "variable-get")
#: Drawing shapes that are not pictures.
_SHAPES = ("custom-shape", "rect", "ellipse", "line", "polyline", "polygon", "path",
           "connector", "circle")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass
class OdtFacts:
    """An ODT's metadata, title block, captions, comments, changes and what it loses."""

    properties: dict[str, str] = field(default_factory=dict)
    title_block: dict[str, list[str]] = field(default_factory=dict)
    captions: list[str] = field(default_factory=list)
    comments: list[Finding] = field(default_factory=list)
    changes: list[Finding] = field(default_factory=list)
    dropped: list[Finding] = field(default_factory=list)


def _style_names(content) -> dict[str, str]:
    """Automatic style name -> the named style it is based on (P1 -> Quotations)."""
    parents = {}
    for style in content.iterfind(".//office:automatic-styles/style:style", NS):
        parent = style.get("{%s}parent-style-name" % NS["style"])
        if parent:
            parents[style.get("{%s}name" % NS["style"])] = parent
    return parents


def _display(name: str) -> str:
    """A style's name as LibreOffice shows it (``Heading_20_1`` -> ``Heading 1``)."""
    return name.replace("_20_", " ")


def prepare_odt(data: bytes, *, comments: str | None, changes: str | None) -> tuple[bytes, OdtFacts]:
    """The ODT with its title block taken out, comments removed when ``comments`` is
    "drop", tracked changes applied ("accept" or "reject"); and what was found."""
    facts = OdtFacts()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {i.filename: archive.read(i.filename) for i in archive.infolist()}
    if "meta.xml" in members:
        meta = etree.fromstring(members["meta.xml"], _PARSER)
        for key, path in (("title", ".//dc:title"), ("creator", ".//dc:creator"),
                          ("initial-creator", ".//meta:initial-creator"),
                          ("language", ".//dc:language"), ("created", ".//meta:creation-date"),
                          ("modified", ".//dc:date"), ("description", ".//dc:description"),
                          ("subject", ".//dc:subject")):
            found = meta.find(path, NS)
            if found is not None and (found.text or "").strip():
                facts.properties[key] = found.text.strip()
    content = etree.fromstring(members["content.xml"], _PARSER)
    parents = _style_names(content)

    def style_of(element) -> str:
        name = element.get(_T + "style-name") or ""
        return _display(parents.get(name, name))

    text = content.find(".//office:body/office:text", NS)
    _title_block(text, style_of, facts)
    _changes(text, facts, changes)
    number, heading = 0, None
    for paragraph in list(text.iter(_T + "p", _T + "h")):
        if any(a.tag in (_D + "text-box", "{%s}annotation" % NS["office"])
               for a in paragraph.iterancestors()):
            continue
        number += 1
        own = "".join(paragraph.itertext())
        where = place(number, own, heading)
        if paragraph.tag == _T + "h" and own.strip():
            heading = own
        if style_of(paragraph) in CAPTION_STYLES and own.strip():
            facts.captions.append(" ".join(own.split()))
        _paragraph(paragraph, where, facts, comments)
    members["content.xml"] = etree.tostring(content, xml_declaration=True, encoding="UTF-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, member in members.items():
            archive.writestr(name, member)
    return out.getvalue(), facts


def _title_block(text, style_of, facts: OdtFacts) -> None:
    """Title, subtitle, author and date paragraphs at the top become metadata."""
    for paragraph in list(text):
        if paragraph.tag in ("{%s}sequence-decls" % NS["text"], _T + "tracked-changes"):
            continue
        key = _TITLE_BLOCK.get(style_of(paragraph)) if paragraph.tag == _T + "p" else None
        if key is None:
            break
        value = " ".join("".join(paragraph.itertext()).split())
        if value:
            facts.title_block.setdefault(key, []).append(value)
        text.remove(paragraph)


def _changes(text, facts: OdtFacts, changes: str | None) -> None:
    """Count the tracked changes; apply them as asked ("accept" or "reject")."""
    regions = {}
    tracked = text.find("text:tracked-changes", NS)
    if tracked is None:
        return
    for region in tracked.iterfind("text:changed-region", NS):
        kind = next((c for c in region if isinstance(c.tag, str)), None)
        if kind is not None:
            regions[region.get("{%s}id" % NS["text"])] = kind
    facts_at = {}
    for number, paragraph in enumerate(text.iter(_T + "p", _T + "h"), start=1):
        for mark in paragraph.iter(_T + "change", _T + "change-start"):
            facts_at[mark.get(_T + "change-id")] = place(number, "".join(paragraph.itertext()),
                                                          None)
    for change_id, kind in regions.items():
        name = etree.QName(kind).localname
        creator = kind.find("office:change-info/dc:creator", NS)
        who = creator.text if creator is not None and creator.text else "someone"
        removed = " ".join("".join(p.itertext()) for p in kind.iterfind("text:p", NS))
        what = {"insertion": "insertion", "deletion": "deletion"}.get(name, "format change")
        facts.changes.append(Finding(facts_at.get(change_id, "the text"),
                                     f"a tracked {what} by {who}"
                                     + (f": {quoted(removed)}" if removed.strip() else "")))
    if changes == "reject":
        _reject(text, regions)
    # pandoc keeps insertions and drops deletions: what "accept" means.
    text.remove(tracked)


def _reject(text, regions: dict) -> None:
    """Undo each change: inserted text out, deleted text back (within a paragraph)."""
    for start in list(text.iter(_T + "change-start")):
        change_id = start.get(_T + "change-id")
        if etree.QName(regions.get(change_id, start)).localname != "insertion":
            continue
        parent = start.getparent()
        end = next((e for e in parent.iter(_T + "change-end")
                    if e.get(_T + "change-id") == change_id), None)
        if end is None or end.getparent() is not parent:
            from ..errors import SourceError

            raise SourceError("a tracked insertion spans paragraphs; it cannot be rejected "
                              "here", hint="reject it in LibreOffice (Edit > Track Changes)")
        node = start.getnext()
        start.tail = None
        while node is not None and node is not end:
            following = node.getnext()
            parent.remove(node)
            node = following
        parent.remove(start)
        remove_keeping_tail(end)
    for mark in list(text.iter(_T + "change")):
        region = regions.get(mark.get(_T + "change-id"))
        if region is None or etree.QName(region).localname != "deletion":
            continue
        deleted = " ".join("".join(p.itertext()) for p in region.iterfind("text:p", NS))
        mark.tail = deleted + (mark.tail or "")
        remove_keeping_tail(mark)


def _paragraph(paragraph, where: str, facts: OdtFacts, comments: str | None) -> None:
    for note in list(paragraph.iter("{%s}annotation" % NS["office"])):
        creator = note.find("dc:creator", NS)
        said = " ".join("".join(p.itertext()) for p in note.iterfind("text:p", NS))
        facts.comments.append(Finding(where, f"a comment by "
                                      f"{creator.text if creator is not None else 'someone'}: "
                                      f"{quoted(said)}"))
        if comments == "drop":
            remove_keeping_tail(note)
    for end in list(paragraph.iter("{%s}annotation-end" % NS["office"])):
        remove_keeping_tail(end)
    for box in list(paragraph.iter(_D + "text-box")):
        frame = box.getparent()
        if any(p.tag == _D + "image" for p in box.iter()):
            continue  # LibreOffice's captioned picture: a frame around picture and caption
        facts.dropped.append(Finding(where, f"a text box {quoted(''.join(box.itertext()))} "
                                            "was left out (copy its text into the article "
                                            "where it belongs)"))
        if frame is not None and frame.getparent() is not None:
            remove_keeping_tail(frame)
    for name in _SHAPES:
        for shape in paragraph.iter(_D + name):
            facts.dropped.append(Finding(where, f"a drawing ({name.replace('-', ' ')}) "
                                                "was left out"))
    for name in _FIELDS:
        for found in paragraph.iter(_T + name):
            facts.dropped.append(Finding(where, f"a {name.replace('-', ' ')} field keeps "
                                                f"its shown value {quoted(''.join(found.itertext()))};"
                                                " it will not update"))
