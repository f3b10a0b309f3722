"""The editions' typefaces: the book face that ships with the exporter and its fallbacks.

The body face is Literata (SIL Open Font Licence 1.1; the ``fontpkg-literata``
package, a dependency), loaded by ``@font-face`` through the layout's URL fetcher, so
every machine sets the same pages from the same font files. Literata covers Latin,
Greek and Cyrillic; DejaVu (Debian's ``fonts-dejavu-core``) sets Armenian and
Georgian and is the face of headings, tables and code. A character none of them has
is reported as a warning naming it and its line (``missing_glyphs``).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

#: URL scheme under which the layout's fetcher serves the shipped font files.
FONT_SCHEME = "exporter-font:"
BOOK_FACE = "Literata"

#: Where fontconfig finds the fallbacks on Debian (``fonts-dejavu-core``).
_DEJAVU_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
_FALLBACK_FILES = ("DejaVuSerif.ttf", "DejaVuSans.ttf", "DejaVuSansMono.ttf")


def fallback_file(name: str) -> Path | None:
    """A fallback font file of Debian's DejaVu (``DejaVuSerif-Bold.ttf``) or Noto
    (``NotoNaskhArabic-Bold.ttf``), if installed."""
    for folder in (*_DEJAVU_DIRS, *_NOTO_DIRS):
        if (folder / name).is_file():
            return folder / name
    return None


#: Where fontconfig finds Debian's Noto (``fonts-noto-core``).
_NOTO_DIRS = (Path("/usr/share/fonts/truetype/noto"),)


@dataclass(frozen=True)
class ScriptFace:
    """A face for the characters the book face lacks: its family and its files by
    style suffix ("" regular, "-Bold", "-Italic", "-BoldItalic"; a face without an
    italic is used upright)."""

    family: str
    files: dict[str, str]
    #: Its copyright and licence, for the notice that travels with an embedded subset.
    notice: str


_NOTO_NOTICE = ("Copyright The Noto Project Authors (github.com/notofonts); SIL Open Font "
                "Licence 1.1: https://openfontlicense.org")
#: The faces that set what the book face (Literata: Latin, Greek, Cyrillic) lacks, in
#: the order they are tried: DejaVu Serif (Armenian, Georgian and much more), then a
#: text face for each script DejaVu Serif lacks. Every edition names them in this order.
SCRIPT_FACES = (
    ScriptFace("DejaVu Serif", {"": "DejaVuSerif.ttf", "-Bold": "DejaVuSerif-Bold.ttf",
                                "-Italic": "DejaVuSerif-Italic.ttf",
                                "-BoldItalic": "DejaVuSerif-BoldItalic.ttf"},
               "Bitstream Vera Fonts Copyright (c) 2003 by Bitstream, Inc.; DejaVu changes "
               "are in the public domain. Licence: https://dejavu-fonts.github.io/License.html"),
    ScriptFace("Noto Naskh Arabic", {"": "NotoNaskhArabic-Regular.ttf",
                                     "-Bold": "NotoNaskhArabic-Bold.ttf"}, _NOTO_NOTICE),
    ScriptFace("Noto Serif Hebrew", {"": "NotoSerifHebrew-Regular.ttf",
                                     "-Bold": "NotoSerifHebrew-Bold.ttf"}, _NOTO_NOTICE),
)


#: The face Word names for a right-to-left script's text (``w:rFonts w:cs``).
COMPLEX_SCRIPT_FACES = {"Arab": "Noto Naskh Arabic", "Hebr": "Noto Serif Hebrew"}


def complex_script_face(lang: str) -> str | None:
    """The face for the complex-script text of language ``lang`` (its likely script)."""
    import icu

    script = icu.Locale.addLikelySubtags(icu.Locale.forLanguageTag(lang)).getScript()
    return COMPLEX_SCRIPT_FACES.get(script)


@functools.lru_cache(maxsize=1)
def font_tools_identity() -> str:
    """What shapes the bytes of a font the exporter subsets or joins: fontTools' version,
    and uharfbuzz's (fontTools serialises GSUB and GPOS with HarfBuzz's repacker when it
    can import it). Part of the cache keys of made fonts."""
    import importlib.metadata

    import fontTools

    try:
        harfbuzz = importlib.metadata.version("uharfbuzz")
    except importlib.metadata.PackageNotFoundError:
        harfbuzz = "none"
    return f"fontTools {fontTools.version}; uharfbuzz {harfbuzz}"


def script_families() -> str:
    """The script faces as a CSS font-family list, in order ("DejaVu Serif", ...)."""
    return ", ".join(f'"{face.family}"' for face in SCRIPT_FACES)


def book_files() -> dict[str, Path]:
    """The book face's files by style: ``normal`` and ``italic`` (variable: every weight)."""
    import fontpkg_literata

    folder = Path(fontpkg_literata.ROOT) / "files"
    return {"normal": folder / "Literata[opsz,wght].ttf",
            "italic": folder / "Literata-Italic[opsz,wght].ttf"}


