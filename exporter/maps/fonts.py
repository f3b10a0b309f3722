"""The map font: its files on this machine.

``shaping.py`` shapes, measures and outlines every word on a map from these files, so
the placer, the PNG and the PDF agree on every box and every glyph. Nothing is
fetched: the files are the system's fonts (DejaVu, installed by ``scripts/env.sh``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import BuildError

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
             Path.home() / ".local/share/fonts", Path.home() / ".fonts")
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
