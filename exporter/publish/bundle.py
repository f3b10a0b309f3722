"""``<name>-offline.zip``: the page, the catalogue, the editions and the checksums in
one file for USB sticks, SD cards and local file shares. Reproducible to the byte:
fixed member times, permissions and order."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..reproducible import ZIP_EPOCH

#: Already compressed: stored as they are (deflating them again gains nothing).
_STORED = {".epub", ".docx", ".png", ".jpg", ".zip", ".sig"}

#: How a bundle's file name ends.
SUFFIX = "-offline.zip"


def bundle_name(slugs: list[str], out_dir: Path) -> str:
    """The bundle's file name: the article's slug for one article, else the folder's."""
    from ..slug import slugify

    base = slugs[0] if len(slugs) == 1 else slugify(out_dir.resolve().name)
    return f"{base}{SUFFIX}"


def render_bundle(out_dir: Path, paths: list[str], folder: str) -> bytes:
    """A zip of ``paths`` (relative to ``out_dir``) under one top folder ``folder``;
    ``index.html`` first, the rest in sorted order."""
    ordered = sorted(set(paths), key=lambda p: (p != "index.html", p))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for rel in ordered:
            data = (out_dir / rel).read_bytes()
            info = zipfile.ZipInfo(f"{folder}/{rel}", date_time=ZIP_EPOCH)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            stored = Path(rel).suffix.lower() in _STORED
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=None if stored else 9)
    return out.getvalue()
