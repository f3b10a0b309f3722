"""Enrichments: transformations of the document done before any adapter runs."""

from __future__ import annotations

from collections.abc import Callable

from .document import Document
from .yamlfile import Locator


def enrich(doc: Document, locator: Locator, allow_remote: bool = False,
           maps_ready: Callable[[], None] | None = None) -> None:
    """Sanitise raw HTML and check what the body refers to, then add the glossary, the
    maps and the corrections note.

    ``maps_ready`` is called before the maps are added: it waits for another process
    that draws them into the cache.
    """
    from .corrections import add_corrections_note
    from .glossary import apply_glossary, load_glossary
    from .maps.appendix import add_maps
    from .rawhtml import sanitize_raw_html
    from .references import check_references

    sanitize_raw_html(doc)
    check_references(doc, allow_remote)
    settings = doc.meta.glossary
    glossary = load_glossary(doc.root, settings, locator)
    report = apply_glossary(doc.ast, glossary, settings, doc.meta.lang)
    doc.warnings += report.warnings
    if maps_ready is not None:
        maps_ready()
    add_maps(doc, locator)
    add_corrections_note(doc)  # last: no glossary or map links inside the note
