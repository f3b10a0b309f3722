"""Self-contained inputs: a source with everything it can read, as bytes.

A worker on another machine has no access to the client's disk. The client packs each
source with every file its build may read (the same set the freshness check hashes:
the Markdown file and the other files of its folder, such as the glossary, the
gazetteer, map layers and images) and the project's house style; the worker unpacks
them into a private temporary folder and builds there. Files shared by many sources
are sent once: a pack names each file by its SHA-256, and the blobs travel separately.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ...house.styles import STYLE_FILES, HouseStyle


@dataclass(frozen=True)
class Pack:
    """One source and what it may read: relative path -> SHA-256 of the content."""

    #: The source's path on the client (for messages) and its name in the pack.
    source: Path
    name: str
    files: dict[str, str]
    #: House-style overrides (file name -> SHA-256), the theme and ``--paper``.
    styles: dict[str, str] = field(default_factory=dict)
    theme: object = None
    paper: str | None = None
    #: The project file's front-matter defaults (``HouseStyle.defaults``).
    defaults: tuple = ()


def _folder_files(folder: Path) -> list[Path]:
    """Non-Markdown files under ``folder`` (not hidden), as freshness counts them."""
    from ...paths import inside

    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            # A link out of the folder is not packed (and is refused where it is named).
            if not name.startswith(".") and not name.endswith(".md") and inside(path, folder):
                found.append(path)
    return found


def pack(source: Path, house: HouseStyle, blobs: dict[str, bytes],
         folder_cache: dict[Path, dict[str, str]] | None = None) -> Pack:
    """Pack ``source``; new file contents go into ``blobs`` (SHA-256 -> bytes).

    ``folder_cache`` remembers the files of folders already read, so a folder of many
    articles is read once.
    """
    folder = source.parent

    def add(path: Path) -> str:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        blobs.setdefault(digest, data)
        return digest

    cache = folder_cache if folder_cache is not None else {}
    if folder not in cache:
        cache[folder] = {str(p.relative_to(folder)): add(p) for p in _folder_files(folder)}
    files = dict(cache[folder])
    files[source.name] = add(source)
    from ...read.collection import article_files, is_collection

    if is_collection(source):  # a book is made of its articles: they travel with it
        for article in article_files(source):
            files[str(article.resolve().relative_to(folder.resolve()))] = add(article)
    styles = {}
    if house.override is not None:
        styles = {name: add(house.override / name) for name in STYLE_FILES
                  if (house.override / name).is_file()}
    return Pack(source=source, name=source.name, files=files, styles=styles,
                theme=house.theme, paper=house.paper, defaults=house.defaults)


@contextmanager
def unpacked(item: Pack, blobs: dict[str, bytes]) -> Iterator[tuple[Path, HouseStyle]]:
    """Write ``item`` into a private temporary folder: (source path there, house style)."""
    with tempfile.TemporaryDirectory(prefix="exporter-task-") as tmp:
        root = Path(tmp)
        folder = root / "source"
        for name, digest in item.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blobs[digest])
        override = None
        if item.styles:
            override = root / "styles"
            override.mkdir()
            for name, digest in item.styles.items():
                (override / name).write_bytes(blobs[digest])
        yield folder / item.name, HouseStyle(override=override, theme=item.theme,
                                             paper=item.paper, defaults=item.defaults)
