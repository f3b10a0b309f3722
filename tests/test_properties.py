"""Property-based: generated Markdown (headings, lists, tables, footnotes, quotes, glossary
terms, other scripts) always gives a valid EPUB and a PDF and DOCX that build."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SOURCE_DIR

from exporter.run.build import build
from exporter.publish.checks import check

WORDS = ["Karabakh", "Lachin Corridor", "Khankendi", "Stepanakert", "Baku", "ceasefire",
         "Ստեփանակերտ", "Степанакерт", "Xankəndi", "Ağdam", "ناغورنو", "café", "naïve",
         "road", "the", "and", "of", "report", "2020", "“quoted”", "it’s", "e\u0301", "🗺️",
         "x" * 60]
word = st.sampled_from(WORDS)
text = st.lists(word, min_size=1, max_size=12).map(" ".join)


@st.composite
def inline(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["plain", "em", "strong", "code", "link", "note"]))
        t = draw(text)
        parts.append({"plain": t, "em": f"*{t}*", "strong": f"**{t}**", "code": f"`{t}`",
                      "link": f"[{t}](https://example.org/{len(parts)})",
                      "note": f"{t}[^n{len(parts)}{draw(st.integers(0, 9))}]"}[kind])
    return " ".join(parts)


@st.composite
def block(draw) -> str:
    kind = draw(st.sampled_from(["para", "heading", "list", "olist", "quote", "table", "nested"]))
    if kind == "heading":
        return "#" * draw(st.integers(1, 3)) + " " + draw(text)
    if kind == "list":
        return "\n".join("- " + draw(inline()) for _ in range(draw(st.integers(1, 4))))
    if kind == "olist":
        return "\n".join(f"{i}. " + draw(inline()) for i in range(1, draw(st.integers(2, 4))))
    if kind == "nested":
        depth = draw(st.integers(2, 8))
        return "\n".join("  " * i + "- " + draw(text) for i in range(depth))
    if kind == "quote":
        return "> " + draw(inline())
    if kind == "table":
        cols = draw(st.integers(1, 4))
        rows = [" | ".join(draw(text) for _ in range(cols)) for _ in range(draw(st.integers(1, 4)))]
        return "\n".join(["| " + rows[0] + " |", "|" + "---|" * cols,
                          *("| " + r + " |" for r in rows[1:])])
    return draw(inline())


@st.composite
def document(draw) -> str:
    blocks = draw(st.lists(block(), min_size=1, max_size=10))
    body = "\n\n".join(blocks)
    notes = sorted(set(part.split("]")[0] for part in body.split("[^")[1:]))
    body += "\n\n" + "\n".join(f"[^{n}]: {draw(text)}" for n in notes)
    return ("---\ntitle: Generated\ndate: 2023-09-19\nlang: en-GB\n---\n\n" + body + "\n")


def _check_document(markdown: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "src"
        folder.mkdir()
        shutil.copy(SOURCE_DIR / "glossary.yml", folder / "glossary.yml")
        (folder / "generated.md").write_text(markdown, "utf-8")
        editions = build([folder], None, Path(tmp) / "dist", jobs=1)
        assert len(editions) == 4
        for edition in editions:
            findings = check(edition.path) if edition.format in ("epub", "html") else []
            assert findings == [], (findings, markdown)
            assert edition.size > 0


EXAMPLES = int(os.environ.get("EXPORTER_PROPERTY_EXAMPLES", "3"))
#: Every property builds editions: no time limit per example, and large inputs are wanted.
BUILDS = dict(deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=EXAMPLES, derandomize=True, **BUILDS)
@given(document())
def test_generated_documents_give_valid_editions(markdown):
    _check_document(markdown)


@pytest.mark.slow
@settings(max_examples=60, **BUILDS)
@given(document())
def test_generated_documents_give_valid_editions_many(markdown):
    _check_document(markdown)


# --- pandoc's Markdown grammar: every extension pandoc enables by default ---------------------
#
# Constructs drawn from pandoc's manual (definition lists, fenced divs, bracketed spans,
# sub/superscript, strikeout, math, line blocks, example lists, inline notes, attributes,
# grid tables, raw HTML, emoji, citations, task lists, captions), with their empty and
# degenerate forms. Property: the build ends in editions or in a located error of the
# source (exit 2), never an internal error, and an EPUB that is written passed EPUBCheck
# (the build runs it before writing).

PANDOC_INLINES = [
    "~{t}~", "^{t}^", "~~{t}~~", "~~", "^^", "x ~~ y", "x ^^ y", "${t}$", "$$", "[{t}]{{.mark}}",
    "[{t}]{{#s1 lang=hy}}", "^[{t}]", ":smile:", "@doe2020", "[@doe2020, p. 3]",
    "<span>{t}</span>", "<img src=\"missing.png\">", "`{t}`{{.python}}", "\\\n", "&#x41;",
    "&amp;", "<br>", "{t}\\", "**", "*", "_{t}_", "[{t}](#nowhere)", "<https://example.org>",
]
PANDOC_BLOCKS = [
    "{t}\n:   {t}", "{t}\n\n:   {t}\n\n    {t}", ":::: {{.note}}\n{t}\n::::", ":::\n{t}\n:::",
    "| {t}\n| {t}", "(@) {t}\n(@) {t}", "- [ ] {t}\n- [x] {t}", "# {t} {{#h1 .unnumbered}}",
    "#", "##", ">", "> ", ">\n>", ":", ": {t}", "```\n{t}\n```", "```python\n{t}\n```",
    "~~~\n~~~", "***", "+---+---+\n| {t} | {t} |\n+---+---+",
    "| a | b |\n|---|---|\n| {t} | {t} |\n\n: {t}", "<div>{t}</div>", "<figure>\n<figcaption>"
    "{t}</figcaption>\n</figure>", "<!-- {t} -->", "{t}  \n{t}", "1. {t}\n\n   {t}",
    "    {t}", "\\", "[^a]\n\n[^a]: {t}", "[^b]: {t}", "Term\n: {t}",
]


@st.composite
def pandoc_document(draw) -> str:
    def fill(template: str) -> str:
        return template.format(t=draw(text))

    blocks = []
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            blocks.append(fill(draw(st.sampled_from(PANDOC_BLOCKS))))
        else:
            blocks.append(" ".join(fill(draw(st.sampled_from(PANDOC_INLINES)))
                                   for _ in range(draw(st.integers(1, 4)))))
    return ("---\ntitle: Generated\ndate: 2023-09-19\nlang: en-GB\n---\n\n"
            + "\n\n".join(blocks) + "\n")


def _check_pandoc_document(markdown: str) -> None:
    from exporter.errors import ExporterError

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "src"
        folder.mkdir()
        (folder / "generated.md").write_text(markdown, "utf-8")
        try:
            editions = build([folder], ["epub"], Path(tmp) / "dist", jobs=1)
        except ExporterError as exc:
            assert exc.exit_code == 2, (str(exc), markdown)  # the source's fault, located
            assert exc.file is not None, (str(exc), markdown)
            return
        assert [e.format for e in editions] == ["epub"] and editions[0].size > 0


PANDOC_EXAMPLES = int(os.environ.get("EXPORTER_PANDOC_EXAMPLES", "1"))


@settings(max_examples=PANDOC_EXAMPLES, derandomize=True, **BUILDS)
@given(pandoc_document())
def test_pandoc_markdown_gives_an_edition_or_a_located_error(markdown):
    _check_pandoc_document(markdown)


@pytest.mark.slow
@settings(max_examples=80, **BUILDS)
@given(pandoc_document())
def test_pandoc_markdown_gives_an_edition_or_a_located_error_many(markdown):
    _check_pandoc_document(markdown)
