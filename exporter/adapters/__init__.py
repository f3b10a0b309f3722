"""Format adapters, registered by name. Adding a format is adding one module.

Takes an enriched ``Document`` and its ``RenderContext`` (house style, the shared HTML);
gives one edition's bytes per format.

Each adapter module exports ``EXTENSION``, ``MEDIA_TYPE``, ``USES_HTML`` (it
renders ``ctx.html``, the HTML shared with other formats), ``LAYS_OUT_PAGES`` (its
page layout is slow enough to run in a process of its own) and
``render(doc, ctx) -> bytes``; a format written beside another of the same extension
sets ``SUFFIX`` (``-print``: ``<slug>-print.pdf``); a paged format may export ``pages(data) -> int``, and
an adapter run in a process of its own may export ``warm_up()``, which loads its
libraries there while the document is still being prepared. (Validators, such as
EPUBCheck before an EPUB replaces another, are ``exporter.publish``'s.) An adapter that
``USES_HTML`` renders ``ctx.html``, the metadata and the resources, never the body's
AST, so it can be given ``ctx.detached()``.
Modules are imported only when their format is built, so the CLI starts fast. No
adapter imports another.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cached_property
from types import ModuleType

from ..document import Document
from ..errors import UsageError
from ..house.styles import HouseStyle

#: Format name -> adapter module. The CLI's ``--format`` choices are these keys.
ADAPTERS: dict[str, str] = {
    "epub": "exporter.adapters.epub",
    "pdf": "exporter.adapters.pdf",
    "docx": "exporter.adapters.docx",
    "html": "exporter.adapters.html",
    "print": "exporter.adapters.print",
    "booklet": "exporter.adapters.booklet",
}
#: What ``build`` makes when no ``--format`` is given: the four editions people read (the
#: web page costs about half a second more than the three others, measured).
#: The print-shop PDF and the booklet are made when asked for.
DEFAULT_FORMATS: tuple[str, ...] = ("epub", "pdf", "docx", "html")


@dataclass
class RenderContext:
    """What adapters share for one document: styles, and renderings done once."""

    doc: Document
    #: The house style: ``styles.file("print.css")``, ``styles.css("epub.css", "epub")``.
    styles: HouseStyle = field(default_factory=HouseStyle)
    #: Build timestamp (from SOURCE_DATE_EPOCH or the article's date), for reproducibility.
    timestamp: int = 0
    extras: dict[str, object] = field(default_factory=dict)
    #: Processes a format may use for its own work (the PDF lays chapters out in them).
    jobs: int = 1

    @cached_property
    def html(self):
        """The document as HTML parts (shared by EPUB and PDF)."""
        from ..typeset.html import render_html

        return render_html(self.doc)

    def detached(self) -> RenderContext:
        """This context for another process: the HTML rendered here, the body's AST
        left out (see ``Document.without_body``)."""
        copy = RenderContext(self.doc.without_body(), self.styles, self.timestamp,
                             dict(self.extras), self.jobs)
        copy.__dict__["html"] = self.html  # the cached_property's slot
        return copy


#: The editions a web page names as the same article in other formats (its
#: ``<link rel="alternate">`` and colophon): format -> what a reader calls it.
ALTERNATES: dict[str, str] = {"epub": "EPUB", "pdf": "PDF", "docx": "Word document"}


def alternates(slug: str, words=None) -> list[tuple[str, str, str]]:
    """(label, file name, media type) of the reader's editions of ``slug`` that a build
    makes by default, the label in ``words``' language if given."""
    return [(words(label) if words is not None else label, file_name(fmt, slug),
             adapter(fmt).MEDIA_TYPE)
            for fmt, label in ALTERNATES.items() if fmt in DEFAULT_FORMATS]


def file_name(fmt: str, slug: str) -> str:
    """The file name of format ``fmt``'s edition of ``slug``."""
    module = adapter(fmt)
    return f"{slug}{getattr(module, 'SUFFIX', '')}.{module.EXTENSION}"


def adapter(name: str) -> ModuleType:
    """The adapter module for format ``name``."""
    try:
        return importlib.import_module(ADAPTERS[name])
    except KeyError:
        raise UsageError(f"unknown format '{name}'",
                         hint="choose from: " + ", ".join(ADAPTERS)) from None
