"""Enrichments: what the exporter adds to the document before any adapter runs.

Takes a read ``Document`` (or a collection's articles) and gives it enriched: glossary
links and appendix (``exporter.glossary``), the map appendix (``exporter.maps``), the
corrections note and the cover; a collection assembled into one book.
"""
