"""Bad map inputs: each is refused with a message that says what is wrong, and where."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from exporter.errors import SourceError
from exporter.maps import load_gazetteer, load_layers, spec_checks
from exporter.maps.bounds import SWAPPED
from exporter.read.source import load_metadata

from .conftest import SMALL, SOURCE

#: The former oblast's outline from the sample, as [lon, lat] (right) and swapped.
OUTLINE = json.loads((SOURCE / "maps" / "nagorno-karabakh.geojson").read_text("utf-8"))
RING = OUTLINE["features"][0]["geometry"]["coordinates"][0]


def _layer(folder: Path, name: str, ring: list[list[float]], kind: str = "Polygon") -> None:
    coords = [ring] if kind == "Polygon" else ring
    data = {"type": "FeatureCollection", "title": name,
            "provenance": {"source": "test", "licence": "CC0-1.0", "approximate": True},
            "features": [{"type": "Feature", "properties": {},
                          "geometry": {"type": kind, "coordinates": coords}}]}
    (folder / "maps" / name).write_text(json.dumps(data), "utf-8")


@pytest.fixture
def project(tmp_path):
    """A source folder with the small gazetteer and three layers: right, swapped, far."""
    (tmp_path / "maps").mkdir()
    shutil.copy(SMALL / "places.yml", tmp_path / "places.yml")
    _layer(tmp_path, "right.geojson", RING)
    _layer(tmp_path, "swapped.geojson", [[lat, lon] for lon, lat in RING])
    # The same outline moved to Spain: real coordinates, nowhere near the article.
    _layer(tmp_path, "spain.geojson", [[lon - 50.0, lat] for lon, lat in RING])
    return tmp_path


def _check(project: Path, maps_yaml: str):
    """Run the map checks on front-matter ``maps_yaml``; return the error."""
    text = ("---\ntitle: T\ndate: 2023-09-19\nlang: en-GB\n" + maps_yaml + "---\n\nBody.\n")
    article = project / "a.md"
    article.write_text(text, "utf-8")
    meta, locator, _, _ = load_metadata(text, article)
    gaz = load_gazetteer(project / "places.yml")
    for i, spec in enumerate(meta.maps):
        spec_checks(spec, gaz, load_layers(project, spec.layer_names()), locator, ("maps", i))


def test_a_right_layer_passes(project):
    _check(project, "maps:\n  - id: m\n    title: M\n    extent: {fit: [Goris]}\n"
                    "    places: [Khankendi]\n    layers: [right.geojson]\n")


def test_swapped_layer_in_a_fit_extent_is_far_from_every_place(project):
    with pytest.raises(SourceError) as info:
        _check(project, "maps:\n  - id: m\n    title: M\n"
                        "    extent: {fit: [Goris, swapped.geojson]}\n"
                        "    places: [Khankendi]\n")
    message = str(info.value)
    assert "map 'm': layer 'swapped.geojson' lies" in message
    assert "km from every place of the map" in message
    assert SWAPPED == "coordinates look like [lat, lon]; GeoJSON is [lon, lat]"
    assert SWAPPED in message
    assert info.value.line == 8, "the line that names the layer"
    assert "swap the two numbers" in message


def test_swapped_layer_on_a_bbox_map_lies_outside_it(project):
    with pytest.raises(SourceError) as info:
        _check(project, "maps:\n  - id: m\n    title: M\n    extent: [45.5, 39.0, 47.5, 40.6]\n"
                        "    layers: [swapped.geojson]\n")
    message = str(info.value)
    assert re.search(r"layer 'swapped.geojson' lies outside the map \(its features span "
                     r"longitude 39.42 to 40.38, latitude 46.33 to 47.19", message), message
    assert "coordinates look like [lat, lon]; GeoJSON is [lon, lat]" in message
    assert info.value.line == 9


def test_layer_elsewhere_on_earth_is_far_from_every_place(project):
    with pytest.raises(SourceError) as info:
        _check(project, "maps:\n  - id: m\n    title: M\n    extent: {fit: [Goris]}\n"
                        "    places: [Khankendi, Lachin]\n    layers: [spain.geojson]\n")
    message = str(info.value)
    assert "layer 'spain.geojson' lies 4," in message and "km from every place" in message
    assert "[lat, lon]" not in message, "not a swap: no such hint"
    assert "check the positions in spain.geojson" in message


def test_layer_outside_a_bbox_without_places(project):
    with pytest.raises(SourceError, match=r"layer 'spain.geojson' lies outside the map .*"
                                          r"widen the extent"):
        _check(project, "maps:\n  - id: m\n    title: M\n    extent: [45.5, 39.0, 47.5, 40.6]\n"
                        "    layers: [spain.geojson]\n")


def test_position_outside_the_earth(project):
    _layer(project, "off.geojson", [[40.1, 46.7], [39.9, 146.7]], kind="LineString")
    with pytest.raises(SourceError) as info:
        _check(project, "maps:\n  - id: m\n    title: M\n    extent: {fit: [Goris]}\n"
                        "    layers: [off.geojson]\n")
    message = str(info.value)
    assert "position [39.9, 146.7] is outside the earth" in message
    assert "coordinates look like [lat, lon]; GeoJSON is [lon, lat]" in message
    assert info.value.file.name == "off.geojson"


def test_unknown_kind_lists_the_kinds(tmp_path):
    (tmp_path / "places.yml").write_text(
        "places:\n  - name: Yevlakh talks\n    kind: incidnet\n    lat: 40.6\n    lon: 47.1\n",
        "utf-8")
    with pytest.raises(SourceError) as info:
        load_gazetteer(tmp_path / "places.yml")
    message = str(info.value)
    assert info.value.line == 3
    assert "unknown kind 'incidnet'" in message and "did you mean 'incident'?" in message
    for kind in ("site", "incident", "checkpoint", "crossing", "town", "country"):
        assert kind in message.split("the kinds are:")[1]


def test_the_sample_passes_every_check():
    from exporter.yamlfile import read_text

    article = next(SOURCE.glob("*.md"))
    meta, locator, _, _ = load_metadata(read_text(article), article)
    gaz = load_gazetteer(SOURCE / "places.yml")
    for i, spec in enumerate(meta.maps):
        spec_checks(spec, gaz, load_layers(SOURCE, spec.layer_names()), locator, ("maps", i))
