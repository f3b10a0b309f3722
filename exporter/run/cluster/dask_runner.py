"""Build on a Dask cluster: one task per source, no shared disk.

The client decides what is stale, packs each stale source with everything it reads
(``packing``) and submits one task per source, which carries its files with it (so a
task can run again on any worker after the one that had it died). Workers return the editions' bytes; the client
writes each source's editions atomically as its result arrives, as the local build does.

Faults: a worker that dies mid-task is replaced by Dask, which runs the task again
elsewhere (``distributed.scheduler.allowed-failures``); a task that raises is retried.
A source whose build fails for a reason the user can fix is reported with its file
and line and the others go on. A scheduler that goes away is seen within a second
(the client's tasks are cancelled when its connection drops) or, cut off without a
word, after ``LOST_AFTER`` seconds of reconnecting: the sources not built are reported
as such and the build ends with exit 1, the editions already written kept and
published. Ctrl-C or SIGTERM cancels what has not run and exits 130; editions already
written stay (and are published with them).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...errors import BuildError, ExporterError, UsageError

#: How often a task that raised is tried again (worker deaths are counted by Dask).
RETRIES = 2

#: Seconds between two looks at the tasks; seconds the client may stay cut off from the
#: scheduler (reconnecting) before the build gives up on it; seconds to close the client.
POLL = 0.1
LOST_AFTER = 10.0
CLOSE_TIMEOUT = 5


def _lost(address: str, sources: list[Path]) -> list[ExporterError]:
    """An error for each source not built because the scheduler was lost."""
    return [BuildError(f"not built: the connection to the Dask scheduler at {address} "
                       "was lost", file=source,
                       hint="start the scheduler again and build again (the editions "
                            "already written are kept and not built again)")
            for source in sources]

EXTRA_HINT = "install the extra: pip install 'exporter[dask]'"


def _client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("building on a cluster needs Dask (dask and distributed)",
                         hint=EXTRA_HINT) from None
    try:
        return Client(address, timeout=os.environ.get("EXPORTER_SCHEDULER_TIMEOUT", "20s"))
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}",
                         hint="start one with 'dask scheduler' or check --scheduler") from None


def _needed(item, blobs: dict[str, bytes]) -> dict[str, bytes]:
    """The file contents one packed source reads."""
    return {d: blobs[d] for d in {*item.files.values(), *item.styles.values()}}


def _rate(done: int, total: int, failed: int, started: float) -> str:
    elapsed = max(time.monotonic() - started, 1e-6)
    rate = done / elapsed
    left = (total - done) / rate if rate > 0 else 0.0
    eta = f", about {left:.0f} s left" if done and done < total else ""
    failures = f", {failed} failed" if failed else ""
    return f"built {done}/{total}{failures} ({rate:.1f} sources/s{eta})"


def task_path(task: Callable) -> str:
    """``module:name`` of a module-level function: what a worker imports to run it."""
    return f"{task.__module__}:{task.__qualname__}"


@dataclass(frozen=True)
class DaskCluster:
    """The build's executor on the Dask cluster whose scheduler is at ``address``;
    ``notice`` receives what the user should see (the dashboard's address). ``task``
    builds one source (``run.render.build_source``); workers import it by name."""

    address: str
    notice: Callable[[str], None] | None = None
    task: Callable | None = None

    def run(self, todo, houses, allow_remote, write, progress,
            strict: bool = False) -> list[ExporterError]:
        """Build ``todo`` (source -> formats); each finished source goes to ``write``.
        Returns the errors of the sources that failed (each naming file and line)."""
        return render_on_cluster(todo, houses, self.address, allow_remote, write,
                                 progress, self.notice, strict, task_path(self.task))


def render_on_cluster(todo: dict[Path, list[str]], houses: dict, address: str,
                      allow_remote: bool, write: Callable[[Path, object], None],
                      progress: Callable[[str], None] | None = None,
                      notice: Callable[[str], None] | None = None,
                      strict: bool = False, task: str = "") -> list[ExporterError]:
    """Build ``todo`` (source -> formats) on the cluster at ``address``, each source by
    the function ``task`` names (``module:name``)."""
    import logging

    say = progress or (lambda _m: None)
    tell = notice or (lambda _m: None)
    # The client's own log of a lost scheduler (tracebacks of each reconnection tried)
    # is not the user's: the build says it in one line per source.
    # Left so: the client's thread goes on trying to reconnect after the build is over.
    # (Its reconnection attempts log through several of distributed's loggers; importing
    # distributed sets their levels from its configuration, so it is imported first.)
    try:
        import distributed  # noqa: F401
    except ImportError:
        pass  # _client says which extra to install
    for name in ("distributed", "distributed.client", "distributed.comm",
                 "distributed.core", "distributed.utils", "distributed.batched",
                 "tornado.application", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return _render_on_cluster(todo, houses, address, allow_remote, write, say, tell,
                              strict, task)


def _render_on_cluster(todo, houses, address, allow_remote, write, say, tell, strict,
                       task) -> list[ExporterError]:
    from distributed.comm.core import CommClosedError

    from .packing import pack
    from .tasks import Failed, build_packed

    client = _client(address)
    futures = []
    try:
        link = getattr(client, "dashboard_link", None)
        if link:
            tell(f"Dask dashboard: {link}")
        say(f"packing {len(todo)} sources")
        blobs: dict[str, bytes] = {}
        folders: dict = {}
        packs = [pack(source, houses[source], blobs, folders) for source in todo]
        # Each task carries its own files: scattered data lives only on the workers that
        # hold it, and a task whose input died with its worker could not run again.
        for item in packs:
            futures.append(client.submit(build_packed, task, item, todo[item.source],
                                         allow_remote, _needed(item, blobs), strict,
                                         retries=RETRIES, pure=False))
        pending = {f.key: (f, item) for f, item in zip(futures, packs)}
        errors: list[ExporterError] = []
        started, done, total = time.monotonic(), 0, len(futures)
        tries: dict[Path, int] = {}
        say(_rate(0, total, 0, started))
        unreachable_since = None
        while pending:
            # Polled, not waited for: a lost scheduler is seen at once, and Ctrl-C and
            # SIGTERM are taken between two looks (a blocking wait took neither).
            ready = [f for f, _item in pending.values() if f.done()]
            if not ready:
                if client.status == "running":
                    unreachable_since = None
                elif unreachable_since is None:
                    unreachable_since = time.monotonic()
                elif time.monotonic() - unreachable_since > LOST_AFTER:
                    errors += _lost(address, [item.source for _f, item in pending.values()])
                    break
                time.sleep(POLL)
                continue
            for future in ready:
                _, item = pending.pop(future.key)
                source = item.source
                if future.status == "cancelled":
                    # Only the client's own loss of the scheduler cancels a task here.
                    errors += _lost(address, [source, *(i.source for _f, i in pending.values())])
                    pending.clear()
                    break
                try:
                    result = future.result()
                except ExporterError as exc:
                    result = Failed(source, exc)
                except CommClosedError:  # the scheduler went while the result came back
                    errors += _lost(address, [source, *(i.source for _f, i in pending.values())])
                    pending.clear()
                    break
                except Exception as exc:  # noqa: BLE001 (a bug or a lost worker: report, go on)
                    if tries.get(source, 0) < RETRIES and client.status == "running":
                        # The cluster itself faltered (a worker lost at a bad moment): the
                        # task is submitted again, as Dask does for a worker that died.
                        tries[source] = tries.get(source, 0) + 1
                        again = client.submit(build_packed, task, item, todo[source],
                                              allow_remote, _needed(item, blobs), strict,
                                              retries=RETRIES, pure=False)
                        pending[again.key] = (again, item)
                        futures.append(again)
                        future.release()
                        continue
                    result = Failed(source, BuildError(
                        f"internal error on the cluster: {type(exc).__name__}: {exc}",
                        file=source, hint="run it locally with --debug to see the traceback"))
                done += 1
                if isinstance(result, Failed):
                    errors.append(result.error)
                else:
                    write(source, result)
                future.release()
                say(_rate(done, total, len(errors), started))
        return errors
    except BaseException:
        # Ctrl-C, SIGTERM or an error here: nothing more runs (if the scheduler is there
        # to be told; a lost one has forgotten the tasks anyway).
        with contextlib.suppress(Exception):
            client.cancel(futures)
        raise
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=CLOSE_TIMEOUT)