@functools.lru_cache(maxsize=1)
def book_face_digests() -> dict[str, str]:
    """SHA-256 of each of the book face's files, by style (hashed once a process): what
    caches of work done with the fonts are keyed by."""
    import hashlib

    return {style: hashlib.sha256(path.read_bytes()).hexdigest()
            for style, path in book_files().items()}


#: The editions set in the book face: a new font rebuilds them (``freshness``).
BOOK_FACE_FORMATS = frozenset({"epub", "pdf", "html", "print", "booklet"})


@functools.lru_cache(maxsize=1)
def identity() -> str:
    """The book face's files, by name, size and modification time: a new font package
    changes it. (Hashing their 1.8 MB would add 6 ms to every no-op rebuild.)"""
    import hashlib

    h = hashlib.sha256()
    for style, path in sorted(book_files().items()):
        stat = path.stat()
        h.update(f"{style}\0{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return h.hexdigest()


def licence() -> Path:
    """The book face's licence file (SIL OFL 1.1)."""
    import fontpkg_literata

    return Path(fontpkg_literata.ROOT) / "LICENSE"


def font_face_css() -> str:
    """``@font-face`` rules for the book face, served by the layout's fetcher."""
    rules = []
    for style in book_files():
        rules.append(f'@font-face {{ font-family: "{BOOK_FACE}"; '
                     f'src: url("{FONT_SCHEME}{style}"); font-style: {style}; '
                     f"font-weight: 200 900; }}")
    return "\n".join(rules) + "\n"


def font_file(name: str) -> bytes | None:
    """The bytes of the font served as ``exporter-font:NAME``, or None."""
    path = book_files().get(name)
    return path.read_bytes() if path is not None else None


@functools.lru_cache(maxsize=None)
def cmap(path: Path | str) -> frozenset[int]:
    """The code points the font file at ``path`` has a glyph for (read once)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    try:
        return frozenset(font.getBestCmap() or ())
    finally:
        font.close()


@functools.lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Every code point the book face or a fallback has a glyph for."""
    paths = list(book_files().values())
    paths += [d / f for d in _DEJAVU_DIRS for f in _FALLBACK_FILES if (d / f).is_file()]
    paths += [path for face in SCRIPT_FACES if (path := fallback_file(face.files[""]))]
    return frozenset().union(*(cmap(path) for path in paths))


def _needs_glyph(char: str) -> bool:
    # Controls, format characters (soft hyphen, joiners, marks of direction) and
    # spaces are not drawn from a font's glyphs.
    return unicodedata.category(char)[0] not in ("C", "Z") and char not in "\n\t"


def missing_glyphs(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """(line, character) for each character of ``text`` that no font of the editions
    has, once per character (its first line)."""
    have = covered()
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), first_line):
        for char in line:
            if ord(char) > 0x7E and char not in found and ord(char) not in have \
                    and _needs_glyph(char):
                found[char] = number
    return sorted(((line, char) for char, line in found.items()))


def glyph_warnings(source: Path, text: str) -> list[str]:
    """Warnings for the characters of the source ``text`` no font can set."""
    by_line: dict[int, list[str]] = {}
    for line, char in missing_glyphs(text):
        by_line.setdefault(line, []).append(char)
    out = []
    for line, chars in by_line.items():
        named = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})"
                          for c in chars[:3])
        more = f" and {len(chars) - 3} more" if len(chars) > 3 else ""
        out.append(f"{source}:{line}: no font has a glyph for {named}{more}; "
                   "they print as empty boxes")
    if len(out) > 5:  # a whole passage in another script: name the first lines
        out = out[:5] + [f"{source}: ... and {len(out) - 5} more lines with such characters"]
    return out
