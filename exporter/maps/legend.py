"""The key of a map: symbols, layers, borders, water, and a scale bar in km.

Laid out in points, its words shaped and measured in the map font (``shaping.py``) and
drawn as glyph outlines like the labels (or as ``<text>``), written as one SVG group;
the renderer puts it in the corner where it hides least.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .svg import attrs, dash_array, num

if TYPE_CHECKING:
    from .style import KindStyle, MapStyle
    from .svg import Canvas

SYMBOL_W, ROW_H = 16.0, 8.0  # points
SYMBOL_SEP, ROW_SEP = 4.0, 2.5


@dataclass(frozen=True)
class Entry:
    """One row of the key: what to draw and what to call it."""

    label: str
    kind: str  # "marker", "area", "line", "border", "water"
    style: object = None


@dataclass
class Legend:
    """The laid-out key: its size in points and how to draw it."""

    width: float
    height: float
    rows: list[tuple[Entry, float]] = field(default_factory=list)  # entry, top (pt)
    bar_top: float = 0.0
    bar_km: float = 0.0
    bar_length: float = 0.0
    #: The scale bar's words in the map's language: "0", the half and "N km".
    bar_labels: tuple[str, str, str] = ("0", "", "")
    #: Words of the key with characters the map font cannot draw (left out).
    warnings: list[str] = field(default_factory=list)


def nice_length(max_km: float) -> float:
    """The longest 1, 2 or 5 x 10^n km not above ``max_km``."""
    exp = 10 ** math.floor(math.log10(max_km))
    return max(m * exp for m in (1, 2, 5) if m * exp <= max_km)


def _km(value: float, _=None) -> str:
    if _ is None:
        return f"{value:g}"
    return _.number(int(value) if value == int(value) else value)


def _scale_end(_, number: str) -> str:
    # TRANSLATORS: the end of a map's scale bar ("20 km").
    return _("{n} km", n=number)


def key_words(_) -> list[str]:
    """The built-in key's words (styles/maps.yml) in the map's language; spelled out so
    that the catalogue's extraction finds them. A house style's own words are kept."""
    return [_("Capital"), _("City"), _("Town"), _("Village"), _("Mountain"), _("Crossing"),
            _("Incident"), _("Site"), _("Checkpoint"), _("Sea, lake"),
            _("International border")]


def build_legend(entries: list[Entry], style: MapStyle, metres_per_point: float,
                 max_bar_points: float, words=None) -> Legend:
    """The key laid out (sizes in points), with a scale bar of a round number of km;
    its words in the language of ``words`` (``i18n.Words``; English without)."""
    from .shaping import shape

    if words is None:
        from ..i18n import words as language

        words = language("en")

    lg, sb = style.legend, style.scale_bar
    pad = lg.padding
    y, width = pad, 0.0
    rows = []
    warnings = []
    for entry in entries:
        shaped = shape(entry.label, style.font_family)
        if shaped.missing:
            warnings.append(f"the map font ({style.font_family}) has no glyph for "
                            + ", ".join(f"'{c}' (U+{ord(c):04X})" for c in shaped.missing)
                            + f" in the key's '{entry.label}'; left out of the map")
        text_w, text_h, _ = shaped.size(lg.font_size)
        row_h = max(ROW_H, text_h)
        rows.append((entry, y + (row_h - ROW_H) / 2))
        width = max(width, SYMBOL_W + SYMBOL_SEP + text_w)
        y += row_h + ROW_SEP
    km = nice_length(max_bar_points * metres_per_point / 1000)
    length = km * 1000 / metres_per_point
    labels = (words.number(0), _km(km / 2, words), _scale_end(words, _km(km, words)))
    end = shape(labels[2], style.font_family).size(sb.font_size)[0]
    half = shape(_km(km, words), style.font_family).size(sb.font_size)[0] / 2
    bar_w = length - half + end
    bar_h = sb.font_size * 1.25 + 1.5 + sb.height
    width = max(width, bar_w)
    return Legend(width=width + 2 * pad, height=y + bar_h + pad, rows=rows, bar_top=y,
                  bar_km=km, bar_length=length, warnings=warnings, bar_labels=labels)


def draw_legend(canvas: Canvas, legend: Legend, style: MapStyle, left: float, top: float,
                pt: float, outlines: bool = True) -> None:
    """Write the key with its top-left corner at (left, top) in display units (y up);
    its words as glyph outlines, or as ``<text>`` (``outlines`` False)."""
    lg = style.legend
    ox, oy = left, canvas.y(top)  # SVG coordinates of the corner

    def at(x_pt: float, y_pt: float) -> tuple[str, str]:
        return num(ox + x_pt * pt), num(oy + y_pt * pt)

    canvas.open("legend", font_family=None if outlines else f"{style.font_family}, sans-serif")
    w, h = legend.width * pt, legend.height * pt
    canvas.add(f"<rect{attrs(x=ox, y=oy, width=w, height=h, fill=lg.background, stroke=lg.edge.color, stroke_width=lg.edge.width * pt)}/>")
    pad = lg.padding
    for entry, top_pt in legend.rows:
        canvas.open(None, class_="entry")
        _symbol(canvas, entry, style, ox + pad * pt, oy + top_pt * pt, pt)
        x, y = at(pad + SYMBOL_W + SYMBOL_SEP, top_pt + ROW_H / 2 + lg.font_size * 0.36)
        _words(canvas, entry.label, float(x), float(y), lg.font_size * pt, style, outlines)
        canvas.close()
    _scale_bar(canvas, legend, style, ox + pad * pt, oy + legend.bar_top * pt, pt, outlines)
    canvas.close()


def _words(canvas: Canvas, text: str, x: float, y: float, size: float, style: MapStyle,
           outlines: bool, anchor: str = "start") -> None:
    """Words of the key at (x, y) in SVG units (y down), baseline there, no halo."""
    from .shaping import shape

    shaped = shape(text, style.font_family)
    if outlines:
        canvas.label(shaped, x, canvas.y(y), size=size, anchor=anchor)
        return
    canvas.add(f"<text{attrs(x=x, y=y, font_size=size, direction='rtl' if shaped.rtl else None, text_anchor=None if anchor == 'start' else anchor)}>"
               f"{_escape(shaped.drawable_text)}</text>")


def _escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def _symbol(canvas: Canvas, entry: Entry, style: MapStyle, x: float, y: float,
            pt: float) -> None:
    """One key symbol in the box SYMBOL_W x ROW_H whose top-left is (x, y), SVG units."""
    mid = y + ROW_H / 2 * pt
    if entry.kind == "marker":
        canvas.add(marker(entry.style, x + SYMBOL_W / 2 * pt, mid, pt))
    elif entry.kind in ("area", "water"):
        box = dict(x=x + 0.5 * pt, y=y + 0.8 * pt, width=(SYMBOL_W - 1) * pt,
                   height=(ROW_H - 1.6) * pt)
        if entry.style is None:  # water
            canvas.add(f"<rect{attrs(**box, fill=style.water.fill, stroke=style.coast.color, stroke_width=style.coast.width * pt)}/>")
            return
        look = entry.style
        fill = look.fill or "none"
        if look.hatch:
            if look.fill:
                canvas.add(f"<rect{attrs(**box, fill=look.fill)}/>")
            fill = "url(#%s)" % canvas.hatch(look.hatch, look.hatch_color, look.hatch_width * pt,
                                             pt * 72)
        width = look.edge.width * pt
        canvas.add(f"<rect{attrs(**box, fill=fill, stroke=look.edge.color, stroke_width=width, stroke_dasharray=dash_array(look.edge.dashes, width))}/>")
    else:
        strokes = [entry.style.casing, entry.style.stroke] if entry.kind == "line" else [
            entry.style]
        for stroke in strokes:
            if stroke is None:
                continue
            width = stroke.width * pt
            canvas.add(f"<path d=\"M{num(x)} {num(mid)}H{num(x + SYMBOL_W * pt)}\""
                       f"{attrs(fill='none', stroke=stroke.color, stroke_width=width, stroke_dasharray=dash_array(stroke.dashes, width))}/>")


def marker(kind: KindStyle, x: float, y: float, pt: float) -> str:
    """A point symbol centred on (x, y) in SVG units; ``marker_size`` is its width in points,
    as matplotlib's markersize."""
    r = kind.marker_size / 2 * pt
    paint = attrs(fill=kind.marker_face, stroke=kind.marker_edge,
                  stroke_width=kind.marker_edge_width * pt if kind.marker_edge_width else None)
    if kind.marker == "o":
        return f"<circle{attrs(cx=x, cy=y, r=r)}{paint}/>"
    if kind.marker == "s":
        return f"<rect{attrs(x=x - r, y=y - r, width=2 * r, height=2 * r)}{paint}/>"
    if kind.marker == "D":  # matplotlib's: a square of side ``size`` turned on its corner
        d = r * math.sqrt(2)
        points = [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]
    elif kind.marker == "^":
        points = [(x, y - r), (x + r, y + r), (x - r, y + r)]
    elif kind.marker == "v":
        points = [(x, y + r), (x + r, y - r), (x - r, y - r)]
    else:  # anything else: a circle
        return f"<circle{attrs(cx=x, cy=y, r=r)}{paint}/>"
    coords = " ".join(f"{num(px)},{num(py)}" for px, py in points)
    return f"<polygon points=\"{coords}\"{paint}/>"


