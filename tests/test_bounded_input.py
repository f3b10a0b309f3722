"""Input built to make the build run for minutes or use gigabytes ends in one clear line
with file and line, in bounded memory, and the previous editions stay.

Memory is measured with ``/usr/bin/time`` as an upper bound only; nothing here is timed
(the growth of the work with the size of the text is measured in bench/).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

FRONT = "---\ntitle: Hostile\ndate: 2023-09-19\nlang: en-GB\n"
HEADER = FRONT + "---\n\n"

LAUGHS = FRONT + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else 'lol, lol, lol'}]\n"
    for prev, name in zip([None, "a", "b", "c", "d", "e", "f", "g"], "abcdefgh")
) + "---\n\nText.\n"

#: (id, whole source text, message fragment, line of the error)
CASES = [
    ("yaml-billion-laughs", LAUGHS, "YAML aliases (*name) are not accepted", 6),
    ("yaml-merge-key", FRONT + "base: &b {x: 1}\nother:\n  <<: *b\n---\n\nText.\n",
     "YAML aliases", 7),
    ("yaml-deep-flow", FRONT + "subjects: " + "[" * 5000 + "]" * 5000 + "\n---\n\nText.\n",
     "YAML nested more than 40 levels deep", 2),
    ("yaml-deep-block", FRONT + "glossary:\n" + "".join(" " * (2 * i + 2) + f"k{i}:\n"
                                                        for i in range(60)) + "---\n\nT.\n",
     "YAML nested more than 40 levels deep", 45),
    ("md-brackets", HEADER + "Fine [link](#x) here.\n\nThen " + "[" * 30 + "x\n",
     "brackets ([...]) nested more than 8 deep", 9),
    ("md-balanced-brackets", HEADER + "A\n\nB\n\n" + "[" * 20 + "x" + "]" * 20 + "\n",
     "brackets ([...]) nested more than 8 deep", 11),
    ("md-spans", HEADER + "Text.\n\n" + "<span>" * 20000 + "x\n",
     "<span> elements nested more than 8 deep", 9),
    ("md-quotes", HEADER + "Text.\n\n" + "> " * 20000 + "x\n",
     "block quotes nested more than 50 deep", 9),
    ("md-lists", HEADER + "Text.\n\n" + "".join("  " * i + f"- level {i}\n" for i in range(100))
     + "\nEnd.\n", "lists, quotes or divs nested more than 50 deep", 59),
]


def _run_measured(*args) -> tuple[subprocess.CompletedProcess, int]:
    """Run the CLI under /usr/bin/time; return the result and its peak memory in MB."""
    result = subprocess.run(["/usr/bin/time", "-f", "peak-kb=%M", sys.executable, "-m",
                             "exporter", *map(str, args)], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    peak = int(re.search(r"peak-kb=(\d+)", result.stderr).group(1)) // 1024
    result.stderr = re.sub(r"(Command exited[^\n]*\n)?peak-kb=\d+\n?", "", result.stderr)
    return result, peak


@pytest.mark.skipif(shutil.which("/usr/bin/time") is None, reason="needs GNU time")
@pytest.mark.parametrize("name,text,fragment,line", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_ends_in_one_line_in_bounded_memory(tmp_path, name, text, fragment, line):
    source = tmp_path / "src" / "article.md"
    source.parent.mkdir()
    source.write_text(text, "utf-8")
    out = tmp_path / "dist"
    out.mkdir()
    previous = {f"article.{ext}": f"previous {ext}".encode() for ext in ("epub", "pdf", "docx")}
    for file_name, data in previous.items():
        (out / file_name).write_bytes(data)
    result, peak_mb = _run_measured("build", source, "--out", out)
    message = result.stderr.strip()
    assert result.returncode == 2, message
    assert len(message.splitlines()) == 1 and "Traceback" not in message, message
    assert fragment in message, message
    assert f"article.md:{line}:" in message, message
    assert peak_mb < 400, f"{peak_mb} MB"
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == previous


def test_recursion_never_reaches_the_user_as_an_internal_error(monkeypatch, capsys):
    import typer

    from exporter import cli

    with pytest.raises(typer.Exit) as stopped:
        cli._fail(RecursionError("maximum recursion depth exceeded"))
    assert stopped.value.exit_code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the source is nested too deeply") and "internal" not in err


def test_the_limits_leave_ordinary_nesting_alone(tmp_path):
    from exporter.read.limits import check_markdown

    body = ("A [link](#a) and [another [nested] one](#b), `code [[[[[[[[[[[` and\n"
            "<span>a <span>b</span></span>.\n\n> quote\n> > in a quote\n\n"
            + "**[x](#a)** " * 20_000 + "\n")
    check_markdown(body, Path("x.md"), 1)  # no error


def test_a_paragraph_too_long_to_lay_out_is_refused_with_its_line(tmp_path):
    import panflute as pf

    from exporter.errors import SourceError
    from exporter.read.limits import MAX_PARAGRAPH_INLINES, check_depth

    inlines = []
    for _ in range(MAX_PARAGRAPH_INLINES // 2 + 1):
        inlines += [pf.Strong(pf.Str("x")), pf.Space()]
    doc = pf.Doc(pf.Para(pf.Str("Fine.")), pf.Para(*inlines))
    body = "Fine.\n\n" + "**x** " * (MAX_PARAGRAPH_INLINES // 2 + 1) + "\n"
    with pytest.raises(SourceError, match=r"doc.md:9: a paragraph of 60,002 words and spaces"):
        check_depth(doc, body, Path("doc.md"), 7)


def test_megabytes_without_a_blank_line_are_refused_before_pandoc_reads_them(tmp_path):
    source = tmp_path / "src" / "article.md"
    source.parent.mkdir()
    source.write_text(HEADER + "Intro.\n\n" + "**[x](#a)** " * 300_000 + "\n", "utf-8")
    result, peak_mb = _run_measured("build", source, "--out", tmp_path / "dist")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {source}:9: 3.6 MB of text without a blank line; the limit is 0.5 MB "
        "(break it into paragraphs with blank lines)")
    assert peak_mb < 400, peak_mb
