"""Orchestration: load -> enrich -> adapters -> write atomically.

Everything the user can get wrong is found before the first byte is written; each
edition is written to a temporary file beside its target and moved into place only
when complete, so a failed build never leaves a half-written or missing edition.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .adapters import ADAPTERS, RenderContext, adapter
from .document import Document
from .errors import BuildError, SourceError, UsageError
from .reproducible import build_timestamp
from .source import load_document

#: Where the sample sources live; the default when no SOURCE is given.
DEFAULT_SOURCE_DIR = Path("source")


@dataclass(frozen=True)
class Edition:
    """One written edition and what the summary shows about it."""

    format: str
    path: Path
    size: int
    seconds: float
    pages: int | None = None
    words: int | None = None


def find_sources(paths: Sequence[Path]) -> list[Path]:
    """Markdown sources named on the command line; a folder means every ``*.md`` in it."""
    found: list[Path] = []
    for path in paths or [DEFAULT_SOURCE_DIR]:
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.md") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError("source not found", hint=f"no file or folder at '{path}'",
                             file=path)
    if not found:
        raise UsageError("no Markdown sources (*.md) found",
                         file=paths[0] if paths else DEFAULT_SOURCE_DIR)
    return found


def prepare(source: Path) -> Document:
    """Load, validate and enrich one source: everything before any adapter runs."""
    from .enrich import enrich

    doc, locator = load_document(source)
    enrich(doc, locator)
    return doc


def word_count(doc: Document) -> int:
    """Words in the article body (appendices included), as a reader would count them."""
    from .document import plain_text

    return len(plain_text(doc.ast).split())


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


def render_editions(doc: Document, formats: Iterable[str],
                    progress: Callable[[str], None] | None = None) -> dict[str, tuple[bytes, float]]:
    """Render ``doc`` in each format in memory: {format: (bytes, seconds)}."""
    ctx = RenderContext(doc, timestamp=build_timestamp(doc.meta.date))
    rendered: dict[str, tuple[bytes, float]] = {}
    for name in formats:
        if progress:
            progress(f"{doc.slug}: {name}")
        start = time.perf_counter()
        rendered[name] = (adapter(name).render(doc, ctx), time.perf_counter() - start)
    return rendered


def pdf_pages(data: bytes) -> int:
    """Number of pages in a PDF."""
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def build(sources: Sequence[Path], formats: Sequence[str] | None, out_dir: Path,
          progress: Callable[[str], None] | None = None) -> list[Edition]:
    """Build every source in every format into ``out_dir``; return what was written."""
    formats = list(formats or ADAPTERS)
    for name in formats:
        adapter(name)  # unknown names fail here, before any work
    docs = []
    for source in find_sources(sources):
        if progress:
            progress(f"reading {source}")
        docs.append(prepare(source))
    slugs = [d.slug for d in docs]
    duplicate = next((s for s in slugs if slugs.count(s) > 1), None)
    if duplicate:
        raise SourceError(f"two sources would both be written as '{duplicate}'",
                          hint="rename one of them")
    editions: list[Edition] = []
    for doc in docs:
        rendered = render_editions(doc, formats, progress)
        words = word_count(doc)
        for name, (data, seconds) in rendered.items():
            path = out_dir / f"{doc.slug}.{adapter(name).EXTENSION}"
            write_atomically(path, data)
            editions.append(Edition(
                format=name, path=path, size=len(data), seconds=seconds,
                pages=pdf_pages(data) if name == "pdf" else None,
                words=None if name == "pdf" else words,
            ))
    return editions
