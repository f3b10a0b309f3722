"""The book face as the EPUB embeds it: static fonts, subset to the edition's text.

Many reading systems (Adobe RMSDK, older Kobo and Kindle firmware) cannot use variable
fonts, so each style the stylesheet uses (regular, italic, bold, bold italic) becomes a
static TrueType font at a text optical size. The variable font is first subset to the
characters of the edition (its glyphs, plus those its kerning and ligature features
reach), then instanced: instancing the whole font first costs 5-7 s a style, the small
subset 0.3 s (figures in ``docs/performance.md``). Results are cached by the font's
bytes and the character set, so a rebuild whose text uses the same characters costs
nothing; with or without the cache the bytes are the same.

Licence: Literata is under the SIL OFL 1.1 and declares no Reserved Font Name, so the
subset keeps the name Literata. Its copyright and licence notice stay in the fonts'
name table, and the stylesheet that loads them carries the licence text (``licence_css``).
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from dataclasses import dataclass

from ..house.fonts import (BOOK_FACE, SCRIPT_FACES, book_face_digests, book_files, cmap,
                           fallback_file, font_tools_identity, licence)

#: The optical size the text faces are instanced at (Literata's own default: body text).
OPTICAL_SIZE = 12
#: Style -> (CSS font-style, which is also the variable font used; weight).
STYLES = {
    "Regular": ("normal", 400),
    "Italic": ("italic", 400),
    "Bold": ("normal", 700),
    "BoldItalic": ("italic", 700),
}
#: Kept besides the text's own characters: what a reader draws on its own when it
#: hyphenates, justifies or shows straight text (spaces, hyphens, quotes, dashes).
BASE_CHARACTERS = "".join(chr(c) for c in range(0x20, 0x7F)) + \
    "\u00a0\u00ad\u2010\u2011\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
#: Name records kept: copyright, family, style, unique id, full name, version,
#: PostScript name, licence description and URL (the OFL's notice travels in the font).
_NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14)
#: Where the fonts go in the EPUB, relative to the package document.
FOLDER = "fonts"


@dataclass(frozen=True)
class Face:
    """One embedded font: where it goes, what CSS calls it, and its bytes."""

    file_name: str
    style: str
    weight: int
    data: bytes
    family: str = BOOK_FACE


def uses_book_face(css: str) -> bool:
    """Whether a stylesheet sets any text in the book face (else nothing is embedded)."""
    return re.search(rf"\bfont(?:-family)?\s*:[^;}}]*\b{BOOK_FACE}\b", css) is not None


def characters(texts: list[str]) -> str:
    """The sorted characters of ``texts`` and the base set, without controls."""
    found = set(BASE_CHARACTERS)
    for text in texts:
        found.update(text)
    return "".join(sorted(c for c in found if ord(c) >= 0x20 and not 0x7F <= ord(c) < 0xA0))


def faces(chars: str) -> list[Face]:
    """The four styles of the book face, static and subset to ``chars``."""
    out = []
    for name, (style, weight) in STYLES.items():
        file_name = f"{FOLDER}/{BOOK_FACE}-{name}.ttf"
        out.append(Face(file_name, style, weight, _static_subset(style, weight, chars)))
    return out


#: Style suffix of a script face's file -> (CSS font-style, weight).
_FALLBACK_STYLES = {"": ("normal", 400), "-Bold": ("normal", 700),
                    "-Italic": ("italic", 400), "-BoldItalic": ("italic", 700)}


@functools.lru_cache(maxsize=1)
def _book_face_covers() -> frozenset[int]:
    return frozenset().union(*(cmap(path) for path in book_files().values()))


def fallback_faces(chars: str) -> list[Face]:
    """The script faces (``house.fonts.SCRIPT_FACES``: DejaVu Serif for Armenian and
    Georgian, Noto Naskh Arabic for Arabic and Persian ...), each subset to the characters
    of ``chars`` the book face and the faces before it lack, in the styles installed;
    none when the book face has every character."""
    import unicodedata

    # The base set's punctuation a reader draws its own way (U+2011, a hyphen Literata
    # lacks) calls for no font of its own.
    lacking = "".join(c for c in chars if ord(c) not in _book_face_covers()
                      and c not in BASE_CHARACTERS and unicodedata.category(c)[0] not in "CZ")
    out = []
    for script_face in SCRIPT_FACES:
        if not lacking:
            break
        regular = fallback_file(script_face.files[""])
        if regular is None:
            continue
        have = cmap(regular)
        mine = "".join(c for c in lacking if ord(c) in have)
        if not mine:
            continue
        for suffix, name in script_face.files.items():
            path = fallback_file(name)
            data = _fallback_subset(path, mine) if path is not None else None
            if data is not None:
                style, weight = _FALLBACK_STYLES[suffix]
                stem = script_face.family.replace(" ", "")
                out.append(Face(f"{FOLDER}/{stem}{suffix}.ttf", style, weight, data,
                                script_face.family))
        lacking = "".join(c for c in lacking if c not in mine)
    return out


def _fallback_subset(path, chars: str) -> bytes | None:
    """``path`` subset to the ``chars`` it has (cached); None when it has none."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from .. import cache

    data = path.read_bytes()
    key = cache.digest("ebook-fallback", font_tools_identity(), hashlib.sha256(data).hexdigest(),
                       chars)
    found = cache.get("fonts", key)
    if found is not None:
        return found or None
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    have = font.getBestCmap()
    text = "".join(c for c in chars if ord(c) in have)
    if not text:
        cache.put("fonts", key, b"")
        return None
    options = subset.Options()
    options.notdef_outline = True
    # FontForge's timestamp (DejaVu has one): no reader uses it, and fontTools, not
    # knowing how to subset it, would print a warning for every face on a cold cache.
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    found = _save(font)
    cache.put("fonts", key, found)
    return found


