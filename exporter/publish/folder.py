"""Writing into the output folder: every file replaced whole or not at all, and every
build's files (editions, page, catalogue, manifest, checksums, signature, bundle)
replaced together or not at all.

One writer at a time: ``open_folder`` takes a lock on the folder (``.exporter/lock``,
an ``flock``; a second build into the same folder says which process holds it and
waits), then opens a transaction. Each file the transaction replaces or removes is
first kept as a hard link under ``.exporter/undo/`` and named in a journal
(``.exporter/journal``, one JSON line per file, synced before the file changes). When
the transaction ends without error the journal is removed (the commit) and the kept
links with it; when it ends in an error, Ctrl-C or SIGTERM, every file is put back as
it was, with the signals held meanwhile. A process killed outright (SIGKILL, power)
leaves the journal behind, and the next writer of the folder rolls it back before it
starts, so the folder is always either as one build left it or as the next.

Nested ``open_folder`` calls in one process join the open transaction: the build opens
one around rendering and publishing, and ``run.build`` and ``publish.downloads`` open
their own only when called alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import BuildError

#: Beside the editions: the build's records, the lock and the journal.
STATE_DIR = ".exporter"
LOCK = f"{STATE_DIR}/lock"
JOURNAL = f"{STATE_DIR}/journal"
UNDO = f"{STATE_DIR}/undo"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename;
    inside an open transaction on that folder, the old file is kept for a rollback."""
    folder = _open_transactions.get(_key(path.parent))
    if folder is not None:
        folder.keep(path)
    _replace(path, data)


