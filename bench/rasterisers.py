"""Which SVG rasteriser draws the maps' PNG copies fastest: cairosvg or resvg (resvg-py).

    python bench/rasterisers.py [--repeat N]

Draws each sample map's SVG (as ``exporter.maps`` writes it) at print size (300 dpi)
and at e-reader width with each rasteriser that is installed, with the same local
DejaVu files, and prints the median time of N runs (PNG encoding included, as each
returns a PNG). cairosvg is the one the exporter uses; resvg-py is not a dependency:
``pip install resvg-py`` to compare.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from exporter.maps import load_gazetteer, load_layers, render_map
    from exporter.maps.fonts import font_files
    from exporter.read.source import load_metadata
    from exporter.yamlfile import read_text

    source = ROOT / "source"
    article = next(source.glob("*.md"))
    gaz = load_gazetteer(source / "places.yml")
    maps = [render_map(spec, gaz, load_layers(source, spec.layer_names()),
                       style_path=ROOT / "styles" / "maps.yml")
            for spec in load_metadata(read_text(article), article)[0].maps]
    fonts = [str(p) for p in sorted(set(font_files("DejaVu Sans").values()))]

    from exporter.maps.raster import rasterise

    contenders = {"cairosvg (the exporter's)": rasterise}
    try:
        import resvg_py

        def resvg(svg: bytes, size: tuple[int, int]) -> bytes:
            # Sized in pixels: resvg refuses a millimetre size without a dpi.
            text = re.sub(r'width="[0-9.]+mm" height="[0-9.]+mm"',
                          f'width="{size[0]}" height="{size[1]}"', svg.decode(), count=1)
            return bytes(resvg_py.svg_to_bytes(svg_string=text, background="#ffffff",
                                               skip_system_fonts=True, font_files=fonts))

        contenders["resvg (resvg-py, font files given)"] = resvg
    except ImportError:
        print("resvg-py: not installed (pip install resvg-py to compare)")

    print(f"{'rasteriser':42s} {'map':18s} {'print ms':>9s} {'e-reader ms':>12s}")
    for name, draw in contenders.items():
        for rm in maps:
            w, h = rm.png_size_px
            sizes = [(w, h), (1264, round(h * 1264 / w))]
            medians = []
            for size in sizes:
                draw(rm.svg, size)  # warm-up: fonts loaded, code paged in
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    draw(rm.svg, size)
                    times.append(time.perf_counter() - start)
                medians.append(statistics.median(times) * 1000)
            print(f"{name:42s} {rm.id:18s} {medians[0]:9.0f} {medians[1]:12.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
