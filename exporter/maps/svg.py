"""A small SVG writer for maps: groups, paths from geometry, symbols, hatching, labels.

Coordinates are "display units" (pixels at the style's dpi, y up from the bottom of
the paper, as the label placer works); ``Canvas`` turns them into SVG user units
(same scale, y down). The document is sized in millimetres, so it prints at its
true size. Output is deterministic: fixed ids, numbers rounded to a tenth of a unit.

Labels are glyph outlines (``label``): shaped by HarfBuzz (``shaping.py``), each glyph's
outline defined once in ``<defs>`` and placed with ``<use>``, the words kept in the
label group's ``aria-label`` and ``<title>``. Neither renderer that draws these maps
(cairosvg for the PNG copies, WeasyPrint for the PDF) shapes complex scripts, so
``<text>`` would print Persian reversed and unjoined. ``text`` writes real ``<text>``
instead, for browsers, which shape it themselves. Either way the halo is a stroked copy
drawn *under* the fill, not ``paint-order``: WeasyPrint's SVG renderer ignores
paint-order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    import numpy as np

    from .shaping import Shaped

NS = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
#: Units per em of label outlines in the SVG.
OUTLINE_UNITS = 512


def num(value: float) -> str:
    """A coordinate to a tenth of a unit, without trailing zeros."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def attrs(**values) -> str:
    """ `` name="value"`` pairs; underscores become hyphens, None is left out."""
    out = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = num(value)
        out.append(f" {name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}")
    return "".join(out)


def dash_array(dashes, width: float) -> str | None:
    """SVG dashes for a matplotlib-style pattern (lengths in line widths)."""
    if not dashes:
        return None
    return " ".join(num(d * width) for d in dashes)


def _placed(outline: str, dx: float, dy: float) -> str:
    """A glyph's path data (relative, from the origin) moved by (dx, dy) font units: its
    first move made absolute; everything after it is relative and moves with it."""
    import re

    first = re.match(r"m(-?\d+) ?(-?\d+)", outline)
    x, y = int(first.group(1)) + round(dx), int(first.group(2)) + round(dy)
    return f"M{x} {y}" + outline[first.end():]


