"""A map declaration checked against the gazetteer and the layers it names.

Unknown places and layers, a place listed twice, ``label_at`` on a point, a line layer
highlighted, places outside a bbox, and layers that lie outside the map or far from its
places (``bounds``) are errors naming the line of the declaration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .bounds import check_layer_bounds
from .spec import MapSpec, is_layer_name

if TYPE_CHECKING:
    from ..yamlfile import Locator
    from .gazetteer import Gazetteer
    from .layers import Layer


def spec_checks(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer],
                locator: Locator, loc: tuple = ()) -> None:
    """Refuse unknown places and layers, places outside a bbox and layers that lie
    outside the map or far from its places; ``loc`` is where ``spec`` sits in
    ``locator``'s file."""
    names = [("places", i, p.name) for i, p in enumerate(spec.places)]
    names += [("extent", "fit", i, n) for i, n in enumerate(spec.extent.fit or ())
              if not is_layer_name(n)]
    for *where, name in names:
        if name not in gaz:
            raise locator.error(f"map '{spec.id}': unknown place '{name}'", (*loc, *where),
                                gaz.suggest(name) or f"add it to {gaz.path.name}")
    seen: dict[str, int] = {}
    for i, ref in enumerate(spec.places):
        if ref.label_at is not None and gaz[ref.name].is_point:
            raise locator.error(
                f"map '{spec.id}': label_at moves the label of an area; "
                f"'{ref.name}' is a {gaz[ref.name].kind} with a symbol",
                (*loc, "places", i, "label_at"), "remove label_at")
        key = gaz[ref.name].name
        if key in seen:
            raise locator.error(f"map '{spec.id}': place '{ref.name}' is listed twice",
                                (*loc, "places", i),
                                f"it is the same place as item {seen[key] + 1} of places")
        seen[key] = i
    for name, where in spec.layer_refs().items():
        if name not in layers:
            raise locator.error(f"map '{spec.id}': unknown layer '{name}'", (*loc, *where),
                                "name a GeoJSON file under maps/")
    for i, name in enumerate(spec.highlight):
        if layers[name].kind != "area":
            raise locator.error(
                f"map '{spec.id}': only areas can be highlighted; '{name}' holds lines",
                (*loc, "highlight", i), "list it under layers: instead")
    check_layer_bounds(spec, gaz, layers, locator, loc)
    if spec.extent.bbox:
        west, south, east, north = spec.extent.bbox
        for i, ref in enumerate(spec.places):
            lat, lon = ref.label_at or (gaz[ref.name].lat, gaz[ref.name].lon)
            if not (west <= lon <= east and south <= lat <= north):
                raise locator.error(
                    f"map '{spec.id}': place '{ref.name}' lies outside the extent",
                    (*loc, "places", i), "widen the bbox, or give label_at for an area")
