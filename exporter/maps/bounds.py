"""Do a map's layers lie where the map is? Checks of GeoJSON layers against a map.

A layer whose features all fall outside the map, or far from every place the map
shows, is almost always a mistake in the file, most often latitude and longitude in
the wrong order (GeoJSON positions are [longitude, latitude]). Such a layer would be
left off the map, or would stretch a ``fit`` extent across a continent, while the
legend and the alt text still named it; so it is an error that says what is wrong.
Positions outside the earth are refused when the layer is read (``layers.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..yamlfile import Locator
    from .gazetteer import Gazetteer
    from .layers import Layer
    from .spec import MapSpec

EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = 111.32
#: A layer is "far" when no vertex comes this close to a place of the map, or, on a map
#: whose places spread wider, within FAR_SPREAD times that spread.
FAR_KM, FAR_SPREAD = 500.0, 1.5
SWAPPED = "coordinates look like [lat, lon]; GeoJSON is [lon, lat]"


@dataclass(frozen=True)
class Box:
    """A [west, south, east, north] box in degrees."""

    west: float
    south: float
    east: float
    north: float

    def overlaps(self, other: Box) -> bool:
        return not (self.east < other.west or other.east < self.west
                    or self.north < other.south or other.north < self.south)

    def swapped(self) -> Box:
        return Box(self.south, self.west, self.north, self.east)

    def describe(self) -> str:
        w, s, e, n = (round(v, 2) for v in (self.west, self.south, self.east, self.north))
        return f"longitude {w:g} to {e:g}, latitude {s:g} to {n:g}"


def vertices(layer: Layer) -> list[tuple[float, float]]:
    """Every (lon, lat) position of ``layer``."""
    return [point for part in layer.parts for ring in part for point in ring]


def layer_box(layer: Layer) -> Box:
    points = vertices(layer)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return Box(min(lons), min(lats), max(lons), max(lats))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def map_places(spec: MapSpec, gaz: Gazetteer) -> list[tuple[float, float]]:
    """(lon, lat) of every place the map lists or fits (where its label goes)."""
    points = []
    for ref in spec.places:
        lat, lon = ref.label_at or (gaz[ref.name].lat, gaz[ref.name].lon)
        points.append((lon, lat))
    points += [(gaz[n].lon, gaz[n].lat) for n in spec.extent.fit_places()]
    return points


def map_box(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer]) -> Box:
    """Roughly what the map shows: its bbox, or what it fits plus the margin and the
    room the paper's shape may add (generous: only a layer clear of it is refused)."""
    if spec.extent.bbox is not None:
        return Box(*spec.extent.bbox)
    points = map_places(spec, gaz)
    for name in spec.extent.fit_layers():
        points += vertices(layers[name])
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    mid = math.radians((min(lats) + max(lats)) / 2)
    dlat = spec.extent.margin_km / KM_PER_DEGREE + (max(lats) - min(lats)) / 2 + 0.2
    dlon = (spec.extent.margin_km / (KM_PER_DEGREE * max(math.cos(mid), 0.05))
            + (max(lons) - min(lons)) / 2 + 0.2)
    return Box(min(lons) - dlon, max(-90.0, min(lats) - dlat),
               max(lons) + dlon, min(90.0, max(lats) + dlat))


def _nearest_km(points: list[tuple[float, float]], places: list[tuple[float, float]]) -> float:
    # Layers are small hand-drawn files; thin out big ones, the answer need not be exact.
    step = max(1, len(points) // 2000)
    return min(distance_km(p, q) for p in points[::step] for q in places)


#: Up to this many places the spread is measured between every pair; beyond, between
#: the corners of their convex hull in longitude and latitude (n² pairs of a map of
#: many places took seconds). On a map of one region the farthest pair is on that hull;
#: across the antimeridian or near a pole it may be a little off, and the limit is
#: generous (``FAR_SPREAD`` times the spread).
EXACT_SPREAD_PLACES = 200


def far_limit_km(places: list[tuple[float, float]]) -> float:
    """How far from every place a layer may lie on a map with these places."""
    places = list(dict.fromkeys(places))
    if len(places) > EXACT_SPREAD_PLACES:
        import shapely

        hull = shapely.MultiPoint(places).convex_hull
        places = list(dict.fromkeys(shapely.get_coordinates(hull).tolist()))
        places = [tuple(p) for p in places]
    spread = max((distance_km(p, q) for p in places for q in places), default=0.0)
    return max(FAR_KM, FAR_SPREAD * spread)


def check_layer_bounds(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer],
                       locator: Locator, loc: tuple = ()) -> None:
    """Refuse a layer that lies far from every place of the map or outside the map."""
    refs = spec.layer_refs()
    if not refs:
        return
    places = map_places(spec, gaz)
    limit = far_limit_km(places) if places else 0.0
    for name, where in refs.items():
        layer = layers[name]
        points = vertices(layer)
        hint = f"check the positions in {layer.path.name}"
        if places:
            nearest = _nearest_km(points, places)
            if nearest > limit:
                swapped = [(lat, lon) for lon, lat in points if -90 <= lon <= 90]
                if len(swapped) == len(points) and _nearest_km(swapped, places) <= limit:
                    raise locator.error(
                        f"map '{spec.id}': layer '{name}' lies {nearest:,.0f} km from every "
                        f"place of the map; its {SWAPPED}", (*loc, *where),
                        f"swap the two numbers of each position in {layer.path.name}")
                raise locator.error(
                    f"map '{spec.id}': layer '{name}' lies {nearest:,.0f} km from every "
                    f"place of the map (its features span {layer_box(layer).describe()})",
                    (*loc, *where), hint)
        if name in spec.extent.fit_layers():
            continue  # the map grows to show it
        shown, box = map_box(spec, gaz, layers), layer_box(layer)
        if not box.overlaps(shown):
            swap = (f"; its {SWAPPED}" if box.west >= -90 and box.east <= 90
                    and box.swapped().overlaps(shown) else "")
            raise locator.error(
                f"map '{spec.id}': layer '{name}' lies outside the map (its features span "
                f"{box.describe()}; the map shows about {shown.describe()}){swap}",
                (*loc, *where),
                f"swap the two numbers of each position in {layer.path.name}" if swap else
                "widen the extent, add the layer to extent: fit, or remove it from this map")
