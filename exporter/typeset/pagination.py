"""One pagination for print and screen: where each page of the print layout begins.

For every laid-out page this finds its first words (or its first image) and records
where they are in the shared HTML: the part, the path of element indexes from the
part's root to the element that holds them, and the offset of the words in that
element's own text (whitespace collapsed). The EPUB puts a page-break marker there,
so "page 3" means the same words in the PDF and on an e-reader.

Taken from WeasyPrint's pages, not estimated: a page that starts in the middle of a
paragraph gets its marker before the first word on that page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")

#: Elements whose content model takes phrasing content: a marker (a <span>) may go in.
_TAKES_PHRASING = frozenset({
    "p", "div", "section", "article", "aside", "nav", "main", "header", "footer", "body",
    "blockquote", "li", "dd", "dt", "td", "th", "figure", "figcaption", "caption", "span",
    "em", "strong", "i", "b", "u", "small", "mark", "cite", "q", "dfn", "abbr", "sup", "sub",
    "code", "pre", "address", "details", "summary", "label", "s", "del", "ins",
})
#: Elements a marker must never go into: it would become part of their accessible name.
_NAMED = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "dfn", "caption", "figcaption",
                    "summary", "label", "th", "button"})


@dataclass(frozen=True)
class PageStart:
    """Where page ``number`` begins: in part ``part``, at element ``path``, ``offset``
    characters into its own text (0: before the element's content)."""

    number: int
    part: str
    path: tuple[int, ...]
    offset: int


def _children(element) -> list:
    return [c for c in element if isinstance(c.tag, str)]


def own_text(element) -> str:
    """The element's own text (not its children's), whitespace collapsed."""
    raw = (element.text or "") + "".join(c.tail or "" for c in element)
    return _SPACES.sub(" ", raw)


def _leaves(box) -> Iterator:
    """Text and replaced (image) boxes under ``box`` in layout order; no margin boxes."""
    from weasyprint.formatting_structure import boxes

    stack = [box]
    while stack:
        item = stack.pop()
        item = getattr(item, "_box", item)  # absolutely positioned placeholders
        if isinstance(item, boxes.MarginBox):
            continue
        if isinstance(item, (boxes.TextBox, boxes.ReplacedBox)):
            yield item
        elif hasattr(item, "children"):
            stack.extend(reversed(item.children))


def page_starts(document, root, part_prefix: str) -> tuple[PageStart, ...]:
    """Where each page of a WeasyPrint ``document`` begins; ``root`` is its HTML root.

    Parts are the ``<section id="{part_prefix}ID">`` elements of the print document.
    """
    from weasyprint.formatting_structure import boxes

    parents: dict = {}
    part_of: dict = {}
    cursors: dict = {}  # element -> how far its own text has been laid out
    texts: dict = {}
    starts: list[PageStart] = []
    #: Pages without words or images (left blank so that a chapter starts on the right):
    #: each still has its marker, so the page list has every page of the PDF.
    blank: list[int] = []

    def locate(element) -> tuple[str, tuple[int, ...]] | None:
        path: list[int] = []
        while element is not None and element not in part_of:
            parent = parents.get(element)
            if parent is None:
                return None
            path.append(_children(parent).index(element))
            element = parent
        return (part_of[element], tuple(reversed(path))) if element is not None else None

    for parent in root.iter():
        for child in parent:
            parents[child] = parent
        ident = parent.get("id") or ""
        if parent.tag == "section" and ident.startswith(part_prefix):
            part_of[parent] = ident[len(part_prefix):]
    for number, page in enumerate(document.pages, 1):
        first = None
        for leaf in _leaves(page._page_box):
            element = leaf.element
            if element is None or "::" in (leaf.element_tag or ""):
                continue  # generated content (labels, counters) is not in the source
            if isinstance(leaf, boxes.ReplacedBox):
                if first is None:
                    first = (element, 0)
                continue
            words = leaf.text.strip()
            if not words:
                continue
            if element not in texts:
                texts[element] = own_text(element)
            text, cursor = texts[element], cursors.get(element, 0)
            found = text.find(words, cursor)
            if found < 0 and len(words) > 1:  # a hyphen added at a line break
                words = words[:-1]
                found = text.find(words, cursor)
            at = found if found >= 0 else cursor
            cursors[element] = at + len(words) if found >= 0 else cursor
            if first is None:
                while at > 0 and not text[at - 1].isspace():
                    at -= 1  # the whole word, where a page turn split it
                first = (element, at)
        if first is None:
            blank.append(number)  # marked where the next page begins
            continue
        where = locate(first[0])
        if where is not None:
            for empty in blank:
                starts.append(PageStart(empty, where[0], where[1], first[1]))
            blank = []
            starts.append(PageStart(number, where[0], where[1], first[1]))
    if blank and starts:  # blank pages at the very end: where the last page begins
        last = starts[-1]
        starts += [PageStart(empty, last.part, last.path, last.offset) for empty in blank]
    return tuple(starts)


def _resolve(root, path: tuple[int, ...]):
    element = root
    for index in path:
        children = _children(element)
        if index >= len(children):
            return element  # the two parsers disagree here: the nearest element found
        element = children[index]
    return element


def _insert_before(element, marker) -> None:
    # The text before ``element`` stays where it is, before the marker.
    element.addprevious(marker)


def _insert_at(element, offset: int, marker) -> None:
    """Put ``marker`` ``offset`` characters into ``element``'s own text (collapsed)."""
    segments = [(element, "text")] + [(child, "tail") for child in element]
    seen = 0  # collapsed characters passed so far
    last_space = False
    for owner, attr in segments:
        raw = getattr(owner, attr) or ""
        for i, char in enumerate(raw):
            space = char.isspace()
            if space and last_space:
                continue
            if seen == offset:
                _split(owner, attr, i, marker, element)
                return
            seen += 1
            last_space = space
    element.append(marker)


def _split(owner, attr: str, index: int, marker, element) -> None:
    raw = getattr(owner, attr)
    setattr(owner, attr, raw[:index])
    marker.tail = raw[index:] + (marker.tail or "")
    if attr == "text":
        element.insert(0, marker)
    else:
        owner.addnext(marker)


def insert_marker(root, start: PageStart, make_marker: Callable[[int], object]) -> None:
    """Insert the page-break marker of ``start`` into a part whose root is ``root`` (lxml).

    At the start of an element the marker goes before it, as high up as the content
    model allows (before a heading, not into it); inside text it goes before the word.
    """
    element = _resolve(root, start.path)
    marker = make_marker(start.number)
    offset = start.offset
    if offset > 0 and element.tag not in _NAMED:
        _insert_at(element, offset, marker)
        return
    # Before the element: climb while it is the first thing in its parent, then insert
    # before the highest element whose parent takes a <span>.
    chain = [element]
    while True:
        current = chain[-1]
        parent = current.getparent()
        if parent is None or parent is root:
            break
        if (parent.text or "").strip() or _children(parent)[0] is not current:
            break
        chain.append(parent)
    for candidate in reversed(chain):
        parent = candidate.getparent()
        if parent is not None and (parent is root or parent.tag in _TAKES_PHRASING) \
                and parent.tag not in _NAMED:
            _insert_before(candidate, marker)
            return
    # Inside a table row or a list: the first element that takes a <span> (a header
    # cell too: better a number in its name than invalid XHTML).
    for candidate in chain:
        if candidate.tag in _TAKES_PHRASING and candidate.tag != "a":
            marker.tail = candidate.text or ""  # the text now follows the marker
            candidate.text = ""
            candidate.insert(0, marker)
            return
    _insert_before(chain[-1], marker)
