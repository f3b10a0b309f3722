"""Drawing one map with matplotlib: features, symbols, key, labels, credits; SVG + PNG.

Matplotlib, pyproj and shapely are imported inside functions only, so importing
``exporter.maps`` stays cheap. Output is deterministic: fixed SVG hash salt and
id, no date or creator in the metadata, no "Software" chunk in the PNG, and DejaVu
Sans (shipped with matplotlib) for every label. Labels are real ``<text>`` in the
SVG; their white halo is a separate outline path drawn underneath, so the text
itself stays text (and appears once when a PDF or EPUB is searched).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .features import Sheet, draw_basemap, draw_layers, nearest_segment
from .labels import LabelRequest, Obstacles, Size, place_labels
from .legend import Entry, build_legend, place_legend
from .projection import make_frame
from .visible import borders_in_view, layers_in_view

if TYPE_CHECKING:
    from .gazetteer import Gazetteer
    from .layers import Layer
    from .spec import MapSpec
    from .style import KindStyle, MapStyle

MM_PER_INCH = 25.4
PT_PER_MM = 72 / 25.4
#: Label order: the first kinds choose their spot first.
PRIORITY = ("capital", "city", "town", "village", "incident", "site", "checkpoint",
            "crossing", "mountain",
            "country", "sea", "region", "lake", "road", "river")
RC = {"svg.fonttype": "none", "svg.hashsalt": "exporter-maps", "svg.id": "map",
      "path.simplify": True}
#: Labels of these kinds follow a line layer drawn within this many points.
ALONG_KINDS, ALONG_WITHIN_PT = ("road", "river"), 40.0


@dataclass
class Drawing:
    """What was drawn: both encodings and what ended up on the map."""

    svg: bytes
    png: bytes
    width_mm: float
    height_mm: float
    png_size_px: tuple[int, int]
    labels: dict[str, str] = field(default_factory=dict)
    shown: list[str] = field(default_factory=list)
    scale_km: float = 0.0
    warnings: list[str] = field(default_factory=list)


def draw_map(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer], style: MapStyle,
             credits: str) -> Drawing:
    """Draw ``spec``; return SVG and PNG bytes and the labels actually shown."""
    import matplotlib

    with matplotlib.rc_context({**RC, "font.family": style.font_family}):
        return _draw(spec, gaz, layers, style, credits)


def _draw(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer], style: MapStyle,
          credits: str) -> Drawing:
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Paper: the frame, then the credits under it; the frame's stroke stays on the paper.
    dpi, width_mm = style.dpi, spec.size.width_mm
    edge_mm = style.frame.width / PT_PER_MM / 2
    credit_lines = _wrap(credits, style, (width_mm - 2 * edge_mm) * PT_PER_MM)
    line_mm = style.credits.font_size * 1.3 / PT_PER_MM
    band_mm = style.credits.gap_mm + len(credit_lines) * line_mm
    frame_h = None if spec.size.height_mm is None else (
        spec.size.height_mm - band_mm - 2 * edge_mm)
    frame = make_frame(spec, gaz, layers, width_mm - 2 * edge_mm, frame_h)
    height_mm = round(frame.height_mm + band_mm + 2 * edge_mm, 1)
    px = (round(width_mm / MM_PER_INCH * dpi), round(height_mm / MM_PER_INCH * dpi))

    fig = Figure(figsize=(px[0] / dpi, px[1] / dpi), dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((edge_mm / width_mm, (band_mm + edge_mm) / height_mm,
                       frame.width_mm / width_mm, frame.height_mm / height_mm))
    ax.set_xlim(frame.x0, frame.x1)
    ax.set_ylim(frame.y0, frame.y1)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(style.water.fill)
    for spine in ax.spines.values():
        spine.set(linewidth=style.frame.width, edgecolor=style.frame.color, zorder=20)

    forward = frame.transformer()

    def project(geom):
        import shapely

        return shapely.transform(
            geom, lambda c: np.column_stack(forward.transform(c[:, 0], c[:, 1])))

    sheet = Sheet(ax=ax, frame=frame, project=project)
    has_water = draw_basemap(sheet, style)
    entries = draw_layers(sheet, spec, layers, style)
    renderer = canvas.get_renderer()
    drawing = Drawing(svg=b"", png=b"", width_mm=width_mm, height_mm=height_mm,
                      png_size_px=px)

    shown = []  # (place, display x, display y)
    for ref in spec.places:
        place = gaz[ref.name]
        lat, lon = ref.label_at or (place.lat, place.lon)
        x, y = forward.transform(lon, lat)
        if frame.x0 <= x <= frame.x1 and frame.y0 <= y <= frame.y1:
            shown.append((place, *ax.transData.transform((x, y))))
        else:
            drawing.warnings.append(f"map '{spec.id}': '{place.name}' lies outside the map")
    obstacles = Obstacles(frame=tuple(ax.get_window_extent(renderer).extents),
                          lines=sheet.lines, areas=sheet.areas)
    kinds = _draw_symbols(ax, shown, style, obstacles, dpi / 72)

    # The key: symbols, layers, borders, water and the scale bar, in the emptiest corner.
    key = [Entry(style.kinds[k].legend or k.capitalize(), "marker", style.kinds[k])
           for k in PRIORITY if k in kinds]
    # Only what can be seen (maps/visible.py): no "International border" on a map with none.
    in_view = layers_in_view(spec, layers, frame)
    key += [e for name, e in zip(spec.drawn_layers(), entries) if name in in_view]
    if borders_in_view(frame):
        key.append(Entry(style.legend.border_label, "border", style.border))
    if has_water:
        key.append(Entry(style.legend.sea_label, "water"))
    box, drawing.scale_km = build_legend(key, style, frame.metres_per_mm / PT_PER_MM,
                                         frame.width_mm * PT_PER_MM * 0.22)
    legend = place_legend(ax, box, style, renderer, obstacles, [(x, y) for _, x, y in shown])
    obstacles.rects.append(("legend", tuple(legend.get_window_extent(renderer).extents)))

    _draw_labels(ax, shown, sheet, style, obstacles, renderer, drawing, spec.id)
    drawing.shown = [place.name for place, _, _ in shown]

    for i, line in enumerate(credit_lines):
        y_mm = band_mm - style.credits.gap_mm - (i + 0.8) * line_mm
        fig.text(edge_mm / width_mm, y_mm / height_mm, line, fontsize=style.credits.font_size,
                 color=style.credits.color, ha="left", va="baseline", parse_math=False)
    drawing.png, drawing.svg = _save(fig, canvas, width_mm, height_mm, style.font_family)
    return drawing


def _draw_symbols(ax, shown, style: MapStyle, obstacles: Obstacles, pt: float) -> list[str]:
    """A symbol for each point place (an obstacle for labels); the kinds drawn."""
    kinds = []
    for place, dx, dy in shown:
        kind = style.kinds[place.kind]
        if not (place.is_point and kind.marker):
            continue
        x, y = ax.transData.inverted().transform((dx, dy))
        ax.plot([x], [y], marker=kind.marker, markersize=kind.marker_size,
                markerfacecolor=kind.marker_face, markeredgecolor=kind.marker_edge,
                markeredgewidth=kind.marker_edge_width, linestyle="none", zorder=12)
        r = _radius(kind) * pt
        obstacles.rects.append((place.name, (dx - r, dy - r, dx + r, dy + r)))
        if place.kind not in kinds:
            kinds.append(place.kind)
    return kinds


def _radius(kind: KindStyle) -> float:
    return kind.marker_size / 2 + kind.marker_edge_width


def _draw_labels(ax, shown, sheet: Sheet, style: MapStyle, obstacles: Obstacles, renderer,
                 drawing: Drawing, map_id: str) -> None:
    pt = style.dpi / 72
    requests, texts = [], {}
    for place, dx, dy in sorted(shown, key=lambda s: PRIORITY.index(s[0].kind)):
        kind = style.kinds[place.kind]
        text = place.label.upper() if kind.upper else place.label
        point = place.is_point and bool(kind.marker)
        along = nearest_segment(sheet.roads, dx, dy, ALONG_WITHIN_PT * pt) if (
            place.kind in ALONG_KINDS) else None
        variants = [text] if point or along else _variants(text)
        sizes = tuple(_measure(ax, v, kind, renderer) for v in variants)
        requests.append(LabelRequest(
            place.name, dx, dy, point, sizes, _radius(kind) * pt if point else 0.0,
            along=along[0] if along else None,
            offset=((along[1] / 2) if along else 0.0) * pt + pt))
        texts[place.name] = (variants, kind)
    rules = style.labels
    placements = place_labels(requests, obstacles, gap=rules.gap * pt,
                              padding=rules.padding * pt, frame_padding=rules.frame_padding * pt)
    to_data = ax.transData.inverted()
    for placement in placements:
        variants, kind = texts[placement.key]
        text = variants[placement.variant]
        x, y = to_data.transform((placement.x, placement.y))
        common = dict(fontsize=kind.font_size, fontweight=kind.weight, fontstyle=kind.style,
                      ha=placement.ha, va="baseline", multialignment="center",
                      rotation=placement.angle, rotation_mode="anchor", parse_math=False)
        if style.halo.width > 0:
            from matplotlib import patheffects

            # Drawn through a path effect, the halo becomes an outline path in the SVG.
            colour = kind.halo or style.halo.color
            halo = ax.text(x, y, text, color=colour, zorder=14, **common)
            halo.set_path_effects([patheffects.withStroke(linewidth=style.halo.width * 2,
                                                          foreground=colour)])
        ax.text(x, y, text, color=kind.color, zorder=15, **common)
        drawing.labels[placement.key] = text
        if not placement.clean:
            drawing.warnings.append(f"map '{map_id}': the label of '{placement.key}' "
                                    "overlaps another")
    for place, _, _ in shown:
        if place.name not in drawing.labels:
            drawing.warnings.append(f"map '{map_id}': no room for the label of '{place.name}'")


def _measure(ax, text: str, kind: KindStyle, renderer) -> Size:
    artist = ax.text(0, 0, text, fontsize=kind.font_size, fontweight=kind.weight,
                     fontstyle=kind.style, transform=None, ha="center", va="baseline",
                     multialignment="center", parse_math=False)
    ext = artist.get_window_extent(renderer)
    artist.remove()
    return Size(ext.width, ext.height, -ext.y0)


def _variants(text: str) -> list[str]:
    """An area label on one line, and broken in two (before a bracket, or mid-way)."""
    if " (" in text:
        head, _, tail = text.partition(" (")
        return [text, f"{head}\n({tail}"]
    words = text.split(" ")
    if len(words) < 2:
        return [text]
    cut = min(range(1, len(words)),
              key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    return [text, " ".join(words[:cut]) + "\n" + " ".join(words[cut:])]


def _wrap(text: str, style: MapStyle, width_pt: float) -> list[str]:
    """The credits broken into lines no wider than ``width_pt``."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=style.font_family, size=style.credits.font_size)
    measure = TextToPath()
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and measure.get_text_width_height_descent(trial, prop, False)[0] > width_pt:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else lines


