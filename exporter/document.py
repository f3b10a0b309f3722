"""The one document model every enrichment transforms and every adapter renders.

The Markdown is parsed once, by pandoc, into a panflute AST. Enrichments (the
glossary, the map appendix) change that AST before any adapter runs; adapters only
render it. Images the adapters need (maps, the cover) are ``Resource``s, referred
to from the AST by a ``resource:<key>`` URL so each format can pick the variant it
wants (SVG for print, PNG for e-readers and Word).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import panflute as pf

    from .read.metadata import Metadata
    from .house.styles import HouseStyle

#: URL scheme by which the AST refers to a ``Resource``.
RESOURCE_SCHEME = "resource:"


#: A resource's variant for browsers: SVG whose words are ``<text>`` (maps), which
#: only a renderer that shapes text itself may draw (the PDF and PNGs take outlines).
BROWSER_SVG = "image/svg+xml;labels=text"


@dataclass
class Resource:
    """One image in several encodings, keyed by media type ("image/png", "image/svg+xml").

    A variant may be a function that makes the bytes on first use (the maps' PNG
    copies): a build that does not ask for the format that needs it never makes it.
    """

    key: str
    variants: dict[str, bytes | Callable[[], bytes]]
    alt: str = ""
    #: Printed width in millimetres (for DOCX/PDF sizing); None: natural size.
    width_mm: float | None = None
    height_mm: float | None = None
    #: A copy drawn for e-ink screens (maps: at e-reader width, 16 greys), or a function
    #: that makes it, if the producer has one; otherwise the EPUB scales the PNG down.
    ereader_png: bytes | Callable[[], bytes] | None = None
    #: (width, height) in pixels of a raster image the author gave; None otherwise.
    pixels: tuple[int, int] | None = None

    def best(self, accepted: tuple[str, ...]) -> tuple[str, bytes]:
        """The first variant whose media type is in ``accepted``."""
        for media_type in accepted:
            if media_type in self.variants:
                data = self.variants[media_type]
                if callable(data):
                    data = self.variants[media_type] = data()
                return media_type, data
        raise KeyError(f"resource {self.key} has none of {accepted}")

    def for_ereaders(self) -> bytes | None:
        """The e-reader copy, if there is one (made now if need be)."""
        if callable(self.ereader_png):
            self.ereader_png = self.ereader_png()
        return self.ereader_png


@dataclass
class Document:
    """Metadata + AST + resources of one source file, shared by every adapter."""

    source: Path
    root: Path
    slug: str
    meta: Metadata
    ast: pf.Doc
    #: Line of ``source`` on which the Markdown body starts (after the front-matter).
    body_line: int = 1
    resources: dict[str, Resource] = field(default_factory=dict)
    #: Key of the resource that is the cover image (front-matter ``cover_image``), if any.
    cover: str | None = None
    #: The Markdown body as written (to locate AST nodes by line for error messages).
    body_text: str = ""
    #: Warnings found while loading and enriching (already located: "file:line: ...").
    warnings: list[str] = field(default_factory=list)
    #: The house style (``styles.HouseStyle``) the editions are made with; None: built-in.
    house: HouseStyle | None = None
    #: A collection's articles, in order, each a chapter (empty for a single article).
    chapters: tuple[Path, ...] = ()
    #: The same story in other languages (``read.translations.Translation``), by tag.
    translations: tuple = ()
    #: The places the maps show, in the gazetteer's words, for the news metadata:
    #: ({"name", "kind", "lat", "lon", "point"}, ...), first map first.
    places: tuple = ()

    def meta_text(self, key: str) -> str:
        """Title or standfirst as plain text with the body's typography ("" if absent)."""
        value = self.ast.metadata.content.get(key)
        return plain_text(value) if value is not None else ""

    def description(self) -> str:
        """What the editions' metadata describe the text as: the front-matter's
        ``description``, else the standfirst ("" if neither)."""
        return self.meta_text("description") or self.meta_text("subtitle")

    def without_body(self) -> Document:
        """A copy whose AST keeps the metadata but not the body: what a process that
        renders from the shared HTML needs, and cheap to send there (a book's AST
        takes a second to pickle and unpickle)."""
        import io
        import json

        import panflute as pf

        blob = {"pandoc-api-version": list(self.ast.api_version),
                "meta": self.ast.metadata.content.to_json(), "blocks": []}
        return dataclasses.replace(self, ast=pf.load(io.StringIO(json.dumps(blob))))

    def add_resource(self, resource: Resource) -> str:
        """Register ``resource`` and return the URL the AST uses for it."""
        self.resources[resource.key] = resource
        return RESOURCE_SCHEME + resource.key


def elements(root: object) -> Iterator[pf.Element]:
    """Every element under ``root`` (itself included, metadata too), parents before
    children, in document order.

    For passes that read the AST or change attributes in place: unlike panflute's
    ``walk``, which rebuilds every container it passes (about a second on a book),
    this changes nothing. The structure must not change while it runs.
    """
    from panflute.containers import DictContainer, ListContainer

    stack = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, ListContainer):
            stack.extend(reversed(item.list))
        elif isinstance(item, DictContainer):
            stack.extend(reversed(list(item.dict.values())))
        else:
            yield item
            for name in reversed(item._children):
                child = getattr(item, name)
                if child is not None:
                    stack.append(child)


def walk_json(node: object, visit) -> None:
    """Call ``visit`` on every AST dict of pandoc JSON under ``node``, depth first."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            visit(item)
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def plain_text(element: object) -> str:
    """Plain text of an AST element or metadata value, keeping curly quotes."""
    import panflute as pf

    parts: list[str] = []

    def walk(el: object) -> None:
        if isinstance(el, pf.Str):
            parts.append(el.text)
        elif isinstance(el, (pf.Space, pf.SoftBreak, pf.LineBreak)):
            parts.append(" ")
        elif isinstance(el, (pf.Code, pf.Math, pf.MetaString)):
            parts.append(el.text)
        elif isinstance(el, pf.Quoted):
            double = el.quote_type == "DoubleQuote"
            parts.append("\u201c" if double else "\u2018")
            for child in el.content:
                walk(child)
            parts.append("\u201d" if double else "\u2019")
        elif isinstance(el, pf.Note):
            return
        elif hasattr(el, "content"):
            for child in el.content:
                walk(child)

    walk(element)
    return "".join(parts).strip()
