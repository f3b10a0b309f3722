"""Writing into the output folder: every file replaced whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import BuildError


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
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
