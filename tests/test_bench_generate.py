"""The benchmark's input generators: deterministic, and their sources load."""

from __future__ import annotations

from pathlib import Path

from conftest import bench_generate
from exporter.read.source import load_document


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_book_is_deterministic_and_loads(tmp_path):
    gen = bench_generate()
    first = gen.book(tmp_path / "a", pages=6)
    second = gen.book(tmp_path / "b", pages=6)
    assert _tree(first.parent) == _tree(second.parent)
    text = first.read_text("utf-8")
    assert "\n# Chapter 1" in text and "[^c1n" in text and "|--:|" in text
    assert (first.parent / "glossary.yml").exists()
    doc, _ = load_document(first)
    assert doc.meta.title.startswith("The South Caucasus")
    assert doc.meta.lang == gen.sample_front_matter()["lang"]


def test_book_size_scales_with_pages(tmp_path):
    gen = bench_generate()
    small = len(gen.book(tmp_path / "s", pages=10).read_text("utf-8").split())
    large = len(gen.book(tmp_path / "l", pages=40).read_text("utf-8").split())
    assert 3 < large / small < 5


def test_batch_is_deterministic_and_loads(tmp_path):
    gen = bench_generate()
    first = gen.batch(tmp_path / "a", n=3)
    gen.batch(tmp_path / "b", n=3)
    assert [p.name for p in first] == ["article-001.md", "article-002.md", "article-003.md"]
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    titles = set()
    for path in first:
        doc, _ = load_document(path)
        titles.add(doc.meta.title)
    assert len(titles) == 3
