"""Drawing one map as SVG: features, symbols, key, labels, credits; PNG copies from it.

The SVG is written directly (``svg.py``): no plotting library. pyproj, shapely and
numpy are imported inside functions only, so importing ``exporter.maps`` stays
cheap. Output is deterministic: fixed ids, rounded numbers, no dates. Every word on
the map (labels, the key, the scale bar) is shaped once with HarfBuzz in the map font
(``shaping.py``: DejaVu Sans from the system's font files), measured from that shaping
and, by default, written as glyph outlines with a halo, a stroked copy drawn under it:
the PNG copies (``raster.py``) and the PDF then draw the same shapes, in any script.
``outlines=False`` writes real ``<text>`` instead, for a browser to shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .features import Sheet, draw_basemap, draw_layers, nearest_segment
from .labels import LabelRequest, Obstacles, Size, choose_corner, place_labels
from .legend import Entry, build_legend, draw_legend, marker
from .projection import make_frame
from .svg import Canvas, attrs
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
#: Labels of these kinds follow a line layer drawn within this many points.
ALONG_KINDS, ALONG_WITHIN_PT = ("road", "river"), 40.0


@dataclass
class Drawing:
    """What was drawn: the SVG, the size of its print raster, what ended up on the map."""

    svg: bytes
    width_mm: float
    height_mm: float
    png_size_px: tuple[int, int]
    labels: dict[str, str] = field(default_factory=dict)
    shown: list[str] = field(default_factory=list)
    scale_km: float = 0.0
    warnings: list[str] = field(default_factory=list)
    #: The key's rows, as words (the screen version shows them as text beside the map).
    key: list[str] = field(default_factory=list)
    #: How far the map reaches from west to east, in km (for the screen version's key).
    across_km: float = 0.0


def draw_map(spec: MapSpec, gaz: Gazetteer, layers: dict[str, Layer], style: MapStyle,
             title: str = "", screen: bool = False, outlines: bool = True,
             words=None) -> Drawing:
    """Draw ``spec``; return the SVG and the labels actually shown (the PNG copies are
    made from the SVG by ``raster.MapRasters``).

    The credits are not drawn: every edition sets them once, as text, in the map's
    caption. ``screen``: the version for small screens: no key inside the image (the
    EPUB sets it as text beside the map), and labels that find no room are left out
    without a warning (the print version names them). ``outlines``: words as glyph
    outlines (for cairosvg and WeasyPrint, which do not shape complex scripts); False
    writes ``<text>`` for a browser to shape.
    """
    import numpy as np

    from .fonts import font_files

    font_files(style.font_family)  # a missing font is one clear error, before any drawing

    # Display units: pixels at the style's dpi, y up from the paper's bottom edge.
    dpi, width_mm = style.dpi, spec.size.width_mm
    pt, per_mm = dpi / 72, dpi / MM_PER_INCH
    # Paper: the frame; its stroke stays on the paper.
    edge_mm = style.frame.width / PT_PER_MM / 2
    band_mm = 0.0
    frame_h = None if spec.size.height_mm is None else (
        spec.size.height_mm - band_mm - 2 * edge_mm)
    frame = make_frame(spec, gaz, layers, width_mm - 2 * edge_mm, frame_h)
    height_mm = round(frame.height_mm + band_mm + 2 * edge_mm, 1)
    px = (round(width_mm / MM_PER_INCH * dpi), round(height_mm / MM_PER_INCH * dpi))

    canvas = Canvas(width_mm * per_mm, height_mm * per_mm, width_mm, height_mm)
    fx0, fy0 = edge_mm * per_mm, (band_mm + edge_mm) * per_mm
    fx1, fy1 = fx0 + frame.width_mm * per_mm, fy0 + frame.height_mm * per_mm
    sx, sy = (fx1 - fx0) / (frame.x1 - frame.x0), (fy1 - fy0) / (frame.y1 - frame.y0)
    forward = frame.transformer()

    def project(geom):
        import shapely

        return shapely.transform(
            geom, lambda c: np.column_stack(forward.transform(c[:, 0], c[:, 1])))

    sheet = Sheet(canvas=canvas, frame=frame, project=project, pt=pt,
                  affine=(sx, fx0 - frame.x0 * sx, sy, fy0 - frame.y0 * sy))
    canvas.add(f"<rect{attrs(width=canvas.width, height=canvas.height, fill='#ffffff')}/>")
    clip = canvas.clip_rect(fx0, fy0, fx1, fy1)
    canvas.open("map", clip_path=f"url(#{clip})")
    canvas.add(f"<rect{attrs(x=fx0, y=canvas.y(fy1), width=fx1 - fx0, height=fy1 - fy0, fill=style.water.fill)}/>")
    has_water, borders = draw_basemap(sheet, style)
    entries = draw_layers(sheet, spec, layers, style, borders)
    drawing = Drawing(svg=b"", width_mm=width_mm, height_mm=height_mm, png_size_px=px)

    shown = []  # (place, display x, display y)
    for ref in spec.places:
        place = gaz[ref.name]
        lat, lon = ref.label_at or (place.lat, place.lon)
        x, y = forward.transform(lon, lat)
        if frame.x0 <= x <= frame.x1 and frame.y0 <= y <= frame.y1:
            shown.append((place, *sheet.point(x, y)))
        else:
            drawing.warnings.append(f"map '{spec.id}': '{place.name}' lies outside the map")
    obstacles = Obstacles(frame=(fx0, fy0, fx1, fy1), lines=sheet.lines, areas=sheet.areas)
    kinds = _draw_symbols(canvas, shown, style, obstacles, pt)

    # The key: symbols, layers, borders, water and the scale bar, in the emptiest corner.
    # The key's words in the map's language (``words``: the article's ``i18n.Words``).
    _ = words if words is not None else (lambda text: text)
    key = [Entry(_(style.kinds[k].legend or k.capitalize()), "marker", style.kinds[k])
           for k in PRIORITY if k in kinds]
    # Only what can be seen (maps/visible.py): no "International border" on a map with none.
    in_view = layers_in_view(spec, layers, frame)
    key += [e for name, e in zip(spec.drawn_layers(), entries) if name in in_view]
    if borders_in_view(frame):
        key.append(Entry(_(style.legend.border_label), "border", style.border))
    if has_water:
        key.append(Entry(_(style.legend.sea_label), "water"))
    legend = build_legend(key, style, frame.metres_per_mm / PT_PER_MM,
                          frame.width_mm * PT_PER_MM * 0.22, words)
    if not screen:
        drawing.warnings += [f"map '{spec.id}': {w}" for w in legend.warnings]
    drawing.scale_km = legend.bar_km
    drawing.key = [entry.label for entry in key]
    drawing.across_km = frame.width_mm * frame.metres_per_mm / 1000
    w, h = (0, 0) if screen else (legend.width * pt, legend.height * pt)
    corners = [(fx0, fy0, fx0 + w, fy0 + h), (fx1 - w, fy0, fx1, fy0 + h),
               (fx0, fy1 - h, fx0 + w, fy1), (fx1 - w, fy1 - h, fx1, fy1)]
    box = corners[choose_corner(corners, [(x, y) for _, x, y in shown], obstacles)]
    if not screen:
        obstacles.rects.append(("legend", box))

    _draw_labels(canvas, shown, sheet, style, obstacles, drawing, spec.id, gaz, outlines)
    drawing.shown = [place.name for place, _, _ in shown]
    if screen:  # fewer labels where crowded: that is the point of this version
        drawing.warnings = [w for w in drawing.warnings if "the label of" not in w]
    else:
        draw_legend(canvas, legend, style, box[0], box[3], pt, outlines)
    canvas.close()
    canvas.add(f"<rect id=\"frame\"{attrs(x=fx0, y=canvas.y(fy1), width=fx1 - fx0, height=fy1 - fy0, fill='none', stroke=style.frame.color, stroke_width=style.frame.width * pt)}/>")

    drawing.svg = canvas.to_bytes(title=title)
    return drawing


def _draw_symbols(canvas: Canvas, shown, style: MapStyle, obstacles: Obstacles,
                  pt: float) -> list[str]:
    """A symbol for each point place (an obstacle for labels); the kinds drawn."""
    kinds = []
    canvas.open("places")
    for place, dx, dy in shown:
        kind = style.kinds[place.kind]
        if not (place.is_point and kind.marker):
            continue
        canvas.add(marker(kind, dx, canvas.y(dy), pt))
        r = _radius(kind) * pt
        obstacles.rects.append((place.name, (dx - r, dy - r, dx + r, dy + r)))
        if place.kind not in kinds:
            kinds.append(place.kind)
    canvas.close()
    return kinds


def _radius(kind: KindStyle) -> float:
    return kind.marker_size / 2 + kind.marker_edge_width


def _label(place, kind: KindStyle, family: str) -> tuple[str, list[str | None]]:
    """The text of a place's label and the language of each of its characters; in
    upper case where the kind asks for it and the font has the capitals."""
    from .shaping import faces, upper

    can_draw = faces(family, kind.weight, kind.style).covers
    text, langs = "", []
    for part, lang in place.label_parts():
        if kind.upper:
            part = upper(part, lang, can_draw)
        text += part
        langs += [lang] * len(part)
    return text, langs


def _draw_labels(canvas: Canvas, shown, sheet: Sheet, style: MapStyle, obstacles: Obstacles,
                 drawing: Drawing, map_id: str, gaz: Gazetteer, outlines: bool = True) -> None:
    from .shaping import LINE_SPACING, shape

    pt = sheet.pt
    family = style.font_family
    requests, texts = [], {}
    for place, dx, dy in sorted(shown, key=lambda s: PRIORITY.index(s[0].kind)):
        kind = style.kinds[place.kind]
        text, langs = _label(place, kind, family)
        point = place.is_point and bool(kind.marker)
        along = nearest_segment(sheet.roads, dx, dy, ALONG_WITHIN_PT * pt) if (
            place.kind in ALONG_KINDS) else None
        # The variants keep the text's length (a space becomes a line break), so the
        # languages still line up with the characters.
        variants = [text] if point or along else _variants(text)
        shaped = [shape(v, family, kind.weight, kind.style, langs) for v in variants]
        if shaped[0].missing:
            drawing.warnings.append(
                f"map '{map_id}': the map font ({family}) has no glyph for "
                f"{_named(shaped[0].missing)} in the label of '{place.name}' "
                f"({gaz.where(place.name)}); left out of the map")
        sizes = tuple(Size(*(v * pt for v in s.size(kind.font_size))) for s in shaped)
        requests.append(LabelRequest(
            place.name, dx, dy, point, sizes, _radius(kind) * pt if point else 0.0,
            along=along[0] if along else None,
            offset=((along[1] / 2) if along else 0.0) * pt + pt))
        texts[place.name] = (shaped, kind)
    rules = style.labels
    placements = place_labels(requests, obstacles, gap=rules.gap * pt,
                              padding=rules.padding * pt, frame_padding=rules.frame_padding * pt)
    anchors = {"left": "start", "center": "middle", "right": "end"}
    canvas.open("labels")
    for placement in placements:
        shaped, kind = texts[placement.key]
        label = shaped[placement.variant]
        halo = (kind.halo or style.halo.color, style.halo.width * 2 * pt)
        common = dict(colour=kind.color, anchor=anchors[placement.ha], angle=placement.angle,
                      halo=halo, line_height=kind.font_size * LINE_SPACING * pt)
        if outlines:
            canvas.label(label, placement.x, placement.y, size=kind.font_size * pt, **common)
        else:
            canvas.text(placement.x, placement.y, label.drawable_text,
                        size=kind.font_size * pt, family=family, weight=kind.weight,
                        style=kind.style, rtl=label.rtl, **common)
        drawing.labels[placement.key] = label.text
        if not placement.clean:
            drawing.warnings.append(f"map '{map_id}': the label of '{placement.key}' "
                                    "overlaps another")
    canvas.close()
    for place, _, _ in shown:
        if place.name not in drawing.labels:
            drawing.warnings.append(f"map '{map_id}': no room for the label of '{place.name}'")


def _named(chars) -> str:
    """'\u10f2' (U+10F2 GEORGIAN LETTER HAR), ... for a warning."""
    import unicodedata

    return ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars)


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
