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
_SANS_BOLD = "DejaVuSans-Bold.ttf"


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
    from PIL import Image, ImageDraw

    from ..i18n import words

    width, height = SIZE
    margin = 140
    theme = doc.house.theme if doc.house is not None else None
    accent = theme.accent_rgb() if theme is not None else None
    tone = _tones(accent)
    image = Image.new("L" if accent is None else "RGB", SIZE, tone(_GROUND))
    draw = ImageDraw.Draw(image)
    rtl = doc.meta.direction == "rtl"
    title, standfirst = doc.meta_text("title"), doc.meta_text("subtitle")
    footer = [doc.meta.cover_text or words(doc.meta.lang).date(doc.meta.date)]
    if doc.meta.byline:
        footer.insert(0, doc.meta.byline)
    if doc.meta.publisher:
        footer.append(doc.meta.publisher)

    def line(y: int, text: str, font, fill) -> None:
        # Shaped and ordered by Raqm (HarfBuzz, FriBiDi); set from the right in a
        # right-to-left language.
        x = width - margin - draw.textlength(text, font=font) if rtl else margin
        draw.text((x, y), text, font=font, fill=fill)

    y = 260
    if doc.meta.subjects:
        subject = _upper(doc.meta.subjects[0], doc.meta.lang)
        kicker = _face(subject, bold=False, sans=True, size=44)
        if not _covers(kicker, subject):  # no capitals this face can draw: as written
            subject = doc.meta.subjects[0]
            kicker = _face(subject, bold=False, sans=True, size=44)
        line(y, subject, kicker, tone(200))
        y += 90
    rule_x = width - margin - 220 if rtl else margin
    draw.rectangle((rule_x, y, rule_x + 220, y + 10), fill=tone(235))
    y += 90
    title_font = _face(title, bold=True, size=118)
    for text in _wrap(draw, title, title_font, width - 2 * margin):
        line(y, text, title_font, tone(255))
        y += 150
    y += 60
    if standfirst:
        stand_font = _face(standfirst, bold=False, size=54)
        for text in _wrap(draw, standfirst, stand_font, width - 2 * margin):
            line(y, text, stand_font, tone(215))
            y += 78
    y = height - margin - 60 * len(footer)
    draw.rectangle((margin, y - 50, width - margin, y - 46), fill=tone(160))
    for text in footer:
        line(y, text, _face(text, bold=False, sans=True, size=40), tone(220))
        y += 60
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _upper(text: str, lang: str) -> str:
    """``text`` in capitals the language's way (Azerbaijani and Turkish dotted İ)."""
    import icu

    return str(icu.UnicodeString(text).toUpper(icu.Locale.forLanguageTag(lang)))


def _covers(font, text: str) -> bool:
    """Whether ``font`` (a Pillow font) has a glyph for every letter of ``text``."""
    from ..house.fonts import cmap

    return all(ord(c) in cmap(font.path) for c in text if not c.isspace())


def _face(text: str, *, bold: bool, size: int, sans: bool = False):
    """The first face, of the cover's own and the script faces, that has every letter
    of ``text`` (the cover of a Persian article is set in Noto Naskh Arabic); with
    Raqm layout, so joined scripts are shaped and mixed directions ordered."""
    from PIL import ImageFont

    from ..house.fonts import SCRIPT_FACES, cmap, fallback_file

    own = (_SANS_BOLD if bold else _SANS) if sans else (_SERIF_BOLD if bold else _SERIF)
    candidates = [own] + [face.files["-Bold" if bold and "-Bold" in face.files else ""]
                          for face in SCRIPT_FACES]
    paths = [str(path) for name in candidates if (path := fallback_file(name))]
    chosen = next((p for p in paths if all(ord(c) in cmap(p) for c in text
                                           if not c.isspace())), paths[0] if paths else own)
    return ImageFont.truetype(chosen, size, layout_engine=ImageFont.Layout.RAQM)


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
