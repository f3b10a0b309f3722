"""exporter: one canonical Markdown source, three editions (EPUB, PDF, DOCX)."""

__version__ = "0.1.0"
