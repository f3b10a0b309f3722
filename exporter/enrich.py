"""Enrichments: transformations of the document done before any adapter runs."""

from __future__ import annotations

from collections.abc import Callable

from .document import Document
from .yamlfile import Locator


def enrich(doc: Document, locator: Locator, allow_remote: bool = False,
           maps_ready: Callable[[], None] | None = None) -> None:
    """Sanitise raw HTML and check what the body refers to, then add the glossary and maps.

    ``maps_ready`` is called before the maps are added: it waits for another process
    that draws them into the cache.
    """
    from .glossary import apply_glossary, load_glossary
    from .maps.appendix import add_maps
    from .rawhtml import sanitize_raw_html
    from .references import check_references

    from .fonts import glyph_warnings
    from .yamlfile import read_text

    sanitize_raw_html(doc)
    doc.warnings += glyph_warnings(doc.source, read_text(doc.source))
    check_references(doc, allow_remote)
    settings = doc.meta.glossary
    glossary = load_glossary(doc.root, settings, locator)
    report = apply_glossary(doc.ast, glossary, settings, doc.meta.lang)
    doc.warnings += report.warnings
    if maps_ready is not None:
        maps_ready()
    add_maps(doc, locator)
