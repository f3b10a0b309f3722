"""Hostile and broken input: refused with one clear line, nothing outside the source read,
nothing fetched, nothing in the output folder changed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import SAMPLE, ROOT, editions, run_audited, run_cli

SECRET = "TOPSECRET-7f3a9c"
HEADER = "---\ntitle: Hostile\ndate: 2023-09-19\nlang: en-GB\n---\n\n"

#: (id, Markdown body, message fragment, exit code). A relative link (../outside/...) and
#: a repeated id are warnings now, errors with --strict: see test_pandoc_input.py.
CASES = [
    ("image-parent-dir", "Text.\n\n![x](../outside/secret.png)\n", "outside the source folder", 2),
    ("image-absolute", "Text.\n\n![x](/etc/passwd)\n", "absolute path", 2),
    ("image-file-url", "Text.\n\n![x](file:///etc/passwd)\n", "absolute path", 2),
    ("image-missing", "Text.\n\n![x](nope.png)\n", "does not exist", 2),
    ("image-not-an-image", "Text.\n\n![x](notes.txt)\n", "is not a PNG", 2),
    ("link-file-url", "See [this](file:///etc/passwd).\n", "points outside the edition", 2),
    ("raw-img-parent", 'Text <img src="../outside/secret.png" alt=""> here.\n',
     "outside the source folder", 2),
    ("raw-img-file-url", 'Text <img src="file:///etc/passwd" alt=""> here.\n',
     "absolute path", 2),
    ("raw-img-remote", 'Text <img src="http://127.0.0.1:{port}/x.png" alt=""> here.\n',
     "on the network", 2),
    ("image-remote", "Text.\n\n![x](http://127.0.0.1:{port}/x.png)\n", "on the network", 2),
]


@pytest.fixture
def listener():
    """A local server that records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    seen: list[object] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(conn)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


def _layout(tmp_path: Path, body: str) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_text(SECRET)
    (outside / "secret.txt").write_text(SECRET)
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "notes.txt").write_text("notes")
    source = folder / "article.md"
    source.write_text(HEADER + body, "utf-8")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "article.epub").write_bytes(b"previous")
    return source, out


@pytest.mark.parametrize("name,body,fragment,code", CASES, ids=[c[0] for c in CASES])
def test_hostile_references_are_refused(tmp_path, listener, name, body, fragment, code):
    port, connections = listener
    source, out = _layout(tmp_path, body.format(port=port))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result, opened = run_audited(tmp_path / "opened.txt", "build", source, "--out", out)
    assert result.returncode == code, result.stderr
    message = result.stderr.strip()
    assert fragment in message and "article.md:" in message, message
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert connections == [], "the build connected to the network"
    assert str(tmp_path / "outside") not in opened, "a file outside the source was opened"


def test_raw_html_is_sanitised_with_warnings_and_the_epub_stays_valid(tmp_path, listener):
    port, connections = listener
    body = (
        'Hello <b onclick="steal()">bold</b> text.\n\n'
        "<script>alert(1)</script>\n\n"
        f'<iframe src="http://127.0.0.1:{port}/"></iframe>\n\n'
        f'<form action="http://127.0.0.1:{port}/"><input name="q"></form>\n\n'
        f"<style>@import url(http://127.0.0.1:{port}/x.css);</style>\n\n"
        "Closing paragraph.\n"
    )
    source, out = _layout(tmp_path, body)
    result = run_cli("build", source, "--out", out)
    assert result.returncode == 0, result.stderr
    for fragment in ("<script>", "onclick=", "<iframe>", "<form>", "<style>"):
        assert fragment in result.stderr
    assert "article.md:" in result.stderr
    assert connections == []
    from exporter.publish.checks import check

    assert check(out / "article.epub") == []
    import zipfile

    with zipfile.ZipFile(out / "article.epub") as z:
        text = z.read("EPUB/article.xhtml").decode()
    for gone in ("script", "onclick", "iframe", "form", "@import", "steal"):
        assert gone not in text


def test_allow_remote_fetches_only_when_asked(tmp_path):
    import http.server

    png = (ROOT / "tests" / "fixtures" / "pixel.png").read_bytes()
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/pixel.png"
        source, out = _layout(tmp_path, f"Text.\n\n![A pixel]({url})\n")
        refused = run_cli("build", source, "--out", out, "--format", "docx")
        assert refused.returncode == 2 and hits == []
        allowed = run_cli("build", source, "--out", out, "--format", "epub", "--allow-remote")
        assert allowed.returncode == 0, allowed.stderr
        assert hits == ["/pixel.png"]
    finally:
        server.shutdown()


