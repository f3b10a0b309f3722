"""The "Corrections" note: what changed in an article since publication, with the dates.

An enrichment like the glossary and the maps: it changes the document once, before any
adapter runs, so the EPUB, the PDF and the DOCX all carry the same note. It ends the
article text, before the appendices.
"""

from __future__ import annotations

from .document import Document

#: Id of the note, for links from the title page and the downloads page.
NOTE_ID = "corrections"


def _inlines(text: str) -> list:
    import panflute as pf

    out: list = []
    for word in text.split():
        if out:
            out.append(pf.Space())
        out.append(pf.Str(word))
    return out


def add_corrections_note(doc: Document) -> None:
    """Insert the note listing ``doc.meta.corrections`` (oldest first), if there are any."""
    import panflute as pf

    corrections = doc.meta.corrections
    if not corrections:
        return
    items = []
    for correction in corrections:
        when = correction.date.strftime("%-d %B %Y")
        items.append(pf.Para(pf.Strong(*_inlines(when + ":")), pf.Space(),
                             *_inlines(correction.text)))
    header = pf.Header(*_inlines("Corrections"), level=1, identifier=NOTE_ID + "-heading")
    note = pf.Div(header, *items, identifier=NOTE_ID, classes=["corrections"],
                  attributes={"role": "note", "aria-labelledby": NOTE_ID + "-heading"})
    blocks = doc.ast.content
    at = next((i for i, block in enumerate(blocks)
               if isinstance(block, pf.Div) and "appendix" in block.classes), len(blocks))
    blocks.insert(at, note)
