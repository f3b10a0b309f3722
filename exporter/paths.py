"""One rule for what the exporter reads: a file inside its folder, symbolic links
followed. A link (or a path through a linked folder) that leads outside the source
folder, or outside the project's ``styles/`` folder for a style file, is refused with
the name of the file that named it, whatever kind of file it is: an article, the
glossary, the gazetteer, a layer, an image, a style.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import SecurityError


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, links followed, is ``root`` or under it (links followed too)."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def refuse_outside(path: Path, root: Path, what: str, *, named_in: Path | None = None,
                   line: int | None = None) -> Path:
    """``path`` if it stays inside ``root`` once links are followed; else a
    ``SecurityError`` naming the link (and the file and line that named it)."""
    if inside(path, root):
        return path
    target = os.path.realpath(path)
    raise SecurityError(
        f"{what} '{path.name}' is a link to {target}, outside {root}",
        file=named_in if named_in is not None else path, line=line,
        hint="nothing outside the folder is read: copy the file into it instead of "
             "linking to it")
