"""``exporter import``: a Word, a LibreOffice and a Google Docs document made into
articles that build into three editions passing ``exporter check``; comments and tracked
changes never silently kept or lost; a report of what was left out; the exporter's own
DOCX edition gives back the article's text.

The three documents are made for the tests (tests/import_documents.py), imported into
one source folder and built once, with the scholarly articles of test_scholarly.py (one
build, one warm EPUBCheck: ``conftest.brought_in``). The refusals are run in-process.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

import import_documents as made
from conftest import article_paragraphs, assert_in_order, run_cli, squash
from exporter.errors import SourceError
from exporter.importing.convert import import_document
from exporter.read.source import load_document


@pytest.fixture(scope="module")
def imported(brought_in) -> SimpleNamespace:
    """The three documents imported and built (with the scholarly articles, in one build:
    ``conftest.brought_in``)."""
    return brought_in


def _folder(root: Path, name: str) -> Path:
    folder = root / name
    folder.mkdir()
    return folder


def test_the_three_documents_build_three_editions_that_pass_check(imported):
    assert imported.checked.returncode == 0, imported.checked.stdout + imported.checked.stderr
    for article in imported.articles.values():
        for suffix in (".epub", ".pdf", ".docx"):
            assert (imported.out / f"{article.stem}{suffix}").is_file()
    assert "warning" not in imported.built.stderr.lower(), imported.built.stderr


@pytest.mark.parametrize("kind", ["docx", "odt", "zip"])
def test_the_text_headings_quote_table_notes_and_pictures_are_carried(imported, kind):
    text = imported.articles[kind].read_text("utf-8")
    body = squash(text)
    for paragraph in made.PARAGRAPHS:
        assert squash(paragraph) in body, paragraph
    assert re.search(r"^# Work starts$", text, re.M)
    assert re.search(r"^## Costs$", text, re.M)
    assert re.search(r"^> .*said the harbour master", text, re.M)
    assert re.search(r"^\[\^1\]: According", text, re.M)
    assert "Quay wall" in text and "4.2 m" in text
    pictures = re.findall(r"!\[([^\]]+)\]\((images/[0-9a-f]{16}\.png)\)", text)
    assert [alt for alt, _ in pictures] == ["The east quay at dawn", "Two cranes on the quay"]
    assert all((imported.source / path).is_file() for _, path in pictures)
    # What the word processor's page had and an article must not: the comment, the
    # text box, classes and sizes.
    assert made.COMMENT not in text and made.TEXT_BOX not in text
    assert "{" not in text.split("---", 2)[2]


def test_pictures_are_named_by_content_and_shared(imported):
    # Three documents with the same two pictures: two files.
    assert len(list((imported.source / "images").iterdir())) == 2
    assert {p.stem for p in (imported.source / "images").iterdir()} == {
        hashlib.sha256(p.read_bytes()).hexdigest()[:16]
        for p in (imported.source / "images").iterdir()}


def test_tracked_changes_accepted_and_captions_kept(imported):
    for kind in ("docx", "odt"):
        text = imported.articles[kind].read_text("utf-8")
        assert made.ACCEPTED in text and made.REJECTED not in text
    odt = imported.articles["odt"].read_text("utf-8")
    assert ": Budget by item" in odt  # LibreOffice's caption paragraph, the table's caption


def test_the_report_names_what_was_left_out_and_where(imported):
    word = imported.reports["docx"]
    assert re.search(r"paragraph \d+ under 'Work starts': a text box 'Sidebar: the quay in "
                     r"numbers' was left out", word)
    assert "a floating shape (Right Arrow 1) was left out" in word
    assert re.search(r"paragraph \d+ \('Updated on 5 March 2024\.'\) under 'Costs': a DATE "
                     r"field", word)
    assert "1 comment left out (--comments drop)" in word
    assert "2 tracked changes accepted" in word
    assert "a text box 'Sidebar: the quay in numbers' was left out" in imported.reports["odt"]
    google = imported.reports["zip"]
    assert "table 1: has no header row: its first row is taken as the header" in google


def test_the_front_matter_says_what_it_guessed(imported):
    word = imported.articles["docx"].read_text("utf-8")
    assert re.search(r"^title: Harbour works begin \(Word\)$", word, re.M)
    assert re.search(r"^standfirst: The port authority starts a two-year rebuild$", word, re.M)
    # No date or author paragraph in this Word file: its core properties, marked.
    assert re.search(r"^date: 2024-03-04 +# guessed from the file's creation date", word, re.M)
    assert re.search(r"^authors: \[Ana Lima, Ben Okafor\] +# guessed from", word, re.M)
    assert re.search(r"^lang: en-GB$", word, re.M)
    libre = imported.articles["odt"].read_text("utf-8")
    assert re.search(r"^date: 2024-03-05$", libre, re.M)  # its Date paragraph: not guessed
    google = imported.articles["zip"].read_text("utf-8")
    assert re.search(r"^lang: en +# guessed", google, re.M)  # the page names no language
    assert "[the plans](https://example.org/harbour)" in google  # Google's redirect undone


def test_comments_and_tracked_changes_are_refused_until_settled(tmp_path):
    word = made.make_docx(_folder(tmp_path, "word"))
    target = tmp_path / "source"
    with pytest.raises(SourceError) as refused:
        import_document(word, target)
    assert "2 tracked changes" in str(refused.value)
    assert "--track-changes accept" in str(refused.value)
    with pytest.raises(SourceError) as refused:
        import_document(word, target, track_changes="reject")
    assert "1 comment, the first in paragraph 2" in str(refused.value)
    assert "Check the date with the authority" in str(refused.value)
    assert "--comments drop" in str(refused.value)
    assert not target.exists() or not list(target.glob("*.md"))
    google = made.make_google_docs_zip(_folder(tmp_path, "google"))
    with pytest.raises(SourceError, match="1 comment"):
        import_document(google, target)


def test_rejected_changes_give_the_text_before_them(tmp_path):
    target = tmp_path / "source"
    for document in (made.make_docx(_folder(tmp_path, "word")),
                     made.make_odt(_folder(tmp_path, "libreoffice"))):
        done = import_document(document, target, comments="drop", track_changes="reject")
        text = done.article.read_text("utf-8")
        assert made.REJECTED in text and made.ACCEPTED not in text
        assert done.settled[1] == "2 tracked changes rejected (--track-changes reject)"


def test_the_exporters_own_docx_gives_back_the_article(sample_dist, tmp_path):
    docx = next(sample_dist.glob("*.docx"))
    result = run_cli("import", docx, "--to", tmp_path)
    assert result.returncode == 0, result.stderr
    text = Path(re.search(r"-> (\S+\.md)", result.stdout)[1]).read_text("utf-8")
    assert_in_order(article_paragraphs(), text.split("\n---\n", 1)[1])
    # What the build adds is left for the build to add again.
    assert "#gloss-" not in text and "# Glossary" not in text and "#map-" not in text
    assert re.search(r"^date: 2023-09-19$", text, re.M) and re.search(r"^lang: en-GB$", text, re.M)


def test_building_a_word_document_points_to_import(tmp_path):
    word = made.make_docx(_folder(tmp_path, "word"))
    with pytest.raises(SourceError) as refused:
        load_document(word)
    assert f"exporter import {word.name}" in str(refused.value)


def test_markdown_written_for_other_tools_gets_its_front_matter(tmp_path):
    """No front-matter, a picture beside it, raw TeX: a title from the first heading and
    guesses marked, the picture copied in, the TeX reported as left out."""
    folder = _folder(tmp_path, "notes")
    made._pictures(folder)
    (folder / "note.md").write_text("# A field note\n\nThe quay ![The quay](quay.png) and "
                                    "\\LaTeX{} here.\n", "utf-8")
    done = import_document(folder / "note.md", tmp_path / "source")
    text = done.article.read_text("utf-8")
    assert re.search(r"^title: A field note +# guessed from the first heading", text, re.M)
    assert "# A field note" not in text.split("---", 2)[2]  # the heading became the title
    assert re.search(r"!\[The quay\]\(images/[0-9a-f]{16}\.png\)", text)
    assert "the text: raw tex '\\LaTeX{}' was left out" in [str(f) for f in done.findings]
