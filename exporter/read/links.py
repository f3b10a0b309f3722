"""Links and identifiers made to hold in every edition.

Relative links are resolved against the front-matter's ``base_url`` or, without one,
become their plain text with a warning (an edition is a file, not a web site); every
identifier is unique across the body, its notes and the appendices (an author's
"Footnotes" heading must not take the notes' id; links follow a renamed id); a link to
an ``#anchor`` that exists nowhere is a warning, and its text stays as plain text.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from ..document import Document, elements

#: Ids the editions give elements of their own: an author's id must not take them.
#: (Each pattern must reject its own "-1", "-2" ... forms: they are the new names.)
_RESERVED = re.compile(r"^(footnotes|title|article-title|fn\d+|fnref\d+|page-\d+|"
                       r"part-(title|article|article-\d+|[\w-]*-section)|cover|nav|toc|"
                       r"landmarks|loi|page-list)$")
_RAW_ID = re.compile(r"""(\sid\s*=\s*)(["'])([^"']*)\2""", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


class BodyFinder:
    """Finds the line of text in the Markdown body, searching forward from the last
    find: called in document order, repeated text gets its own line, in linear time."""

    def __init__(self, doc: Document):
        self.text, self.first = doc.body_text, doc.body_line
        self.pos, self.line_at = 0, doc.body_line

    def line(self, needle: str) -> int | None:
        """The line of the next ``needle`` (None when there is none ahead)."""
        if not needle:
            return None
        found = self.text.find(needle, self.pos)
        if found < 0:
            return None
        line = self.line_at + self.text.count("\n", self.pos, found)
        self.pos = found + len(needle)  # the next find is of a later occurrence
        self.line_at = line + needle.count("\n")
        return line

    def where(self, doc: Document, needle: str) -> str:
        """"file:line" of the next ``needle`` ("file" when it is not found)."""
        line = self.line(needle)
        return f"{doc.source}:{line}" if line else str(doc.source)


def _unlink(link) -> None:
    """Replace ``link`` by its content (the text stays, the link goes)."""
    container, index = link.container, link.index
    content = list(link.content)
    del container[index]
    for offset, item in enumerate(content):
        container.insert(index + offset, item)


def relative_links(doc: Document) -> None:
    """Resolve scheme-less links against ``base_url``, or unlink them with a warning."""
    import panflute as pf

    base = doc.meta.base_url
    finder = BodyFinder(doc)
    unlinked = []
    for elem in elements(doc.ast):
        if not isinstance(elem, pf.Link):
            continue
        url = elem.url
        if url.startswith("#") or _SCHEME.match(url) or url.startswith("//"):
            continue
        if base:
            elem.url = urljoin(base, url)
            continue
        line = finder.line(f"({url}") or finder.line(url) if url else finder.line("]()")
        where = f"{doc.source}:{line}" if line else str(doc.source)
        shown = url or "()"
        doc.warnings.append(f"{where}: relative link '{shown}' leads nowhere in an edition; "
                            f"its text is kept as plain text (set 'base_url' in the "
                            f"front-matter to link it to the web)")
        unlinked.append(elem)
    for link in reversed(unlinked):
        _unlink(link)


def _body_and_appendices(doc: Document) -> tuple[list, list]:
    body, appendices = [], []
    for block in doc.ast.content:
        is_appendix = getattr(block, "classes", None) and "appendix" in block.classes
        (appendices if is_appendix else body).append(block)
    return body, appendices


def unique_ids(doc: Document) -> None:
    """Make every id unique; the appendices' ids and the editions' own come first, and
    links to an id the author's element had to give up follow it to its new name."""
    import panflute as pf

    body, appendices = _body_and_appendices(doc)
    edition_ids: set[str] = set()
    for block in appendices:
        for elem in elements(block):
            if getattr(elem, "identifier", ""):
                edition_ids.add(elem.identifier)
    taken = set(edition_ids)
    finder = BodyFinder(doc)
    renamed: dict[str, str] = {}

    def locate(*needles: str) -> str:
        # Called for every id in document order, so a repeated id is found where it
        # is repeated, not where it is first given.
        line = next((n for n in map(finder.line, needles) if n), None)
        return f"{doc.source}:{line}" if line else str(doc.source)

    def claim(ident: str, where: str) -> str:
        edition = bool(_RESERVED.match(ident)) or ident in edition_ids
        if not edition and ident not in taken:
            taken.add(ident)
            return ident
        n = 1
        while f"{ident}-{n}" in taken or _RESERVED.match(f"{ident}-{n}"):
            n += 1
        new = f"{ident}-{n}"
        taken.add(new)
        if edition:
            renamed.setdefault(ident, new)  # the author's links meant the author's element
        why = "taken by the edition's own" if edition else "used twice"
        doc.warnings.append(f"{where}: the identifier '#{ident}' is {why}; "
                            f"this one is now '#{new}'")
        return new

    for block in body:
        for elem in elements(block):
            ident = getattr(elem, "identifier", "")
            if ident and isinstance(elem, pf.Element):
                where = locate(pf.stringify(elem)) if isinstance(elem, pf.Header) else \
                    locate(f'id="{ident}"', f"#{ident}", ident)
                elem.identifier = claim(ident, where)
            if isinstance(elem, (pf.RawBlock, pf.RawInline)) and "id" in elem.text:
                elem.text = _RAW_ID.sub(
                    lambda m: f"{m[1]}{m[2]}{claim(m[3], locate(m[0].strip()))}{m[2]}",
                    elem.text)
    if renamed:
        for block in body:
            for elem in elements(block):
                if isinstance(elem, pf.Link) and elem.url[1:] in renamed \
                        and elem.url.startswith("#"):
                    elem.url = "#" + renamed[elem.url[1:]]


def dangling_anchors(doc: Document) -> None:
    """Links to an ``#anchor`` no element has: a warning each, and their text stays."""
    import panflute as pf

    ids: set[str] = set()
    links = []
    for elem in elements(doc.ast):
        ident = getattr(elem, "identifier", "")
        if ident:
            ids.add(ident)
        if isinstance(elem, pf.Link) and elem.url.startswith("#"):
            links.append(elem)
        elif isinstance(elem, (pf.RawBlock, pf.RawInline)):
            ids.update(m[3] for m in _RAW_ID.finditer(elem.text))
    ids.update(f"fn{i}" for i in range(1, 1 + sum(isinstance(e, pf.Note)
                                                   for e in elements(doc.ast))))
    dangling = [link for link in links if link.url[1:] not in ids]
    if not dangling:
        return
    finder = BodyFinder(doc)
    counts: dict[str, list] = {}
    for link in dangling:
        counts.setdefault(link.url, []).append(finder.line(f"({link.url})"))
    for url, lines in counts.items():
        first = next((n for n in lines if n), None)
        where = f"{doc.source}:{first}" if first else str(doc.source)
        more = f" ({len(lines)} links)" if len(lines) > 1 else ""
        doc.warnings.append(f"{where}: link to '{url}', which no heading or element has{more}; "
                            "its text is kept as plain text")
    for link in reversed(dangling):
        _unlink(link)
