#!/usr/bin/env python3
"""Convert TeX's hyph-utf8 hyphenation patterns into the ``hyph_*.dic`` files that Pyphen
(and LibreOffice's libhyphen) read, for the languages Pyphen ships none for.

The files in exporter/data/hyphenation/ were made with it; to make them again:

    apt-get download texlive-lang-other texlive-lang-european
    for deb in texlive-lang-*.deb; do dpkg-deb -x "$deb" texlive; done
    python3 scripts/hyphenation_patterns.py \\
        texlive/usr/share/texlive/texmf-dist/tex/generic/hyph-utf8/patterns hy ka tr

For each language XX it reads ``tex/hyph-XX.tex`` (its header: title, copyright,
licence, hyphenmins), ``txt/hyph-XX.pat.txt`` (the patterns, one a line) and, if there
is one, ``txt/hyph-XX.hyp.txt`` (exceptions, written as patterns that match the whole
word: 9 where it may break, 8 where it may not, higher than any pattern's digit), and
writes ``hyph_XX.dic``: ``UTF-8``, ``LEFTHYPHENMIN``/``RIGHTHYPHENMIN`` (the header's
typesetting hyphenmins), the original header as ``%`` comments with a note of what was
changed (the LPPL asks for one), then the patterns. Only the format changes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "exporter" / "data" / "hyphenation"


def header(tex: str) -> list[str]:
    """The comment lines at the head of a hyph-utf8 ``.tex`` file, up to its patterns."""
    lines = []
    for line in tex.splitlines():
        if not line.startswith("%"):
            break
        lines.append(line.rstrip())
    return lines


def hyphenmins(lines: list[str]) -> tuple[int, int]:
    """(left, right): the header's ``hyphenmins: typesetting:`` values."""
    text = "\n".join(lines)
    found = re.search(r"typesetting:\s*%\s*left:\s*(\d+)\s*%\s*right:\s*(\d+)", text)
    if found is None:
        raise SystemExit("no typesetting hyphenmins in the header")
    return int(found[1]), int(found[2])


def exception_pattern(word: str) -> str:
    """A hyphenation exception ("ex-am-ple") as a pattern matching only that word."""
    letters = word.replace("-", "")
    breaks = {len(part) for part in _prefixes(word)}
    marks = [("9" if i in breaks else "8") for i in range(1, len(letters))]
    return "." + letters[0] + "".join(m + c for m, c in zip(marks, letters[1:])) + "."


def _prefixes(word: str) -> list[str]:
    parts = word.split("-")
    return ["".join(parts[:n]) for n in range(1, len(parts))]


def convert(patterns_dir: Path, lang: str) -> Path:
    tex = (patterns_dir / "tex" / f"hyph-{lang}.tex").read_text("utf-8")
    comments = header(tex)
    left, right = hyphenmins(comments)
    patterns = (patterns_dir / "txt" / f"hyph-{lang}.pat.txt").read_text("utf-8").split()
    exceptions_file = patterns_dir / "txt" / f"hyph-{lang}.hyp.txt"
    exceptions = exceptions_file.read_text("utf-8").split() if exceptions_file.exists() else []
    note = [f"% A modified version: converted from hyph-utf8's hyph-{lang}.tex and "
            f"hyph-{lang}.pat.txt",
            f"% ({len(exceptions)} exceptions) by the exporter's "
            "scripts/hyphenation_patterns.py. Only the format",
            "% changed (one pattern a line, the header below as comments, its hyphenmins "
            "as",
            "% LEFTHYPHENMIN/RIGHTHYPHENMIN). The unmodified original is in hyph-utf8 "
            "(CTAN, TeX Live,",
            "% https://github.com/hyphenation/tex-hyphen). Its authors, named below, do "
            "not support this copy.",
            "%"]
    out = OUT / f"hyph_{lang}.dic"
    body = ["UTF-8", f"LEFTHYPHENMIN {left}", f"RIGHTHYPHENMIN {right}", *note, *comments,
            *patterns, *map(exception_pattern, exceptions)]
    out.write_text("\n".join(body) + "\n", "utf-8")
    return out


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    folder = Path(argv[0])
    OUT.mkdir(parents=True, exist_ok=True)
    for lang in argv[1:]:
        print(convert(folder, lang))


if __name__ == "__main__":
    main(sys.argv[1:])
