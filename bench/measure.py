"""Measure the typography of a PDF edition: characters a line, hyphenated line ends,
runs of hyphenated lines, words split across a page turn.

    python bench/measure.py dist/<slug>.pdf [FIRST LAST]

Counts body lines (pdftotext -layout on the article's pages): a line is a body line
when it is at least half the longest line's length (so headings, short last lines of
paragraphs and running heads are left out of the average).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys

#: A line that ends in a word broken by hyphenation (WeasyPrint draws U+2010).
HYPHEN_END = r"[a-zа-яёα-ω][-\u2010]$"


def page_lines(pdf: str, first: int, last: int) -> list[list[str]]:
    pages = []
    for number in range(first, last + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number), "-nopgbrk",
                               pdf, "-"], capture_output=True, text=True, check=True).stdout
        pages.append([" ".join(line.split()) for line in text.splitlines() if line.strip()])
    return pages


def measure(pdf: str, first: int, last: int) -> dict:
    pages = page_lines(pdf, first, last)
    lines = [line for page in pages for line in page]
    longest = max((len(line) for line in lines), default=0)
    body = [len(line) for line in lines if len(line) >= longest / 2]
    hyphenated = [line for line in lines if re.search(HYPHEN_END, line)]
    run = best = 0
    for line in lines:
        run = run + 1 if re.search(HYPHEN_END, line) else 0
        best = max(best, run)
    turns = sum(1 for page in pages[:-1] if page and len(page) > 1
                and re.search(HYPHEN_END, page[-2] if page[-1].isdigit() else page[-1]))
    return {"pages": len(pages), "lines": len(lines), "body_lines": len(body),
            "chars_mean": round(statistics.mean(body), 1) if body else 0,
            "chars_min": min(body, default=0), "chars_max": max(body, default=0),
            "hyphenated": len(hyphenated), "longest_run": best, "split_at_turn": turns,
            "examples": hyphenated[:8]}


if __name__ == "__main__":
    path = sys.argv[1]
    first, last = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (2, 3)
    for key, value in measure(path, first, last).items():
        print(f"{key}: {value}")