def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_file(tmp_path, monkeypatch):
    import errno

    from exporter.errors import BuildError
    from exporter.publish import folder

    target = tmp_path / "article.pdf"
    target.write_bytes(b"previous edition")

    def full(fd, *args, **kwargs):
        os.close(fd)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(folder.os, "fdopen", full)
    with pytest.raises(BuildError, match="No space left on device"):
        folder.write_atomically(target, b"new edition")
    assert target.read_bytes() == b"previous edition"
    assert [p.name for p in tmp_path.iterdir()] == ["article.pdf"]


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path, source_copy):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("build", source_copy, "--out", blocker / "dist", "--format", "docx")
    assert result.returncode == 1
    assert "cannot write to the output folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_too_large_a_source_is_refused_quickly(tmp_path):
    source = tmp_path / "huge.md"
    paragraph = "Azerbaijan and Armenia " * 40 + "\n\n"
    source.write_text(HEADER + paragraph * (10_000_000 // len(paragraph)), "utf-8")
    start = time.monotonic()
    result = run_cli("build", source, "--out", tmp_path / "dist")
    assert result.returncode == 2
    assert "the limit is" in result.stderr and "huge.md" in result.stderr
    assert time.monotonic() - start < 30


@pytest.mark.parametrize("signum", [signal.SIGTERM,
                                    pytest.param(signal.SIGINT, marks=pytest.mark.slow)])
def test_an_interrupted_build_leaves_the_previous_editions(tmp_path, source_copy, signum,
                                                           sample_dist):
    out = tmp_path / "dist"
    shutil.copytree(sample_dist, out)  # the editions of the last good build
    before = {p.name: p.read_bytes() for p in editions(out)}
    article = (source_copy / SAMPLE.name)
    # Twenty times the text: a build of several seconds on any machine, so the signal
    # arrives while it is reading or rendering, not after it has finished.
    head, body = article.read_text("utf-8").split("\n---\n", 1)
    article.write_text(head + "\n---\n" + body.replace("Eleven", "Ten", 1) * 20, "utf-8")
    # As from a terminal: a test run started in the background inherits SIGINT ignored
    # (POSIX shells do that to background jobs), and Python then keeps ignoring it.
    proc = subprocess.Popen([sys.executable, "-m", "exporter", "build", str(source_copy),
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(1.5)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert {p.name: p.read_bytes() for p in editions(out)} == before
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_a_signal_while_forking_is_held_until_the_children_are_started():
    from exporter.run.executors import forking

    def stop(_signum, _frame):
        raise RuntimeError("stopped")

    finished = []
    saved = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(RuntimeError, match="stopped"):
            with forking():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)  # every chance for the handler to run here: it must not
                finished.append(True)
        assert finished == [True]
    finally:
        signal.signal(signal.SIGTERM, saved)


@pytest.mark.slow
def test_two_builds_at_once_into_one_folder(tmp_path, source_copy):
    out = tmp_path / "dist"
    procs = [subprocess.Popen([sys.executable, "-m", "exporter", "build", str(source_copy),
                               "--out", str(out), "--force", "--jobs", "1"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, EXPORTER_CACHE_DIR="off"))
             for _ in range(2)]
    for proc in procs:
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
    from exporter.publish.checks import check

    for edition in editions(out):
        assert check(edition) == [], edition
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_text_from_other_scripts_long_words_and_deep_lists(tmp_path):
    body = (
        "Armenian: Ստեփանակերտ. Azerbaijani: Xankəndi, Ağdam. Russian: Степанакерт.\n\n"
        "Arabic: ناغورنو كاراباخ. Combining: e\u0301 a\u0308. Emoji: 🗺️.\n\n"
        + "W" * 3000 + "\n\n" + ("word " * 4000) + "\n\n"
        + "".join("  " * i + "- level\n" for i in range(40)) + "\n\nEnd.\n"
    )
    source = tmp_path / "src" / "scripts.md"
    source.parent.mkdir()
    source.write_text(HEADER + body, "utf-8")
    result = run_cli("build", source, "--out", tmp_path / "dist", timeout=300)
    assert result.returncode == 0, result.stderr
    from exporter.publish.checks import check

    for edition in editions(tmp_path / "dist"):
        assert check(edition) == [], edition
    text = subprocess.run(["pdftotext", str(tmp_path / "dist" / "scripts.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    for word in ("Ստեփանակերտ", "Xankəndi", "Степанакерт"):
        assert word in text


# --- SVG images: sanitised, never trusted (issue 28) ---------------------------------------

LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
          b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
          b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&b;</text></svg>')


def test_an_svg_loses_its_script_and_keeps_its_drawing():
    from exporter.read.svg import clean_svg

    data, removed = clean_svg(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9" onload="go()">'
        b'<script>go()</script><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p>'
        b'</foreignObject><rect width="5" height="5" onclick="x()" fill="red"/>'
        b'<use href="#r"/></svg>')
    assert removed == ["<foreignObject>", "<script>", "the onclick handler",
                       "the onload handler"]
    assert b"script" not in data and b"onload" not in data and b"foreignObject" not in data
    assert b'<rect width="5" height="5" fill="red"/>' in data and b'href="#r"' in data


@pytest.mark.parametrize("svg, reason", [
    (LAUGHS, "declares XML entities"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<image xlink:href="file:///etc/passwd"/></svg>', "refers to 'file:///etc/passwd'"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/a.png"/>'
     b'</svg>', "refers to 'https://example.org/a.png'"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(http://x.org/p)"/>'
     b'</svg>', "in its CSS"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "http://x.org/s.css";</style>'
     b'</svg>', "imports a stylesheet"),
    (b'<html><body>not a drawing</body></html>', "is not an SVG drawing"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "not a well-formed SVG"),
])
def test_an_svg_that_cannot_be_made_safe_is_refused(svg, reason):
    from exporter.read.images import ImageProblem
    from exporter.read.svg import clean_svg

    with pytest.raises(ImageProblem, match=re.escape(reason)):
        clean_svg(svg)


def test_an_image_is_what_its_bytes_say():
    from exporter.read.images import sniff

    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0....") == "image/jpeg"
    assert sniff(b"GIF89a....") == "image/gif"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>') \
        == "image/svg+xml"
    assert sniff(b"%PDF-1.7") is None


def test_a_billion_laughs_svg_is_one_located_error_at_once(tmp_path):
    (tmp_path / "laughs.svg").write_bytes(LAUGHS)
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: T\ndate: 2023-09-19\nlang: en\n---\n\nText.\n\n"
                      "![Laughs](laughs.svg)\n", "utf-8")
    result = run_cli("build", source, "--out", tmp_path / "dist")
    assert result.returncode == 2, result.stderr
    assert f"{source}:9: image 'laughs.svg' declares XML entities" in result.stderr
    assert not (tmp_path / "dist" / "a.epub").exists()
