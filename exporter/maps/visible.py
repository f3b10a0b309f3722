"""What a map's key may list: only what is drawn and can be seen inside the frame.

Kept apart from the drawing so that any renderer asks the same questions: which
layers cross the frame, and whether an international border does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .layers import Layer
    from .projection import Frame
    from .spec import MapSpec


def _view(frame: Frame):
    import shapely

    return shapely.box(frame.x0, frame.y0, frame.x1, frame.y1)


def _projected(frame: Frame, geom):
    import numpy as np
    import shapely

    forward = frame.transformer()
    return shapely.transform(
        geom, lambda c: np.column_stack(forward.transform(c[:, 0], c[:, 1])))


def layers_in_view(spec: MapSpec, layers: dict[str, Layer], frame: Frame) -> list[str]:
    """The drawn layers (in drawing order) with some part inside the frame."""
    import shapely

    view = _view(frame)
    seen = []
    for name in spec.drawn_layers():
        layer = layers[name]
        if layer.kind == "area":
            geom = shapely.MultiPolygon([(p[0], list(p[1:])) for p in layer.parts])
        else:
            geom = shapely.MultiLineString([points for (points,) in layer.parts])
        if _projected(frame, shapely.segmentize(geom, 0.05)).intersects(view):
            seen.append(name)
    return seen


def borders_in_view(frame: Frame) -> bool:
    """True if an international border (basemap) crosses the frame."""
    from .basemap import load_basemap

    view = _view(frame)
    return any(_projected(frame, border).intersects(view)
               for border in load_basemap(*frame.geo_box).borders)
