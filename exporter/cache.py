"""A content-addressed cache for expensive pure steps (pandoc conversions, map renders).

Keys are hashes of everything that determines the result, so a hit is always
correct and nothing ever needs invalidating; the cache can be deleted at any time.
The folder is ``$EXPORTER_CACHE_DIR``, else the user's cache folder (platformdirs:
``~/.cache/exporter`` on Linux, ``~/Library/Caches/exporter`` on macOS,
``%LOCALAPPDATA%/exporter/Cache`` on Windows), never the project; ``EXPORTER_CACHE_DIR=off``
disables it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from . import __version__


def digest(*parts: bytes | str) -> str:
    """SHA-256 over ``parts`` (length-prefixed, so boundaries count) and the code version."""
    h = hashlib.sha256(__version__.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    setting = os.environ.get("EXPORTER_CACHE_DIR", "").strip()
    if setting.lower() in ("off", "0", "none"):
        return None
    if setting:
        return Path(setting)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("exporter", appauthor=False))


def get(namespace: str, key: str) -> bytes | None:
    """The cached bytes for ``key``, or None."""
    root = cache_dir()
    if root is None:
        return None
    try:
        return (root / namespace / key[:2] / key).read_bytes()
    except OSError:
        return None


def put(namespace: str, key: str, data: bytes) -> None:
    """Store ``data`` under ``key``; a cache that cannot be written is silently skipped."""
    root = cache_dir()
    if root is None:
        return
    folder = root / namespace / key[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, folder / key)
    except OSError:
        pass
