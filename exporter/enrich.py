"""Enrichments: transformations of the document done before any adapter runs."""

from __future__ import annotations

from .document import Document
from .yamlfile import Locator


def enrich(doc: Document, locator: Locator) -> None:
    """Check the body's references, then add the glossary and the map appendix."""
    from .glossary import apply_glossary, load_glossary
    from .references import check_references

    check_references(doc)
    settings = doc.meta.glossary
    glossary = load_glossary(doc.root, settings, locator)
    report = apply_glossary(doc.ast, glossary, settings, doc.meta.lang)
    doc.warnings += report.warnings
