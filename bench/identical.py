"""Are the editions byte-identical to those another commit makes? For refactors.

    python bench/identical.py [--against REF] [--pages N] [--keep DIR]

Builds the same inputs twice, once with the code of the working tree and once with the
code of ``REF`` (default ``HEAD``, checked out with ``git worktree`` into a temporary
folder), each in its own process with its own empty cache, and compares every file of
the two output folders byte for byte (but the folder's record of modification times,
``.exporter/downloads.json``). The inputs are copied once and shared:

- ``source/``: the sample article, the two other articles and the collection of the
  three, in every format (epub, pdf, docx, print, booklet);
- a long book from ``bench/generate.py book`` (``--pages``, default 150) in the three
  editions people read.

Prints one line per file that differs and exits 1 when any does; 0 when all are equal.
The build dates come from the articles (``reproducible.py``), so two builds of the same
code give the same bytes; a difference means the code changed what it makes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

ALL_FORMATS = "epub,pdf,docx,print,booklet"
READ_FORMATS = "epub,pdf,docx"


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _inputs(work: Path, pages: int) -> list[tuple[str, Path, str]]:
    """(name, source path, formats) of every build, written under ``work/in``."""
    import generate

    sources = work / "in" / "source"
    shutil.copytree(ROOT / "source", sources)
    book = work / "in" / "book"
    generate.book(book, pages=pages)
    book_file = next(book.glob("*.md"))
    return [("source", sources, ALL_FORMATS), ("book", book_file, READ_FORMATS)]


def _build(code: Path, inputs, out: Path, cache: Path) -> float:
    """Build every input with the package in ``code``; return the CPU seconds used."""
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(code), EXPORTER_CACHE_DIR=str(cache),
               PYTHONDONTWRITEBYTECODE="1")
    check = subprocess.run([_python(), "-c", "import exporter; print(exporter.__file__)"],
                           env=env, cwd=out.parent, capture_output=True, text=True,
                           check=True)
    if not check.stdout.strip().startswith(str(code)):
        sys.exit(f"identical: {code} is not the package imported ({check.stdout.strip()})")
    before = os.times()
    for name, source, formats in inputs:
        result = subprocess.run([_python(), "-m", "exporter", "build", str(source),
                                 "--out", str(out / name),
                                 *[arg for fmt in formats.split(",") for arg in ("--format", fmt)]],
                                env=env, cwd=out.parent, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"identical: building {name} with {code} failed:\n{result.stderr}")
    after = os.times()
    return (after.children_user - before.children_user
            + after.children_system - before.children_system)


#: The downloads folder's own bookkeeping: a hash of the files' modification times
#: (``publish``: "unchanged since last time"), different on every build by design.
NOT_COMPARED = ".exporter/downloads.json"


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not str(p.relative_to(folder)).endswith(NOT_COMPARED)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="HEAD", help="git ref to compare with")
    parser.add_argument("--pages", type=int, default=150, help="pages of the long book")
    parser.add_argument("--keep", type=Path, help="keep the work folder here")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="exporter-identical-")) if not args.keep else args.keep
    work.mkdir(parents=True, exist_ok=True)
    theirs = work / "ref"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(theirs),
                    args.against], check=True, capture_output=True)
    try:
        inputs = _inputs(work, args.pages)
        outcome = {}
        for label, code in (("ref", theirs), ("tree", ROOT)):
            start = time.perf_counter()
            cpu = _build(code, inputs, work / f"out-{label}", work / f"cache-{label}")
            print(f"built with {label} ({code}): {time.perf_counter() - start:.1f} s wall, "
                  f"{cpu:.1f} s CPU")
            outcome[label] = _digests(work / f"out-{label}")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(theirs)],
                       capture_output=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    ref, tree = outcome["ref"], outcome["tree"]
    differ = sorted(name for name in ref.keys() | tree.keys() if ref.get(name) != tree.get(name))
    for name in differ:
        state = ("only in " + ("the tree" if name in tree else args.against)
                 if (name in ref) != (name in tree) else "differs")
        print(f"  {name}: {state}")
    print(f"{len(ref)} files against {args.against}: "
          + (f"{len(differ)} differ" if differ else "all identical"))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
