"""What a drawn map shows: every listed place, and a key of only what is in view."""

from __future__ import annotations

from exporter.maps import MapSpec, load_gazetteer, render_map
from exporter.maps.appendix import _naming_map

from .conftest import SMALL, STYLE
from .conftest import svg_words as _texts


def test_a_fit_extent_grows_to_every_listed_place():
    gaz = load_gazetteer(SMALL / "places.yml")
    # Khankendi is about 45 km from Goris, well beyond the 5 km margin around it.
    spec = MapSpec.model_validate({"id": "grow", "title": "Grow", "size": {"width_mm": 80},
                                   "extent": {"fit": ["Goris"], "margin_km": 5},
                                   "places": ["Goris", "Khankendi"]})
    rendered = render_map(spec, gaz, {}, style_path=STYLE)
    assert rendered.places == ("Goris", "Khankendi")
    assert not rendered.warnings
    assert "Khankendi (Stepanakert)" in _texts(rendered.svg)


def test_the_key_lists_only_what_is_in_view(tmp_path):
    # Central Anatolia: no international border within a hundred kilometres.
    (tmp_path / "places.yml").write_text(
        "places:\n"
        "  - {name: Ankara, kind: capital, lat: 39.93, lon: 32.86}\n"
        "  - {name: Test incident, kind: incident, lat: 39.97, lon: 32.80}\n"
        "  - {name: Test site, kind: site, lat: 39.88, lon: 32.93}\n", "utf-8")
    gaz = load_gazetteer(tmp_path / "places.yml")
    spec = MapSpec.model_validate({"id": "inland", "title": "Inland", "size": {"width_mm": 80},
                                   "extent": {"fit": ["Ankara"], "margin_km": 15},
                                   "places": ["Ankara", "Test incident", "Test site"]})
    rendered = render_map(spec, gaz, {}, style_path=STYLE)
    texts = _texts(rendered.svg)
    assert {"Capital", "Incident", "Site"} <= set(texts)
    assert "International border" not in texts
    assert "Checkpoint" not in texts and "City" not in texts, "only kinds drawn"


def test_the_key_keeps_a_border_in_view(sample_maps):
    assert "International border" in _texts(sample_maps["nagorno-karabakh"].svg)


def test_warnings_name_the_map_once():
    assert _naming_map("x", "map 'x': the label of 'A' overlaps another") == (
        "map 'x': the label of 'A' overlaps another")
    assert _naming_map("x", "no room for the label of 'A'") == (
        "map 'x': no room for the label of 'A'")
