"""One rule for symbolic links: a link that leads outside the source folder (or, for a
style file, outside the project's styles folder) is refused, naming the link, wherever
it is: an article, the gazetteer, the glossary, a style file, an image. Each build here
stops before any edition is rendered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import run_cli

ARTICLE = """\
---
title: Linked
date: 2024-01-02
lang: en
---
A short article.
"""


def _refused(result, link: Path, named_in: Path | None = None) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert f"'{link.name}' is a link to" in result.stderr, result.stderr
    assert f"{named_in or link}:" in result.stderr
    assert "outside" in result.stderr


@pytest.fixture
def project(tmp_path) -> Path:
    """A project (source/ with one article) and a file outside it to link to."""
    (tmp_path / "project" / "source").mkdir(parents=True)
    (tmp_path / "project" / "source" / "article.md").write_text(ARTICLE, "utf-8")
    (tmp_path / "outside").mkdir()
    return tmp_path / "project"


def test_an_article_linked_from_outside_is_refused(project, tmp_path):
    outside = tmp_path / "outside" / "private.md"
    outside.write_text(ARTICLE.replace("Linked", "Private"), "utf-8")
    link = project / "source" / "private.md"
    link.symlink_to(outside)
    result = run_cli("build", project / "source", "--format", "epub", "--out",
                     tmp_path / "dist")
    _refused(result, link)
    assert not (tmp_path / "dist" / "private.epub").exists()


def test_a_style_file_linked_from_outside_is_refused(project, tmp_path):
    outside = tmp_path / "outside" / "epub.css"
    outside.write_text("body { color: black }\n", "utf-8")
    (project / "styles").mkdir()
    link = project / "styles" / "epub.css"
    link.symlink_to(outside)
    result = run_cli("build", project / "source", "--format", "epub", "--out",
                     tmp_path / "dist")
    _refused(result, link)


def test_a_linked_folder_of_images_is_refused(project, tmp_path):
    from conftest import FIXTURES

    shutil.copy(FIXTURES / "pixel.png", tmp_path / "outside" / "pixel.png")
    (project / "source" / "images").symlink_to(tmp_path / "outside")
    article = project / "source" / "article.md"
    article.write_text(ARTICLE + "\n![A pixel](images/pixel.png)\n", "utf-8")
    result = run_cli("build", project / "source", "--format", "epub", "--out",
                     tmp_path / "dist")
    assert result.returncode == 2, result.stderr
    assert f"{article}:8:" in result.stderr and "outside the source folder" in result.stderr


def test_the_gazetteer_and_glossary_linked_from_outside_are_refused(source_copy, tmp_path):
    for name, what in (("places.yml", "gazetteer"), ("glossary.yml", "glossary")):
        folder = tmp_path / name / "source"
        shutil.copytree(source_copy, folder)
        outside = tmp_path / name / f"outside-{name}"
        shutil.move(folder / name, outside)
        (folder / name).symlink_to(outside)
        result = run_cli("build", folder / "azerbaijan-operation-nagorno-karabakh.md",
                         "--format", "epub", "--out", tmp_path / name / "dist")
        assert result.returncode == 2, result.stderr
        assert "outside" in result.stderr and name in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        if name == "places.yml":
            assert f"{folder / name}: gazetteer 'places.yml' is a link to" in result.stderr
