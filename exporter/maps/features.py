"""The map's features: the basemap (land, lakes, coasts, borders) and the source's layers.

Each function writes SVG into the :class:`Sheet`'s canvas and records there, in
display units, what labels should not cross (``lines``) and what the key should
not hide (``areas``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .legend import Entry
from .svg import attrs, dash_array

if TYPE_CHECKING:
    import numpy as np

    from .layers import Layer
    from .projection import Frame
    from .spec import MapSpec
    from .style import MapStyle, Stroke
    from .svg import Canvas

#: How much a label should avoid crossing each kind of line (see labels.Obstacles).
COAST_WEIGHT, BORDER_WEIGHT, EDGE_WEIGHT, LINE_WEIGHT = 0.3, 0.6, 0.6, 2.0
#: Layer geometry is densified to this step (degrees) so straight lon/lat edges bend
#: as they should once projected.
DENSIFY_DEG = 0.05


@dataclass
class Sheet:
    """The canvas, the projection, and what the labels must know.

    ``project`` maps shapely geometry in lon/lat to metres; ``display`` maps metres
    to display units (pixels at the style's dpi, y up) with one affine transform.
    """

    canvas: Canvas
    frame: Frame
    project: Any
    #: (scale x, offset x, scale y, offset y): metres -> display units.
    affine: tuple[float, float, float, float]
    #: Display units per point.
    pt: float
    lines: list[tuple[float, np.ndarray]] = field(default_factory=list)
    areas: list = field(default_factory=list)
    #: (segments, drawn width in points) of each line layer, for labels along them.
    roads: list[tuple[np.ndarray, float]] = field(default_factory=list)

    def display(self, geom):
        """Shapely geometry in metres -> the same in display units."""
        import shapely

        sx, ox, sy, oy = self.affine
        return shapely.transform(geom, lambda c: c * (sx, sy) + (ox, oy))

    def point(self, x: float, y: float) -> tuple[float, float]:
        sx, ox, sy, oy = self.affine
        return x * sx + ox, y * sy + oy

    def rings(self, geom) -> list[np.ndarray]:
        """Coordinate arrays [n, 2] of every line or ring of a display-unit geometry."""
        import numpy as np
        import shapely

        out = []
        for part in shapely.get_parts(geom):
            if part.geom_type == "Polygon":
                out += [np.asarray(r.coords)[:, :2] for r in (part.exterior, *part.interiors)]
            elif part.geom_type in ("LineString", "LinearRing"):
                out.append(np.asarray(part.coords)[:, :2])
            elif part.geom_type.startswith("Multi") or part.geom_type == "GeometryCollection":
                out += self.rings(part)
        return out

    def segments(self, geom) -> np.ndarray:
        """Display-unit segments [n, 2, 2] of every line (or ring) of ``geom``."""
        import numpy as np

        parts = [np.stack([c[:-1], c[1:]], axis=1) for c in self.rings(geom) if len(c) >= 2]
        return np.concatenate(parts) if parts else np.zeros((0, 2, 2))

    def stroke(self, s: Stroke, cap: str = "butt", fill: str | None = "none") -> str:
        """SVG stroke attributes for a style stroke (widths in points)."""
        width = s.width * self.pt
        return attrs(fill=fill, stroke=s.color, stroke_width=width,
                     stroke_dasharray=dash_array(s.dashes, width),
                     stroke_linecap=None if cap == "butt" else cap,
                     stroke_linejoin="round" if cap == "round" else None)


def draw_basemap(sheet: Sheet, style: MapStyle) -> tuple[bool, str]:
    """Land, lakes and coasts; True if any water shows, and the borders' SVG.

    The borders are returned, not drawn: they go above the source's areas.
    """
    import numpy as np
    import shapely

    from .basemap import load_basemap

    frame, canvas, pt = sheet.frame, sheet.canvas, sheet.pt
    base = load_basemap(*frame.geo_box)
    view = shapely.box(frame.x0, frame.y0, frame.x1, frame.y1)
    # Clipped a little beyond the frame (the clip path does the rest): no coast along the edge.
    pad = (frame.x1 - frame.x0) * 0.01
    outer = (frame.x0 - pad, frame.y0 - pad, frame.x1 + pad, frame.y1 + pad)
    land_area, lakes, coast = 0.0, False, []
    # Detail finer than a tenth of a millimetre on paper cannot be seen; dropping it makes
    # the SVG several times smaller and quicker to lay out in the PDF.
    tolerance = 0.1 * frame.metres_per_mm
    canvas.open("basemap", stroke=style.coast.color, stroke_width=style.coast.width * pt,
                stroke_linejoin="round")
    for level, geom in base.shores:
        geom = shapely.clip_by_rect(sheet.project(geom), *outer).simplify(tolerance)
        if geom.is_empty:
            continue
        d = canvas.path_data(sheet.rings(sheet.display(geom)), closed=True)
        if not d:
            continue
        is_land = level in (1, 3)
        fill = style.land.fill if is_land else style.water.fill
        # Rings oriented either way: even-odd keeps holes (islands in lakes) open.
        canvas.add(f"<path{attrs(d=d, fill=fill, fill_rule='evenodd')}/>")
        land_area += geom.intersection(view).area if level == 1 else 0.0
        lakes = lakes or not is_land
        coast.append(sheet.segments(sheet.display(geom.intersection(view))))
    canvas.close()
    sheet.lines.append((COAST_WEIGHT, np.concatenate(coast) if coast else np.zeros((0, 2, 2))))

    parts = []
    for border in base.borders:
        line = sheet.project(border).intersection(view).simplify(tolerance)
        parts += [p for p in shapely.get_parts(line)
                  if p.geom_type == "LineString" and not p.is_empty]
    drawn = sheet.display(shapely.MultiLineString(parts)) if parts else shapely.MultiLineString()
    d = canvas.path_data(sheet.rings(drawn), closed=False)
    borders = f"<path id=\"borders\"{attrs(d=d)}{sheet.stroke(style.border)}/>" if d else ""
    sheet.lines.append((BORDER_WEIGHT, sheet.segments(drawn)))
    return lakes or land_area < view.area * 0.999, borders


def draw_layers(sheet: Sheet, spec: MapSpec, layers: dict[str, Layer], style: MapStyle,
                borders: str = "") -> list[Entry]:
    """Highlighted and plain areas, ``borders``, then lines (each in the next line style,
    all casings under all strokes); the key's entries."""
    import numpy as np
    import shapely

    canvas, pt = sheet.canvas, sheet.pt
    entries = []
    line_styles = iter(style.lines * (len(spec.layers) + 1))
    casings: list[str] = []
    strokes: list[str] = []
    canvas.open("layers")
    for name in spec.drawn_layers():
        layer = layers[name]
        if layer.kind == "area":
            look = style.highlight if name in spec.highlight else style.area
            geom = shapely.MultiPolygon([(p[0], list(p[1:])) for p in layer.parts])
            geom = sheet.display(sheet.project(shapely.segmentize(geom, DENSIFY_DEG)))
            d = canvas.path_data(sheet.rings(geom), closed=True)
            fill = look.fill or "none"
            if look.hatch:
                if look.fill:
                    canvas.add(f"<path{attrs(d=d, fill=look.fill, fill_rule='evenodd')}/>")
                hatch = canvas.hatch(look.hatch, look.hatch_color, look.hatch_width * pt,
                                     pt * 72)
                fill = f"url(#{hatch})"
            canvas.add(f"<path{attrs(d=d, fill_rule='evenodd')}"
                       f"{sheet.stroke(look.edge, fill=fill)}/>")
            sheet.lines.append((EDGE_WEIGHT, sheet.segments(geom)))
            sheet.areas.append(geom)
            entries.append(Entry(layer.title, "area", look))
            continue
        look = next(line_styles)
        lines = []
        for (points,) in layer.parts:
            line = sheet.project(shapely.segmentize(shapely.LineString(points), DENSIFY_DEG))
            lines.append(sheet.display(line))
        d = canvas.path_data([np.asarray(line.coords)[:, :2] for line in lines], closed=False)
        if look.casing is not None:
            casings.append(f"<path{attrs(d=d)}{sheet.stroke(look.casing, cap='round')}/>")
        strokes.append(f"<path{attrs(d=d)}{sheet.stroke(look.stroke, cap='round')}/>")
        drawn = [sheet.segments(line) for line in lines]
        sheet.lines.append((LINE_WEIGHT, np.concatenate(drawn)))
        width = max(look.stroke.width, look.casing.width if look.casing else 0.0)
        sheet.roads.append((np.concatenate(drawn), width))
        entries.append(Entry(layer.title, "line", look))
    for part in [borders, *casings, *strokes]:
        if part:
            canvas.add(part)
    canvas.close()
    return entries


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