class Canvas:
    """An SVG document being written, in display units (y up)."""

    def __init__(self, width_px: float, height_px: float, width_mm: float, height_mm: float):
        self.width, self.height = width_px, height_px
        self.size_mm = (width_mm, height_mm)
        self.defs: list[str] = []
        self.parts: list[str] = []
        self._ids: dict[str, str] = {}

    def y(self, y: float) -> float:
        return self.height - y

    def open(self, id_: str | None = None, **style) -> None:
        self.parts.append(f"<g{attrs(id=id_, **style)}>")

    def close(self) -> None:
        self.parts.append("</g>")

    def add(self, element: str) -> None:
        self.parts.append(element)

    def define(self, key: str, element_for_id) -> str:
        """Add a ``<defs>`` entry once (made by ``element_for_id(id)``); its id."""
        if key not in self._ids:
            self._ids[key] = id_ = f"d{len(self._ids) + 1}"
            self.defs.append(element_for_id(id_))
        return self._ids[key]

    def path_data(self, rings: list[np.ndarray], closed: bool) -> str:
        """``d`` for polylines given as arrays [n, 2] of display coordinates."""
        out = []
        for ring in rings:
            if len(ring) < 2:
                continue
            xs, ys = ring[:, 0], self.height - ring[:, 1]
            pts = [f"{num(x)} {num(y)}" for x, y in zip(xs.tolist(), ys.tolist())]
            # Drop repeats that rounding made (a third of a simplified coastline's points).
            kept = [pts[0]] + [p for prev, p in zip(pts, pts[1:]) if p != prev]
            if closed and len(kept) > 1 and kept[-1] == kept[0]:
                kept.pop()
            if len(kept) < 2:
                continue
            out.append("M" + kept[0] + "L" + " ".join(kept[1:]) + ("Z" if closed else ""))
        return "".join(out)

    def hatch(self, pattern: str, colour: str, width: float, scale: float) -> str:
        """A pattern id for a matplotlib-style hatch ("////", "\\\\", "xx", "--", "||").

        Each character adds three lines per inch (``scale`` display units per inch), as
        the maps had them when matplotlib drew them at 300 dpi. The pattern has no
        background (draw the fill underneath): a filled tile leaves seams at its edges.
        Diagonals are a turned tile with its lines through the middle, for the same reason.
        """
        def make(id_: str) -> str:
            ne = pattern.count("/") + pattern.count("x") + pattern.count("X")
            nw = pattern.count("\\") + pattern.count("x") + pattern.count("X")
            count = max(ne, nw, pattern.count("-"), pattern.count("|"), 1)
            step = scale / (3 * count)
            if ne or nw:
                step /= 2 ** 0.5  # the horizontal spacing above, measured across the lines
                across, along = bool(ne), bool(nw)
                turn = f"rotate({-45 if ne else 45})"
            else:
                across, along, turn = "-" in pattern, "|" in pattern, None
            stroke = attrs(stroke=colour, stroke_width=width, fill="none")
            body = ""
            if across:
                body += f"<path d=\"M0 {num(step / 2)}H{num(step)}\"{stroke}/>"
            if along:
                body += f"<path d=\"M{num(step / 2)} 0V{num(step)}\"{stroke}/>"
            box = attrs(id=id_, patternUnits="userSpaceOnUse", width=step, height=step,
                        patternTransform=turn)
            return f"<pattern{box}>{body}</pattern>"

        return self.define(f"hatch:{pattern}:{colour}:{width}", make)

    def clip_rect(self, x0: float, y0: float, x1: float, y1: float) -> str:
        """A clip path id for a rectangle (display units)."""
        rect = attrs(x=x0, y=self.y(y1), width=x1 - x0, height=y1 - y0)
        return self.define(f"clip:{x0}:{y0}:{x1}:{y1}",
                           lambda id_: f"<clipPath id=\"{id_}\"><rect{rect}/></clipPath>")

    def text(self, x: float, y: float, text: str, *, size: float, family: str,
             weight: str = "normal", style: str = "normal", colour: str = "#000000",
             anchor: str = "start", angle: float = 0.0, halo: tuple[str, float] | None = None,
             line_height: float = 0.0, rtl: bool = False) -> None:
        """A label as ``<text>``, its last line's baseline at (x, y); lines split on
        newlines. For a renderer that shapes text itself (a browser): see ``label``.

        ``halo`` (colour, width) draws a stroked copy first, so it lies under the text.
        ``anchor`` is the side of the line at x ("start" the left); a right-to-left label
        (``rtl``) says so, and its start is its right end.
        """
        lines = text.split("\n")
        sy = self.y(y)
        if rtl:
            anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
        font = attrs(font_family=f"{family}, sans-serif", font_size=size,
                     font_weight=None if weight == "normal" else weight,
                     font_style=None if style == "normal" else style,
                     direction="rtl" if rtl else None,
                     text_anchor=None if anchor == "start" else anchor)
        rotate = f"rotate({num(-angle)} {num(x)} {num(sy)})" if angle else None
        self.parts.append(f"<g{attrs(transform=rotate)}{font}>" if (rotate or font) else "<g>")
        layers = []
        if halo is not None and halo[1] > 0:
            layers.append(attrs(fill="none", stroke=halo[0], stroke_width=halo[1],
                                stroke_linejoin="round", aria_hidden="true", class_="halo"))
        layers.append(attrs(fill=colour))
        for paint in layers:
            for i, line in enumerate(lines):
                ly = sy - (len(lines) - 1 - i) * line_height
                self.parts.append(f"<text{attrs(x=x, y=ly)}{paint}>{escape(line)}</text>")
        self.parts.append("</g>")

    def label(self, shaped: Shaped, x: float, y: float, *, size: float,
              colour: str = "#000000", anchor: str = "start", angle: float = 0.0,
              halo: tuple[str, float] | None = None, line_height: float = 0.0,
              words: str | None = None) -> None:
        """A shaped label as glyph outlines, its last line's baseline at (x, y); ``size``
        is the em in display units.

        The glyphs' outlines, each put at its place, make one path in ``<defs>`` (in font
        units under one transform: short numbers). The label is a group named by
        ``aria-label`` and a ``<title>`` (``words``, default the label's text) that draws
        that path twice: stroked for the halo (``aria-hidden``), then filled. One path
        per label, not one element per glyph: both renderers spend their time per
        element (per-glyph ``<use>`` doubled the time cairosvg and WeasyPrint took).
        """
        from .shaping import glyph_path

        words = shaped.text.replace("\n", " ") if words is None else words
        # Outlines on a grid of OUTLINE_UNITS per em: a 512th of a 9.5 pt em is 0.02 pt,
        # far below what any printer sets apart, and the numbers stay short.
        grid = OUTLINE_UNITS / shaped.upem
        k = size / OUTLINE_UNITS
        transform = f"translate({num(x)} {num(self.y(y))})"
        if angle:
            transform += f" rotate({num(-angle)})"
        transform += f" scale({k:.6g} {-k:.6g})"  # font units, y up
        data = []
        count = len(shaped.lines)
        for i, line in enumerate(shaped.lines):
            left = {"start": 0.0, "middle": -line.width / 2, "end": -line.width}[anchor]
            rise = (count - 1 - i) * line_height / k
            for glyph in line.glyphs:
                outline = glyph_path(glyph.face, glyph.gid, glyph.scale * grid)
                if outline:  # a space has none
                    data.append(_placed(outline, (left + glyph.x) * grid,
                                        rise + glyph.y * grid))
        out = (f"<g{attrs(class_='label', role='img', aria_label=words, transform=transform)}>"
               f"<title>{escape(words)}</title>")
        if data:
            ref = self.define(f"label:{len(self._ids)}",
                              lambda id_: f"<path{attrs(id=id_, d=''.join(data))}/>")
            if halo is not None and halo[1] > 0:
                out += (f"<use xlink:href=\"#{ref}\""
                        f"{attrs(class_='halo', fill='none', stroke=halo[0], stroke_width=halo[1] / k, stroke_linejoin='round', aria_hidden='true')}/>")
            out += f"<use xlink:href=\"#{ref}\"{attrs(class_='ink', fill=colour)}/>"
        self.parts.append(out + "</g>")  # one line per label

    def to_bytes(self, title: str = "", desc: str = "") -> bytes:
        """The finished document."""
        w_mm, h_mm = self.size_mm
        xlink = f' xmlns:xlink="{XLINK}"' if any(k.startswith("label:") for k in self._ids) else ""
        head = (f'<svg xmlns="{NS}"{xlink} version="1.1"'
                f'{attrs(width=f"{w_mm:g}mm", height=f"{h_mm:g}mm")}'
                f' viewBox="0 0 {num(self.width)} {num(self.height)}">')
        meta = ""
        if title:
            meta += f"<title>{escape(title)}</title>"
        if desc:
            meta += f"<desc>{escape(desc)}</desc>"
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        body = "\n".join([head + meta + defs, *self.parts, "</svg>"])
        return (body + "\n").encode("utf-8")
