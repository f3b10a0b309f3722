"""Hyphenation the engine cannot be told to avoid, found in the laid-out pages.

WeasyPrint has no ``hyphenate-limit-lines`` (at most N hyphenated lines in a row) and
no ``hyphenate-limit-last`` (no word split across a page turn). So the layout is
inspected: a paragraph with more than ``MAX_RUN`` hyphenated lines in a row, or whose
line at the foot of a page ends in a hyphenated word, is set again without automatic
hyphenation (class ``no-hyphens``), and the pages are laid out once more
(``layout.lay_out``). Marking changes only an attribute, so the element paths that
``pagination`` records stay the same.
"""

from __future__ import annotations

from collections.abc import Iterator

#: Most hyphenated lines in a row.
MAX_RUN = 2
#: The class that turns automatic hyphenation off (print.css).
NO_HYPHENS = "no-hyphens"
#: WeasyPrint's default hyphenate-character, drawn where it split a word.
_HYPHEN = "\u2010"


def _lines(box) -> Iterator:
    """Line boxes under ``box`` in layout order, margin boxes left out."""
    from weasyprint.formatting_structure import boxes

    stack = [box]
    while stack:
        item = stack.pop()
        if isinstance(item, boxes.MarginBox):
            continue
        if isinstance(item, boxes.LineBox):
            yield item
        elif hasattr(item, "children"):
            stack.extend(reversed(item.children))


def _last_text(line) -> str:
    """The text of the last text box on ``line`` (where a hyphen would be drawn)."""
    from weasyprint.formatting_structure import boxes

    stack = [line]
    while stack:
        item = stack.pop()
        if isinstance(item, boxes.TextBox):
            return item.text
        if hasattr(item, "children"):
            stack.extend(item.children)  # the last child is looked at first
    return ""


def bad_breaks(document) -> list:
    """Elements (lxml) whose lines break as the print style forbids: more than
    ``MAX_RUN`` hyphenated lines in a row, or a hyphenated word across a page turn."""
    found: dict[int, object] = {}
    for page in document.pages:
        last = None
        run_element, run = None, 0
        for line in _lines(page._page_box):
            element = line.element
            hyphenated = _last_text(line).endswith(_HYPHEN)
            if element is not run_element:
                run_element, run = element, 0
            run = run + 1 if hyphenated else 0
            if run > MAX_RUN and element is not None:
                found[id(element)] = element
            last = (line, hyphenated)
        if last is not None and last[1] and last[0].element is not None:
            found[id(last[0].element)] = last[0].element
    return list(found.values())


def unhyphenate(elements) -> None:
    """Turn automatic hyphenation off in ``elements`` (lxml elements of the laid-out HTML)."""
    for element in elements:
        classes = (element.get("class") or "").split()
        if NO_HYPHENS not in classes:
            element.set("class", " ".join([*classes, NO_HYPHENS]))
