"""Projection and frame: which part of the Earth a map shows, in metres on a plane.

Every map uses a Lambert conformal conic projection centred on its extent, with
standard parallels at one sixth and five sixths of its latitude range (the
usual choice for mid-latitude regions: shapes are kept, areas nearly so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .gazetteer import Gazetteer
    from .layers import Layer
    from .spec import MapSpec

#: Frame height / width bounds when the height follows from the extent.
MIN_ASPECT, MAX_ASPECT = 0.45, 1.0
NAME = "Lambert conformal conic projection"


@dataclass(frozen=True)
class Frame:
    """The map's rectangle in projected metres and on paper."""

    proj: str
    x0: float
    y0: float
    x1: float
    y1: float
    width_mm: float
    height_mm: float
    #: lon/lat box holding the whole frame (for clipping the basemap).
    geo_box: tuple[float, float, float, float]

    @property
    def metres_per_mm(self) -> float:
        return (self.x1 - self.x0) / self.width_mm

    def transformer(self, inverse: bool = False):
        """A pyproj transformer lon/lat -> metres (or back), always x first."""
        return _transformer(self.proj, inverse)


def _transformer(proj: str, inverse: bool):
    from pyproj import CRS, Transformer

    geo, plane = CRS.from_epsg(4326), CRS.from_proj4(proj)
    if inverse:
        return Transformer.from_crs(plane, geo, always_xy=True)
    return Transformer.from_crs(geo, plane, always_xy=True)


def _lcc(west: float, south: float, east: float, north: float) -> str:
    span = north - south
    lat1, lat2 = south + span / 6, north - span / 6
    return (f"+proj=lcc +lat_0={(south + north) / 2:.4f} +lon_0={(west + east) / 2:.4f} "
            f"+lat_1={lat1:.4f} +lat_2={lat2:.4f} +ellps=WGS84 +units=m +no_defs")


def fit_points(spec: MapSpec, gaz: Gazetteer,
               layers: dict[str, Layer]) -> tuple[list[float], list[float]]:
    """Longitudes and latitudes a ``fit`` extent must hold: the places it fits, the
    layers' vertices, and every place the map lists (a map shows all its places)."""
    lons, lats = [], []
    for name in spec.extent.fit_places():
        lons.append(gaz[name].lon)
        lats.append(gaz[name].lat)
    for ref in spec.places:
        lat, lon = ref.label_at or (gaz[ref.name].lat, gaz[ref.name].lon)
        lons.append(lon)
        lats.append(lat)
    for name in spec.extent.fit_layers():
        for part in layers[name].parts:
            for ring in part:
                lons.extend(p[0] for p in ring)
                lats.extend(p[1] for p in ring)
    return lons, lats


def geo_extent(spec: MapSpec, gaz: Gazetteer,
               layers: dict[str, Layer]) -> tuple[float, float, float, float]:
    """The [west, south, east, north] the map is centred on (the fit places' box)."""
    if spec.extent.bbox is not None:
        return spec.extent.bbox
    lons, lats = fit_points(spec, gaz, layers)
    return min(lons), min(lats), max(lons), max(lats)


def make_frame(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer], width_mm: float,
               height_mm: float | None) -> Frame:
    """The frame of ``spec`` at ``width_mm``; its height follows the extent unless given."""
    import numpy as np

    west, south, east, north = geo_extent(spec, gaz, layers)
    proj = _lcc(west, south, east, north)
    forward = _transformer(proj, False)
    if spec.extent.bbox is not None:
        t = np.linspace(0, 1, 65)
        lons = np.concatenate([west + (east - west) * t, np.full_like(t, east),
                               east - (east - west) * t, np.full_like(t, west)])
        lats = np.concatenate([np.full_like(t, south), south + (north - south) * t,
                               np.full_like(t, north), north - (north - south) * t])
        xs, ys = forward.transform(lons, lats)
        margin = 0.0
    else:
        xs, ys = forward.transform(*fit_points(spec, gaz, layers))
        margin = spec.extent.margin_km * 1000
    x0, x1 = float(np.min(xs)) - margin, float(np.max(xs)) + margin
    y0, y1 = float(np.min(ys)) - margin, float(np.max(ys)) + margin
    # A single place, or places on one line: give the frame some room.
    min_span = max(margin * 2, 20_000.0)
    x0, x1 = _widen(x0, x1, min_span)
    y0, y1 = _widen(y0, y1, min_span)
    if height_mm is None:
        aspect = min(max((y1 - y0) / (x1 - x0), MIN_ASPECT), MAX_ASPECT)
        height_mm = round(width_mm * aspect, 1)
    # Grow the shorter side so the extent has the paper's shape (never crop).
    target = height_mm / width_mm
    if (y1 - y0) / (x1 - x0) < target:
        y0, y1 = _widen(y0, y1, (x1 - x0) * target, exact=True)
    else:
        x0, x1 = _widen(x0, x1, (y1 - y0) / target, exact=True)
    inverse = _transformer(proj, True)
    t = np.linspace(0, 1, 65)
    fx = np.concatenate([x0 + (x1 - x0) * t, np.full_like(t, x1), x0 + (x1 - x0) * t,
                         np.full_like(t, x0)])
    fy = np.concatenate([np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1),
                         y0 + (y1 - y0) * t])
    lons, lats = inverse.transform(fx, fy)
    geo_box = (max(-180.0, float(np.min(lons)) - 0.5), max(-90.0, float(np.min(lats)) - 0.5),
               min(180.0, float(np.max(lons)) + 0.5), min(90.0, float(np.max(lats)) + 0.5))
    return Frame(proj=proj, x0=x0, y0=y0, x1=x1, y1=y1, width_mm=width_mm,
                 height_mm=height_mm, geo_box=geo_box)


def _widen(lo: float, hi: float, span: float, exact: bool = False) -> tuple[float, float]:
    if hi - lo >= span and not exact:
        return lo, hi
    mid = (lo + hi) / 2
    return mid - span / 2, mid + span / 2
