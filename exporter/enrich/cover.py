"""A typographic cover generated from the metadata, for sources that have none."""

from __future__ import annotations

import io
import textwrap

from ..document import Document

#: Cover size in pixels (2:3, what e-book stores ask for).
SIZE = (1600, 2400)
_SERIF_BOLD = "DejaVuSerif-Bold.ttf"
_SERIF = "DejaVuSerif.ttf"
_SANS = "DejaVuSans.ttf"


def _wrap(draw, text: str, font, width: int) -> list[str]:
    """Greedy word wrap measured in pixels."""
    for chars in range(48, 8, -1):
        lines = textwrap.wrap(text, chars, break_on_hyphens=False)
        if all(draw.textlength(line, font=font) <= width for line in lines):
            return lines
    return textwrap.wrap(text, 8)


def cover_png(doc: Document) -> bytes:
    """The source's cover image (as PNG) if it has one, else a generated PNG cover.

    Made once per document: the EPUB and the downloads page's thumbnails share it.
    """
    made = doc.__dict__.get("_cover_png")
    if made is None:
        made = doc.__dict__["_cover_png"] = _make_cover_png(doc)
    return made


def _make_cover_png(doc: Document) -> bytes:
    if doc.cover is not None:
        return _as_png(doc.resources[doc.cover].best(("image/png", "image/jpeg", "image/gif",
                                                        "image/webp"))[1])
    from PIL import Image, ImageDraw, ImageFont

    width, height = SIZE
    margin = 140
    theme = doc.house.theme if doc.house is not None else None
    accent = theme.accent_rgb() if theme is not None else None
    tone = _tones(accent)
    image = Image.new("L" if accent is None else "RGB", SIZE, tone(_GROUND))
    draw = ImageDraw.Draw(image)
    kicker = ImageFont.truetype(_SANS, 44)
    title_font = ImageFont.truetype(_SERIF_BOLD, 118)
    stand_font = ImageFont.truetype(_SERIF, 54)
    small = ImageFont.truetype(_SANS, 40)

    y = 260
    if doc.meta.subjects:
        draw.text((margin, y), doc.meta.subjects[0].upper(), font=kicker, fill=tone(200))
        y += 90
    draw.rectangle((margin, y, margin + 220, y + 10), fill=tone(235))
    y += 90
    for line in _wrap(draw, doc.meta_text("title"), title_font, width - 2 * margin):
        draw.text((margin, y), line, font=title_font, fill=tone(255))
        y += 150
    y += 60
    standfirst = doc.meta_text("subtitle")
    if standfirst:
        for line in _wrap(draw, standfirst, stand_font, width - 2 * margin):
            draw.text((margin, y), line, font=stand_font, fill=tone(215))
            y += 78
    from ..i18n import words

    footer = [doc.meta.cover_text or words(doc.meta.lang).date(doc.meta.date)]
    if doc.meta.byline:
        footer.insert(0, doc.meta.byline)
    if doc.meta.publisher:
        footer.append(doc.meta.publisher)
    y = height - margin - 60 * len(footer)
    draw.rectangle((margin, y - 50, width - margin, y - 46), fill=tone(160))
    for line in footer:
        draw.text((margin, y), line, font=small, fill=tone(220))
        y += 60
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


#: Grey of the generated cover's ground; text and rules are lighter greys on it.
_GROUND = 28


def _tones(accent: tuple[int, int, int] | None):
    """Grey level (on the built-in dark ground) -> the fill to paint with.

    Without an accent: the grey itself. With one (the theme's ``accent``), the ground
    is the accent and each grey becomes the accent mixed towards white (on a dark
    accent) or towards black (on a light one) as far as the grey is from the ground,
    so the text keeps its contrast.
    """
    if accent is None:
        return lambda level: level
    r, g, b = accent
    light = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 > 0.45
    target = 0 if light else 255

    def tone(level: int) -> tuple[int, int, int]:
        share = (level - _GROUND) / (255 - _GROUND)
        return tuple(round(c + (target - c) * share) for c in accent)  # type: ignore[return-value]

    return tone


def _as_png(data: bytes) -> bytes:
    """``data`` (PNG, JPEG, GIF or WebP) as PNG: e-book covers are one file, one type."""
    from PIL import Image

    if data.startswith(b"\x89PNG"):
        return data
    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG", optimize=True)
        return out.getvalue()
