"""The gazetteer: the sample loads; each kind of mistake names file and line."""

from __future__ import annotations

import pytest

from exporter.errors import SourceError
from exporter.maps import KINDS, load_gazetteer

from .conftest import FIXTURES, SOURCE

BAD = FIXTURES / "bad-places"


def test_sample_gazetteer_loads_with_contested_names(sample_gazetteer):
    khankendi = sample_gazetteer["Stepanakert"]
    assert khankendi.name == "Khankendi"
    assert khankendi.label == "Khankendi (Stepanakert)"
    assert khankendi.alt_names[0].note == "name used by Armenians"
    assert sample_gazetteer["stepanakert"] is khankendi  # case does not matter
    assert {p.kind for p in sample_gazetteer.places} <= set(KINDS)
    for name in ("Armenia", "Azerbaijan", "Georgia", "Iran", "Turkey", "Russia", "Baku",
                 "Yerevan", "Lachin", "Goris", "Aghdam", "Khojavand", "Caspian Sea",
                 "Black Sea", "Nakhchivan", "Nagorno-Karabakh", "Lachin Corridor"):
        assert name in sample_gazetteer, name


@pytest.mark.parametrize(("name", "line", "words"), [
    ("out-of-range.yml", 8, ["latitude must be between -90 and 90", "140.5"]),
    ("duplicate.yml", 9, ["'Stepanakert' is given twice", "'Khankendi' on line 4"]),
    ("unknown-kind.yml", 3, ["unknown kind", "did you mean 'town'?"]),
    ("unknown-key.yml", 6, ["unknown key", "nots", "did you mean 'note'?"]),
])
def test_bad_gazetteer_names_file_and_line(name, line, words):
    with pytest.raises(SourceError) as info:
        load_gazetteer(BAD / name)
    err = info.value
    assert err.file == BAD / name
    assert err.line == line
    text = str(err)
    assert text.startswith(f"{BAD / name}:{line}: ")
    for word in words:
        assert word in text


def test_longitude_out_of_range(tmp_path):
    path = tmp_path / "places.yml"
    path.write_text("places:\n  - name: X\n    kind: town\n    lat: 10\n    lon: -181\n", "utf-8")
    with pytest.raises(SourceError, match="longitude must be between -180 and 180") as info:
        load_gazetteer(path)
    assert info.value.line == 5


def test_missing_gazetteer_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        load_gazetteer(tmp_path / "places.yml")


def test_sample_gazetteer_file_is_the_one_in_source():
    assert (SOURCE / "places.yml").is_file()
