"""Skip editions whose inputs have not changed since they were built.

Beside the editions, ``DIR/.exporter/<file>.json`` records the hash of the inputs an
edition was built from and the hash of the edition itself. An edition is fresh when
both still match: same inputs, and the file on disk is the one that was written.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    from ..house.styles import HouseStyle

_RECORDS = ".exporter"


def _tree_files(folder: Path, skip_suffix: str) -> list[Path]:
    """Files under ``folder`` (not hidden, not ``skip_suffix``, not links out of it), in
    a stable order."""
    from ..paths import inside

    files = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and not name.endswith(skip_suffix):
                path = Path(dirpath) / name
                if inside(path, folder):  # never read; refused where it is named
                    files.append(path)
    return files


def input_digest(source: Path, fmt: str, style: HouseStyle,
                 shaped_by: tuple[str, ...] = ()) -> str:
    """Hash of everything an edition of ``source`` can depend on.

    That is the source file, every other non-Markdown file in its folder (glossary,
    gazetteer, map layers, images; other articles count only by what the editions say of
    them as translations: slug, language, title, identifier), the parts of the house
    style that shape this format (a new print.css rebuilds the PDF only), the book
    face's files for the formats set in it, the exporter's version, the format and
    ``SOURCE_DATE_EPOCH``. ``shaped_by`` names the
    formats whose styles count (default: ``fmt``; the EPUB also counts the PDF's, whose
    page breaks it carries).
    """
    h = hashlib.sha256()
    h.update(f"{__version__}\0{fmt}\0{os.environ.get('SOURCE_DATE_EPOCH', '')}\0".encode())
    for name in shaped_by or (fmt,):
        h.update(f"{style.digest(name)}\0".encode())
    from ..house.fonts import BOOK_FACE_FORMATS, identity

    if fmt in BOOK_FACE_FORMATS:  # the font files are the exporter's data, not the source's
        h.update(f"{identity()}\0".encode())
    from ..read.collection import article_files, is_collection
    from ..read.translations import story_digest

    # The other languages of its story, as the editions name them (their title pages).
    h.update(f"{story_digest(source)}\0".encode())

    folder = source.parent
    # A collection is made of its articles too (other articles still do not count).
    articles = article_files(source) if is_collection(source) else []
    for path in [source, *articles] + _tree_files(folder, ".md"):
        try:
            data = path.read_bytes()
        except (FileNotFoundError, PermissionError, IsADirectoryError):
            if path == source:
                raise
            continue  # gone since listed, or not ours to read: no input of this edition
        h.update(str(path.relative_to(folder)).encode())
        h.update(b"\0")
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def _record_path(edition: Path) -> Path:
    return edition.parent / _RECORDS / (edition.name + ".json")


def is_fresh(edition: Path, digest: str) -> dict | None:
    """The record of ``edition`` if it was built from ``digest`` and is unchanged, else None."""
    try:
        record = json.loads(_record_path(edition).read_text("utf-8"))
        if record.get("inputs") != digest:
            return None
        if hashlib.sha256(edition.read_bytes()).hexdigest() != record.get("output"):
            return None
        return record
    except (OSError, ValueError):
        return None


def record(edition: Path, digest: str, data: bytes, **facts: object) -> None:
    """Remember that ``edition`` (``data``) was built from ``digest``."""
    path = _record_path(edition)
    try:
        path.parent.mkdir(exist_ok=True)
        payload = {"inputs": digest, "output": hashlib.sha256(data).hexdigest(), **facts}
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(payload, sort_keys=True), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a missing record only means the next build does the work again