def _save(fig, canvas, width_mm: float, height_mm: float, family: str) -> tuple[bytes, bytes]:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    png = _png(canvas, fig.dpi)  # first: saving the SVG redraws the figure at 72 dpi
    svg = io.BytesIO()
    FigureCanvasSVG(fig).print_svg(svg, metadata={"Date": None, "Creator": None})
    return png, _tidy_svg(svg.getvalue(), width_mm, height_mm, family)


def _png(canvas, dpi: float) -> bytes:
    """The Agg raster as an opaque PNG: 8-bit grey when the map is all greys (a third
    of the size), RGB otherwise; with its resolution recorded and nothing else."""
    import numpy as np
    from PIL import Image

    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    grey = bool((rgba[..., 0] == rgba[..., 1]).all() and (rgba[..., 1] == rgba[..., 2]).all())
    image = Image.fromarray(rgba[..., 0] if grey else np.ascontiguousarray(rgba[..., :3]),
                            "L" if grey else "RGB")
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def _tidy_svg(svg: bytes, width_mm: float, height_mm: float, family: str) -> bytes:
    """Size the SVG in millimetres, give its text a generic fallback font, trim numbers."""
    text = svg.decode("utf-8")
    text = re.sub(r'width="[0-9.]+pt" height="[0-9.]+pt"',
                  f'width="{width_mm:g}mm" height="{height_mm:g}mm"', text, count=1)
    text = text.replace(f"font-family: '{family}'", f"font-family: '{family}', sans-serif")
    # A hundredth of a point is plenty; matplotlib writes millionths (a third of the bytes).
    number = re.compile(r"-?\d+\.\d{3,}")
    text = re.sub(r' d="[^"]*"', lambda m: number.sub(lambda n: f"{float(n.group()):.2f}",
                                                       m.group()), text)
    return text.encode("utf-8")
