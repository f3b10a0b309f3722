"""What the speed-ups rely on: cached, parallel and skipped builds give the same editions."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import SAMPLE, editions, run_cli

from exporter.run import freshness
from exporter.house.styles import HouseStyle


#: The summary table's seconds column for an edition that was not rebuilt.
SKIPPED = re.compile(r"\u2502 +unchanged +\u2502")


def _build(source: Path, out: Path, *args: str, cache: str | Path = "off") -> str:
    env = dict(os.environ, EXPORTER_CACHE_DIR=str(cache))
    result = run_cli("build", source, "--out", out, *args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _editions(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in editions(folder)}


@pytest.mark.slow
def test_same_bytes_every_time_cached_uncached_and_in_parallel(tmp_path, source_copy):
    uncached = tmp_path / "a"
    _build(source_copy, uncached, "--jobs", "1")
    cache = tmp_path / "cache"
    _build(source_copy, tmp_path / "b", "--jobs", "2", cache=cache)   # fills the cache
    _build(source_copy, tmp_path / "c", "--jobs", "2", cache=cache)   # served from it
    assert any(cache.rglob("*")), "the cache was not used"
    reference = _editions(uncached)
    assert len(reference) == 4
    assert _editions(tmp_path / "b") == reference
    assert _editions(tmp_path / "c") == reference


@pytest.mark.slow  # freshness is also tested by test_project (styles, defaults)
def test_unchanged_editions_are_skipped_and_changes_rebuild(tmp_path, source_copy):
    out = tmp_path / "dist"
    _build(source_copy, out)
    first = _editions(out)
    assert SKIPPED.search(_build(source_copy, out))
    assert _editions(out) == first
    # A one-word edit rebuilds every edition.
    article = (source_copy / SAMPLE.name)
    article.write_text(article.read_text("utf-8").replace("Eleven", "Twelve", 1), "utf-8")
    stdout = _build(source_copy, out)
    assert not SKIPPED.search(stdout)
    assert all(first[name] != data for name, data in _editions(out).items())
    # A damaged edition is rebuilt even though its inputs did not change.
    pdf = next(out.glob("*.pdf"))
    pdf.write_bytes(b"damaged")
    _build(source_copy, out, "--format", "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_input_digest_covers_what_an_edition_depends_on(tmp_path, source_copy, monkeypatch):
    article = (source_copy / SAMPLE.name)

    def digest(fmt="pdf", styles=None):
        return freshness.input_digest(article, fmt, HouseStyle(override=styles))

    base = digest()
    assert digest("epub") != base
    (source_copy / "other-article.md").write_text("---\ntitle: x\n---\n", "utf-8")
    assert digest() == base, "another article must not invalidate this one"
    (source_copy / "glossary.yml").write_text("entries: []\n", "utf-8")
    changed = digest()
    assert changed != base, "the glossary (or any data file) is an input"
    layer = source_copy / "maps" / "new-layer.geojson"
    layer.parent.mkdir(exist_ok=True)
    layer.write_text("{}", "utf-8")
    assert digest() != changed, "map layers are inputs"
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "print.css").write_text("body {}", "utf-8")
    with_styles = digest(styles=styles)
    (styles / "print.css").write_text("body { color: red }", "utf-8")
    assert digest(styles=styles) != with_styles, "stylesheets are inputs"
    assert digest("epub", styles=styles) == digest("epub"), "print.css shapes the PDF only"
    assert digest("docx", styles=styles) == digest("docx"), "print.css shapes the PDF only"
    (styles / "reference.docx").write_bytes(b"not the built-in template")
    assert digest("docx", styles=styles) != digest("docx"), "reference.docx: the DOCX"
    assert digest("epub", styles=styles) == digest("epub"), "reference.docx: the DOCX only"
    (styles / "maps.yml").write_text("font_family: DejaVu Sans\n", "utf-8")
    for fmt in ("epub", "docx"):
        assert digest(fmt, styles=styles) != digest(fmt), "maps.yml: every edition"
    monkeypatch.setattr(freshness, "__version__", "999")
    assert digest(styles=styles) != with_styles, "the exporter's version is an input"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    monkeypatch.setattr(freshness, "__version__", "0.1.0")
    assert digest() != base


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_of_sources_with_jobs(tmp_path, source_copy, jobs):
    article = (source_copy / SAMPLE.name)
    text = article.read_text("utf-8")
    (source_copy / "second.md").write_text(text.replace("Eleven", "Nine", 1), "utf-8")
    out = tmp_path / "dist"
    _build(source_copy, out, "--jobs", jobs, "--format", "docx", "--format", "epub")
    assert sorted(p.name for p in editions(out)) == sorted(
        [f"{article.stem}.docx", f"{article.stem}.epub", "second.docx", "second.epub"])


@pytest.mark.slow
def test_two_builds_at_different_times_give_identical_bytes(tmp_path, source_copy):
    import time
    import zipfile

    _build(source_copy, tmp_path / "one", "--jobs", "1")
    time.sleep(1.1)  # a different wall-clock second: nothing may depend on it
    _build(source_copy, tmp_path / "two", "--jobs", "1")
    assert _editions(tmp_path / "one") == _editions(tmp_path / "two")
    # SOURCE_DATE_EPOCH, when given, is the build date inside the editions.
    env = dict(os.environ, EXPORTER_CACHE_DIR="off", SOURCE_DATE_EPOCH="1700000000")
    result = run_cli("build", source_copy, "--out", tmp_path / "three", env=env)
    assert result.returncode == 0, result.stderr
    epub = next((tmp_path / "three").glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        assert "2023-11-14T22:13:20Z" in z.read("EPUB/content.opf").decode()


def test_language_tags_are_checked_once_then_served_from_the_cache(tmp_path, monkeypatch):
    import sys

    from exporter.i18n import standard_tag

    monkeypatch.setenv("EXPORTER_CACHE_DIR", str(tmp_path))
    assert standard_tag("en-gb") == "en-GB"
    assert standard_tag("xx-notatag-!") is None
    monkeypatch.setitem(sys.modules, "langcodes", None)  # importing it now fails
    assert standard_tag("en-gb") == "en-GB"
    assert standard_tag("xx-notatag-!") is None
    with pytest.raises(ImportError):
        standard_tag("hy")  # not seen before: langcodes is needed


def test_a_detached_context_carries_what_html_adapters_need_and_no_body(source_copy):
    import pickle

    from exporter.run.render import context, prepare

    ctx = context(prepare((source_copy / SAMPLE.name)))
    copy = pickle.loads(pickle.dumps(ctx.detached()))  # as a worker process receives it
    assert len(copy.doc.ast.content) == 0 and len(ctx.doc.ast.content) > 0
    assert copy.doc.meta_text("title") == ctx.doc.meta_text("title") != ""
    assert copy.doc.meta == ctx.doc.meta and copy.timestamp == ctx.timestamp
    assert copy.doc.resources.keys() == ctx.doc.resources.keys() != set()
    assert [p.html for p in copy.html.parts] == [p.html for p in ctx.html.parts]


def test_native_libraries_are_looked_up_once_per_system(tmp_path, monkeypatch):
    """WeasyPrint's libraries: ``find_library`` (ldconfig and gcc runs) is asked once per
    name; later processes read the answer from the cache, until the linker cache changes."""
    import ctypes.util

    import exporter.typeset  # noqa: F401 (installs the remembered lookup)
    from exporter.typeset import libraries

    assert ctypes.util.find_library is libraries._remembered
    monkeypatch.setenv("EXPORTER_CACHE_DIR", str(tmp_path / "cache"))
    asked = []
    monkeypatch.setattr(libraries, "_asked", lambda name: asked.append(name) or "libz.so.1")
    assert ctypes.util.find_library("z") == "libz.so.1"
    assert ctypes.util.find_library("z") == "libz.so.1"
    assert asked == ["z"]
    monkeypatch.setattr(libraries, "_system", lambda: "another system")
    assert ctypes.util.find_library("z") == "libz.so.1"
    assert asked == ["z", "z"]


def test_the_build_accounts_for_its_wall_time_and_cpu(tmp_path):
    """The line under the summary: phases that add up to the wall time, and the CPU of
    the process, its workers and Java."""
    from conftest import FIXTURES

    result = run_cli("build", FIXTURES / "translations" / "other.md", "--format", "docx",
                     "--format", "epub", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    line = next(l for l in result.stdout.splitlines() if l.startswith("time: "))
    phases, _, rest = line.partition(" = ")
    wall = float(re.match(r"([\d.]+) s wall", rest).group(1))
    shown = sum(float(x) for x in re.findall(r"(?:^time: |, )([\d.]+) s ", phases))
    assert abs(shown - wall) <= 0.1 * len(re.findall(r" s ", phases)), line
    assert "building (reading" in line and "editions" in line
    cpu = re.search(r"CPU ([\d.]+) s \(this process ([\d.]+) s, its workers and Java "
                    r"([\d.]+) s\)", line)
    assert cpu and float(cpu.group(1)) > 0
    assert abs(float(cpu.group(1)) - float(cpu.group(2)) - float(cpu.group(3))) <= 0.11


def test_a_build_leaves_nothing_in_the_temporary_folder(tmp_path):
    """WeasyPrint's folders of @font-face files (2 MB a PDF) are removed, in the build
    process and in its workers (each PDF, booklet and EPUB layout left two)."""
    from conftest import FIXTURES

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = dict(os.environ, TMPDIR=str(temporary), EXPORTER_CACHE_DIR="off")
    result = run_cli("build", FIXTURES / "translations" / "other.md", "--format", "pdf",
                     "--format", "epub", "--format", "booklet", "--out", tmp_path / "out",
                     env=env)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in temporary.iterdir()) == []
