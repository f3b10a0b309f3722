"""The maps' PNG copies: made from the SVG only when a format asks, kept in the cache."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from exporter.maps import render, render_map

from .conftest import ROOT, STYLE


def test_png_copies_are_made_on_first_use_and_kept(small, tmp_path):
    spec, gaz, layers = small
    cache = tmp_path / "cache"
    first = render_map(spec, gaz, layers, style_path=STYLE, cache_dir=cache)
    (entry,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    assert sorted(p.name for p in entry.iterdir()) == ["map.svg", "meta.json"]
    png = first.png
    assert (entry / "map.png").read_bytes() == png
    assert not (entry / "map-ereader.png").exists()
    before = render.draw_count
    again = render_map(spec, gaz, layers, style_path=STYLE, cache_dir=cache)
    assert again.from_cache and render.draw_count == before
    (entry / "map.png").write_bytes(b"kept")  # read back, not made again
    assert again.png == b"kept"
    assert again.ereader_png.startswith(b"\x89PNG")
    assert (entry / "map-ereader.png").exists()


@pytest.mark.parametrize(("fmt", "made"), [("pdf", []), ("epub", ["map-ereader.png"])])
def test_a_build_makes_only_the_copies_its_formats_need(tmp_path, fmt, made):
    import subprocess
    import sys

    source = tmp_path / "source"
    shutil.copytree(ROOT / "source", source)
    cache = tmp_path / "cache"
    cache.mkdir()
    # A cache whose maps are this test's own; the rest (fonts, EPUBCheck's verdicts,
    # pandoc's output) is the session's, which this test does not count.
    shared = Path(os.environ["EXPORTER_CACHE_DIR"])
    for namespace in ("fonts", "joined-fonts", "epubcheck", "epubcheck-inputs", "pandoc",
                      "libraries", "bcp47", "collation"):
        (shared / namespace).mkdir(parents=True, exist_ok=True)
        (cache / namespace).symlink_to(shared / namespace)
    env = {**os.environ, "EXPORTER_CACHE_DIR": str(cache)}
    # --jobs 2: the maps are drawn beside the text, print and small-screen versions
    # (the EPUB's, drawn ahead for a full build; still SVG only).
    sample = source / "azerbaijan-operation-nagorno-karabakh.md"  # its two maps only
    result = subprocess.run([sys.executable, "-m", "exporter", "build", str(sample), "--format",
                             fmt, "--jobs", "2", "--out", str(tmp_path / "out")], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    entries = [p for p in (cache / "maps").iterdir() if not p.name.startswith(".")]
    assert len(entries) == 4  # each map drawn for print and for small screens
    contents = sorted(sorted(p.name for p in entry.iterdir()) for entry in entries)
    # The EPUB takes the small-screen drawings' e-reader copies; nothing else is made.
    expected = [["map.svg", "meta.json"]] * 2 + [sorted(["map.svg", "meta.json", *made])] * 2
    assert contents == sorted(expected)
