"""A warm EPUBCheck: one long-lived Java VM that checks many EPUBs.

A cold ``java -jar epubcheck.jar`` costs about 5 s of CPU whatever the EPUB's size (a
7 KB one as much as the sample's 200 KB): Java starts, loads EPUBCheck's classes and
compiles its schemas, and only then checks, in a fraction of a second. Run after the
PDF is laid out, all of that sat on the build's critical path.

``Validator.start()`` starts a child Python process, as soon as a build knows it will
write an EPUB, which starts a JVM with JPype and EPUBCheck's jar on its class path and
warms it by checking a tiny EPUB made here (``warm_up_epub``); meanwhile the build
goes on, so the warm-up runs on the core the page layout leaves idle. ``check`` then
sends the EPUB's bytes down a pipe and gets EPUBCheck's JSON report back: the same
report ``java -jar epubcheck.jar FILE --json OUT`` writes, since the child runs that
very tool class (``com.adobe.epubcheck.tool.EpubChecker``) with those arguments.
``exporter watch`` keeps the child for as long as it watches.

Why a child and not JPype in the build's own process: the build forks its workers, and
a process with a JVM in it must not fork (the JVM's threads and locks do not survive
into the child). Why ``python -m`` and not a fork: the child starts clean, without the
build's memory, threads or open files.

The child never outlives the build: it is ended with SIGTERM (its default action: the
JVM is started with ``-Xrs`` and leaves the signal alone) when the build ends however
it ends; Ctrl-C is the build's to handle (the child ignores SIGINT and is ended by the
build); and if the build itself is killed, the kernel ends the child
(``PR_SET_PDEATHSIG``) and a closed pipe would end it too.

When the child cannot run (no JPype, no JVM library, a JVM that fails to start, a
child that died), ``check`` raises ``Unavailable`` and the caller falls back to the
subprocess (``epubcheck``), which gives the same verdict, only later.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

#: Set to "off" (or "0") to check every EPUB in a Java subprocess, as before.
ENV_SWITCH = "EXPORTER_WARM_EPUBCHECK"

#: Java options of the warm VM. The quick compiler only: measured on the sample, full
#: tiered compilation doubles the warm-up's CPU (8.4 s against 4.4 s) and makes no
#: later check faster. ``-Xrs``: the JVM installs no SIGINT/SIGTERM handlers, so
#: SIGTERM ends the child at once (see the module's docstring). ``-Xmn32m``: a young
#: generation of 32 MiB instead of a third of Java's default initial heap (1/64 of the
#: machine's memory), which the warm-up would fill before its first collection: the VM
#: stays at about 185 MiB resident instead of 275, for no more CPU (measured: 4.3 s
#: against 4.7 s of warm-up, medians of 3), and the heap itself is not capped (a long
#: book's EPUB needs more). It stays up beside the page layout, and under ``watch``.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xrs",
                "-Xmn32m")


class Unavailable(Exception):
    """The warm validator cannot give a verdict: check in a subprocess instead."""


@dataclass
class Stats:
    """What the warm validator has cost, for the build's summary."""

    #: Seconds from the start of the child to a warm JVM (paid beside the build).
    ready_after: float | None = None
    #: CPU seconds the child has used so far (JVM start, warm-up and checks).
    cpu: float = 0.0
    #: EPUBs checked, and the seconds the checks themselves took in the JVM.
    checks: int = 0
    check_seconds: float = 0.0


def java_home() -> Path | None:
    """The Java installation of the ``java`` on the PATH (the one the subprocess runs),
    so that both ways check with the same Java."""
    java = shutil.which("java")
    if java is None:
        return None
    return Path(os.path.realpath(java)).parent.parent


def jvm_library() -> Path | None:
    """The JVM's shared library for JPype, from ``java_home``."""
    home = java_home()
    if home is None:
        return None
    for candidate in ("lib/server/libjvm.so", "jre/lib/amd64/server/libjvm.so",
                      "lib/server/libjvm.dylib", "lib/libjli.dylib"):
        if (home / candidate).is_file():
            return home / candidate
    return None


