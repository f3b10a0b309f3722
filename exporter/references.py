"""What the body refers to: images, link targets, identifiers.

Images inside the source folder become ``Resource``s; anything that points
outside the source folder or to the network is refused, so nothing outside the
folder is ever read and nothing is fetched while building.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from .document import RESOURCE_SCHEME, Document, Resource
from .errors import SecurityError, SourceError
from .source import line_of

_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def _where(doc: Document, needle: str) -> int | None:
    return line_of(doc.body_text, needle, doc.body_line)


def resolve_local(doc: Document, url: str, what: str) -> Path:
    """The file a relative URL names, refusing anything outside the source folder."""
    line = _where(doc, url)
    parsed = urlparse(url)
    if parsed.scheme == "file" or url.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", url):
        raise SecurityError(f"{what} '{url}' is an absolute path", file=doc.source, line=line,
                            hint="use a path relative to the source folder")
    if parsed.scheme or _REMOTE.match(url):
        raise SecurityError(f"{what} '{url}' is on the network; nothing is fetched while building",
                            file=doc.source, line=line,
                            hint="download it into the source folder and refer to it there")
    path = (doc.source.parent / unquote(parsed.path)).resolve()
    if not path.is_relative_to(doc.root):
        raise SecurityError(f"{what} '{url}' is outside the source folder", file=doc.source,
                            line=line, hint=f"keep it inside {doc.root}")
    return path


def check_references(doc: Document) -> None:
    """Load images as resources; refuse unsafe targets; find duplicate identifiers."""
    import panflute as pf

    seen_ids: dict[str, int | None] = {}

    def visit(elem, _doc):
        ident = getattr(elem, "identifier", "")
        if ident and isinstance(elem, (pf.Header, pf.Div, pf.Span, pf.CodeBlock, pf.Table)):
            if ident in seen_ids:
                raise SourceError(f"the identifier '#{ident}' is used twice",
                                  file=doc.source, line=_where(doc, "#" + ident),
                                  hint="give each heading or block its own {#id}")
            seen_ids[ident] = None
        if isinstance(elem, pf.Image) and not elem.url.startswith(RESOURCE_SCHEME):
            path = resolve_local(doc, elem.url, "image")
            media_type = mimetypes.guess_type(path.name)[0]
            if not path.is_file():
                raise SourceError(f"image '{elem.url}' does not exist", file=doc.source,
                                  line=_where(doc, elem.url), hint="check the file name")
            if media_type not in _IMAGE_TYPES:
                raise SourceError(f"image '{elem.url}' is not a PNG, JPEG, GIF, WebP or SVG",
                                  file=doc.source, line=_where(doc, elem.url))
            key = "img-" + re.sub(r"[^a-z0-9]+", "-", path.relative_to(doc.root).as_posix().lower())
            if key not in doc.resources:
                doc.add_resource(Resource(key=key, variants={media_type: path.read_bytes()},
                                          alt=pf.stringify(elem)))
            elem.url = RESOURCE_SCHEME + key
        elif isinstance(elem, pf.Link):
            url = elem.url
            if url.startswith("#") or re.match(r"^(https?|mailto):", url, re.I):
                return None
            if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("/") or ".." in url:
                raise SecurityError(f"link target '{url}' points outside the edition",
                                    file=doc.source, line=_where(doc, url),
                                    hint="link to a web address (https://...) or a #heading")
        return None

    doc.ast.walk(visit)
