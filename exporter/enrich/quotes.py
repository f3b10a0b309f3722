"""Quotation marks in the language's own style.

Pandoc's smart typography turns straight quotes into quotations (``Quoted``), which its
writers print with English marks in every language. Here each quotation gets the
CLDR marks of the edition's language instead: «…» in Armenian, Russian, Ukrainian and
Persian, „…“ in Georgian and German; a quotation inside a quotation gets the language's
inner marks («…„…“…» in Russian). Done once on the document, so every edition and the
metadata (titles) agree.
"""

from __future__ import annotations

from ..document import Document

#: The marks pandoc's writers use: a language with these needs no change.
PANDOC_MARKS = ("\u201c", "\u201d", "\u2018", "\u2019")


def localise_quotes(doc: Document) -> None:
    """Replace every quotation in ``doc`` (body and metadata) by its text between the
    marks of ``doc``'s language, outer and inner marks alternating with the nesting."""
    from ..i18n import words

    marks = words(doc.meta.lang).quotes
    if tuple(marks) == PANDOC_MARKS:
        return
    _replace(doc.ast, 0, ((marks[0], marks[1]), (marks[2], marks[3])))


def _replace(item: object, depth: int, marks: tuple[tuple[str, str], ...]) -> None:
    import panflute as pf
    from panflute.containers import DictContainer, ListContainer

    if isinstance(item, ListContainer):
        i = 0
        while i < len(item):
            element = item[i]
            if isinstance(element, pf.Quoted):
                _replace(element.content, depth + 1, marks)
                start, end = marks[depth % 2]
                replacement = [pf.Str(start), *list(element.content), pf.Str(end)]
                item[i:i + 1] = replacement
                i += len(replacement)
            else:
                _replace(element, depth, marks)
                i += 1
    elif isinstance(item, DictContainer):
        for value in list(item.dict.values()):
            _replace(value, depth, marks)
    elif isinstance(item, pf.Element):
        for name in item._children:
            child = getattr(item, name)
            if child is not None:
                _replace(child, depth, marks)
