"""SVG to PNG for the maps' raster copies (DOCX at print resolution, EPUB for e-ink).

One rasteriser, cairosvg, chosen by measurement against resvg (resvg-py):
``bench/rasterisers.py``, figures in docs/performance.md. The text is set in the
map font found by fontconfig among the system's font files (DejaVu, checked by
``fonts.font_files`` first); nothing is fetched, and cairosvg's default refuses any
external resource.
"""

from __future__ import annotations

import io
from pathlib import Path

#: E-ink shows 16 grey levels; a 16-level palette makes the file several times smaller.
EREADER_GREYS = 16
#: Width of the e-reader copy: a 6-inch e-ink screen is about 1072 x 1448 pixels.
EREADER_WIDTH_PX = 1264


class MapRasters:
    """The PNG copies of one map, made from its SVG on first use and kept in its cache
    entry (``folder``), so a build that asks for no DOCX or EPUB never rasterises, and
    the rasterising runs while the PDF is laid out rather than before."""

    def __init__(self, svg: bytes, size_px: tuple[int, int], dpi: float,
                 folder: Path | None = None):
        self.svg, self.size_px, self.dpi, self.folder = svg, tuple(size_px), dpi, folder

    def print_png(self) -> bytes:
        """At print resolution (the DOCX's)."""
        return self._made("map.png", lambda: print_png(self.svg, self.size_px, self.dpi))

    def ereader_png(self) -> bytes:
        """At e-reader width, in 16 greys (the EPUB's)."""
        w, h = self.size_px
        small = min(EREADER_WIDTH_PX, w)
        return self._made("map-ereader.png",
                          lambda: ereader_png(self.svg, (small, round(h * small / w))))

    def _made(self, name: str, make) -> bytes:
        from . import cache

        data = cache.read_file(self.folder, name) if self.folder else None
        if data is None:
            data = make()
            if self.folder:
                cache.store_file(self.folder, name, data)
        return data


def rasterise(svg: bytes, size_px: tuple[int, int]) -> bytes:
    """The SVG drawn at ``size_px`` (width, height) on white, as cairosvg's PNG."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg, output_width=size_px[0],
                            output_height=size_px[1], background_color="#ffffff")


def draw(svg: bytes, size_px: tuple[int, int]):
    """The SVG drawn at ``size_px`` on white, as a Pillow image (RGB).

    Taken from Cairo's pixels directly: encoding a PNG only to decode it again cost
    more than half the time (measured: 331 ms against 141 ms for a map at 300 dpi).
    """
    from cairosvg.parser import Tree
    from cairosvg.surface import PNGSurface
    from PIL import Image

    surface = PNGSurface(Tree(bytestring=svg), io.BytesIO(), 96, output_width=size_px[0],
                         output_height=size_px[1], background_color="#ffffff")
    pixels = surface.cairo
    pixels.flush()
    image = Image.frombuffer("RGBA", (pixels.get_width(), pixels.get_height()),
                             bytes(pixels.get_data()), "raw", "BGRA", pixels.get_stride(), 1)
    return image.convert("RGB")


def print_png(svg: bytes, size_px: tuple[int, int], dpi: float) -> bytes:
    """An opaque PNG: 8-bit grey when the map is all greys (a third of the size), RGB
    otherwise; with its resolution recorded and nothing else."""
    rgb = draw(svg, size_px)
    r, g, b = rgb.split()
    grey = r.tobytes() == g.tobytes() == b.tobytes()
    out = io.BytesIO()
    (r if grey else rgb).save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def ereader_png(svg: bytes, size_px: tuple[int, int]) -> bytes:
    """A PNG for e-ink screens: drawn at the screen's width (not scaled down from print),
    in 16 greys."""
    from PIL import Image

    small = draw(svg, size_px).convert("L").quantize(colors=EREADER_GREYS,
                                                     dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, "PNG", optimize=True)
    return out.getvalue()
