"""Is every pass linear in the size of the source? Build bodies made of one kind of
element (links, notes, tables, list items, top-level headings, character references,
and the hostile ``**[x](#a)**``) at one size and at twice that size, and report how the
wall time, the CPU time and the peak memory grow.

Linear work doubles; the check passes while the growth stays under ``LIMIT`` (2.5x,
room for the fixed costs that do not double and for a noisy machine). Each build runs
with the cache off, in one process (``--jobs 1``), under ``/usr/bin/time``.

Usage::

    nice -n 10 python bench/growth.py [--units 1500] [--kinds links,notes] [--format pdf]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 2.5
HEADER = "---\ntitle: Growth\ndate: 2023-09-19\nlang: en-GB\n---\n\n"

#: Kind -> the Markdown of unit number ``i`` (about the same size for every i).
KINDS = {
    "links": lambda i: f"See [target {i}](#t{i}) and [the web](https://example.org/{i}).\n\n"
                       f"## Target {i} {{#t{i}}}\n\n",
    "notes": lambda i: f"A claim that needs a source.[^n{i}]\n\n[^n{i}]: The source of {i}.\n\n",
    "tables": lambda i: f"| Date | Event {i} |\n|---|---|\n| 19 September | operation |\n"
                        f"| 20 September | ceasefire |\n\n",
    "lists": lambda i: f"- item {i}\n  - nested item {i}\n- another item {i}\n\n",
    "hostile": lambda i: "**[x](#a)** " * 10 + "\n",
    # Each its own chapter (past ``typeset.html.SPLIT_ABOVE``), on a right-hand page.
    "headings": lambda i: f"# Heading {i}\n\nText of section {i} with a few words.\n\n",
    "entities": lambda i: "&#x41;&amp;&#233; " * 10 + "\n\n",
}


def _build(source: Path, out: Path, fmt: str) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds of the build and its children, peak MB, stderr) of
    one build."""
    env = dict(os.environ, EXPORTER_CACHE_DIR="off")
    cmd = ["/usr/bin/time", "-f", "peak-kb=%M cpu=%U+%S", sys.executable, "-m", "exporter",
           "build", str(source), "--out", str(out), "--jobs", "1", "--force", "--format", fmt]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    seconds = time.perf_counter() - start
    found = re.search(r"peak-kb=(\d+) cpu=([\d.]+)\+([\d.]+)", proc.stderr)
    peak = int(found.group(1)) // 1024
    cpu = float(found.group(2)) + float(found.group(3))
    return seconds, cpu, peak, proc.stderr if proc.returncode else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1500, help="units at the smaller size")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--format", default="epub", choices=["epub", "pdf", "docx"])
    args = parser.parse_args()
    results, failed = [], False
    with tempfile.TemporaryDirectory(prefix="exporter-growth-") as work:
        for kind in args.kinds.split(","):
            row = {"kind": kind}
            for scale in (1, 2):
                folder = Path(work) / f"{kind}-{scale}"
                folder.mkdir()
                source = folder / f"{kind}.md"
                units = args.units * scale
                source.write_text(HEADER + "".join(KINDS[kind](i) for i in range(units)),
                                  "utf-8")
                seconds, cpu, peak, error = _build(source, folder / "dist", args.format)
                if error:
                    print(f"{kind} x{scale}: build failed: {error.strip()[-300:]}")
                row[f"x{scale}"] = {"bytes": source.stat().st_size, "seconds": round(seconds, 2),
                                    "cpu_seconds": round(cpu, 2), "peak_mb": peak}
            row["time_growth"] = round(row["x2"]["seconds"] / row["x1"]["seconds"], 2)
            # CPU time is the verdict: wall time on a shared machine measures the others too.
            row["cpu_growth"] = round(row["x2"]["cpu_seconds"] / row["x1"]["cpu_seconds"], 2)
            row["ok"] = row["cpu_growth"] < LIMIT
            failed |= not row["ok"]
            results.append(row)
            one, two = row["x1"], row["x2"]
            print(f"{kind:8} {one['bytes']:>9} B {one['seconds']:7.2f} s wall "
                  f"{one['cpu_seconds']:7.2f} s CPU {one['peak_mb']:5} MB | x2 "
                  f"{two['seconds']:7.2f} s wall {two['cpu_seconds']:7.2f} s CPU "
                  f"{two['peak_mb']:5} MB | growth {row['time_growth']:.2f}x wall "
                  f"{row['cpu_growth']:.2f}x CPU {'ok' if row['ok'] else 'SUPERLINEAR'}",
                  flush=True)
    print(json.dumps({"format": args.format, "units": args.units, "limit": LIMIT,
                      "results": results}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
