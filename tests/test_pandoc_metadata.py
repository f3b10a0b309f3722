"""Metadata as pandoc users write it: title blocks and pandoc's names, beside ours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from exporter.errors import SourceError
from exporter.read.source import load_metadata


def _load(tmp_path: Path, text: str):
    path = tmp_path / "doc.md"
    path.write_text(text, "utf-8")
    warnings: list[str] = []
    meta, _locator, body, body_line = load_metadata(text, path, warnings)
    return meta, body, body_line, warnings


def test_a_title_block_gives_title_authors_and_date(tmp_path):
    meta, body, line, warnings = _load(
        tmp_path, "% The Title\n%  Jane Doe;  John Roe\n% September 19, 2023\n\nBody.\n")
    assert meta.title == "The Title"
    assert meta.authors == ["Jane Doe", "John Roe"]
    assert meta.date == dt.date(2023, 9, 19)
    assert meta.lang == "en-US"
    assert body.strip() == "Body." and line == 4
    assert any("doc.md:1: no lang given" in w for w in warnings)


def test_a_title_block_with_continuation_lines_and_a_yaml_block_after_it(tmp_path):
    meta, body, line, _ = _load(
        tmp_path, "% A long\n  title\n%\n% 2023-09-19\n\n---\nlang: hy\n---\nBody.\n")
    assert meta.title == "A long title" and meta.authors == [] and meta.lang == "hy"
    assert body.strip() == "Body." and line == 9


@pytest.mark.parametrize("author,expected", [
    ("Jane Doe", ["Jane Doe"]),
    ("[Jane Doe, John Roe]", ["Jane Doe", "John Roe"]),
    ("\n  - name: Jane Doe\n    affiliation: X\n  - John Roe", ["Jane Doe", "John Roe"]),
])
def test_pandoc_author_as_a_string_or_a_list(tmp_path, author, expected):
    meta, *_ = _load(tmp_path, f"---\ntitle: T\ndate: 2023-09-19\nlang: en\nauthor: {author}\n"
                               "---\nBody.\n")
    assert meta.authors == expected


def test_pandoc_names_map_to_the_projects(tmp_path):
    meta, _, _, warnings = _load(tmp_path, (
        "---\ntitle: T\nsubtitle: The sub\nabstract: |\n  An *abstract*.\n\n  Two.\n"
        "keywords: [a, b]\nsubject: c\ndescription: What it is\nrights: CC BY 4.0\n"
        "identifier:\n  - scheme: ISBN\n    text: 978-0-00-000000-2\ngeometry: margin=1in\n"
        "date: 19 September 2023\nlang: en-GB\n---\nBody.\n"))
    assert meta.standfirst == "The sub"
    assert meta.abstract.startswith("An *abstract*.")
    assert meta.subjects == ["a", "b", "c"]
    assert meta.description == "What it is" and meta.rights == "CC BY 4.0"
    assert meta.identifier == "urn:isbn:978-0-00-000000-2"
    assert meta.date == dt.date(2023, 9, 19)
    assert warnings == [f"{tmp_path / 'doc.md'}:15: 'geometry' steers pandoc's own writers "
                        "and is ignored here"]


def test_typos_still_get_did_you_mean_and_both_names_are_refused(tmp_path):
    with pytest.raises(SourceError, match=r"doc.md:3: unknown key 'subtitel' .*did you mean"):
        _load(tmp_path, "---\ntitle: T\nsubtitel: x\n---\nBody.\n")
    with pytest.raises(SourceError, match=r"doc.md:4: both 'author' and 'authors'"):
        _load(tmp_path, "---\ntitle: T\nauthors: [A]\nauthor: B\n---\nBody.\n")


def test_no_metadata_at_all_says_how_to_give_a_title(tmp_path):
    with pytest.raises(SourceError, match=r"doc.md:1: no title.*'% Title'"):
        _load(tmp_path, "Just text.\n")


def test_a_missing_date_is_the_files_date_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1695081600")
    meta, _, _, warnings = _load(tmp_path, "% T\n\nBody.\n")
    assert meta.date == dt.date(2023, 9, 19)
    assert any("no date given: using 2023-09-19" in w for w in warnings)
