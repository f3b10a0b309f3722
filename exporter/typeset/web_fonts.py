"""Fonts inside a web page: the EPUB's subset faces as WOFF2 ``data:`` URIs.

The web edition is one file that must look the same on a phone without the book face
or the map font installed, so both travel inside it: the book face (static styles,
subset to the page's text, as the EPUB embeds them: ``ebook_fonts``) and the map
labels' face (subset to the labels' characters). WOFF2 (Brotli) makes them about
half the size of the TrueType files; ``data:`` URIs keep the page one file.
Results are cached by the TrueType bytes, so a rebuild costs nothing.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass

from . import ebook_fonts


@dataclass(frozen=True)
class WebFace:
    """One face for ``@font-face``: family, style, weight and its WOFF2 bytes."""

    family: str
    style: str
    weight: int
    data: bytes


def woff2(ttf: bytes) -> bytes:
    """``ttf`` compressed as WOFF2 (cached by its bytes)."""
    from fontTools.ttLib import TTFont

    from .. import cache

    key = cache.digest("woff2", hashlib.sha256(ttf).hexdigest())
    found = cache.get("fonts", key)
    if found is None:
        font = TTFont(io.BytesIO(ttf), recalcTimestamp=False)
        font.flavor = "woff2"
        out = io.BytesIO()
        font.save(out)
        found = out.getvalue()
        cache.put("fonts", key, found)
    return found


def book_faces(text: str, styles: tuple[tuple[str, int], ...] | None = None) -> list[WebFace]:
    """The book face and the script faces it lacks, subset to ``text``; only the
    ``styles`` ((CSS style, weight) pairs) given, default all four."""
    chars = ebook_fonts.characters([text])
    faces = ebook_fonts.faces(chars) + ebook_fonts.fallback_faces(chars)
    return [WebFace(face.family, face.style, face.weight, woff2(face.data)) for face in faces
            if styles is None or (face.style, face.weight) in styles]


def map_faces(family: str, text: str, weights: set[str]) -> list[WebFace]:
    """The map labels' ``family`` in each of ``weights`` ("normal", "bold"), subset to
    the characters of ``text``; none for a family not installed."""
    from ..maps.fonts import font_file

    out = []
    chars = "".join(sorted(set(text)))
    for weight in sorted(weights):
        try:
            path = font_file(family, weight)
        except Exception:  # noqa: BLE001 (the map was drawn, so the face was there)
            continue
        out.append(WebFace(family, "normal", 700 if weight == "bold" else 400,
                           woff2(_subset(path.read_bytes(), chars))))
    return out


def _subset(ttf: bytes, chars: str) -> bytes:
    """``ttf`` with only the glyphs of ``chars`` (cached by both)."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    from .. import cache

    key = cache.digest("web-subset", hashlib.sha256(ttf).hexdigest(), chars)
    found = cache.get("fonts", key)
    if found is not None:
        return found
    font = TTFont(io.BytesIO(ttf), recalcTimestamp=False)
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # its copyright and licence stay
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    quiet = logging.getLogger("fontTools.subset")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "FFTM NOT subset ... dropped": DejaVu's, harmless
    try:
        subsetter.subset(font)
    finally:
        quiet.setLevel(level)
    out = io.BytesIO()
    font.save(out)
    found = out.getvalue()
    cache.put("fonts", key, found)
    return found


def font_face_css(faces: list[WebFace]) -> str:
    """``@font-face`` rules loading ``faces`` from ``data:`` URIs, after the licences
    the fonts' terms ask to travel with them."""
    rules = [ebook_fonts.licence_css().replace(f"({ebook_fonts.FOLDER}/", "(")]
    for face in faces:
        uri = "data:font/woff2;base64," + base64.b64encode(face.data).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; '
                     f'font-weight: {face.weight}; font-display: swap; '
                     f'src: url("{uri}") format("woff2"); }}')
    return "\n".join(rules) + "\n"
