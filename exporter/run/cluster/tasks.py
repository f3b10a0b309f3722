"""What a cluster worker runs: build one packed source in memory.

The worker writes nothing the client can see: it unpacks the source into a private
temporary folder, renders the editions there and returns their bytes. Paths in its
errors and warnings are given back in the client's terms (the client's source folder),
so a message names the file the user has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...errors import ExporterError
from .packing import Pack, unpacked


@dataclass
class Failed:
    """A source whose build stopped with a user's error (already in the client's terms)."""

    source: Path
    error: ExporterError


def _client_path(path: Path | None, here: Path, there: Path) -> Path | None:
    if path is None:
        return None
    try:
        return there / Path(path).relative_to(here)
    except ValueError:
        return path


def build_packed(task: str, item: Pack, formats: list[str], allow_remote: bool,
                 blobs: dict[str, bytes], strict: bool = False):
    """Build ``item`` in ``formats`` with the function ``task`` names (``module:name``,
    called as ``build_source``): a ``Built`` with the editions' bytes, or ``Failed``."""
    import importlib

    module, _, name = task.partition(":")
    build_source = getattr(importlib.import_module(module), name)
    with unpacked(item, blobs) as (source, house):
        here, there = source.parent, item.source.parent
        try:
            built = build_source(source, formats, allow_remote, house=house, strict=strict)
        except ExporterError as exc:
            exc.file = _client_path(exc.file, here, there)
            exc.message = exc.message.replace(str(here), str(there))
            if exc.hint:
                exc.hint = exc.hint.replace(str(here), str(there))
            return Failed(item.source, exc)
    built.warnings = [w.replace(str(here), str(there)) for w in built.warnings]
    return built
