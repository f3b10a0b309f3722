"""What an import found in the document: where it is, and what became of it."""

from __future__ import annotations

from dataclasses import dataclass

#: Characters of a document's text quoted to say where something is.
_QUOTE = 40


@dataclass(frozen=True)
class Finding:
    """One thing in the imported document: ``where`` it is (paragraph, the text near
    it) and ``what`` it is and what became of it."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def quoted(text: str) -> str:
    """A few words of ``text`` to recognise a place by, in quotes."""
    words = " ".join(text.split())
    if len(words) > _QUOTE:
        words = words[:_QUOTE].rsplit(" ", 1)[0] + "…"
    return f"'{words}'"


def place(number: int, text: str, heading: str | None) -> str:
    """Where a paragraph is: its number, its first words, the heading it is under."""
    where = f"paragraph {number}"
    if text.strip():
        where += f" ({quoted(text)})"
    if heading:
        where += f" under {quoted(heading)}"
    return where
