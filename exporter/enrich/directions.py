"""The writing direction of parts in another language.

An author marks a part in another language with its language only (``[local
anti-terrorist activities]{lang=en}`` in a Persian article). When that language is
written the other way from the text around it, the part also gets its direction
(``dir``): readers' software then isolates it for the bidi algorithm, and pandoc's DOCX
writer sets it as a left-to-right run, which Word reads in the part's language (a run
left right to left is complex-script text, read in the document's ``w:bidi`` language).
A ``dir`` the author gave is kept.
"""

from __future__ import annotations

from ..document import Document


def mark_directions(doc: Document) -> None:
    """Give each span and div of ``doc`` marked with a language written the other way
    from the text around it that direction."""
    _visit(doc.ast, doc.meta.direction)


def _direction(lang: str) -> str:
    from ..i18n import words

    return words(lang).direction


def _visit(item: object, around: str) -> None:
    import panflute as pf
    from panflute.containers import DictContainer, ListContainer

    if isinstance(item, (pf.Span, pf.Div)):
        attributes = item.attributes
        if "dir" in attributes:
            around = attributes["dir"]
        elif attributes.get("lang"):
            own = _direction(attributes["lang"])
            if own != around:
                attributes["dir"] = own
                around = own
    if isinstance(item, ListContainer):
        for element in item:
            _visit(element, around)
    elif isinstance(item, DictContainer):
        for value in list(item.dict.values()):
            _visit(value, around)
    elif isinstance(item, pf.Element):
        for name in item._children:
            child = getattr(item, name)
            if child is not None:
                _visit(child, around)
