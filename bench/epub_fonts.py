"""Measure the two orders of making the EPUB's static, subset book face (issue 12).

    python bench/epub_fonts.py [EPUB] [--repeat N]

A: instance the whole variable font (fontTools' instancer), then subset the static
   instance to the text (the instance could be cached once per font and weight);
B: subset the variable font to the text, then instance the subset (what
   ``exporter/ebook_fonts.py`` does; one variable subset serves both weights).
Also the exporter's own ``faces()`` with the cache off and with a filled cache. CPU
seconds (``time.process_time``), the median of N runs; the characters are those of
EPUB's XHTML text (default: the sample's edition in dist/).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cpu(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("epub", nargs="?",
                        default=ROOT / "dist" / "azerbaijan-operation-nagorno-karabakh.epub")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    from exporter.typeset import ebook_fonts
    from exporter.adapters.epub import _text
    from exporter.house.fonts import book_files

    with zipfile.ZipFile(args.epub) as epub:
        texts = [_text(epub.read(n)) for n in epub.namelist() if n.endswith(".xhtml")]
    chars = ebook_fonts.characters(texts)
    print(f"{len(chars)} characters; median of {args.repeat} runs, CPU seconds")

    def save(font) -> bytes:
        font.recalcTimestamp = False
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()

    def sub(data: bytes) -> bytes:
        font = TTFont(io.BytesIO(data))
        options = subset.Options()
        options.name_IDs = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        return save(font)

    def inst(data: bytes, weight: int) -> bytes:
        return save(instancer.instantiateVariableFont(
            TTFont(io.BytesIO(data)), {"opsz": 12, "wght": weight}, static=True))

    total_a = total_b = 0.0
    for style, path in sorted(book_files().items()):
        variable = path.read_bytes()
        for weight in (400, 700):
            t_inst, full = _cpu(lambda: inst(variable, weight), args.repeat)
            t_sub, small = _cpu(lambda: sub(full), args.repeat)
            print(f"A {style:6} {weight}: instance {t_inst:5.2f} s ({len(full)} B), "
                  f"subset the instance {t_sub:4.2f} s ({len(small)} B)")
            total_a += t_sub
        t_vsub, vsmall = _cpu(lambda: sub(variable), args.repeat)
        t_i4, out4 = _cpu(lambda: inst(vsmall, 400), args.repeat)
        t_i7, out7 = _cpu(lambda: inst(vsmall, 700), args.repeat)
        print(f"B {style:6}: subset the variable font {t_vsub:4.2f} s ({len(vsmall)} B), "
              f"instance 400 {t_i4:4.2f} s ({len(out4)} B), 700 {t_i7:4.2f} s ({len(out7)} B)")
        total_b += t_vsub + t_i4 + t_i7
    print(f"per edition, four styles: A with the instances cached {total_a:.2f} s; "
          f"B {total_b:.2f} s")

    os.environ["EXPORTER_CACHE_DIR"] = "off"

    def uncached():
        ebook_fonts._variable_subset.cache_clear()
        return ebook_fonts.faces(chars)

    t_off, faces = _cpu(uncached, args.repeat)
    with tempfile.TemporaryDirectory() as cache:
        os.environ["EXPORTER_CACHE_DIR"] = cache
        uncached()
        t_hit, _ = _cpu(lambda: ebook_fonts.faces(chars), args.repeat)
    print(f"exporter (B): faces() without the cache {t_off:.2f} s, from the cache "
          f"{t_hit * 1000:.1f} ms; {sum(len(f.data) for f in faces)} B in four fonts")


if __name__ == "__main__":
    main()
