"""Rendering: SVG with shaped words as outlines, PNG at print resolution, cache,
determinism, words."""

from __future__ import annotations

import dataclasses
import io
import shutil
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from exporter.maps import render, render_map

from .conftest import STYLE, SVG, XLINK
from .conftest import svg_words as _texts


@pytest.mark.parametrize("map_id", ["south-caucasus", "nagorno-karabakh"])
def test_svg_parses_and_every_label_is_named_outlines(sample_maps, map_id):
    rm = sample_maps[map_id]
    root = ET.fromstring(rm.svg)
    assert not list(root.iter(f"{SVG}text")), "words are outlines: no renderer shapes <text>"
    words = _texts(rm.svg)
    defined = {p.get("id") for p in root.iter(f"{SVG}path") if p.get("id")}
    for name in rm.places:
        # The words of a label, lines joined, name the group that draws it.
        assert rm.labels[name].replace("\n", " ") in words, name
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "label":
            uses = list(group.iter(f"{SVG}use"))
            assert uses and all(u.get(f"{XLINK}href")[1:] in defined for u in uses)
    assert root.get("width") == f"{rm.width_mm:g}mm"
    assert not rm.warnings


def test_sample_maps_show_what_the_brief_asks(sample_maps):
    overview = sample_maps["south-caucasus"]
    for name in ("Armenia", "Azerbaijan", "Georgia", "Iran", "Turkey", "Russia", "Nakhchivan",
                 "Caspian Sea", "Black Sea", "Baku", "Yerevan", "Khankendi"):
        assert name in overview.labels, name
    assert overview.labels["Khankendi"] == "Khankendi (Stepanakert)"
    assert overview.labels["Armenia"] == "ARMENIA"
    detail = sample_maps["nagorno-karabakh"]
    for name in ("Khankendi", "Lachin", "Goris", "Aghdam", "Khojavand", "Lachin Corridor"):
        assert name in detail.labels, name
    texts = _texts(detail.svg)
    for legend in ("Lachin Corridor road", "Aghdam road", "International border", "20 km"):
        assert legend in texts


@pytest.mark.parametrize("map_id", ["south-caucasus", "nagorno-karabakh"])
def test_png_is_300_dpi_at_printed_size(sample_maps, map_id):
    rm = sample_maps[map_id]
    with Image.open(io.BytesIO(rm.png)) as im:
        assert im.format == "PNG"
        assert im.size == rm.png_size_px
        assert im.size[0] == round(rm.width_mm / 25.4 * 300) == 1890
        assert im.size[1] == round(rm.height_mm / 25.4 * 300)
        grey = im.convert("L")
        assert grey.getextrema() == (0, 255)  # black ink and white paper, not blank


def test_alt_text_and_credits(sample_maps):
    overview = sample_maps["south-caucasus"]
    assert overview.alt.startswith("Map of the South Caucasus showing Armenia, Azerbaijan, "
                                   "Georgia, Iran, Turkey and Russia")
    assert "places marked: Baku, Yerevan, Tbilisi and Khankendi (Stepanakert)" in overview.alt
    assert "highlighted: Nagorno-Karabakh" in overview.alt
    assert "GSHHG" in overview.credits and "WDB II" in overview.credits
    assert "approximate" in overview.credits
    detail = sample_maps["nagorno-karabakh"]
    assert "Lachin Corridor road" in detail.alt and "Aghdam road" in detail.alt
    assert detail.title and detail.caption