def font_face_css(embedded: list[Face], prefix: str = "../") -> str:
    """``@font-face`` rules for the embedded fonts (paths relative to the stylesheet),
    after the licence the OFL asks to travel with the fonts."""
    rules = [licence_css()]
    for script_face in SCRIPT_FACES:
        if any(face.family == script_face.family for face in embedded):
            files = f"{FOLDER}/{script_face.family.replace(' ', '')}*.ttf"
            rules.append(f"/* The embedded fonts {files} are subsets of "
                         f"{script_face.family}: {script_face.notice} */")
    for face in embedded:
        rules.append(f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; '
                     f'font-weight: {face.weight}; src: url("{prefix}{face.file_name}"); }}')
    return "\n".join(rules) + "\n"


def licence_css() -> str:
    """The book face's copyright notice and licence as a CSS comment."""
    text = licence().read_text("utf-8").replace("*/", "* /").strip()
    return (f"/* The embedded fonts ({FOLDER}/{BOOK_FACE}-*.ttf) are subsets of {BOOK_FACE}, "
            f"under this licence:\n\n{text}\n*/")


def _static_subset(style: str, weight: int, chars: str) -> bytes:
    """The static font at ``weight`` of the variable ``style`` font, for ``chars`` (cached)."""
    from .. import cache

    key = cache.digest("ebook-font", font_tools_identity(), book_face_digests()[style], str(weight),
                       f"opsz={OPTICAL_SIZE}", chars)
    data = cache.get("fonts", key)
    if data is None:
        data = _instance(_variable_subset(style, chars), weight, style == "italic")
        cache.put("fonts", key, data)
    return data


@functools.lru_cache(maxsize=4)
def _variable_subset(style: str, chars: str) -> bytes:
    """The variable font of ``style`` with only the glyphs ``chars`` need (both weights
    of a style share it within a process)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(book_files()[style], recalcTimestamp=False)
    options = subset.Options()
    options.name_IDs = ["*"]  # the instancer names the static fonts from fvar and STAT
    options.notdef_outline = True  # a missing glyph shows as a box, not as nothing
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    return _save(font)


def _instance(variable: bytes, weight: int, italic: bool) -> bytes:
    """A static instance of the ``variable`` font at ``weight`` and the text size."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = instancer.instantiateVariableFont(
        TTFont(io.BytesIO(variable), recalcTimestamp=False),
        {"opsz": OPTICAL_SIZE, "wght": weight}, static=True)
    _name(font, weight, italic)
    return _save(font)


def _name(font, weight: int, italic: bool) -> None:
    """Name the static font as its style (the instancer leaves every one "Regular"), set
    the style bits readers match on, and keep only the names that say what it is."""
    bold = weight >= 700
    style = {(False, False): "Regular", (False, True): "Italic", (True, False): "Bold",
             (True, True): "Bold Italic"}[(bold, italic)]
    postscript = f"{BOOK_FACE}-{style.replace(' ', '')}"
    # STAT describes a family's axes for variable fonts; it names records dropped here.
    if "STAT" in font:
        del font["STAT"]
    name = font["name"]
    name.names = [record for record in name.names if record.nameID in _NAME_IDS]
    version = name.getDebugName(5) or ""
    for name_id, value in ((1, BOOK_FACE), (2, style), (4, f"{BOOK_FACE} {style}"),
                           (6, postscript),
                           (3, f"{version.split(';')[0]};{postscript};static subset")):
        name.setName(value, name_id, 3, 1, 0x409)
        if name.getName(name_id, 1, 0, 0) is not None:
            name.setName(value, name_id, 1, 0, 0)
    os2 = font["OS/2"]
    os2.usWeightClass = weight
    # fsSelection: bit 0 italic, bit 5 bold, bit 6 regular; macStyle: bit 0 bold, 1 italic.
    os2.fsSelection = (os2.fsSelection & ~0b1100001) | (1 if italic else 0) \
        | (0b100000 if bold else 0) | (0b1000000 if not (bold or italic) else 0)
    font["head"].macStyle = (1 if bold else 0) | (2 if italic else 0)


def _save(font) -> bytes:
    # recalcTimestamp off: head.modified stays the font's own date, not "now".
    font.recalcTimestamp = False
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
