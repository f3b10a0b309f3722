"""Map fixtures: the sample maps drawn once per session, and a tiny map for cache tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.maps import load_gazetteer, load_layers, load_specs, render_map

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "source"
STYLE = ROOT / "styles" / "maps.yml"
FIXTURES = ROOT / "tests" / "fixtures" / "maps"
SMALL = FIXTURES / "source"


@pytest.fixture(scope="session")
def sample_gazetteer():
    return load_gazetteer(SOURCE / "places.yml")


@pytest.fixture(scope="session")
def sample_specs():
    """The map declarations in the sample article's front-matter."""
    from exporter.read.source import load_metadata
    from exporter.yamlfile import read_text

    article = next(SOURCE.glob("*.md"))
    return load_metadata(read_text(article), article)[0].maps


@pytest.fixture(scope="session")
def sample_maps(sample_gazetteer, sample_specs, tmp_path_factory):
    """Each sample map rendered once (into a fresh cache), by id."""
    cache = tmp_path_factory.mktemp("maps-cache")
    out = {}
    for spec in sample_specs:
        layers = load_layers(SOURCE, spec.layer_names())
        out[spec.id] = render_map(spec, sample_gazetteer, layers, style_path=STYLE,
                                  cache_dir=cache)
    return out


@pytest.fixture(scope="session")
def small():
    """(spec, gazetteer, layers) of the tiny fixture map."""
    gaz = load_gazetteer(SMALL / "places.yml")
    (spec,) = load_specs(SMALL / "maps.yml")
    return spec, gaz, load_layers(SMALL, spec.layer_names())


def svg_words(svg: bytes) -> list[str]:
    """The words on a map as a reader of its SVG gets them: each outlined label's
    accessible name (checked against its ``<title>``), and any ``<text>``."""
    import xml.etree.ElementTree as ET

    words = []
    for el in ET.fromstring(svg).iter():
        if el.tag == f"{SVG}g" and el.get("class") == "label":
            title = el.find(f"{SVG}title")
            assert title is not None and title.text == el.get("aria-label")
            words.append(el.get("aria-label"))
        elif el.tag == f"{SVG}text" and el.get("class") != "halo":
            words.append(el.text or "")
    return words
