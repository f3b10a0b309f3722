"""GeoJSON layers: valid sample layers load; bad ones name file and line."""

from __future__ import annotations

import re

import pytest

from exporter.errors import SecurityError, SourceError
from exporter.maps import load_layers
from exporter.yamlfile import load_yaml

from .conftest import FIXTURES, SOURCE

BAD = FIXTURES / "bad-layers"


def test_sample_layers_load_with_provenance():
    layers = load_layers(SOURCE, ["nagorno-karabakh.geojson", "lachin-corridor.geojson",
                                  "aghdam-road.geojson"])
    area = layers["nagorno-karabakh.geojson"]
    assert area.kind == "area"
    assert area.provenance.approximate is True
    assert "schematic" in area.provenance.source
    assert layers["lachin-corridor.geojson"].kind == "line"
    # Goris -> Lachin -> Khankendi, GeoJSON order [lon, lat]
    (line,) = layers["lachin-corridor.geojson"].parts[0]
    assert line[0] == (46.3389, 39.5111) and line[-1] == (46.7519, 39.8153)


@pytest.mark.parametrize(("name", "line", "words"), [
    ("malformed.geojson", 6, ["malformed GeoJSON", "delimiter"]),
    ("out-of-range.geojson", 12, ["outside the earth", "246.5"]),
    ("wrong-type.geojson", 8, ["wrong geometry type 'Point'"]),
    ("no-provenance.geojson", 1, ["does not say where it comes from"]),
    ("bad-provenance.geojson", 6, ["unknown key 'aproximate'", "did you mean 'approximate'?"]),
])
def test_bad_layer_names_file_and_line(name, line, words):
    with pytest.raises(SourceError) as info:
        load_layers(BAD, [name])
    err = info.value
    assert err.file.name == name
    assert err.line == line
    for word in words:
        assert word in str(err)


def test_missing_layer_names_the_file():
    with pytest.raises(SourceError, match="layer 'nowhere.geojson' not found") as info:
        load_layers(BAD, ["nowhere.geojson"])
    assert info.value.file.name == "nowhere.geojson"


@pytest.mark.parametrize("name", ["../secret.geojson", "/etc/hosts", "maps/../../secret.geojson"])
def test_layer_outside_the_source_folder_is_refused(name):
    with pytest.raises(SecurityError, match="outside the source folder|file name under maps"):
        load_layers(BAD, [name])


def test_layer_name_errors_point_at_the_declaration_line(tmp_path):
    doc = tmp_path / "article.md"
    text = "maps:\n  - id: a\n    layers:\n      - ok.geojson\n      - ../secret.geojson\n"
    _, locator = load_yaml(text, doc)
    with pytest.raises(SecurityError) as info:
        load_layers(BAD, ["../secret.geojson"], locator,
                    {"../secret.geojson": ("maps", 0, "layers", 1)})
    assert (info.value.file, info.value.line) == (doc, 5)


def test_swapped_coordinates_get_a_hint(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "swap.geojson").write_text(
        '{"type": "Feature", "provenance": {"source": "t", "licence": "t", "approximate": true},\n'
        ' "geometry": {"type": "LineString", "coordinates": [[39.5, 46.3], [39.6, 146.5],\n'
        ' [39.7, 95.0]]}}', "utf-8")
    with pytest.raises(SourceError, match=re.escape("coordinates look like [lat, lon]; "
                                                    "GeoJSON is [lon, lat]")) as info:
        load_layers(tmp_path, ["swap.geojson"])
    assert info.value.line == 2
