"""The map's features: the basemap (land, lakes, coasts, borders) and the source's layers.

Each function draws into a :class:`Sheet` and records there, in display units,
what labels should not cross (``lines``) and what the key should not hide
(``areas``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .legend import Entry

if TYPE_CHECKING:
    import numpy as np

    from .layers import Layer
    from .projection import Frame
    from .spec import MapSpec
    from .style import MapStyle, Stroke

#: How much a label should avoid crossing each kind of line (see labels.Obstacles).
COAST_WEIGHT, BORDER_WEIGHT, EDGE_WEIGHT, LINE_WEIGHT = 0.3, 0.6, 0.6, 2.0
#: Layer geometry is densified to this step (degrees) so straight lon/lat edges bend
#: as they should once projected.
DENSIFY_DEG = 0.05


@dataclass
class Sheet:
    """The axes being drawn on, the projection, and what the labels must know."""

    ax: Any
    frame: Frame
    project: Any  # shapely geometry in lon/lat -> the same in metres
    lines: list[tuple[float, np.ndarray]] = field(default_factory=list)
    areas: list = field(default_factory=list)
    #: (segments, drawn width in points) of each line layer, for labels along them.
    roads: list[tuple[np.ndarray, float]] = field(default_factory=list)

    def segments(self, geom) -> np.ndarray:
        """Display-unit segments [n, 2, 2] of every line (or ring) of ``geom``."""
        import numpy as np
        import shapely

        if geom.geom_type.endswith("Polygon"):
            geom = shapely.boundary(geom)
        parts = []
        for line in shapely.get_parts(geom):
            coords = self.ax.transData.transform(np.asarray(line.coords)[:, :2])
            if len(coords) >= 2:
                parts.append(np.stack([coords[:-1], coords[1:]], axis=1))
        return np.concatenate(parts) if parts else np.zeros((0, 2, 2))


def _linestyle(dashes) -> object:
    return (0, tuple(dashes)) if dashes else "solid"


def to_path(geom):
    """A matplotlib path of a (multi)polygon, holes included (oriented for non-zero fill)."""
    import numpy as np
    from matplotlib.path import Path
    from shapely.geometry.polygon import orient

    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        poly = orient(poly, 1.0)
        for ring in (poly.exterior, *poly.interiors):
            coords = np.asarray(ring.coords)[:, :2]
            verts.append(coords)
            codes.append([Path.MOVETO] + [Path.LINETO] * (len(coords) - 2) + [Path.CLOSEPOLY])
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


def draw_basemap(sheet: Sheet, style: MapStyle) -> bool:
    """Land, lakes, coasts and borders; True if any water shows."""
    import numpy as np
    import shapely
    from matplotlib.collections import LineCollection
    from matplotlib.patches import PathPatch

    from .basemap import load_basemap

    frame, ax = sheet.frame, sheet.ax
    base = load_basemap(*frame.geo_box)
    view = shapely.box(frame.x0, frame.y0, frame.x1, frame.y1)
    # Clipped a little beyond the frame (the axes clip the rest): no coast along the edge.
    pad = (frame.x1 - frame.x0) * 0.01
    outer = (frame.x0 - pad, frame.y0 - pad, frame.x1 + pad, frame.y1 + pad)
    land_area, lakes, coast = 0.0, False, []
    # Detail finer than a tenth of a millimetre on paper cannot be seen; dropping it makes
    # the SVG several times smaller and quicker to lay out in the PDF.
    tolerance = 0.1 * frame.metres_per_mm
    for level, geom in base.shores:
        geom = shapely.clip_by_rect(sheet.project(geom), *outer).simplify(tolerance)
        path = None if geom.is_empty else to_path(geom)
        if path is None:
            continue
        is_land = level in (1, 3)
        ax.add_patch(PathPatch(path, facecolor=style.land.fill if is_land else style.water.fill,
                               edgecolor=style.coast.color, linewidth=style.coast.width,
                               zorder=1 + level * 0.1))
        land_area += geom.intersection(view).area if level == 1 else 0.0
        lakes = lakes or not is_land
        coast.append(sheet.segments(geom.intersection(view)))
    sheet.lines.append((COAST_WEIGHT, np.concatenate(coast) if coast else np.zeros((0, 2, 2))))

    lines = []
    for border in base.borders:
        for part in shapely.get_parts(sheet.project(border).intersection(view)
                                      .simplify(tolerance)):
            if part.geom_type == "LineString":
                lines.append(np.asarray(part.coords)[:, :2])
    b = style.border
    ax.add_collection(LineCollection(lines, colors=b.color, linewidths=b.width,
                                     linestyles=[_linestyle(b.dashes)], zorder=6,
                                     capstyle="butt"))
    drawn = [sheet.segments(shapely.LineString(c)) for c in lines]
    sheet.lines.append((BORDER_WEIGHT, np.concatenate(drawn) if drawn else np.zeros((0, 2, 2))))
    return lakes or land_area < view.area * 0.999


def draw_layers(sheet: Sheet, spec: MapSpec, layers: dict[str, Layer],
                style: MapStyle) -> list[Entry]:
    """Highlighted and plain areas, then lines (each in the next line style); key entries."""
    import numpy as np
    import shapely
    from matplotlib.patches import PathPatch

    entries = []
    line_styles = iter(style.lines * (len(spec.layers) + 1))
    for name in spec.drawn_layers():
        layer = layers[name]
        if layer.kind == "area":
            look = style.highlight if name in spec.highlight else style.area
            geom = shapely.MultiPolygon([(p[0], list(p[1:])) for p in layer.parts])
            geom = sheet.project(shapely.segmentize(geom, DENSIFY_DEG))
            patch = PathPatch(to_path(geom), facecolor=look.fill or "none",
                              edgecolor=look.edge.color, linewidth=look.edge.width,
                              linestyle=_linestyle(look.edge.dashes), hatch=look.hatch,
                              zorder=4)
            if look.hatch:
                patch.set_hatchcolor(look.hatch_color)
                patch.set_hatch_linewidth(look.hatch_width)
            sheet.ax.add_patch(patch)
            sheet.lines.append((EDGE_WEIGHT, sheet.segments(geom)))
            sheet.areas.append(shapely.transform(geom, sheet.ax.transData.transform))
            entries.append(Entry(layer.title, "area", look))
            continue
        look = next(line_styles)
        drawn = []
        for (points,) in layer.parts:
            line = sheet.project(shapely.segmentize(shapely.LineString(points), DENSIFY_DEG))
            xy = np.asarray(line.coords)
            for stroke, z in ((look.casing, 8), (look.stroke, 9)):
                if stroke is not None:
                    sheet.ax.add_line(_line(xy, stroke, z))
            drawn.append(sheet.segments(line))
        sheet.lines.append((LINE_WEIGHT, np.concatenate(drawn)))
        width = max(look.stroke.width, look.casing.width if look.casing else 0.0)
        sheet.roads.append((np.concatenate(drawn), width))
        entries.append(Entry(layer.title, "line", look))
    return entries


def _line(xy, stroke: Stroke, zorder: float):
    from matplotlib.lines import Line2D

    return Line2D(xy[:, 0], xy[:, 1], color=stroke.color, linewidth=stroke.width,
                  linestyle=_linestyle(stroke.dashes), zorder=zorder,
                  solid_capstyle="round", solid_joinstyle="round")


def nearest_segment(roads, x: float, y: float, within: float):
    """((x0, y0, x1, y1), line width) of the road segment nearest (x, y), if near enough."""
    import numpy as np

    best, best_dist = None, within
    here = np.array([x, y])
    for segs, width in roads:
        if not len(segs):
            continue
        a, ab = segs[:, 0], segs[:, 1] - segs[:, 0]
        t = np.clip(((here - a) * ab).sum(1) / np.maximum((ab * ab).sum(1), 1e-9), 0, 1)
        dist = np.hypot(*(a + ab * t[:, None] - here).T)
        i = int(np.argmin(dist))
        if dist[i] < best_dist:
            best, best_dist = (tuple(segs[i].ravel()), width), float(dist[i])
    return best
