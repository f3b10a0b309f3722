"""What the body refers to: images, link targets, identifiers.

Images inside the source folder become ``Resource``s; anything that points
outside the source folder or to the network is refused, so nothing outside the
folder is ever read and nothing is fetched while building.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import unquote, urlparse

from .document import RESOURCE_SCHEME, Document, Resource, elements
from .errors import SecurityError, SourceError
from .source import line_of

_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def _where(doc: Document, needle: str) -> int | None:
    return line_of(doc.body_text, needle, doc.body_line)


#: Largest remote image fetched with --allow-remote.
_REMOTE_LIMIT = 20 * 1024 * 1024


def is_remote(url: str) -> bool:
    """Whether ``url`` names something on the network."""
    return bool(_REMOTE.match(url)) and not url.lower().startswith("file:") \
        or url.startswith("//")


def fetch_remote(doc: Document, url: str, what: str) -> bytes:
    """Fetch ``url`` (only with --allow-remote): http(s) only, bounded in time and size."""
    import urllib.request

    if not re.match(r"^https?://", url, re.I):
        raise SecurityError(f"{what} '{url}': only http and https can be fetched",
                            file=doc.source, line=_where(doc, url))
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 (scheme checked)
            data = response.read(_REMOTE_LIMIT + 1)
    except OSError as exc:
        raise SourceError(f"{what} '{url}' could not be fetched: {exc}", file=doc.source,
                          line=_where(doc, url)) from None
    if len(data) > _REMOTE_LIMIT:
        raise SourceError(f"{what} '{url}' is larger than 20 MB", file=doc.source,
                          line=_where(doc, url))
    return data


def resolve_local(doc: Document, url: str, what: str) -> Path:
    """The file a relative URL names, refusing anything outside the source folder."""
    line = _where(doc, url)
    parsed = urlparse(url)
    if is_remote(url):
        raise SecurityError(f"{what} '{url}' is on the network; nothing is fetched while building",
                            file=doc.source, line=line,
                            hint="save it in the source folder and refer to it there, "
                                 "or build with --allow-remote")
    if parsed.scheme == "file" or url.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", url):
        raise SecurityError(f"{what} '{url}' is an absolute path", file=doc.source, line=line,
                            hint="use a path relative to the source folder")
    if parsed.scheme:
        raise SecurityError(f"{what} '{url}' uses the unsupported scheme '{parsed.scheme}:'",
                            file=doc.source, line=line)
    path = (doc.source.parent / unquote(parsed.path)).resolve()
    if not path.is_relative_to(doc.root):
        raise SecurityError(f"{what} '{url}' is outside the source folder", file=doc.source,
                            line=line, hint=f"keep it inside {doc.root}")
    return path


def _image_resource(doc: Document, url: str, alt: str, allow_remote: bool) -> str:
    """Load the image ``url`` names as a resource; return the ``resource:`` URL for it."""
    if is_remote(url) and allow_remote:
        data = fetch_remote(doc, url, "image")
        media_type = mimetypes.guess_type(urlparse(url).path)[0] or "image/png"
        key = "remote-" + hashlib.sha256(url.encode()).hexdigest()[:16]
    else:
        path = resolve_local(doc, url, "image")
        if not path.is_file():
            raise SourceError(f"image '{url}' does not exist", file=doc.source,
                              line=_where(doc, url), hint="check the file name")
        media_type = mimetypes.guess_type(path.name)[0]
        key = "img-" + re.sub(r"[^a-z0-9]+", "-", path.relative_to(doc.root).as_posix().lower())
        data = path.read_bytes() if key not in doc.resources else b""
    if media_type not in _IMAGE_TYPES:
        raise SourceError(f"image '{url}' is not a PNG, JPEG, GIF, WebP or SVG",
                          file=doc.source, line=_where(doc, url))
    if key not in doc.resources:
        if media_type != "image/svg+xml":
            _check_pixels(doc, url, data)
        doc.add_resource(Resource(key=key, variants={media_type: data}, alt=alt))
    return RESOURCE_SCHEME + key


#: Largest raster image accepted, in pixels: decoding one takes 4 bytes a pixel of
#: memory in every edition's process (40 megapixels: 160 MB), and larger ones would be
#: dropped by the PDF's image decoder without a word.
MAX_IMAGE_PIXELS = 40_000_000


def _check_pixels(doc: Document, url: str, data: bytes) -> None:
    """Refuse a raster image above ``MAX_IMAGE_PIXELS`` (read from its header only)."""
    import io
    import warnings

    from PIL import Image

    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # only the header is read: the size is what we judge
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Exception:  # noqa: BLE001 (Pillow raises many kinds for a broken file)
        raise SourceError(f"image '{url}' cannot be read as an image", file=doc.source,
                          line=_where(doc, url), hint="open and save it again") from None
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    if width * height > MAX_IMAGE_PIXELS:
        raise SourceError(f"image '{url}' is {width}x{height} pixels "
                          f"({width * height / 1e6:.0f} megapixels); the limit is "
                          f"{MAX_IMAGE_PIXELS / 1e6:.0f} megapixels", file=doc.source,
                          line=_where(doc, url),
                          hint="scale it down; 300 dpi at the printed size is plenty")


def _check_link(doc: Document, url: str) -> None:
    if url.startswith("#") or re.match(r"^(https?|mailto):", url, re.I):
        return
    raise SecurityError(f"link target '{url}' points outside the edition",
                        file=doc.source, line=_where(doc, url),
                        hint="link to a web address (https://...) or a #heading")


def _raw_urls(doc: Document, html: str, allow_remote: bool) -> str:
    """Check the URLs in sanitised raw HTML; images become resources."""
    from .rawhtml import URL_ATTRIBUTES

    def replace(match: re.Match) -> str:
        attr = match.group(1).lower()
        url = next(g for g in match.groups()[2:] if g is not None)
        url = html_unescape(url)
        if attr == "href":
            _check_link(doc, url)
            return match.group(0)
        if url.startswith(RESOURCE_SCHEME):
            return match.group(0)
        return f'{attr}="{_image_resource(doc, url, "", allow_remote)}"'

    return URL_ATTRIBUTES.sub(replace, html)


def check_references(doc: Document, allow_remote: bool = False) -> None:
    """Load images as resources; refuse unsafe targets; find duplicate identifiers."""
    import panflute as pf

    seen_ids: set[str] = set()
    for elem in elements(doc.ast):
        ident = getattr(elem, "identifier", "")
        if ident and isinstance(elem, (pf.Header, pf.Div, pf.Span, pf.CodeBlock, pf.Table)):
            if ident in seen_ids:
                raise SourceError(f"the identifier '#{ident}' is used twice",
                                  file=doc.source, line=_where(doc, "#" + ident),
                                  hint="give each heading or block its own {#id}")
            seen_ids.add(ident)
        if isinstance(elem, pf.Image) and not elem.url.startswith(RESOURCE_SCHEME):
            elem.url = _image_resource(doc, elem.url, pf.stringify(elem), allow_remote)
        elif isinstance(elem, pf.Link):
            _check_link(doc, elem.url)
        elif isinstance(elem, (pf.RawBlock, pf.RawInline)):
            elem.text = _raw_urls(doc, elem.text, allow_remote)
    if doc.meta.cover_image:
        url = _image_resource(doc, doc.meta.cover_image, doc.meta.title, allow_remote)
        doc.cover = url[len(RESOURCE_SCHEME):]
