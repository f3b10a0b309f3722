"""``exporter watch`` driven as a user drives it: save, see the rebuild, break, Ctrl-C."""

from __future__ import annotations

import hashlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import zipfile

import pytest

from conftest import ROOT, editions, run_cli

WAIT = 180  # seconds; generous for a shared machine, never reached when it works


class Watch:
    """A running ``exporter watch`` whose output lines arrive in a queue."""

    def __init__(self, *args: str, cwd=ROOT):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # As from a terminal: Ctrl-C must not be ignored (see test_hostile_input).
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "exporter", "watch", *args], cwd=cwd, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._read, args=(name, stream), daemon=True).start()

    def _read(self, name: str, stream) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))
        self.lines.put((name, None))

    def expect(self, text: str) -> str:
        """The next line containing ``text`` (earlier lines are kept in ``seen``)."""
        while True:
            name, line = self.lines.get(timeout=WAIT)
            assert line is not None, f"watch ended before printing {text!r}: {self.seen}"
            self.seen.append((name, line))
            if text in line:
                return line

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=60)
        rest = []
        while True:
            try:
                name, line = self.lines.get(timeout=5)
            except queue.Empty:
                break
            if line is not None:
                rest.append(line)
        return self.proc.returncode, "\n".join(rest)


def _epub_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        return " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml"))


def test_watch_rebuilds_on_save_keeps_good_editions_on_a_bad_one_and_stops_cleanly(
        tmp_path, source_copy):
    out = tmp_path / "dist"
    article = next(source_copy.glob("*.md"))
    text = article.read_text("utf-8")
    watch = Watch(str(source_copy), "--out", str(out))
    try:
        first = watch.expect("rebuilt")
        assert "epub, pdf, docx" in first and " s" in first
        assert first.endswith("; downloads page updated")
        epub = out / f"{article.stem}.epub"
        assert "estimated" in _epub_text(epub)

        edited = text.replace("estimated", "edited", 1)
        article.write_text(edited, "utf-8")
        line = watch.expect("rebuilt")
        assert article.name in line
        assert "edited" in _epub_text(epub)
        good = {p.name: p.read_bytes() for p in editions(out)}
        assert len(good) == 4

        broken = re.sub(r"\ndate: .*", "\ndate: someday", edited, count=1)
        article.write_text(broken, "utf-8")
        error = watch.expect("error:")
        assert f"{article.name}:" in error and "is not a date" in error
        assert "last good editions are kept" in error
        assert {p.name: p.read_bytes() for p in editions(out)} == good
        assert not [p for p in out.iterdir() if p.name.endswith(".part")]

        article.write_text(edited, "utf-8")  # reverted to what was built: said at once
        line = watch.expect("fixed")
        assert f"{article.name}: fixed; its editions are up to date" in line
        assert {p.name: p.read_bytes() for p in editions(out)} == good

        article.write_text(text.replace("estimated", "reckoned", 1), "utf-8")
        line = watch.expect("rebuilt")
        assert "downloads page updated" in line
        assert "reckoned" in _epub_text(epub)
        # Between two saves the folder is whole: every file as the manifest says.
        verify = run_cli("verify", out)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert "reckoned" not in (out / "index.html").read_text("utf-8")  # no body text
        manifest = (out / "manifest.json").read_text("utf-8")
        assert hashlib.sha256(epub.read_bytes()).hexdigest() in manifest
    finally:
        code, rest = watch.stop()
    assert code == 130, rest
    assert "interrupted" in rest and "Traceback" not in rest
    rebuilt = [line for _, line in watch.seen if "rebuilt" in line]
    assert len(rebuilt) == 3  # one line per rebuild, nothing for unchanged scans


def test_watch_refuses_an_unknown_format():
    result = subprocess.run([sys.executable, "-m", "exporter", "watch", "--format", "odt"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_watch_serve_previews_on_loopback_reloads_after_a_save_and_shows_errors(
        tmp_path, source_copy):
    import http.client
    import re
    import urllib.error
    import urllib.request

    out = tmp_path / "dist"
    article = next(source_copy.glob("*.md"))
    text = article.read_text("utf-8")
    # The cheapest edition: what is tested is the preview, not the formats.
    watch = Watch(str(source_copy), "--out", str(out), "--format", "docx", "--serve",
                  "--port", "0")
    try:
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", watch.expect("preview at"))
        watch.expect("rebuilt")
        page = urllib.request.urlopen(url[0] + "index.html", timeout=WAIT).read().decode()
        assert "new EventSource(" in page and "</html>" in page
        assert "EventSource" not in (out / "index.html").read_text("utf-8")  # served only
        with pytest.raises(urllib.error.HTTPError) as hidden:
            urllib.request.urlopen(url[0] + ".exporter/", timeout=WAIT)
        assert hidden.value.code == 404

        events = http.client.HTTPConnection("127.0.0.1", int(url[1]), timeout=WAIT)
        events.request("GET", "/__exporter/events")
        stream = events.getresponse()
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert stream.fp.readline().startswith(b": exporter watch")

        def next_event() -> tuple[str, str]:
            name = data = ""
            while True:
                line = stream.fp.readline().decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data += line[6:]
                elif not line and name:
                    return name, data

        article.write_text(text.replace("estimated", "edited", 1), "utf-8")
        assert next_event()[0] == "rebuilt"
        watch.expect("rebuilt")
        article.write_text(re.sub(r"\ndate: .*", "\ndate: someday", text, count=1), "utf-8")
        name, data = next_event()
        assert name == "failed" and "is not a date" in data and article.name in data
        events.close()
    finally:
        code, rest = watch.stop()
    assert code == 130, rest
    assert "interrupted" in rest and "Traceback" not in rest


def test_the_preview_answers_loopback_only():
    from exporter.errors import UsageError
    from exporter.run.preview import Preview, _Handler, loopback

    assert loopback("127.0.0.1") and loopback("::1") and loopback("127.8.0.1")
    assert not loopback("192.168.1.5") and not loopback("10.0.0.1") and not loopback("0.0.0.0")
    with pytest.raises(UsageError, match="this machine only"):
        Preview(ROOT / "dist-never-made", 0, host="0.0.0.0")
    refused = []
    handler = object.__new__(_Handler)  # a request from elsewhere, as the server sees it
    handler.client_address = ("192.168.1.5", 40000)
    handler.send_error = lambda code, message=None: refused.append(code)
    assert handler._refuse() and refused == [403]
    handler.client_address = ("127.0.0.1", 40000)
    assert not handler._refuse()