def _scale_bar(canvas: Canvas, legend: Legend, style: MapStyle, x: float, y: float,
               pt: float, outlines: bool = True) -> None:
    """The bar (alternating black and white parts) under its 0 / half / N km labels."""
    sb = style.scale_bar
    km, length = legend.bar_km, legend.bar_length * pt
    parts = 4 if (km / 4) == int(km / 4) or km < 4 else 2
    text_h = sb.font_size * 1.25 * pt
    bar_y = y + text_h + 1.5 * pt
    canvas.open("scale-bar")
    for i in range(parts):
        canvas.add(f"<rect{attrs(x=x + i * length / parts, y=bar_y, width=length / parts, height=sb.height * pt, fill='#000000' if i % 2 == 0 else '#ffffff', stroke='#000000', stroke_width=sb.line_width * pt)}/>")
    base = bar_y - 1.5 * pt - sb.font_size * 0.25 * pt
    size = sb.font_size * pt
    zero, middle, end = legend.bar_labels
    _words(canvas, zero, x, base, size, style, outlines, "middle")
    _words(canvas, middle, x + length / 2, base, size, style, outlines, "middle")
    # "N km" starts half its number's width before the end, so "N" sits on the tick.
    from .shaping import shape

    number = end.split(" ")[0] if " " in end else end
    half = shape(number, style.font_family).size(sb.font_size)[0] / 2 * pt
    _words(canvas, end, x + length - half, base, size, style, outlines)
    canvas.close()
