"""SVG to PNG for the maps' raster copies (DOCX at print resolution, EPUB for e-ink).

One rasteriser, cairosvg, chosen by measurement against resvg (resvg-py):
``bench/rasterisers.py``, figures in docs/performance.md. The text is set in the
map font found by fontconfig among the system's font files (DejaVu, checked by
``fonts.font_files`` first); nothing is fetched, and cairosvg's default refuses any
external resource.
"""

from __future__ import annotations

import io

#: E-ink shows 16 grey levels; a 16-level palette makes the file several times smaller.
EREADER_GREYS = 16


def rasterise(svg: bytes, size_px: tuple[int, int]) -> bytes:
    """The SVG drawn at ``size_px`` (width, height) on white, as a PNG."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg, output_width=size_px[0],
                            output_height=size_px[1], background_color="#ffffff")


def print_png(svg: bytes, size_px: tuple[int, int], dpi: float) -> bytes:
    """An opaque PNG: 8-bit grey when the map is all greys (a third of the size), RGB
    otherwise; with its resolution recorded and nothing else."""
    from PIL import Image

    with Image.open(io.BytesIO(rasterise(svg, size_px))) as image:
        rgb = image.convert("RGB")
    r, g, b = rgb.split()
    grey = r.tobytes() == g.tobytes() == b.tobytes()
    out = io.BytesIO()
    (r if grey else rgb).save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def ereader_png(svg: bytes, size_px: tuple[int, int]) -> bytes:
    """A PNG for e-ink screens: drawn at the screen's width (not scaled down from print),
    in 16 greys."""
    from PIL import Image

    with Image.open(io.BytesIO(rasterise(svg, size_px))) as image:
        grey = image.convert("L")
    small = grey.quantize(colors=EREADER_GREYS, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, "PNG", optimize=True)
    return out.getvalue()
