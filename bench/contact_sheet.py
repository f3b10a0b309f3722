"""A contact sheet of a PDF: every page small, in spreads, to look a book over at once.

    python bench/contact_sheet.py BOOK.pdf SHEET.png [--dpi 20] [--columns 12]

The pages are rendered by ``pdftoppm`` (poppler) and laid out with Pillow as a printed
book opens: page 1 alone on the right, then each verso beside its recto, a gap between
spreads. Each page carries its number under it; a blank page (nothing but paper) is
outlined in red, so a blank page that is not a recto wait shows at a glance. The sheet
is written as a palette PNG (small enough to keep in docs/).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

#: Pixels between pages of a spread, between spreads, and below a page for its number.
_GUTTER, _GAP, _LABEL = 2, 10, 12


def render(pdf: Path, folder: Path, dpi: int) -> list[Path]:
    """Each page of ``pdf`` as a greyscale PNG in ``folder``, in page order."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf),
                    str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))


def is_blank(image: Image.Image) -> bool:
    """Whether a rendered page is paper only (no pixel darker than a light grey)."""
    return image.convert("L").getextrema()[0] > 235


def sheet(pages: list[Image.Image], columns: int) -> tuple[Image.Image, list[int]]:
    """The pages laid out in spreads, ``columns`` pages a row (even); which are blank."""
    columns += columns % 2
    width = max(p.width for p in pages)
    height = max(p.height for p in pages)
    slots = [None] + pages  # page 1 is a recto: the slot before it stays empty
    rows = (len(slots) + columns - 1) // columns
    spread_width = 2 * width + _GUTTER
    out = Image.new("RGB", ((columns // 2) * (spread_width + _GAP) + _GAP,
                            rows * (height + _LABEL + _GAP) + _GAP), "#d8d8d8")
    draw = ImageDraw.Draw(out)
    blank = []
    for slot, page in enumerate(slots):
        if page is None:
            continue
        number = slot  # slot 1 holds page 1
        row, column = divmod(slot, columns)
        x = _GAP + (column // 2) * (spread_width + _GAP) + (column % 2) * (width + _GUTTER)
        y = _GAP + row * (height + _LABEL + _GAP)
        out.paste(page.convert("RGB"), (x, y))
        if is_blank(page):
            blank.append(number)
            draw.rectangle([x, y, x + page.width - 1, y + page.height - 1], outline="#d00000",
                           width=2)
        draw.text((x + page.width // 2 - 6, y + height + 1), str(number), fill="#000000")
    return out, blank


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dpi", type=int, default=20)
    parser.add_argument("--columns", type=int, default=12)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        pages = [ImageOps.grayscale(Image.open(p)) for p in render(args.pdf, Path(folder),
                                                                   args.dpi)]
    image, blank = sheet(pages, args.columns)
    image.quantize(colors=16).save(args.out, optimize=True)
    print(f"{args.out}: {len(pages)} pages, blank: {', '.join(map(str, blank)) or 'none'}")


if __name__ == "__main__":
    main()
