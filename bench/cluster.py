"""Benchmark: a batch built with local processes (--jobs 2) against the same batch on a
2-worker Dask LocalCluster (--scheduler), side by side in one run.

    python bench/cluster.py [--articles 40] [--words 600]

Both builds start with an empty cache folder of their own, write into fresh folders
named alike, and must give byte-identical files; the ratio of their times is the
cluster's overhead (target: within 15%). Also reports the client-side costs that bound
one client: reading and packing the sources, and the bytes sent.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _generate():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build(args: list[str], cache: Path) -> float:
    env = dict(os.environ, EXPORTER_CACHE_DIR=str(cache))
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "exporter", "build", *args],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed: {result.stderr}")
    return seconds


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(s.startswith(".") for s in p.relative_to(folder).parts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--words", type=int, default=600)
    options = parser.parse_args()
    from distributed import LocalCluster

    from exporter.run.cluster.packing import pack
    from exporter.house.styles import HouseStyle

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sources = _generate().batch(tmp / "source", n=options.articles, words=options.words)
        start = time.perf_counter()
        blobs: dict[str, bytes] = {}
        folders: dict = {}
        packs = [pack(s, HouseStyle(), blobs, folders) for s in sources]
        packing = time.perf_counter() - start
        sent = sum(len(blobs[d]) for p in packs for d in p.files.values())
        local = _build([str(tmp / "source"), "--out", str(tmp / "a" / "dist"), "--jobs", "2"],
                       tmp / "cache-local")
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster:
            remote = _build([str(tmp / "source"), "--out", str(tmp / "b" / "dist"),
                             "--scheduler", cluster.scheduler_address], tmp / "cache-dask")
        same = _files(tmp / "a" / "dist") == _files(tmp / "b" / "dist")
    print(f"articles: {options.articles} (about {options.words} words each, 3 formats)")
    print(f"--jobs 2:            {local:7.1f} s  ({options.articles / local:.2f} articles/s)")
    print(f"--scheduler (2 w.):  {remote:7.1f} s  ({options.articles / remote:.2f} articles/s)")
    print(f"ratio:               {remote / local:7.2f}x  (target <= 1.15x)")
    print(f"byte-identical:      {same}")
    print(f"client packing:      {packing * 1000 / options.articles:.1f} ms per article, "
          f"{sent / options.articles / 1024:.0f} KiB sent per article")


if __name__ == "__main__":
    main()
