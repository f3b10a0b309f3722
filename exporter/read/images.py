"""The author's images as each edition needs them.

Measured when the source is read (a decompression bomb, an image that decodes to more
pixels than a build should hold in memory, is refused before it is decoded); shown at
their natural size (CSS pixels at 96 dpi, never stretched, at most the column width);
resized and re-encoded where an edition has no use for more pixels: an e-reader above
``EREADER_PIXELS``, a Word document above print resolution at the column width.
"""

from __future__ import annotations

import io
import math

from .. import cache

#: Largest image accepted: 50 megapixels decode to 200 MB (RGBA); a real photograph
#: has 12 to 60. Above it an image is refused (a "decompression bomb" is a small file
#: that decodes to billions of pixels).
MAX_PIXELS = 50_000_000
#: Pixels an e-reader gets at most (about a 2000 x 1600 image): more only makes the EPUB
#: larger and slower to open.
EREADER_PIXELS = 3_200_000
#: Widest image a Word document gets: the 16 cm text column at 300 dpi.
PRINT_WIDTH_PX = 1890

_RASTER = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}


class ImageProblem(ValueError):
    """An image that cannot be used, with the reason (the caller adds file and line)."""


def sniff(data: bytes) -> str | None:
    """The image type the bytes are, whatever the file is called: PNG, JPEG, GIF, WebP or
    SVG; None for anything else."""
    head = data[:512]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"<svg", b"<?xml", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in data[:4096]:
        return "image/svg+xml"
    return None


def measure(data: bytes, media_type: str) -> tuple[int, int] | None:
    """(width, height) in pixels of a raster image, read from its header only;
    None for SVG. Raises ``ImageProblem`` for an unreadable or too large image."""
    if media_type not in _RASTER:
        return None
    import warnings

    from PIL import Image, UnidentifiedImageError

    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # only the header is read: the size is ours to judge
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                width, height = image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise ImageProblem(f"cannot be read as an image ({exc.__class__.__name__})") from None
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    if width * height > MAX_PIXELS:
        raise ImageProblem(f"is {width}x{height} pixels ({width * height / 1e6:.0f} "
                           f"megapixels); the limit is {MAX_PIXELS / 1e6:.0f} megapixels")
    return width, height


def _resized(data: bytes, media_type: str, scale: float) -> bytes:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # measured already; Pillow's own guard agrees
    with Image.open(io.BytesIO(data)) as image:
        size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
        small = image.resize(size, Image.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        if _RASTER[media_type] == "JPEG":
            small.convert("RGB").save(out, format="JPEG", quality=85, optimize=True,
                                      progressive=True)
        else:
            small.save(out, format=_RASTER[media_type], optimize=True)
        return out.getvalue()


def _cached(kind: str, data: bytes, media_type: str, scale: float) -> bytes:
    key = cache.digest(kind, "floor", media_type, f"{scale:.6f}", data)
    hit = cache.get("images", key)
    if hit is None:
        hit = _resized(data, media_type, scale)
        cache.put("images", key, hit)
    return hit


def for_ereaders(data: bytes, media_type: str) -> bytes:
    """The image scaled down to at most ``EREADER_PIXELS`` (unchanged when smaller)."""
    size = measure(data, media_type)
    if size is None or size[0] * size[1] <= EREADER_PIXELS or media_type == "image/gif":
        return data
    return _cached("ereader", data, media_type, math.sqrt(EREADER_PIXELS / (size[0] * size[1])))


def for_print(data: bytes, media_type: str) -> bytes:
    """The image scaled down to ``PRINT_WIDTH_PX`` wide (unchanged when narrower)."""
    size = measure(data, media_type)
    if size is None or size[0] <= PRINT_WIDTH_PX or media_type == "image/gif":
        return data
    return _cached("print", data, media_type, PRINT_WIDTH_PX / size[0])
