"""The spaces between words on the full lines of a PDF, measured as a reader's tools see
them: words and lines as pdftotext finds them (``-bbox-layout``), font sizes from the
text operators of the page's content stream (pikepdf).

The measure:

- a *line* is the words of one of pdftotext's blocks (a paragraph, a cell ...) on one
  baseline (the bottom of their boxes, within 0.5 pt) and the raised ones (superscripts)
  among them, at least 3 words;
- it is *full* when it runs from the column's one edge to the other: its end lies within
  1 pt of the page's widest line on that side (the right in left-to-right text), its
  start within 2 em of the other edge (a paragraph's indent);
- a *gap* is the distance from one word's last glyph to the next word's first, in em of
  the line's font size (the largest on the line: not a superscript's); gaps under 0.1 em are not spaces (pdftotext also
  splits a word where its font changes) and are left out;
- a line's *word gap* is the mean of its gaps.

Lines set flush to one side (headings, captions, table cells, the last line of a
paragraph) are never stretched, so they count at their natural spacing when they happen
to be full, and are otherwise not full.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: Distance (pt) within which a line's end counts as the column's edge.
EDGE = 1.0
#: Gaps narrower than this (em) are font changes inside a word, not spaces.
NOT_A_SPACE = 0.1


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    gaps: tuple[float, ...]  # in em

    @property
    def mean(self) -> float:
        return sum(self.gaps) / len(self.gaps)


def _multiply(a, b):
    """The product of two PDF matrices (a, b, c, d, e, f)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _text_runs(page) -> list[tuple[float, float, float]]:
    """(x, baseline from the top, font size in pt) of every text-showing operator of an
    opened page (pikepdf), on the page itself (not in its form XObjects: maps)."""
    import pikepdf

    height = float(page.mediabox[3]) - float(page.mediabox[1])
    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack, runs = [], []
    tm = ctm
    size = 0.0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = _multiply(tuple(map(float, operands)), ctm)
        elif op == "BT":
            tm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        elif op == "Tm":
            tm = tuple(map(float, operands))
        elif op == "Td":
            tm = _multiply((1, 0, 0, 1, float(operands[0]), float(operands[1])), tm)
        elif op == "Tf":
            size = float(operands[1])
        elif op in ("TJ", "Tj", "'", '"'):
            a, b, c, d, e, f = _multiply(tm, ctm)
            scale = abs(a * d - b * c) ** 0.5
            runs.append((e, height - f, size * scale))
    return runs


def _size_of(word: dict, runs) -> float | None:
    """The font size of ``word``: that of the last text run on its baseline starting at
    or before it."""
    best = None
    for x, baseline, size in runs:
        if word["yMin"] - 0.5 <= baseline <= word["yMax"] + 0.5 and x <= word["xMin"] + 0.5:
            if best is None or x >= best[0]:
                best = (x, size)
    return best[1] if best else None


def _blocks(pdf: Path) -> list[list[list[dict]]]:
    """Pages -> blocks -> words (xMin, xMax, yMin, yMax, text) as pdftotext finds them
    (a block: a paragraph, a table cell, a caption ...)."""
    import lxml.etree as etree

    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    root = etree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", xml))
    return [[[{**{k: float(w.get(k)) for k in ("xMin", "xMax", "yMin", "yMax")},
               "text": w.text or ""} for w in block.iter("{*}word")]
             for block in page.iter("{*}block")]
            for page in root.iter("{*}page")]


def _lines(words: list[dict]) -> list[list[dict]]:
    """The words of a block in lines, left to right: the words of one line share a
    baseline (the bottom of their boxes, within 0.5 pt); raised words (a superscript)
    join the line whose height holds their middle."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: w["yMax"]):
        if lines and abs(lines[-1][0]["yMax"] - word["yMax"]) <= 0.5:
            lines[-1].append(word)
        else:
            lines.append([word])
    merged: list[list[dict]] = []
    for line in sorted(lines, key=len, reverse=True):
        middle = (line[0]["yMin"] + line[0]["yMax"]) / 2
        host = next((m for m in merged if len(m) > len(line)
                     and m[0]["yMin"] <= middle <= m[0]["yMax"]
                     and line[0]["yMax"] < m[0]["yMax"]), None)
        if host is not None:
            host.extend(line)
        else:
            merged.append(line)
    return [sorted(line, key=lambda w: w["xMin"]) for line in merged]


def full_lines(pdf: Path, first_page: int = 1, rtl: bool = False) -> list[Line]:
    """Every full line of ``pdf`` from page ``first_page`` on, with its gaps in em
    (``rtl``: the text is written right to left, its lines end on the left)."""
    import pikepdf

    found = []
    with pikepdf.open(pdf) as opened:
        for number, blocks in enumerate(_blocks(pdf), 1):
            if number < first_page:
                continue
            lines = [line for words in blocks for line in _lines(words) if len(line) >= 3]
            if not lines:
                continue
            runs = _text_runs(opened.pages[number - 1])
            left = min(line[0]["xMin"] for line in lines)
            right = max(line[-1]["xMax"] for line in lines)
            for line in lines:
                sizes = [_size_of(w, runs) for w in line]
                em = max((s for s in sizes if s), default=None)
                if em is None:
                    continue
                # How far the line starts from its column's start, and ends from its end.
                starts, ends = line[0]["xMin"] - left, right - line[-1]["xMax"]
                if rtl:
                    starts, ends = ends, starts
                if not (ends <= EDGE and starts <= 2 * em):
                    continue
                gaps = []
                for word, after in zip(line, line[1:]):
                    gap = (after["xMin"] - word["xMax"]) / em
                    if gap >= NOT_A_SPACE:
                        gaps.append(gap)
                if gaps:
                    found.append(Line(number, " ".join(w["text"] for w in line), tuple(gaps)))
    return found


if __name__ == "__main__":
    import statistics
    import sys

    rtl = "--rtl" in sys.argv
    for path in [a for a in sys.argv[1:] if a != "--rtl"]:
        lines = full_lines(Path(path), 2, rtl)
        means = [line.mean for line in lines] or [0]
        loose = [line for line in lines if line.mean > 0.6]
        print(f"{path}: {len(lines)} full lines, mean {statistics.mean(means):.2f} em, "
              f"widest line {max(means):.2f} em, widest gap "
              f"{max((g for line in lines for g in line.gaps), default=0):.2f} em, "
              f"{len(loose)} over 0.6 em")
        for line in sorted(loose, key=lambda l: -l.mean)[:5]:
            print(f"   p{line.page} {line.mean:.2f}: {line.text[:90]}")
