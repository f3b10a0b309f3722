"""Edits the readers make to a document's XML or HTML tree before pandoc reads it."""

from __future__ import annotations


def remove_keeping_tail(element) -> None:
    """Remove ``element`` but keep the text after it (lxml keeps it in ``tail``)."""
    parent, tail = element.getparent(), element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
