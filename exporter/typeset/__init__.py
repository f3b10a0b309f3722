"""Typesetting shared by the formats: the document as HTML, laid out in pages.

Takes an enriched ``Document`` and gives HTML parts, laid-out pages and PDF bytes (with
page breaks, fonts, chapter caching and imposition) that the adapters package.
"""

from .libraries import remember_library_lookups

# Before any module of this stage imports WeasyPrint (see ``libraries``).
remember_library_lookups()
