"""``exporter watch --serve``: the output folder in the browser, reloaded after each rebuild.

A small HTTP server on the loopback address only (127.0.0.1: nothing else on the network
can reach it, and a request that comes from anywhere else all the same is refused),
in threads beside the watcher. It serves the folder's files as they are, except that
an HTML page gets a few lines of script before ``</body>``: an ``EventSource`` on
``/__exporter/events``, where the watcher's rounds arrive as server-sent events. A
rebuild reloads the page; a failed one shows its message over the page, as the
terminal shows it, until a good save reloads it. The script is added to what is sent,
never to the files: the editions stay as they are built. Nothing is opened: the
terminal says where to look.
"""

from __future__ import annotations

import http.server
import ipaddress
import threading
from functools import partial
from pathlib import Path

from ..errors import UsageError

#: The only address the preview listens on.
HOST = "127.0.0.1"
DEFAULT_PORT = 8000
EVENTS = "/__exporter/events"
#: Seconds between keep-alive comments on an idle event stream.
KEEPALIVE = 15.0

#: Added to each HTML page served (and only served): reload after a rebuild, show errors.
RELOADER = """<script>/* exporter watch --serve: live preview (not in the edition) */
(() => {
  const events = new EventSource("%s");
  let shown = null;
  events.addEventListener("rebuilt", () => location.reload());
  events.addEventListener("failed", (event) => {
    if (!shown) {
      shown = document.createElement("div");
      shown.setAttribute("role", "alert");
      shown.style.cssText = "position:fixed;inset:0 0 auto 0;z-index:2147483647;" +
        "background:#8b0000;color:#fff;font:15px/1.4 monospace;padding:0.75rem 1rem;" +
        "white-space:pre-wrap";
      document.body.prepend(shown);
    }
    shown.textContent = event.data;
  });
})();
</script>
""" % EVENTS


def loopback(host: str) -> bool:
    """Whether ``host`` (an address) is this machine's loopback."""
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"


class Rounds:
    """What the watcher tells the open pages: a count of rounds and the last error."""

    def __init__(self) -> None:
        self.count = 0
        self.error: str | None = None
        self.changed = threading.Condition()

    def tell(self, error: str | None) -> None:
        """A round ended: with ``error`` (its one line), or with editions rebuilt."""
        with self.changed:
            self.count += 1
            self.error = error
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, str | None]:
        with self.changed:
            self.changed.wait_for(lambda: self.count != seen, timeout=timeout)
            return self.count, self.error


class _Handler(http.server.SimpleHTTPRequestHandler):
    rounds: Rounds

    def __init__(self, *args, rounds: Rounds, **kwargs):
        self.rounds = rounds
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args):  # noqa: A002 (the terminal is the watcher's)
        pass

    def _refuse(self) -> bool:
        if loopback(self.client_address[0]):
            return False
        self.send_error(403, "the preview answers this machine only")
        return True

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self._refuse():
            return
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == EVENTS:
            return self._events()
        if any(part.startswith(".") for part in path.split("/") if part):
            return self.send_error(404)  # the build's records (.exporter/) stay private
        local = Path(self.translate_path(path))
        if local.is_dir():
            local = local / "index.html"
        if not local.is_file():
            return self.send_error(404)
        data = local.read_bytes()
        kind = self.guess_type(str(local))
        if local.suffix == ".html":
            at = data.rfind(b"</body>")
            at = len(data) if at < 0 else at
            data = data[:at] + RELOADER.encode() + data[at:]
            kind = "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def do_HEAD(self):  # noqa: N802
        if not self._refuse():
            super().do_HEAD()

    def _events(self) -> None:
        """The rounds as server-sent events, for as long as the page is open."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen, error = self.rounds.count, self.rounds.error
        try:
            self.wfile.write(b": exporter watch\n\n")
            if error:
                self.wfile.write(_event("failed", error))
            self.wfile.flush()
            while True:
                count, error = self.rounds.wait(seen, KEEPALIVE)
                if count == seen:
                    self.wfile.write(b": still watching\n\n")
                else:
                    seen = count
                    self.wfile.write(_event("failed", error) if error else
                                     _event("rebuilt", str(count)))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the page was closed or reloaded


def _event(name: str, data: str) -> bytes:
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"event: {name}\n{lines}\n".encode("utf-8")


class Preview:
    """The preview server of folder ``out`` on ``HOST``:``port`` (0: a free port)."""

    def __init__(self, out: Path, port: int = DEFAULT_PORT, host: str = HOST) -> None:
        if not loopback(host):
            raise UsageError(f"the preview serves this machine only, not {host}",
                             hint="it listens on 127.0.0.1; publish the folder to share it")
        self.rounds = Rounds()
        out.mkdir(parents=True, exist_ok=True)
        handler = partial(_Handler, directory=str(out), rounds=self.rounds)
        try:
            self.server = http.server.ThreadingHTTPServer((host, port), handler)
        except OSError as exc:
            raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}",
                             hint="choose another port with --port N (0: any free one)"
                             ) from None
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="exporter-preview")

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> Preview:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
