"""Map declarations: the pydantic model and the checks against gazetteer and layers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from exporter.errors import SourceError
from exporter.maps import MapSpec, load_layers, spec_checks
from exporter.yamlfile import load_yaml

from .conftest import SOURCE


def test_sample_declarations(sample_specs):
    ids = [s.id for s in sample_specs]
    assert ids == ["south-caucasus", "nagorno-karabakh"]
    overview, detail = sample_specs
    assert overview.extent.bbox is not None
    assert overview.highlight == ("nagorno-karabakh.geojson",)
    assert {"lachin-corridor.geojson", "aghdam-road.geojson"} <= set(detail.layers)
    assert detail.extent.fit_layers() == ["nagorno-karabakh.geojson"]
    assert overview.size.width_mm == 160


def test_sample_declarations_pass_the_checks(sample_gazetteer):
    from exporter.read.source import load_metadata
    from exporter.yamlfile import read_text

    article = next(SOURCE.glob("*.md"))
    meta, locator, _, _ = load_metadata(read_text(article), article)
    for i, spec in enumerate(meta.maps):
        spec_checks(spec, sample_gazetteer, load_layers(SOURCE, spec.layer_names()), locator,
                    ("maps", i))


@pytest.mark.parametrize("data", [
    {"id": "a", "title": "T", "extent": [1, 2, 3]},
    {"id": "a", "title": "T", "extent": [3, 2, 1, 4]},
    {"id": "a", "title": "T", "extent": {"fit": []}},
    {"id": "a", "title": "T", "extent": [1, 2, 3, 4], "colour": "red"},
    {"id": "A b", "title": "T", "extent": [1, 2, 3, 4]},
    {"id": "a", "title": "T", "extent": [1, 2, 3, 4], "size": {"width_mm": 5}},
])
def test_bad_declarations_are_refused(data):
    with pytest.raises(ValidationError):
        MapSpec.model_validate(data)


def test_places_may_move_a_label():
    spec = MapSpec.model_validate({"id": "a", "title": "T", "extent": {"fit": ["Baku"]},
                                   "places": ["Baku", {"name": "Armenia",
                                                       "label_at": [40.0, 45.0]}]})
    assert spec.places[1].label_at == (40.0, 45.0)
    assert spec.extent.margin_km == 20


FRONT = """\
title: x
maps:
  - id: detail
    title: Detail
    extent: {fit: [Goris, Khankendy]}
    places: [Khankendi, Lachn]
    layers: [lachin-corridor.geojson, nowhere.geojson]
"""


def _check(sample_gazetteer, tmp_path, text):
    doc = tmp_path / "article.md"
    data, locator = load_yaml(text, doc, first_line=2)
    spec = MapSpec.model_validate(data["maps"][0])
    layers = load_layers(SOURCE, ["lachin-corridor.geojson"])
    spec_checks(spec, sample_gazetteer, layers, locator, ("maps", 0))


def test_unknown_place_is_located_with_a_suggestion(sample_gazetteer, tmp_path):
    with pytest.raises(SourceError) as info:
        _check(sample_gazetteer, tmp_path, FRONT)
    err = info.value
    assert err.line == 7  # places: line 6 of the YAML, which starts on line 2
    assert "unknown place 'Lachn'" in str(err) and "did you mean 'Lachin'?" in str(err)


def test_unknown_fit_place_and_layer_are_located(sample_gazetteer, tmp_path):
    text = FRONT.replace("Lachn", "Lachin")
    with pytest.raises(SourceError, match="unknown place 'Khankendy'") as info:
        _check(sample_gazetteer, tmp_path, text)
    assert info.value.line == 6
    text = text.replace("Khankendy", "Khankendi")
    with pytest.raises(SourceError, match="unknown layer 'nowhere.geojson'") as info:
        _check(sample_gazetteer, tmp_path, text)
    assert info.value.line == 8


def test_place_outside_a_bbox_is_refused(sample_gazetteer, tmp_path):
    text = FRONT.replace("{fit: [Goris, Khankendy]}", "[46, 39, 47, 40.5]").replace(
        "Lachn", "Baku").replace(", nowhere.geojson", "")
    with pytest.raises(SourceError, match="'Baku' lies outside the extent") as info:
        _check(sample_gazetteer, tmp_path, text)
    assert info.value.line == 7


def test_lines_cannot_be_highlighted(sample_gazetteer, tmp_path):
    text = FRONT.replace("Lachn", "Lachin").replace("Khankendy", "Khankendi").replace(
        "layers: [lachin-corridor.geojson, nowhere.geojson]",
        "highlight: [lachin-corridor.geojson]")
    with pytest.raises(SourceError, match="only areas can be highlighted"):
        _check(sample_gazetteer, tmp_path, text)
