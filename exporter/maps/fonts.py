"""The map font: its files on this machine, and the size of a label set in it.

Labels are measured with FreeType (through Pillow) from the same files the
rasteriser is given, so the placer, the PNG and the PDF agree on every box.
Nothing is fetched: the files are the system's fonts (DejaVu, installed by
``scripts/env.sh``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import BuildError

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             Path.home() / ".local/share/fonts", Path.home() / ".fonts")
#: Measure at this many pixels per em, then scale (FreeType hints small sizes).
_EM = 1000
#: Line spacing of multi-line labels, in ems.
LINE_SPACING = 1.2


@dataclass(frozen=True)
class TextSize:
    """A label's box in points: width, height, and the baseline of its last line above
    the box's bottom."""

    width: float
    height: float
    descent: float


def _face(path: Path) -> tuple[str, str] | None:
    from PIL import ImageFont

    try:
        return ImageFont.truetype(str(path), 10).getname()
    except OSError:
        return None


@lru_cache(maxsize=8)
def font_files(family: str) -> dict[tuple[str, str], Path]:
    """(weight, style) -> file of ``family`` ("normal"/"bold", "normal"/"italic")."""
    stem = family.replace(" ", "")
    found: dict[tuple[str, str], Path] = {}
    for folder in FONT_DIRS:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob(f"{stem}*.[ot]tf")):
            face = _face(path)
            if face is None or face[0] != family:
                continue
            words = face[1].lower().split()
            weight = "bold" if "bold" in words else (
                "normal" if words in (["book"], ["regular"], ["oblique"], ["italic"])
                or not words else None)
            style = "italic" if {"oblique", "italic"} & set(words) else "normal"
            if weight is not None:
                found.setdefault((weight, style), path)
    if ("normal", "normal") not in found:
        raise BuildError(f"the map font '{family}' is not installed",
                         hint="install fonts-dejavu-core and fonts-dejavu-extra "
                              "(scripts/env.sh does it), or change font_family in "
                              "styles/maps.yml")
    return found


def font_file(family: str, weight: str = "normal", style: str = "normal") -> Path:
    """The file for one face, falling back to the regular face when it is missing."""
    files = font_files(family)
    weight = "bold" if weight in ("bold", "bolder", "700", "800", "900") else "normal"
    style = "italic" if style in ("italic", "oblique") else "normal"
    return (files.get((weight, style)) or files.get((weight, "normal"))
            or files[("normal", "normal")])


@lru_cache(maxsize=16)
def _font(path: Path):
    from PIL import ImageFont

    return ImageFont.truetype(str(path), _EM)


@lru_cache(maxsize=16)
def _line_metrics(path: Path) -> tuple[float, float]:
    """Ink height above and below the baseline of a line, in ems (as "lp" shows it)."""
    font = _font(path)
    left, top, right, bottom = font.getbbox("lp", anchor="ls")
    return -top / _EM, bottom / _EM


def measure(text: str, size: float, family: str, weight: str = "normal",
            style: str = "normal") -> TextSize:
    """The box of ``text`` (lines split on newlines) set at ``size`` points."""
    path = font_file(family, weight, style)
    font = _font(path)
    lines = text.split("\n")
    width = max(font.getlength(line) for line in lines) / _EM * size
    above, below = _line_metrics(path)
    height = (above + below + LINE_SPACING * (len(lines) - 1)) * size
    return TextSize(width, height, below * size)
