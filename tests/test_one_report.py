"""All the mistakes of one source in one report: its front-matter's, its body's, its
glossary's and its maps', each with file and line (issue 28, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.errors import Problems, SourceError
from exporter.run.render import prepare

ARTICLE = """\
---
title: T
date: 2023-09-19
lang: english
maps:
  - id: m
    title: M
    extent: [48, 39, 51, 42]
    places: [Nowhere]
---
Body with ![x](missing.png).

Second paragraph.
"""


def _source(tmp_path: Path, article: str = ARTICLE) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "article.md").write_text(article, "utf-8")
    (src / "glossary.yml").write_text(
        "entries:\n  - term: Khankendi\n    definition: A city.\n    aliasses: [S]\n", "utf-8")
    (src / "places.yml").write_text(
        "places:\n  - name: Baku\n    kind: city\n    lat: 40.4\n    lon: 49.9\n", "utf-8")
    return src / "article.md"


def test_front_matter_body_glossary_and_map_errors_in_one_report(tmp_path):
    article = _source(tmp_path)
    with pytest.raises(Problems) as caught:
        prepare(article)
    assert caught.value.errors == [
        f"{article}:4: 'lang': is not a valid BCP 47 language tag (e.g. en-GB, hy, az-Latn) "
        "(got 'english')",
        f"{article}:11: image 'missing.png' does not exist (check the file name)",
        f"{article.parent / 'glossary.yml'}:4: glossary: unknown key 'entries[0].aliasses' "
        "(did you mean 'aliases'?)",
        f"{article}:9: map 'm': unknown place 'Nowhere' (add it to places.yml)",
    ]
    assert str(caught.value).endswith(f"4 errors, 0 warnings in {article}")


def test_a_body_beyond_the_limits_is_reported_with_the_front_matter(tmp_path):
    deep = "> " * 60 + "deep\n"
    article = _source(tmp_path, ARTICLE.replace("maps:\n", "xmaps:\n").replace(
        "Second paragraph.\n", deep))
    with pytest.raises(Problems) as caught:
        prepare(article)
    errors = caught.value.errors
    assert errors[0].startswith(f"{article}:4: 'lang'")
    assert errors[1].startswith(f"{article}:13: block quotes nested more than")
    assert any("glossary.yml:4:" in e for e in errors)
    # The map declaration under an unknown key is kept for pandoc, with a warning.
    assert any(f"{article}:5: unknown key 'xmaps'" in w for w in caught.value.warnings)


def test_one_mistake_is_still_raised_as_itself_with_its_line(tmp_path):
    article = _source(tmp_path, "---\ntitle: T\ndate: 2023-09-19\nlang: en\n---\nText.\n")
    with pytest.raises(SourceError) as caught:
        prepare(article)
    assert not isinstance(caught.value, Problems)
    assert (caught.value.file, caught.value.line) == (article.parent / "glossary.yml", 4)


def test_every_article_of_a_collection_in_one_report(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name, lang in (("one", "english"), ("two", "fr"), ("three", "nonsense")):
        (src / f"{name}.md").write_text(
            f"---\ntitle: {name}\ndate: 2023-09-19\nlang: {lang}\n---\nText ![](no-{name}.png)\n",
            "utf-8")
    book = src / "book.collection.yml"
    book.write_text("title: Book\ndate: 2023-09-19\nlang: en\narticles: [one.md, two.md, three.md]\n",
                    "utf-8")
    with pytest.raises(Problems) as caught:
        prepare(book)
    lines = [e.split(": ")[0] for e in caught.value.errors]
    assert lines == [f"{src / 'one.md'}:4", f"{src / 'one.md'}:6", f"{src / 'two.md'}:6",
                     f"{src / 'three.md'}:4", f"{src / 'three.md'}:6"]
