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


def test_growth_sources_of_every_kind_load(tmp_path):
    """bench/growth.py's sources: each kind reads without errors, the glossary's and the
    map's with their files, the long abstract under the limit at twice its size."""
    import importlib.util

    from conftest import ROOT
    from exporter.glossary import load_glossary
    from exporter.maps.gazetteer import load_gazetteer
    from exporter.read.metadata import MAX_METADATA_TEXT

    spec = importlib.util.spec_from_file_location("growth", ROOT / "bench" / "growth.py")
    growth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(growth)
    names = [growth._name(i) for i in range(5000)]
    assert len(set(names)) == 5000 and all(n.isalpha() for n in names)
    for kind in ["headings", "entities", *growth.SOURCES]:
        folder = tmp_path / kind
        folder.mkdir()
        source = folder / f"{kind}.md"
        source.write_text(growth.source_text(kind, folder, 12), "utf-8")
        doc, locator = load_document(source)
        assert doc.meta.title == "Growth", kind
    glossary = load_glossary(tmp_path / "glossary", doc.meta.glossary)
    assert len(list(glossary)) == 12
    assert len(load_gazetteer(tmp_path / "places" / "places.yml").places) == 12
    doc, _ = load_document(tmp_path / "places" / "places.md")
    assert len(doc.meta.maps[0].places) == 12
    large = tmp_path / "large"
    large.mkdir()
    text = growth.source_text("metadata", large, 2 * growth.UNITS["metadata"])
    (large / "m.md").write_text(text, "utf-8")
    doc, _ = load_document(large / "m.md")
    assert MAX_METADATA_TEXT / 2 < len(doc.meta.abstract) < MAX_METADATA_TEXT
