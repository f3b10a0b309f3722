"""An HTML page, or a Google Docs "Web page (.html, zipped)" download, made ready for
pandoc.

Google Docs writes footnotes and comments as links to paragraphs at the end of the page
(``#ftnt1``, ``#cmnt1``), the title and subtitle as paragraphs with a class, and every
link through a redirect (``https://www.google.com/url?q=...``). Here footnotes become
notes pandoc reads as notes, comments are counted (and dropped when asked), the title
block becomes metadata and links point where they lead.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree, html

from ..errors import SourceError
from .findings import Finding, place, quoted
from .trees import remove_keeping_tail


@dataclass
class PageFacts:
    """A page's metadata, comments, what it loses, and where its files are."""

    properties: dict[str, str] = field(default_factory=dict)
    title_block: dict[str, list[str]] = field(default_factory=dict)
    comments: list[Finding] = field(default_factory=list)
    dropped: list[Finding] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)


def read_page(path: Path) -> tuple[str, str, PageFacts]:
    """(the page's HTML, its folder inside the zip or "", facts with every other file of
    a zip). A zip must hold exactly one HTML page."""
    facts = PageFacts()
    if path.suffix.lower() != ".zip":
        return path.read_bytes().decode("utf-8", "replace"), "", facts
    with zipfile.ZipFile(path) as archive:
        pages = [n for n in archive.namelist() if n.lower().endswith((".html", ".htm"))]
        if len(pages) != 1:
            raise SourceError(f"the zip holds {len(pages)} HTML pages; one is expected",
                              file=path, hint="Google Docs: File > Download > Web page "
                                              "(.html, zipped) gives one page and its images")
        for info in archive.infolist():
            if not info.is_dir() and info.filename != pages[0] and info.file_size <= 50_000_000:
                facts.files[info.filename] = archive.read(info.filename)
        text = archive.read(pages[0]).decode("utf-8", "replace")
    return text, posixpath.dirname(pages[0]), facts


def prepare_page(text: str, facts: PageFacts, *, comments: str | None) -> str:
    """The page with Google Docs' footnotes as notes, comments dropped when asked
    ("drop"), its title block as metadata and redirected links made direct."""
    root = html.document_fromstring(text)
    _properties(root, facts)
    body = root.find("body")
    if body is None:
        return text
    _title_block(body, facts)
    _links(body)
    _google_notes(body, facts, comments)
    return etree.tostring(root, encoding="unicode", method="html")


def _properties(root, facts: PageFacts) -> None:
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        facts.properties["language"] = lang
    title = root.find(".//head/title")
    if title is not None and (title.text or "").strip():
        facts.properties["title"] = title.text.strip()
    for meta in root.iterfind(".//head/meta"):
        name, content = (meta.get("name") or "").lower(), (meta.get("content") or "").strip()
        if content and name in ("author", "description", "keywords"):
            facts.properties[{"author": "creator"}.get(name, name)] = content
        if content and name in ("date", "dcterms.created", "dc.date", "article:published_time"):
            facts.properties["created"] = content


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _title_block(body, facts: PageFacts) -> None:
    for paragraph in list(body.iter("p")):
        kind = next((k for k in ("title", "subtitle") if k in _classes(paragraph)), None)
        if kind is None:
            continue
        value = " ".join(paragraph.text_content().split())
        if value:
            facts.title_block.setdefault(kind, []).append(value)
        paragraph.drop_tree()


def _links(body) -> None:
    for link in body.iter("a"):
        href = link.get("href") or ""
        parts = urlsplit(href)
        if parts.netloc in ("www.google.com", "google.com") and parts.path == "/url":
            target = parse_qs(parts.query).get("q")
            if target:
                link.set("href", target[0])


_NOTE = re.compile(r"#(ftnt|cmnt)(\d+)$")


def _google_notes(body, facts: PageFacts, comments: str | None) -> None:
    """``<a href="#ftnt1">`` and its paragraph at the end -> a note pandoc reads (the
    markup pandoc's own HTML writer uses); comments ``#cmnt1`` counted, dropped."""
    ends = {}
    for anchor in body.iter("a"):
        target = anchor.get("id") or ""
        if re.fullmatch(r"(ftnt|cmnt)\d+", target):
            holder = anchor
            while holder.getparent() is not None and holder.getparent() is not body:
                holder = holder.getparent()
            ends[target] = (anchor, holder)
    if not ends:
        return
    number, heading = 0, None
    where_of = {}
    for element in body.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "li"):
        if any(element is holder or holder in element.iterancestors()
               for _a, holder in ends.values()):
            continue
        number += 1
        own = element.text_content()
        if element.tag.startswith("h"):
            heading = own
        for anchor in element.iter("a"):
            where_of[anchor.get("href")] = place(number, own, heading)
    notes = etree.SubElement(body, "section", {"class": "footnotes", "role": "doc-endnotes"})
    listing = etree.SubElement(notes, "ol")
    for ref in list(body.iter("a")):
        match = _NOTE.fullmatch(ref.get("href") or "")
        if match is None or ref.get("id", "").startswith(("ftnt", "cmnt")) and \
                not ref.get("id", "").startswith(("ftnt_ref", "cmnt_ref")):
            continue
        kind, n = match.groups()
        anchor, holder = ends.get(f"{kind}{n}", (None, None))
        outer = ref.getparent() if ref.getparent() is not None and ref.getparent().tag == "sup" \
            else ref
        said = holder.text_content().replace(anchor.text_content(), "", 1) if holder is not None \
            else ""
        if kind == "cmnt":
            facts.comments.append(Finding(where_of.get(ref.get("href"), "the text"),
                                          f"a comment: {quoted(said)}"))
            if comments == "drop":
                remove_keeping_tail(outer)
            continue
        item = etree.SubElement(listing, "li", {"id": f"fn{n}"})
        if holder is not None:
            anchor.drop_tree()
            for paragraph in (list(holder.iter("p")) if holder.tag != "p" else [holder]):
                item.append(paragraph)
        new = etree.Element("a", {"href": f"#fn{n}", "class": "footnote-ref",
                                  "id": f"fnref{n}", "role": "doc-noteref"})
        etree.SubElement(new, "sup").text = n
        new.tail = outer.tail
        outer.getparent().replace(outer, new)
    for target, (anchor, holder) in ends.items():
        if holder.getparent() is not None and (target.startswith("ftnt") or comments == "drop"):
            previous = holder.getprevious()
            holder.getparent().remove(holder)
            if previous is not None and previous.tag == "hr":
                previous.getparent().remove(previous)
    if not len(listing):
        body.remove(notes)