def test_cache_hit_and_invalidation(small, tmp_path):
    spec, gaz, layers = small
    cache, style = tmp_path / "cache", tmp_path / "maps.yml"
    shutil.copy(STYLE, style)
    before = render.draw_count
    first = render_map(spec, gaz, layers, style_path=style, cache_dir=cache)
    assert not first.from_cache and render.draw_count == before + 1
    again = render_map(spec, gaz, layers, style_path=style, cache_dir=cache)
    assert again.from_cache and render.draw_count == before + 1
    assert (again.svg, again.png, again.alt, again.labels) == (
        first.svg, first.png, first.alt, first.labels)

    style.write_text(style.read_text("utf-8").replace("halo: {width: 1.3", "halo: {width: 1.1"),
                     "utf-8")
    restyled = render_map(spec, gaz, layers, style_path=style, cache_dir=cache)
    assert not restyled.from_cache and render.draw_count == before + 2

    goris = gaz["Goris"]
    moved = dataclasses.replace(gaz, places=[
        p.model_copy(update={"lat": p.lat + 0.01}) if p is goris else p for p in gaz.places],
        _index={})
    replaced = render_map(spec, moved, layers, style_path=style, cache_dir=cache)
    assert not replaced.from_cache and render.draw_count == before + 3


def test_same_bytes_every_time(small):
    spec, gaz, layers = small
    a = render_map(spec, gaz, layers, style_path=STYLE)
    b = render_map(spec, gaz, layers, style_path=STYLE)
    assert not a.from_cache and not b.from_cache
    assert a.svg == b.svg
    assert a.png == b.png
    assert b"<dc:date>" not in a.svg
    assert b"tEXt" not in a.png and b"iTXt" not in a.png  # no "Software" or date chunk


def test_small_map_labels_and_size(small):
    spec, gaz, layers = small
    rm = render_map(spec, gaz, layers, style_path=STYLE)
    assert rm.png_size_px[0] == round(80 / 25.4 * 300)
    assert rm.labels["Lachin"] == "Lachin (Berdzor)"
    assert "Lachin Corridor" in _texts(rm.svg)


