"""WeasyPrint's native libraries (Pango, HarfBuzz, fontconfig ...) found once, not on
every worker start.

WeasyPrint loads each library through cffi, trying several names; for each name cffi
asks ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and then gcc and
ld to look. A PDF worker's import of WeasyPrint thus started about 50 processes. The
answers are kept in the exporter's cache under the identity of the system's linker
cache (``/etc/ld.so.cache``: size and time), so a changed system asks again.
"""

from __future__ import annotations

import ctypes.util
import json
import os

_LINKER_CACHE = "/etc/ld.so.cache"
_asked = ctypes.util.find_library


def _system() -> str:
    try:
        info = os.stat(_LINKER_CACHE)
        return f"{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        return "no-linker-cache"


def _remembered(name: str) -> str | None:
    from .. import cache

    key = cache.digest("find_library", _system(), name)
    hit = cache.get("libraries", key)
    if hit is not None:
        return json.loads(hit)
    found = _asked(name)
    cache.put("libraries", key, json.dumps(found).encode())
    return found


def remember_library_lookups() -> None:
    """Answer ``ctypes.util.find_library`` from the cache from now on (Linux, where each
    question costs processes; elsewhere it is left as it is)."""
    if os.name == "posix" and ctypes.util.find_library is _asked:
        ctypes.util.find_library = _remembered
