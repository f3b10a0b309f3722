"""Bounds on front-matter text and on the glossary, like the body's (``read.limits``):
each refused with file, line and what to do, before any work."""

from __future__ import annotations

import yaml

from conftest import run_cli

ARTICLE = "---\ntitle: Limits\ndate: 2024-01-02\nlang: en\n{extra}---\nBody.\n"


def _build(tmp_path, extra: str = "", entries: list | None = None):
    source = tmp_path / "source"
    source.mkdir()
    (source / "a.md").write_text(ARTICLE.format(extra=extra), "utf-8")
    if entries is not None:
        (source / "glossary.yml").write_text(yaml.safe_dump({"entries": entries}), "utf-8")
    return source, run_cli("build", source / "a.md", "--format", "epub", "--out",
                           tmp_path / "dist")


def test_a_giant_abstract_is_refused_with_its_line(tmp_path):
    source, result = _build(tmp_path, extra="abstract: " + "word " * 5000 + "\n")
    assert result.returncode == 2
    assert f"{source / 'a.md'}:5: 'abstract': is 24,999 characters; the limit is 20,000" \
        in result.stderr


def test_a_giant_glossary_definition_is_refused(tmp_path):
    source, result = _build(tmp_path, entries=[{"term": "Term", "definition": "x " * 3000}])
    assert result.returncode == 2
    assert "glossary.yml:2:" in result.stderr
    assert "the definition is 5,999 characters; the limit is 5,000" in result.stderr


def test_too_many_glossary_terms_are_refused(tmp_path):
    entries = [{"term": f"Term {i}", "definition": "A definition."} for i in range(2001)]
    source, result = _build(tmp_path, entries=entries)
    assert result.returncode == 2
    assert "glossary.yml:1:" in result.stderr and "2,001 entries; the limit is 2,000" \
        in result.stderr
