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

from ..document import RESOURCE_SCHEME, Document, Resource, elements
from ..errors import SecurityError, SourceError
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
    if key not in doc.resources:
        from .images import sniff

        # The bytes say what the image is; the name only suggests it.
        media_type = sniff(data) or media_type
    if media_type not in _IMAGE_TYPES and key not in doc.resources:
        raise SourceError(f"image '{url}' is not a PNG, JPEG, GIF, WebP or SVG (by its "
                          "contents, whatever its name)", file=doc.source,
                          line=_where(doc, url), hint="save it as PNG or JPEG")
    if key not in doc.resources:
        from .images import ImageProblem, measure
        from .svg import clean_svg

        try:
            pixels = measure(data, media_type)
            if media_type == "image/svg+xml":
                data, removed = clean_svg(data)
                if removed:
                    doc.warnings.append(
                        f"{doc.source}:{_where(doc, url) or 1}: image '{url}': removed "
                        f"{', '.join(removed)} (an image in an edition runs no script)")
        except ImageProblem as exc:
            raise SourceError(f"image '{url}' {exc}", file=doc.source, line=_where(doc, url),
                              hint="save it at a few megapixels" if "pixels" in str(exc)
                              else None) from None
        doc.add_resource(Resource(key=key, variants={media_type: data}, alt=alt,
                                  pixels=pixels))
    return RESOURCE_SCHEME + key


#: Link schemes an edition may carry; scheme-less (relative) links are ``links``' job.
_LINK_SCHEMES = ("http", "https", "mailto", "tel")


def _check_link(doc: Document, url: str) -> None:
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", url, re.I)
    if not scheme or scheme.group(1).lower() in _LINK_SCHEMES:
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


def _natural_size(doc: Document, image) -> None:
    """Show an image at its natural size (CSS pixels, 96 dpi) unless the author set one;
    the stylesheets cap it at the column width, so it is never stretched."""
    resource = doc.resources[image.url[len(RESOURCE_SCHEME):]]
    if resource.pixels and not ({"width", "height"} & set(image.attributes)):
        image.attributes["width"] = f"{resource.pixels[0]}px"


#: The class an author gives an image that is ornament only (``![](rule.png){.decorative}``):
#: it has no text description, and the editions hide it from screen readers.
DECORATIVE = "decorative"


def _warn_undescribed(doc: Document, image, url: str, line: int | None) -> None:
    """A located warning for an image with no text description that its author has
    not marked as ornament (an error with --strict; ``exporter check`` fails every
    edition that holds it)."""
    import panflute as pf

    if pf.stringify(image).strip() or DECORATIVE in image.classes:
        return
    doc.warnings.append(
        f"{doc.source}:{line or doc.body_line}: image '{url}' has no text description "
        f"(alt text): say what it shows, ![what it shows]({url}), or mark an ornament "
        f"![]({url}){{.{DECORATIVE}}}")


def check_references(doc: Document, allow_remote: bool = False) -> list[str]:
    """Load images as resources and refuse unsafe targets; return every error found
    ("file:line: message"), not only the first."""
    import panflute as pf

    from .links import BodyFinder

    finder = BodyFinder(doc)
    errors: list[str] = []
    for elem in elements(doc.ast):
        try:
            if isinstance(elem, pf.Image) and not elem.url.startswith(RESOURCE_SCHEME):
                url = elem.url
                line = finder.line(url)
                elem.url = _image_resource(doc, url, pf.stringify(elem), allow_remote)
                _natural_size(doc, elem)
                _warn_undescribed(doc, elem, url, line)
            elif isinstance(elem, pf.Link):
                url = elem.url
                _check_link(doc, url)
            elif isinstance(elem, (pf.RawBlock, pf.RawInline)):
                url = elem.text.strip()[:40]
                elem.text = _raw_urls(doc, elem.text, allow_remote)
        except SourceError as exc:
            # The line of this occurrence, not of the first text like it.
            exc.line = (line if isinstance(elem, pf.Image) else finder.line(url)) or exc.line
            errors.append(str(exc))
    if doc.meta.cover_image:
        try:
            url = _image_resource(doc, doc.meta.cover_image, doc.meta.title, allow_remote)
            doc.cover = url[len(RESOURCE_SCHEME):]
        except SourceError as exc:
            errors.append(str(exc))
    return errors