def _replace(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise BuildError(f"cannot write to the output folder: {exc.strerror}", file=path.parent,
                         hint="choose a writable folder with --out") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BuildError(f"cannot write the edition: {exc.strerror}", file=path,
                             hint="check free disk space and permissions") from None
        raise


def remove(path: Path) -> None:
    """Remove ``path`` (kept for a rollback inside an open transaction on its folder)."""
    folder = _open_transactions.get(_key(path.parent))
    if folder is not None:
        folder.keep(path)
    path.unlink(missing_ok=True)


def _key(folder: Path) -> str:
    return os.path.realpath(folder)


#: The transactions this process holds, by the real path of their folder (and of its
#: ``covers/`` and ``catalog/`` subfolders, which belong to it).
_open_transactions: dict[str, Transaction] = {}


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM held while files are written or put back: one that arrives
    meanwhile is recorded and raised again at the end. (Blocking them in this thread
    is not enough: another thread, Dask's, say, would take them and Python would raise
    here all the same.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    handlers = {signum: signal.signal(signum, lambda n, _f: caught.append(n))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])


class Transaction:
    """The files one writer changes in ``out_dir``, kept so they can all be put back."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.journal = out_dir / JOURNAL
        self.undo = out_dir / UNDO
        self._kept: set[str] = set()
        self._log = None

    def keep(self, path: Path) -> None:
        """Before ``path`` changes: remember how it was (a hard link, or that it was not
        there), durably, once per transaction."""
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(self.out_dir))
        if rel in self._kept or rel.startswith(".."):
            return
        backup = None
        if os.path.lexists(path):
            self.undo.mkdir(parents=True, exist_ok=True)
            backup = f"{len(self._kept)}"
            target = self.undo / backup
            target.unlink(missing_ok=True)
            try:
                os.link(path, target)
            except OSError:  # a file system without hard links
                shutil.copy2(path, target)
        if self._log is None:
            self.journal.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.journal, "a", encoding="utf-8")  # noqa: SIM115
        self._log.write(json.dumps({"path": rel, "backup": backup}) + "\n")
        self._log.flush()
        os.fsync(self._log.fileno())
        self._kept.add(rel)

    def commit(self) -> None:
        """Make the changes final: the journal goes (the commit point), then the links."""
        with signals_held():
            if self._log is not None:
                self._log.close()
                self._log = None
                self.journal.unlink(missing_ok=True)
            shutil.rmtree(self.undo, ignore_errors=True)

    def rollback(self) -> list[str]:
        """Put every changed file back as it was; the files put back."""
        if self._log is not None:
            self._log.close()
            self._log = None
        with signals_held():
            return roll_back(self.out_dir)


def roll_back(out_dir: Path) -> list[str]:
    """Undo what the journal in ``out_dir`` names (a writer that stopped before its
    commit); the files put back. Only for the holder of the folder's lock."""
    journal = out_dir / JOURNAL
    try:
        lines = journal.read_text("utf-8").splitlines()
    except OSError:
        return []
    restored = []
    for line in reversed(lines):
        try:
            item = json.loads(line)
            rel, backup = item["path"], item["backup"]
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short by the crash: its file was not touched yet
        if not isinstance(rel, str) or os.path.isabs(rel) or ".." in Path(rel).parts:
            continue
        path = out_dir / rel
        if backup is None:
            path.unlink(missing_ok=True)
        else:
            kept = out_dir / UNDO / str(backup)
            if kept.exists():
                os.replace(kept, path)
        restored.append(rel)
    journal.unlink(missing_ok=True)
    shutil.rmtree(out_dir / UNDO, ignore_errors=True)
    for part in out_dir.glob(".*.part"):  # temporary files of a writer that was killed
        part.unlink(missing_ok=True)
    return restored


def _holder(lock_file: Path) -> str:
    """Who holds the lock, as its holder wrote it ("process 123: exporter build ...")."""
    try:
        text = lock_file.read_text("utf-8").strip()
    except OSError:
        return "another process"
    return text or "another process"


@contextlib.contextmanager
def _locked(out_dir: Path, notice: Callable[[str], None] | None) -> Iterator[None]:
    """Hold the folder's lock; if another process holds it, say so and wait."""
    import fcntl
    import sys

    lock_file = out_dir / LOCK
    said = False
    while True:
        try:
            lock_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise BuildError(f"cannot write to the output folder: {exc.strerror}",
                             file=out_dir, hint="choose a writable folder with --out") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not said:
                (notice or (lambda m: print(m, file=sys.stderr)))(
                    f"waiting for {_holder(lock_file)}, which is writing {out_dir}/ "
                    "(one build at a time writes a folder; Ctrl-C stops waiting)")
                said = True
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
        try:  # the lock of the file still at that path (a failed first build removes it)
            if os.stat(lock_file).st_ino == os.fstat(fd).st_ino:
                break
        except OSError:
            pass
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))
        os.pwrite(fd, f"process {os.getpid()} ({command or 'exporter'})\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def open_folder(out_dir: Path,
                notice: Callable[[str], None] | None = None) -> Iterator[Transaction]:
    """The one writer of ``out_dir``: its lock and a transaction, committed when the
    block ends without error and rolled back otherwise (see the module's docstring).
    Inside a transaction this process already holds on the folder, joins it."""
    key = _key(out_dir) if out_dir.exists() else None
    if key is not None and key in _open_transactions:
        yield _open_transactions[key]
        return
    created = not out_dir.exists()
    records_created = not (out_dir / STATE_DIR).exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"cannot write to the output folder: {exc.strerror}", file=out_dir,
                         hint="choose a writable folder with --out") from None
    with _locked(out_dir, notice):
        with signals_held():
            roll_back(out_dir)  # what a killed writer left
        transaction = Transaction(out_dir)
        keys = [_key(out_dir / sub) for sub in ("", "covers", "catalog")]
        for k in keys:
            _open_transactions[k] = transaction
        try:
            yield transaction
        except BaseException:
            transaction.rollback()
            # A first build that failed leaves no folder (nor records, nor lock) behind.
            if created:
                shutil.rmtree(out_dir, ignore_errors=True)
            elif records_created:
                shutil.rmtree(out_dir / STATE_DIR, ignore_errors=True)
            raise
        else:
            transaction.commit()
        finally:
            for k in keys:
                _open_transactions.pop(k, None)
