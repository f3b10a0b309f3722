"""Math as each edition shows it: MathML in the HTML (the EPUB keeps it, with the TeX
as ``alttext``), drawn as vector outlines (SVG) for the PDF, which WeasyPrint cannot
set from MathML; the DOCX gets Word equations from pandoc, from the same AST.

TeX is turned into MathML by latex2mathml and MathML into SVG by ziamath, with the STIX
Two Math face it ships: pure Python, no TeX installation, nothing fetched. A formula
that cannot be converted stays as its TeX source, in code type (``read/`` warned about
it with its line).
"""

from __future__ import annotations

import html
import logging
import re
from functools import lru_cache

from .. import cache

#: A formula's size in the PDF, in CSS px at which ziamath draws it; the SVG is then
#: sized in em, so it follows the text around it.
_DRAW_PX = 20
#: URLs of the drawings in the print HTML, served by the layout's URL fetcher.
SCHEME = "math:"
_DRAWINGS: dict[str, bytes] = {}
_MATH = re.compile(r"<math\b[^>]*>.*?</math>", re.S)
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')


@lru_cache(maxsize=4096)
def mathml(tex: str, display: bool) -> str | None:
    """``tex`` as a MathML ``<math>`` element with ``alttext``; None if it cannot be."""
    import latex2mathml.converter

    try:
        out = latex2mathml.converter.convert(tex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds for bad TeX
        return None
    alt = html.escape(" ".join(tex.split()), quote=True)
    return out.replace("<math ", f'<math alttext="{alt}" ', 1)


def math_as_html(blocks: list) -> bool:
    """Replace every Math node of pandoc JSON ``blocks`` with MathML (raw HTML); return
    whether there was any."""
    found = False

    def visit(node):
        nonlocal found
        if isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, dict) and item.get("t") == "Math":
                    found = True
                    display = item["c"][0]["t"] == "DisplayMath"
                    tex = item["c"][1]
                    converted = mathml(tex, display)
                    kind = "display" if display else "inline"
                    if converted is None:
                        node[i] = {"t": "Code", "c": [["", ["math", kind], []], tex]}
                    else:
                        node[i] = {"t": "RawInline", "c": [
                            "html", f'<span class="math {kind}">{converted}</span>']}
                else:
                    visit(item)
        elif isinstance(node, dict):
            visit(node.get("c"))

    visit(blocks)
    return found


def drawn_for_print(fragment: str) -> str:
    """``fragment`` with each ``<math>`` element replaced by its SVG drawing (cached)."""
    if "<math" not in fragment:
        return fragment
    return _MATH.sub(lambda m: _svg(m.group(0)), fragment)


def _svg(element: str) -> str:
    key = cache.digest("math-svg", "4", element)
    hit = cache.get("math", key)
    if hit is not None:
        return hit.decode("utf-8")
    alt = re.search(r'alttext="([^"]*)"', element)
    label = alt.group(1) if alt else ""
    try:
        drawing = _draw(element)
    except Exception:  # noqa: BLE001 - a formula ziamath cannot set stays as its TeX
        return f'<code class="math">{label}</code>'
    box = _VIEWBOX.search(drawing)
    x, y, width, height = (float(v) for v in box.groups())
    em = _DRAW_PX
    style = (f"width:{width / em:.3f}em;height:{height / em:.3f}em;"
             f"vertical-align:{-(y + height) / em:.3f}em")
    # An image, not inline SVG: drawn apart from the page's CSS, and tagged in the PDF
    # as a figure with the TeX as its alternative text. The layout's URL fetcher serves
    # it (``drawing``).
    _DRAWINGS[key] = drawing.encode("utf-8")
    cache.put("math-drawing", key, _DRAWINGS[key])
    image = (f'<img class="math-drawing" alt="{label}" style="{style}" '
             f'src="{SCHEME}{key}">')
    cache.put("math", key, image.encode("utf-8"))
    return image


def drawing(url: str) -> bytes | None:
    """The SVG of a ``math:`` URL that ``drawn_for_print`` wrote, else None."""
    key = url[len(SCHEME):]
    return _DRAWINGS.get(key) or cache.get("math-drawing", key)


def _draw(element: str) -> str:
    import ziamath

    ziamath.config.svg2 = False  # paths, no <symbol>/<use>: what every SVG reader draws
    # ziamath reads MathML without the HTML-escaped alttext it does not need.
    clean = re.sub(r'\salttext="[^"]*"', "", element, count=1)
    # ziafont logs through the root logger ("GPOS has feature variations"), which would
    # set up a handler that then prints every library's log lines (WeasyPrint's CSS
    # notes) into the build's output: it gets a handler that drops them meanwhile.
    root = logging.getLogger()
    guard = logging.NullHandler() if not root.handlers else None
    if guard is not None:
        root.addHandler(guard)
    try:
        return ziamath.Math(clean, size=_DRAW_PX).svg()
    finally:
        if guard is not None:
            root.removeHandler(guard)
