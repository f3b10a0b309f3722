"""How long the sample's maps take to draw: SVG, PNG copies, and WeasyPrint's PDF of the SVG.

    python bench/maps.py [--repeat N]

Draws each map the sample article declares, as a build does with an empty cache: the
print version (SVG, and its 300 dpi PNG for the DOCX) and the small-screen version (SVG,
and its e-reader PNG for the EPUB); then lays out a page holding each print SVG with
WeasyPrint, as the PDF does. Each round runs in a fresh process, as a build's worker
draws each map once (libraries imported before the clock starts; fonts, shaping and
outline caches cold). Prints the median wall and CPU seconds (the process's own, from
``time.process_time``) of N rounds, per step.
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
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.one:
        return _rounds(args.repeat)

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

    import weasyprint  # noqa: F401 (imported before the clock, as in a warm worker)

    steps = {"SVG (4 drawings)": lambda state: state.setdefault("maps", svgs()),
             "PNG copies (print + e-reader)": lambda state: pngs(state["maps"]),
             "PDF of the 2 print SVGs": lambda state: pdf(state["maps"])}
    state: dict = {}
    for name, step in steps.items():
        wall, cpu = time.perf_counter(), time.process_time()
        step(state)
        print(f"{name}\t{time.perf_counter() - wall}\t{time.process_time() - cpu}")
    return 0


def _rounds(repeat: int) -> int:
    import subprocess

    times: dict[str, list[tuple[float, float]]] = {}
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--one"], capture_output=True,
                             text=True, check=True).stdout
        for row in out.splitlines():
            name, wall, cpu = row.split("\t")
            times.setdefault(name, []).append((float(wall), float(cpu)))
    print(f"{'step':32s} {'wall s':>8s} {'CPU s':>8s}   (median of {repeat} processes)")
    for name, rows in times.items():
        print(f"{name:32s} {statistics.median(r[0] for r in rows):8.3f} "
              f"{statistics.median(r[1] for r in rows):8.3f}")
    totals = [sum(rows[i][k] for rows in times.values()) for i in range(repeat) for k in (0,)]
    cpus = [sum(rows[i][1] for rows in times.values()) for i in range(repeat)]
    print(f"{'all':32s} {statistics.median(totals):8.3f} {statistics.median(cpus):8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
