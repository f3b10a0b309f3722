"""The key of a map: symbols, layers, borders, water, and a scale bar in km.

Built from matplotlib offset boxes so it measures itself; the renderer puts it
in the corner where it hides least.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .style import AreaStyle, LineStyle, MapStyle

SYMBOL_W, ROW_H = 16.0, 8.0  # points


@dataclass(frozen=True)
class Entry:
    """One row of the key: what to draw and what to call it."""

    label: str
    kind: str  # "marker", "area", "line", "border", "water"
    style: object = None


def nice_length(max_km: float) -> float:
    """The longest 1, 2 or 5 x 10^n km not above ``max_km``."""
    exp = 10 ** math.floor(math.log10(max_km))
    return max(m * exp for m in (1, 2, 5) if m * exp <= max_km)


def _symbol(entry: Entry, style: MapStyle):
    from matplotlib.lines import Line2D
    from matplotlib.offsetbox import DrawingArea
    from matplotlib.patches import Rectangle

    area = DrawingArea(SYMBOL_W, ROW_H, 0, 0)
    mid = ROW_H / 2
    if entry.kind == "marker":
        kind = entry.style
        area.add_artist(Line2D([SYMBOL_W / 2], [mid], marker=kind.marker,
                               markersize=kind.marker_size, markerfacecolor=kind.marker_face,
                               markeredgecolor=kind.marker_edge,
                               markeredgewidth=kind.marker_edge_width, linestyle="none"))
    elif entry.kind in ("area", "water"):
        spec: AreaStyle | None = entry.style
        if spec is None:  # water
            patch = Rectangle((0.5, 0.8), SYMBOL_W - 1, ROW_H - 1.6,
                              facecolor=style.water.fill, edgecolor=style.coast.color,
                              linewidth=style.coast.width)
        else:
            patch = Rectangle((0.5, 0.8), SYMBOL_W - 1, ROW_H - 1.6,
                              facecolor=spec.fill or "none", edgecolor=spec.edge.color,
                              linewidth=spec.edge.width, hatch=spec.hatch,
                              linestyle=_dashes(spec.edge.dashes))
            if spec.hatch:
                patch.set_hatchcolor(spec.hatch_color)
                patch.set_hatch_linewidth(spec.hatch_width)
        area.add_artist(patch)
    else:
        line: LineStyle = entry.style
        strokes = [line.casing, line.stroke] if entry.kind == "line" else [entry.style]
        for stroke in strokes:
            if stroke is None:
                continue
            area.add_artist(Line2D([0, SYMBOL_W], [mid, mid], color=stroke.color,
                                   linewidth=stroke.width, linestyle=_dashes(stroke.dashes),
                                   solid_capstyle="butt", dash_capstyle="butt"))
    return area


def _dashes(dashes):
    return (0, tuple(dashes)) if dashes else "solid"


def scale_bar(style: MapStyle, metres_per_point: float, max_points: float):
    """A bar of a round number of km, at most ``max_points`` long, labelled 0 ... N km."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.offsetbox import DrawingArea
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text
    from matplotlib.textpath import TextToPath

    sb = style.scale_bar
    km = nice_length(max_points * metres_per_point / 1000)
    length = km * 1000 / metres_per_point
    parts = 4 if (km / 4) == int(km / 4) or km < 4 else 2
    text_h = sb.font_size * 1.25
    area = DrawingArea(length + 30, sb.height + text_h + 2, 0, 0)
    for i in range(parts):
        area.add_artist(Rectangle((i * length / parts, 0), length / parts, sb.height,
                                  facecolor="#000000" if i % 2 == 0 else "#ffffff",
                                  edgecolor="#000000", linewidth=sb.line_width))
    # "N km" starts half its number's width before the end, so "N" sits on the tick.
    prop = FontProperties(family=style.font_family, size=sb.font_size)
    half = TextToPath().get_text_width_height_descent(_km(km), prop, False)[0] / 2
    marks = [(0, "0", "center"), (length / 2, _km(km / 2), "center"),
             (length - half, f"{_km(km)} km", "left")]
    for x, text, ha in marks:
        area.add_artist(Text(x, sb.height + 1.5, text, fontsize=sb.font_size,
                             family=style.font_family, ha=ha, va="bottom", parse_math=False))
    return area, km


def _km(value: float) -> str:
    return f"{value:g}"


def build_legend(entries: list[Entry], style: MapStyle, metres_per_point: float,
                 max_bar_points: float):
    """The packed key (an offset box) and the scale bar's length in km."""
    from matplotlib.offsetbox import HPacker, TextArea, VPacker

    lg = style.legend
    rows = []
    for entry in entries:
        text = TextArea(entry.label, textprops={"fontsize": lg.font_size,
                                                "family": style.font_family,
                                                "parse_math": False})
        rows.append(HPacker(children=[_symbol(entry, style), text], pad=0,
                            sep=4, align="center"))
    bar, km = scale_bar(style, metres_per_point, max_bar_points)
    rows.append(bar)
    return VPacker(children=rows, pad=0, sep=2.5, align="left"), km


def place_legend(ax, box, style: MapStyle, renderer, obstacles, points):
    """Add the key to ``ax`` in the corner where it hides the fewest places and lines."""
    from matplotlib.offsetbox import AnchoredOffsetbox

    from .labels import choose_corner

    lg = style.legend
    legend = AnchoredOffsetbox(loc="upper left", child=box, pad=lg.padding / lg.font_size,
                               borderpad=0.0, frameon=True, prop={"size": lg.font_size})
    legend.patch.set_facecolor(lg.background)
    legend.patch.set_edgecolor(lg.edge.color)
    legend.patch.set_linewidth(lg.edge.width)
    legend.patch.set_boxstyle("square", pad=0)
    legend.set_zorder(18)
    ax.add_artist(legend)
    corners = ["lower left", "lower right", "upper left", "upper right"]
    boxes = []
    for corner in corners:
        legend.loc = AnchoredOffsetbox.codes[corner]
        boxes.append(tuple(legend.get_window_extent(renderer).extents))
    best = choose_corner(boxes, points, obstacles)
    legend.loc = AnchoredOffsetbox.codes[corners[best]]
    return legend