def available() -> bool:
    """Whether a warm validator can be tried: asked for, JPype installed, a JVM found.
    (JPype is looked for, not imported: no JVM library is ever loaded here.)"""
    import importlib.util

    if os.environ.get(ENV_SWITCH, "").strip().lower() in ("off", "0", "no", "false"):
        return False
    try:
        if importlib.util.find_spec("jpype") is None:
            return False
    except (ImportError, ValueError):
        return False
    return jvm_library() is not None


class Validator:
    """The parent's end: a warm EPUBCheck in a child process. Not thread-safe: the build
    checks its EPUBs one after another."""

    def __init__(self, process: subprocess.Popen, requests: Connection,
                 replies: Connection, folder: Path) -> None:
        self.process = process
        self._requests = requests
        self._replies = replies
        self._folder = folder
        self._started = time.perf_counter()
        self._ready = False
        self._broken: str | None = None
        self.stats = Stats()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def lost(self) -> bool:
        """Whether a validator that was warm has ended since (killed from outside, or
        ended after a time-out): a long-lived caller (``watch``) may start another.
        One that never got warm is not: it would fail the same way again."""
        return self._ready and (self._broken is not None or self.process.poll() is not None)

    @classmethod
    def start(cls, jar: Path) -> Validator | None:
        """Start the child (it warms up on its own); None when it cannot run here."""
        if not available():
            return None
        folder = Path(tempfile.mkdtemp(prefix="exporter-epubcheck-"))
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(request_read), str(reply_write),
                 str(folder), str(jar), str(jvm_library()), str(os.getpid())],
                pass_fds=(request_read, reply_write), stdin=subprocess.DEVNULL,
                # What Java prints (EPUBCheck's console report, a crash's summary) is
                # not the build's output: the report comes back down the pipe.
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            for fd in (request_read, request_write, reply_read, reply_write):
                os.close(fd)
            shutil.rmtree(folder, ignore_errors=True)
            return None
        finally:
            # The child's ends are the child's: with them closed here, a child that
            # dies is seen as the end of the pipe, not as a wait for ever.
            for fd in (request_read, reply_write):
                try:
                    os.close(fd)
                except OSError:
                    pass
        return cls(process, Connection(request_write, readable=False),
                   Connection(reply_read, writable=False), folder)

    def _receive(self, timeout: float) -> dict:
        if not self._replies.poll(timeout):
            self._fail(f"EPUBCheck did not answer within {timeout:.0f} seconds")
            raise TimeoutError(timeout)
        try:
            message = json.loads(self._replies.recv_bytes())
        except (EOFError, OSError):
            self._fail("the EPUBCheck process ended")
            raise Unavailable(self._broken) from None
        self.stats.cpu = message.get("cpu", self.stats.cpu)
        return message

    def _fail(self, why: str) -> None:
        self._broken = why
        self.close()

    def wait_ready(self, timeout: float) -> None:
        """Wait until the JVM is warm; ``Unavailable`` when it will never be."""
        if self._broken is not None:
            raise Unavailable(self._broken)
        if self._ready:
            return
        hello = self._receive(timeout)
        if "unavailable" in hello:
            self._fail(hello["unavailable"])
            raise Unavailable(self._broken)
        self._ready = True
        self.stats.ready_after = hello.get("ready_after")

    def check(self, data: bytes, name: str, timeout: float) -> str:
        """EPUBCheck's JSON report on the EPUB ``data`` (checked as a file ``name``).
        ``Unavailable`` when the child cannot answer, ``TimeoutError`` after
        ``timeout`` seconds (warm-up included); the child is ended then."""
        deadline = time.monotonic() + timeout
        self.wait_ready(timeout)
        try:
            self._requests.send_bytes(name.encode("utf-8"))
            self._requests.send_bytes(data)
        except OSError:
            self._fail("the EPUBCheck process ended")
            raise Unavailable(self._broken) from None
        reply = self._receive(max(deadline - time.monotonic(), 0.0))
        if "report" not in reply:
            # A problem in the child, not a verdict: the subprocess decides instead.
            raise Unavailable(reply.get("error", "no report"))
        self.stats.checks += 1
        self.stats.check_seconds += reply.get("seconds", 0.0)
        return reply["report"]

    def close(self) -> None:
        """End the child and remove its folder. SIGTERM ends it at once, whatever it is
        doing; it has nothing to save."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for connection in (self._requests, self._replies):
            connection.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> Validator:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def warm_up_epub() -> bytes:
    """A small valid EPUB 3 with what the exporter's EPUBs have (package metadata for
    accessibility, nav with page list, NCX, XHTML with a page break, a note, a figure,
    a table, CSS, a PNG): checking it loads and compiles what checking a real edition
    needs, so the first real check takes a few tenths of a second (measured: the
    sample after this, 0.2 s; cold, 4.7 s)."""
    uid = "urn:uuid:00000000-0000-4000-8000-000000000000"

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\xff")) + chunk(b"IEND", b""))
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
            ' lang="en" xml:lang="en"><head><meta charset="utf-8"/><title>{title}</title>'
            '<link rel="stylesheet" type="text/css" href="style.css"/></head>'
            '<body>{body}</body></html>')
    nav = page.format(title="Contents", body=(
        '<nav epub:type="toc" id="toc" role="doc-toc"><h1>Contents</h1><ol>'
        '<li><a href="text.xhtml">W</a></li></ol></nav>'
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden"><h2>Landmarks</h2><ol>'
        '<li><a epub:type="bodymatter" href="text.xhtml">W</a></li></ol></nav>'
        '<nav epub:type="page-list" id="page-list" role="doc-pagelist" hidden="hidden">'
        '<h2>Pages</h2><ol><li><a href="text.xhtml#page-1">1</a></li></ol></nav>'))
    text = page.format(title="W", body=(
        '<section epub:type="chapter" role="doc-chapter" aria-label="W">'
        '<span id="page-1" role="doc-pagebreak" epub:type="pagebreak" aria-label="1"/>'
        '<h1 id="w">W</h1><p>A <a href="#w">link</a>, <em>a word</em><a href="#n1" '
        'epub:type="noteref" role="doc-noteref" id="r1">1</a>.</p>'
        '<figure><img src="image.png" alt="A dot."/><figcaption>A dot.</figcaption></figure>'
        '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>b</td></tr></tbody></table>'
        '<aside epub:type="footnote" role="doc-footnote" id="n1"><p><a href="#r1" '
        'role="doc-backlink">1</a> A note.</p></aside></section>'))
    opf = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id" xml:lang="en">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="id">{uid}</dc:identifier><dc:title>W</dc:title><dc:language>en</dc:language>
<dc:source id="src">{uid}</dc:source>
<meta property="dcterms:modified">2020-01-01T00:00:00Z</meta>
<meta property="schema:accessMode">textual</meta>
<meta property="schema:accessibilityFeature">pageBreakMarkers</meta>
<meta property="schema:accessibilityHazard">none</meta>
<meta property="schema:accessibilitySummary">A test.</meta>
<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>
<meta refines="#src" property="source-of">pagination</meta>
</metadata>
<manifest>
<item id="css" href="style.css" media-type="text/css"/>
<item id="img" href="image.png" media-type="image/png" properties="cover-image"/>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="text" href="text.xhtml" media-type="application/xhtml+xml"/>
<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
</manifest>
<spine toc="ncx"><itemref idref="nav"/><itemref idref="text"/></spine>
</package>"""
    ncx = ('<?xml version="1.0" encoding="utf-8"?>\n'
           '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><head>'
           f'<meta name="dtb:uid" content="{uid}"/></head><docTitle><text>W</text></docTitle>'
           '<navMap><navPoint id="p1"><navLabel><text>W</text></navLabel>'
           '<content src="text.xhtml"/></navPoint></navMap></ncx>')
    container = ('<?xml version="1.0" encoding="utf-8"?>\n'
                 '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                 'version="1.0"><rootfiles><rootfile full-path="EPUB/content.opf" '
                 'media-type="application/oebps-package+xml"/></rootfiles></container>')
    css = "body { font-family: serif; margin: 0 5% } h1 { font-size: 1.5em }"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        for member, body in (("META-INF/container.xml", container), ("EPUB/content.opf", opf),
                             ("EPUB/nav.xhtml", nav), ("EPUB/text.xhtml", text),
                             ("EPUB/toc.ncx", ncx), ("EPUB/style.css", css),
                             ("EPUB/image.png", png)):
            archive.writestr(member, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# The child's side. Everything below runs in the child process only.

def _cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)  # the JVM's threads included
    return usage.ru_utime + usage.ru_stime


