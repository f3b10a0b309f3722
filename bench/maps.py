"""How long the sample's maps take to draw: SVG, PNG copies, and WeasyPrint's PDF of the SVG.

    python bench/maps.py [--repeat N]

Draws each map the sample article declares, as a build does with an empty cache: the
print version (SVG, and its 300 dpi PNG for the DOCX) and the small-screen version (SVG,
and its e-reader PNG for the EPUB); then lays out a page holding each print SVG with
WeasyPrint, as the PDF does. Prints wall and CPU seconds (this process's, from
``time.process_time``) for the first round, which loads fonts and libraries, and the
median of N more rounds.
"""

from __future__ import annotations

import argparse
import base64
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
    from exporter.maps.raster import ereader_png, print_png
    from exporter.maps.render import screen_spec
    from exporter.read.source import load_metadata
    from exporter.yamlfile import read_text

    source = ROOT / "source"
    article = source / "azerbaijan-operation-nagorno-karabakh.md"
    gaz = load_gazetteer(source / "places.yml")
    specs = load_metadata(read_text(article), article)[0].maps
    layers = {spec.id: load_layers(source, spec.layer_names()) for spec in specs}
    style = ROOT / "styles" / "maps.yml"

    def svgs():
        out = []
        for spec in specs:
            for screen in (False, True):
                out.append(render_map(spec, gaz, layers[spec.id], style_path=style,
                                      screen=screen))
        return out

    def pngs(maps):
        for rm in maps:
            if rm.screen:
                w, h = rm.png_size_px
                ereader_png(rm.svg, (min(1264, w), round(h * min(1264, w) / w)))
            else:
                print_png(rm.svg, rm.png_size_px, 300)

    def pdf(maps):
        from weasyprint import HTML

        imgs = "".join(
            f'<p style="break-after: page"><img style="width: {rm.width_mm}mm" '
            f'src="data:image/svg+xml;base64,{base64.b64encode(rm.svg).decode()}"></p>'
            for rm in maps if not rm.screen)
        HTML(string=f"<html><body>{imgs}</body></html>").write_pdf()

    steps = {"SVG (4 drawings)": lambda state: state.setdefault("maps", svgs()),
             "PNG copies (print + e-reader)": lambda state: pngs(state["maps"]),
             "PDF of the 2 print SVGs": lambda state: pdf(state["maps"])}
    rounds: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    for _ in range(args.repeat + 1):
        state: dict = {}
        for name, step in steps.items():
            wall, cpu = time.perf_counter(), time.process_time()
            step(state)
            rounds[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    print(f"{'step':32s} {'first wall/CPU s':>18s} {'median wall/CPU s':>19s}")
    for name, times in rounds.items():
        first, rest = times[0], times[1:]
        wall = statistics.median(t[0] for t in rest)
        cpu = statistics.median(t[1] for t in rest)
        print(f"{name:32s} {first[0]:8.3f} /{first[1]:7.3f} {wall:9.3f} /{cpu:7.3f}")
    total = [sum(rounds[n][i][k] for n in steps) for i in range(1, args.repeat + 1)
             for k in (0,)]
    total_cpu = [sum(rounds[n][i][1] for n in steps) for i in range(1, args.repeat + 1)]
    print(f"{'all (median)':32s} {'':18s} {statistics.median(total):9.3f} /"
          f"{statistics.median(total_cpu):7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
