"""Rendered maps kept on disk, keyed by a hash of everything that shapes them.

The key covers the map declaration, the gazetteer entries and layer files it
uses, the style file's bytes, the drawing code (a hash of this package's source), the
versions of the drawing and shaping libraries and of the basemap data, and the map
font's files (their outlines are written into the SVG). An entry is a folder ``<key>/`` with
``map.svg`` and ``meta.json``, written to a temporary folder and renamed into place,
so a half-written entry is never read; the PNG copies (``map.png``,
``map-ereader.png``) are added to it when first made, each by a rename.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

#: Names the cache format; the drawing code itself is keyed by ``code_digest()``.
CODE_VERSION = "maps-5"  # 3: SVG writer; 4: kinds and checks of issue 14; 5: shaped outlines
LIBRARIES = ("cairosvg", "pillow", "pyproj", "shapely", "numpy", "basemap-data",
             "uharfbuzz", "python-bidi", "fonttools")


@functools.lru_cache(maxsize=1)
def _installed() -> dict[str, str]:
    """Normalised distribution name -> version, from the ``*.dist-info`` folder names
    on ``sys.path``: one directory listing each, where ``importlib.metadata.version``
    scans the whole path again for every package (about 30 ms each)."""
    import re
    import sys

    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            m = re.fullmatch(r"(.+?)-([^-]+)\.dist-info", name)
            if m:
                found.setdefault(re.sub(r"[-_.]+", "-", m.group(1)).lower(), m.group(2))
    return found


def _version(package: str) -> str:
    import re

    return _installed().get(re.sub(r"[-_.]+", "-", package).lower(), "missing")


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """Hash of this package's source files: any change to the drawing code redraws."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=8)
def font_digest(family: str) -> str:
    """Hash of the map font's files: the SVG holds their glyphs' outlines, so a new
    version of the font draws the maps again."""
    from .fonts import font_files

    h = hashlib.sha256()
    for path in sorted(set(font_files(family).values())):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def cache_key(parts: dict[str, Any], family: str | None = None) -> str:
    """SHA-256 of ``parts`` (JSON-able), the code, the library versions and the files
    of the map font ``family``."""
    payload = {
        "code": [CODE_VERSION, code_digest()],
        "libraries": {name: _version(name) for name in LIBRARIES},
        **parts,
    }
    if family is not None:
        payload["font"] = font_digest(family)
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def read_entry(cache_dir: Path, key: str) -> tuple[dict, bytes] | None:
    """(meta, svg) of a cached map, or None if absent or unreadable."""
    folder = cache_dir / key
    try:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        return meta, (folder / "map.svg").read_bytes()
    except (OSError, ValueError):
        return None


def write_entry(cache_dir: Path, key: str, meta: dict, svg: bytes) -> None:
    """Store a drawn map; a failure to write only costs a redraw next time."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=cache_dir))
        tmp.chmod(0o755)
        (tmp / "map.svg").write_bytes(svg)
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False), "utf-8")
        try:
            os.replace(tmp, cache_dir / key)
        except OSError:  # another process stored the same entry first
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError:
        pass


def read_file(folder: Path, name: str) -> bytes | None:
    """A file made later for an entry (a PNG copy), or None."""
    try:
        return (folder / name).read_bytes()
    except OSError:
        return None


def store_file(folder: Path, name: str, data: bytes) -> None:
    """Add a file to an existing entry, atomically; a failure only costs remaking it."""
    if not folder.is_dir():
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / name)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
