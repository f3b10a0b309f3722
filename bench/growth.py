"""Is every pass linear in the size of the source? Build bodies made of one kind of
element (links, notes, tables, list items, top-level headings, character references,
and the hostile ``**[x](#a)**``), or sources with n glossary terms used in the body
(``glossary``), n places on one map (``places``) or an ``abstract`` of n words
(``metadata``), at one size and at twice that size, and report how the wall time, the
CPU time and the peak memory grow.

Linear work doubles; the check passes while the growth stays under ``LIMIT`` (2.5x,
room for the fixed costs that do not double and for a noisy machine). Each build runs
with the cache off, in one process (``--jobs 1``), under ``/usr/bin/time``.

Usage::

    nice -n 10 python bench/growth.py [--units 1500] [--kinds links,notes] [--format pdf]

Without ``--units`` each kind is built at its own size (``UNITS``): a few seconds per
build, and within the limits on input (``MAX_ENTRIES`` glossary entries,
``MAX_METADATA_TEXT`` characters of front-matter text).
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


#: Units of each kind at the smaller size (the larger is twice): a build of a few
#: seconds, under the limits on input at twice the size.
UNITS = {"headings": 1000, "entities": 6000, "glossary": 800, "places": 300,
         "metadata": 1500}
DEFAULT_UNITS = 1500


def _name(i: int) -> str:
    """A made-up word for unit ``i`` ("Bakat", "Bekat" ...): letters only, so no name
    is a prefix of another's digits, and every name is found as a word of its own."""
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    word, i = "", i + 1
    while i:
        i, rest = divmod(i - 1, len(consonants) * len(vowels))
        word += consonants[rest // len(vowels)] + vowels[rest % len(vowels)]
    return word.capitalize() + "t"


def _glossary(folder: Path, units: int) -> str:
    """n glossary entries in glossary.yml, each term used once in the body."""
    entries = "".join(f"  - term: {_name(i)}\n    definition: Entry {i} of the glossary, "
                      f"a short definition.\n" for i in range(units))
    (folder / "glossary.yml").write_text("entries:\n" + entries, "utf-8")
    return HEADER + "".join(f"The {_name(i)} is named in paragraph {i}.\n\n"
                            for i in range(units))


def _places(folder: Path, units: int) -> str:
    """n towns in places.yml, all on one map, each named once in the body."""
    side = max(1, int(units ** 0.5 + 0.999))
    rows = []
    for i in range(units):
        lat, lon = 38.5 + 5.0 * (i // side) / side, 40.5 + 9.0 * (i % side) / side
        rows.append(f"  - name: {_name(i)}\n    kind: town\n    lat: {lat:.4f}\n"
                    f"    lon: {lon:.4f}\n")
    (folder / "places.yml").write_text("places:\n" + "".join(rows), "utf-8")
    names = "".join(f"      - {_name(i)}\n" for i in range(units))
    header = HEADER.replace("---\n\n", "maps:\n  - id: towns\n    title: Towns\n"
                            "    extent: [40, 38, 50, 44]\n    places:\n" + names + "---\n\n")
    return header + "".join(f"A visit to {_name(i)} in paragraph {i}.\n\n"
                            for i in range(units))


def _metadata(folder: Path, units: int) -> str:
    """An ``abstract`` of n words (six characters each with the space: 3,000 words stay
    under ``read.metadata.MAX_METADATA_TEXT``), over a short body."""
    words = " ".join(_name(i % 60).lower()[:5].ljust(5, "a") for i in range(units))
    return HEADER.replace("---\n\n", f"abstract: >-\n  {words}\n---\n\n") + \
        "A short body of one paragraph.\n"


#: Kinds that need more than a body: (folder, units) -> the source's whole text.
SOURCES = {"glossary": _glossary, "places": _places, "metadata": _metadata}


def source_text(kind: str, folder: Path, units: int) -> str:
    """The text of a source of ``units`` units of ``kind`` (files it needs written to
    ``folder``)."""
    if kind in SOURCES:
        return SOURCES[kind](folder, units)
    return HEADER + "".join(KINDS[kind](i) for i in range(units))


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
    parser.add_argument("--units", type=int, default=None,
                        help="units at the smaller size (default: each kind's, UNITS)")
    parser.add_argument("--kinds", default=",".join([*KINDS, *SOURCES]))
    parser.add_argument("--format", default="epub", choices=["epub", "pdf", "docx"])
    args = parser.parse_args()
    results, failed = [], False
    with tempfile.TemporaryDirectory(prefix="exporter-growth-") as work:
        # The fixed cost of a build (start-up, fonts, EPUBCheck), to tell the growth of
        # the work that depends on n from the sum's: (x2 - base) / (x1 - base).
        base_folder = Path(work) / "base"
        base_folder.mkdir()
        base_source = base_folder / "base.md"
        base_source.write_text(HEADER + "A short body of one paragraph.\n", "utf-8")
        base = _build(base_source, base_folder / "dist", args.format)
        print(f"baseline: {base[0]:.2f} s wall {base[1]:.2f} s CPU {base[2]} MB", flush=True)
        for kind in args.kinds.split(","):
            row = {"kind": kind, "units": args.units or UNITS.get(kind, DEFAULT_UNITS)}
            for scale in (1, 2):
                folder = Path(work) / f"{kind}-{scale}"
                folder.mkdir()
                source = folder / f"{kind}.md"
                units = (args.units or UNITS.get(kind, DEFAULT_UNITS)) * scale
                source.write_text(source_text(kind, folder, units), "utf-8")
                seconds, cpu, peak, error = _build(source, folder / "dist", args.format)
                if error:
                    print(f"{kind} x{scale}: build failed: {error.strip()[-300:]}")
                row[f"x{scale}"] = {"bytes": source.stat().st_size, "seconds": round(seconds, 2),
                                    "cpu_seconds": round(cpu, 2), "peak_mb": peak}
            row["time_growth"] = round(row["x2"]["seconds"] / row["x1"]["seconds"], 2)
            # CPU time is the verdict: wall time on a shared machine measures the others too.
            row["cpu_growth"] = round(row["x2"]["cpu_seconds"] / row["x1"]["cpu_seconds"], 2)
            extra = (row["x1"]["cpu_seconds"] - base[1], row["x2"]["cpu_seconds"] - base[1])
            # Beside the verdict: the growth of the part above the fixed cost (noisy when
            # that part is small).
            row["cpu_growth_above_base"] = round(extra[1] / extra[0], 2) if extra[0] > 0.5 \
                else None
            row["ok"] = row["cpu_growth"] < LIMIT
            failed |= not row["ok"]
            results.append(row)
            one, two = row["x1"], row["x2"]
            print(f"{kind:8} n={row['units']:<5} {one['bytes']:>9} B {one['seconds']:7.2f} s wall "
                  f"{one['cpu_seconds']:7.2f} s CPU {one['peak_mb']:5} MB | x2 "
                  f"{two['seconds']:7.2f} s wall {two['cpu_seconds']:7.2f} s CPU "
                  f"{two['peak_mb']:5} MB | growth {row['time_growth']:.2f}x wall "
                  f"{row['cpu_growth']:.2f}x CPU (above the base: "
                  f"{row['cpu_growth_above_base'] or '-'}x) "
                  f"{'ok' if row['ok'] else 'SUPERLINEAR'}",
                  flush=True)
    print(json.dumps({"format": args.format, "units": args.units, "limit": LIMIT,
                      "base": {"seconds": round(base[0], 2), "cpu_seconds": round(base[1], 2),
                               "peak_mb": base[2]},
                      "results": results}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
