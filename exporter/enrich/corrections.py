"""The "Corrections" note: what changed in an article since publication, with the dates.

An enrichment like the glossary and the maps: it changes the document once, before any
adapter runs, so the EPUB, the PDF and the DOCX all carry the same note. It ends the
article text, before the appendices.
"""

from __future__ import annotations

from types import SimpleNamespace

from ..document import Document

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

    from ..i18n import words

    corrections = doc.meta.corrections
    if not corrections:
        return
    _ = words(doc.meta.lang)
    # Parsed with the body (exporter/source.py): curly quotes, dashes, inline Markdown.
    texts = doc.ast.metadata.content.pop("corrections", None)
    items = []
    for i, correction in enumerate(corrections):
        # TRANSLATORS: a correction's date, before what was corrected.
        when = _("{date}:", date=_.date(correction.date))
        texts_of = (list(texts[i].content) if texts is not None and i < len(texts)
                    else _inlines(correction.text))
        items.append(pf.Para(pf.Strong(*_inlines(when)), pf.Space(), *texts_of))
    header = pf.Header(*_inlines(_("Corrections")), level=1, identifier=NOTE_ID + "-heading",
                       attributes=_.marked)
    note = pf.Div(header, *items, identifier=NOTE_ID, classes=["corrections"],
                  attributes={"role": "note", "aria-labelledby": NOTE_ID + "-heading"})
    blocks = doc.ast.content
    at = next((i for i, block in enumerate(blocks)
               if isinstance(block, pf.Div) and "appendix" in block.classes), len(blocks))
    blocks.insert(at, note)


def correction_texts(doc: Document) -> list[str]:
    """The corrections as plain text with the note's typography (curly quotes, dashes),
    once ``add_corrections_note`` has run; else as written in the front-matter."""
    import panflute as pf

    from ..document import plain_text

    note = next((b for b in doc.ast.content
                 if isinstance(b, pf.Div) and b.identifier == NOTE_ID), None)
    if note is None:
        return [c.text for c in doc.meta.corrections]
    paras = [b for b in note.content if isinstance(b, pf.Para)]
    # Each paragraph is "<date>: <text>"; the date is in bold, the first inline.
    # A stand-in holding the inlines: the AST itself is left untouched.
    return [plain_text(SimpleNamespace(content=list(para.content)[2:])) for para in paras]
