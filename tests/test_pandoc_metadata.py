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


def test_typos_are_warnings_with_did_you_mean_and_both_names_are_refused(tmp_path):
    meta, _, _, warnings = _load(tmp_path, "---\ntitle: T\nsubtitel: x\nlang: en\n"
                                           "date: 2023-09-19\n---\nBody.\n")
    assert warnings == [f"{tmp_path / 'doc.md'}:3: unknown key 'subtitel': did you mean "
                        "'subtitle'? (kept as pandoc metadata, unused by these editions)"]
    assert meta.standfirst is None and meta.passed_through == {"subtitel": "x"}
    with pytest.raises(SourceError, match=r"doc.md:4: both 'author' and 'authors'"):
        _load(tmp_path, "---\ntitle: T\nauthors: [A]\nauthor: B\n---\nBody.\n")


def test_keys_pandoc_accepts_are_kept_with_one_warning_each(tmp_path):
    meta, _, _, warnings = _load(tmp_path, (
        "---\ntitle: T\ndate: 2023-09-19\nlang: en\nversion: 2.1\nfoo: bar\n"
        "suppress-bibliography: true\nprint:\n  paper: A5\n---\nBody.\n"))
    assert meta.passed_through == {"version": 2.1, "foo": "bar", "suppress-bibliography": True}
    assert meta.print.paper == "A5"
    unknown = [w for w in warnings if "unknown key" in w]
    assert [w.split(": unknown key ")[0] for w in unknown] == [
        f"{tmp_path / 'doc.md'}:{n}" for n in (5, 6, 7)]
    assert all("kept as pandoc metadata" in w for w in unknown)
    # The project's own structures stay checked: a typo inside them is an error.
    with pytest.raises(SourceError, match=r"doc.md:4: unknown key 'print.papr'.*did you mean"):
        _load(tmp_path, "---\ntitle: T\nprint:\n  papr: A5\n---\nBody.\n")


def test_no_metadata_at_all_takes_the_title_from_the_file_name(tmp_path):
    path = tmp_path / "getting-started_now.md"
    path.write_text("Just text.\n", "utf-8")
    warnings: list[str] = []
    meta, _, body, line = load_metadata(path.read_text("utf-8"), path, warnings)
    assert meta.title == "Getting started now" and body == "Just text.\n" and line == 1
    assert any(w.startswith(f"{path}: no title given: using the file name, 'Getting "
                            "started now'") for w in warnings), warnings


@pytest.mark.parametrize("body,title,left", [
    ("# The *First* Heading {#top .x}\n\nText.\n", "The *First* Heading", "\n\nText.\n"),
    ("\nThe Title\n=========\n\n## One\n", "The Title", "\n\n\n\n## One\n"),
    ("# Closed #\nText.\n", "Closed", "\nText.\n"),
])
def test_a_level_one_heading_first_in_the_body_is_the_title(tmp_path, body, title, left):
    meta, rest, line, warnings = _load(tmp_path, f"---\ndate: 2023-09-19\nlang: en\n---\n{body}")
    assert meta.title == title
    assert rest == left and line == 5, "the heading is not repeated; lines keep their numbers"
    heading_line = 5 + body[:body.index(title.split()[0])].count("\n")
    assert warnings == [f"{tmp_path / 'doc.md'}:{heading_line}: no title given: the first "
                        f"heading, '{title}', is the title (add 'title: ...' to the metadata "
                        "to keep it as a heading)"]


@pytest.mark.parametrize("body", ["Text first.\n\n# Later\n", "## Level two\n\nText.\n",
                                  "    # code\n", "#hashtag\n"])
def test_other_bodies_take_the_title_from_the_file_name(tmp_path, body):
    meta, rest, _, warnings = _load(tmp_path, f"---\ndate: 2023-09-19\nlang: en\n---\n{body}")
    assert meta.title == "Doc" and rest == body
    assert "no title given: using the file name, 'Doc'" in warnings[0]


def test_an_empty_title_is_still_an_error(tmp_path):
    with pytest.raises(SourceError, match=r"doc.md:2: 'title': must not be empty"):
        _load(tmp_path, "---\ntitle: ' '\ndate: 2023-09-19\nlang: en\n---\n# Heading\n")


def test_a_missing_date_is_the_files_date_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1695081600")
    meta, _, _, warnings = _load(tmp_path, "% T\n\nBody.\n")
    assert meta.date == dt.date(2023, 9, 19)
    assert any("no date given: using 2023-09-19" in w for w in warnings)


def test_unknown_keys_reach_the_docx_document_properties(tmp_path):
    """Kept as pandoc keeps them: custom document properties of the DOCX, with a warning
    naming each key and its line."""
    import zipfile

    from conftest import run_cli

    source = tmp_path / "src" / "notes.md"
    source.parent.mkdir()
    source.write_text("---\ntitle: Notes\ndate: 2023-09-19\nlang: en\nversion: 2\n"
                      "reviewed-by: Desk B\n---\nText.\n", "utf-8")
    result = run_cli("build", source, "--format", "docx", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "notes.md:5: unknown key 'version' is kept" in result.stderr
    assert "notes.md:6: unknown key 'reviewed-by' is kept" in result.stderr
    with zipfile.ZipFile(tmp_path / "out" / "notes.docx") as docx:
        custom = docx.read("docProps/custom.xml").decode("utf-8")
    assert 'name="version"><vt:lpwstr>2<' in custom
    assert 'name="reviewed-by"><vt:lpwstr>Desk B<' in custom
