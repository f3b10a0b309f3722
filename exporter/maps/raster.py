"""SVG to PNG for the maps' raster copies (DOCX at print resolution, EPUB for e-ink).

One rasteriser, resvg (through resvg-py), chosen by measurement (bench/rasterisers.py,
docs/performance.md). It is given the map font's files and no system fonts, so the
PNG is the same on every machine and no font directory is scanned.
"""

from __future__ import annotations

import io

#: E-ink shows 16 grey levels; a 16-level palette makes the file several times smaller.
EREADER_GREYS = 16


def rasterise(svg: bytes, width_px: int, font_files: list[str]) -> bytes:
    """The SVG drawn ``width_px`` wide, as resvg's RGBA PNG."""
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(
        # ``dpi`` only resolves the millimetre size (resvg refuses it without); ``width``
        # then scales the drawing to the pixels asked for.
        svg_string=svg.decode("utf-8"), dpi=96.0, width=width_px, background="#ffffff",
        skip_system_fonts=True, font_files=font_files,
        text_rendering="geometric_precision"))


def print_png(svg: bytes, width_px: int, dpi: float, font_files: list[str]) -> bytes:
    """An opaque PNG: 8-bit grey when the map is all greys (a third of the size), RGB
    otherwise; with its resolution recorded and nothing else."""
    from PIL import Image

    with Image.open(io.BytesIO(rasterise(svg, width_px, font_files))) as image:
        rgb = image.convert("RGB")
    r, g, b = rgb.split()
    grey = r.tobytes() == g.tobytes() == b.tobytes()
    out = io.BytesIO()
    (r if grey else rgb).save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def ereader_png(svg: bytes, width_px: int, font_files: list[str]) -> bytes:
    """A PNG for e-ink screens: drawn at the screen's width (not scaled down from print),
    in 16 greys."""
    from PIL import Image

    with Image.open(io.BytesIO(rasterise(svg, width_px, font_files))) as image:
        grey = image.convert("L")
    small = grey.quantize(colors=EREADER_GREYS, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, "PNG", optimize=True)
    return out.getvalue()