def test_bad_style_names_file_and_line(small, tmp_path):
    from exporter.errors import SourceError

    spec, gaz, layers = small
    style = tmp_path / "maps.yml"
    text = STYLE.read_text("utf-8").replace("halo: {width: 1.3", "halo: {widht: 1.3")
    style.write_text(text, "utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("halo:"))
    with pytest.raises(SourceError, match="did you mean 'width'") as info:
        render_map(spec, gaz, layers, style_path=style)
    assert (info.value.file, info.value.line) == (style, line)
    with pytest.raises(SourceError, match="map style file not found"):
        render_map(spec, gaz, layers, style_path=tmp_path / "none.yml")


# The SVG itself, read as a renderer reads it.

def _tree(svg: bytes):
    from lxml import etree

    return etree.fromstring(svg)


@pytest.mark.parametrize("map_id", ["south-caucasus", "nagorno-karabakh"])
def test_every_label_has_a_halo_drawn_under_it(sample_maps, map_id):
    root = _tree(sample_maps[map_id].svg)
    (labels,) = root.iterfind(f".//{SVG}g[@id='labels']")
    groups = list(labels)
    assert len(groups) == len(sample_maps[map_id].labels)
    paths = {p.get("id"): p for p in root.iter(f"{SVG}path") if p.get("id")}
    for group in groups:
        assert group.get("class") == "label" and group.get("aria-label")
        title, halo, fill = list(group)
        assert title.tag == f"{SVG}title" and title.text == group.get("aria-label")
        # Stroked copy first (underneath), no fill of its own; the same outlines in the
        # same place: both draw the label's one path.
        assert (halo.get("class"), fill.get("class")) == ("halo", "ink")
        assert halo.tag == fill.tag == f"{SVG}use"
        assert halo.get(f"{XLINK}href") == fill.get(f"{XLINK}href")
        outline = paths[fill.get(f"{XLINK}href")[1:]]
        assert outline.get("d") and outline.get("fill") is None and outline.get("stroke") is None
        assert halo.get("fill") == "none" and float(halo.get("stroke-width")) > 0
        assert halo.get("stroke-linejoin") == "round" and halo.get("aria-hidden") == "true"
        assert fill.get("fill") and fill.get("stroke") is None
        assert "paint-order" not in group.get("style", "")  # WeasyPrint ignores it


def _halos(root) -> dict[str, str]:
    return {g.get("aria-label"): g.find(f"{SVG}use[@class='halo']").get("stroke")
            for g in root.iter(f"{SVG}g") if g.get("class") == "label"
            and g.find(f"{SVG}use[@class='halo']") is not None}


def test_sea_names_have_a_water_grey_halo(sample_maps):
    halos = _halos(_tree(sample_maps["south-caucasus"].svg))
    assert halos["Black Sea"] == "#d2d2d2"
    assert halos["TURKEY"] == "#ffffff"


def test_legend_entries_and_scale_bar(sample_maps):
    rm = sample_maps["nagorno-karabakh"]
    root = _tree(rm.svg)
    (legend,) = root.iterfind(f".//{SVG}g[@id='legend']")
    entries = [g.find(f"{SVG}g[@class='label']").get("aria-label")
               for g in legend.iterfind(f"{SVG}g[@class='entry']")]
    assert entries == ["City", "Town", "Nagorno-Karabakh (former autonomous oblast)",
                       "Lachin Corridor road", "Aghdam road", "International border"]
    hatched = [r for r in legend.iter(f"{SVG}rect") if (r.get("fill") or "").startswith("url(#")]
    assert hatched, "the highlighted area's key symbol is hatched"
    pattern_id = hatched[0].get("fill")[5:-1]
    assert root.find(f".//{SVG}pattern[@id='{pattern_id}']") is not None
    (bar,) = legend.iterfind(f"{SVG}g[@id='scale-bar']")
    assert [g.get("aria-label") for g in bar.iter(f"{SVG}g")
            if g.get("class") == "label"] == ["0", "10", "20 km"]
    parts = bar.findall(f"{SVG}rect")
    assert [p.get("fill") for p in parts] == ["#000000", "#ffffff"] * 2
    assert rm.scale_km == 20
    # The bar's length is 20 km at the map's scale (within rounding).
    length = sum(float(p.get("width")) for p in parts)
    view_w = float(root.get("viewBox").split()[2])
    mm = length / view_w * rm.width_mm
    assert abs(mm * _metres_per_mm(rm) - 20_000) < 200


def _metres_per_mm(rm) -> float:
    """The map's scale, recomputed from its declaration (frame inside the frame line)."""
    from exporter.maps import load_gazetteer, load_layers
    from exporter.maps.projection import make_frame
    from exporter.read.source import load_metadata
    from exporter.yamlfile import read_text

    from .conftest import SOURCE

    article = next(SOURCE.glob("*.md"))
    spec = next(s for s in load_metadata(read_text(article), article)[0].maps if s.id == rm.id)
    gaz = load_gazetteer(SOURCE / "places.yml")
    frame = make_frame(spec, gaz, load_layers(SOURCE, spec.layer_names()),
                       rm.width_mm - 0.7 / (72 / 25.4), None)
    return frame.metres_per_mm


def test_svg_is_lean_and_clipped(sample_maps):
    for rm in sample_maps.values():
        root = _tree(rm.svg)
        # The labels' outlines are most of it (about 35 kB of 60 kB).
        assert len(rm.svg) < 80_000
        (body,) = root.iterfind(f"{SVG}g[@id='map']")
        clip = body.get("clip-path")[5:-1]
        assert root.find(f".//{SVG}clipPath[@id='{clip}']") is not None
        assert root.find(f"{SVG}title").text == rm.title


def test_ereader_png_is_drawn_at_screen_width_in_16_greys(sample_maps):
    for rm in sample_maps.values():
        with Image.open(io.BytesIO(rm.ereader_png)) as im:
            assert im.width == 1264
            assert abs(im.height - rm.png_size_px[1] * 1264 / rm.png_size_px[0]) <= 1
            assert im.mode == "P" and len(im.getcolors()) <= 16
