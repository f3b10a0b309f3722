"""Enrichments: transformations of the document done before any adapter runs."""

from __future__ import annotations

from .document import Document
from .yamlfile import Locator


def enrich(doc: Document, locator: Locator) -> None:
    """Check the body's references, then add the glossary and the map appendix."""
    from .references import check_references

    check_references(doc)
