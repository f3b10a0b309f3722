"""The PDF step alone: a book laid out as one WeasyPrint document, then by chapter
(``exporter/chapter_layout.py``) with an empty cache, with every chapter cached, and
after a one-word edit in one chapter. Wall and CPU seconds (workers included).

The book is ``generate.book`` (the benchmark's book); the source is read and linked
once per variant, outside the timings. The cache is a temporary folder.

Usage::

    python bench/layout.py [--pages 150] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _measure(label: str, step) -> None:
    start, cpu = time.perf_counter(), _cpu()
    step()
    print(f"| {label} | {time.perf_counter() - start:.1f} | {_cpu() - cpu:.1f} |",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=150, help="pages of the generated book")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="exporter-layout-") as work:
        work = Path(work)
        os.environ["EXPORTER_CACHE_DIR"] = str(work / "cache")
        import generate

        from exporter.run.render import context, prepare
        from exporter.typeset.chapter_layout import lay_out_book, units_of
        from exporter.typeset.layout import chosen_paper, lay_out, stylesheet, warm_up, write_pdf

        source = generate.book(work / "book", pages=args.pages)
        warm_up()

        def prepared(path: Path):
            doc = prepare(path)
            ctx = context(doc)
            css = stylesheet(ctx.styles, chosen_paper(doc, ctx.styles))
            return doc, ctx, css, units_of(ctx.html.parts, bool(doc.chapters))

        doc, ctx, css, units = prepared(source)
        if units is None:
            raise SystemExit("the generated book is too short to be laid out by chapter")

        def whole() -> None:
            document, _root = lay_out(doc, ctx.html.parts, css, ctx.timestamp)
            write_pdf(document, doc, ctx.html.parts, ctx.timestamp, "pdf/ua-1")

        print(f"{len(source.read_text('utf-8').split()):,} words, {len(units)} units, "
              f"--jobs {args.jobs}\n\n| PDF step | wall s | CPU s |\n|---|--:|--:|")
        _measure("one WeasyPrint document", whole)
        _measure("by chapter, empty cache",
                 lambda: lay_out_book(doc, units, css, ctx.timestamp, args.jobs))
        _measure("by chapter, every unit cached",
                 lambda: lay_out_book(doc, units, css, ctx.timestamp, args.jobs))
        text = source.read_text("utf-8")
        middle = text.index("\n## ", len(text) // 2)
        word = text.index(" and ", middle)
        source.write_text(text[:word] + " or " + text[word + 5:], "utf-8")
        doc, ctx, css, units = prepared(source)
        _measure("by chapter, one word changed",
                 lambda: lay_out_book(doc, units, css, ctx.timestamp, args.jobs))


if __name__ == "__main__":
    main()