def _end_with_parent(parent: int) -> None:
    """Ask the kernel to end this process when the build does (Linux), and end now if
    the build is already gone."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        sys.exit(0)


def _serve(requests: Connection, replies: Connection, folder: Path, jar: str,
           jvm: str) -> None:
    started = time.perf_counter()
    try:
        import jpype

        # The JVM's options; the class path is the jar, whose manifest names the rest.
        # hs_err files of a crash go to the child's folder, not the build's.
        jpype.startJVM(jvm, *JAVA_OPTIONS, f"-XX:ErrorFile={folder}/hs_err_%p.log",
                       classpath=[jar], convertStrings=False, interrupt=False)
        tool = jpype.JClass("com.adobe.epubcheck.tool.EpubChecker")
        arguments = jpype.JArray(jpype.JString)

        def run(epub: Path) -> str:
            report = epub.with_suffix(".json")
            # As ``java -jar epubcheck.jar EPUB --json REPORT`` does: a new checker
            # for each EPUB, the same arguments, the same JSON report.
            tool().run(arguments([str(epub), "--json", str(report)]))
            try:
                return report.read_text("utf-8")
            finally:
                report.unlink(missing_ok=True)

        warm = folder / "warm-up" / "warm-up.epub"
        warm.parent.mkdir()
        warm.write_bytes(warm_up_epub())
        run(warm)
    except Exception as exc:  # noqa: BLE001 (any failure: the build falls back)
        replies.send_bytes(json.dumps({"unavailable": f"{type(exc).__name__}: {exc}",
                                       "cpu": _cpu()}).encode())
        return
    replies.send_bytes(json.dumps({"ready_after": time.perf_counter() - started,
                                   "cpu": _cpu()}).encode())
    count = 0
    while True:
        try:
            name = requests.recv_bytes().decode("utf-8")
            data = requests.recv_bytes()
        except (EOFError, OSError):
            return  # the build has gone
        count += 1
        # A folder per EPUB: the file keeps the build's name (EPUBCheck reports on
        # the name's extension), and nothing of one check is left for the next.
        work = folder / str(count)
        epub = work / Path(name).name
        begun = time.perf_counter()
        try:
            work.mkdir()
            epub.write_bytes(data)
            reply = {"report": run(epub)}
        except Exception as exc:  # noqa: BLE001 (reported; the subprocess decides)
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            shutil.rmtree(work, ignore_errors=True)
        reply.update(seconds=time.perf_counter() - begun, cpu=_cpu())
        replies.send_bytes(json.dumps(reply).encode())


def main(argv: list[str]) -> None:
    """``python -m exporter.publish.validator REQUESTS REPLIES FOLDER JAR JVM PARENT``."""
    # SIGTERM ends the child at once; Ctrl-C at the terminal reaches the whole process
    # group, and it is the build's to handle: the build then ends the child.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The build starts the child with both signals blocked (``run.executors.forking``),
    # and a blocked signal stays blocked through exec: take them now.
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    request_fd, reply_fd, folder, jar, jvm, parent = argv
    _end_with_parent(int(parent))
    _serve(Connection(int(request_fd), writable=False),
           Connection(int(reply_fd), readable=False), Path(folder), jar, jvm)


if __name__ == "__main__":
    main(sys.argv[1:])
