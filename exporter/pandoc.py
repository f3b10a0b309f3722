"""The one seam through which pandoc runs: always sandboxed, never on the network."""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache

from . import cache
from .errors import BuildError


#: Seconds a pandoc conversion may take before the build gives up (never hang).
TIMEOUT = 600


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    """Path of the pandoc binary bundled by pypandoc-binary (or found on PATH)."""
    import pypandoc

    return pypandoc.get_pandoc_path()


@lru_cache(maxsize=1)
def _pandoc_identity() -> str:
    """Identifies the pandoc binary for cache keys (path, size, mtime; no process spawn)."""
    stat = os.stat(pandoc_path())
    return f"{pandoc_path()}:{stat.st_size}:{stat.st_mtime_ns}"


def run_pandoc(args: list[str], text: str | bytes, *, timestamp: int | None = None,
               files: tuple[bytes, ...] = ()) -> bytes:
    """Run pandoc with ``--sandbox`` on ``text``; return its standard output.

    Results are cached by the binary, arguments, input, ``timestamp`` and the contents
    of ``files`` (inputs named in ``args``, such as the reference document).
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    key = cache.digest(_pandoc_identity(), "\0".join(args), str(timestamp), data, *files)
    hit = cache.get("pandoc", key)
    if hit is not None:
        return hit
    env = dict(os.environ)
    if timestamp is not None:
        env["SOURCE_DATE_EPOCH"] = str(timestamp)
    try:
        proc = subprocess.run([pandoc_path(), "--sandbox", *args], input=data,
                              capture_output=True, env=env, check=False, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BuildError(f"pandoc did not finish within {TIMEOUT} seconds",
                         hint="the input is too large or too deeply nested") from None
    except OSError as exc:
        raise BuildError(f"cannot run pandoc: {exc}",
                         hint="reinstall with the README's set-up command") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BuildError("pandoc failed: " + (message[-1] if message else f"exit {proc.returncode}"))
    cache.put("pandoc", key, proc.stdout)
    return proc.stdout
