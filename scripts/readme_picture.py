"""Make docs/editions.png, the README's picture of what the exporter makes.

    python scripts/readme_picture.py dist docs/editions.png

From a built folder: the downloads page on a 390 px phone (Chromium), page 2 of the PDF
(pdftoppm), the EPUB's article as a 600x800 grey e-reader screen shows it
(Chromium, then 16 greys) and the DOCX's first page (LibreOffice, then pdftoppm).
Debian's chromium, poppler-utils and libreoffice; nothing is downloaded.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

HEIGHT = 800  # every panel is scaled to this height


def _chromium(url: str, size: tuple[int, int], out: Path) -> Image.Image:
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", f"--window-size={size[0]},{size[1]}",
                    f"--screenshot={out}", url], check=True, capture_output=True)
    return Image.open(out).convert("RGB")


def _page(pdf: Path, out: Path, number: int = 1) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", "100", "-f", str(number), "-l", str(number), "-png", "-singlefile",
                    str(pdf), str(out.with_suffix(""))], check=True)
    return Image.open(out).convert("RGB")


def _ereader(epub: Path, work: Path) -> Image.Image:
    """The article as an e-reader draws it: 600x800, 16 greys."""
    with zipfile.ZipFile(epub) as archive:
        archive.extractall(work / "epub")
    article = next((work / "epub").rglob("article.xhtml"))
    shot = _chromium(article.as_uri(), (600, 800), work / "epub.png")
    return ImageOps.posterize(shot.convert("L"), 4).convert("RGB")


def _docx(docx: Path, work: Path) -> Image.Image:
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work),
                    str(docx)], check=True, capture_output=True)
    return _page(work / (docx.stem + ".pdf"), work / "docx.png")


def _panel(image: Image.Image, label: str) -> Image.Image:
    scaled = image.resize((round(image.width * HEIGHT / image.height), HEIGHT))
    framed = Image.new("RGB", (scaled.width + 2, HEIGHT + 50), "white")
    framed.paste(scaled, (1, 1))
    draw = ImageDraw.Draw(framed)
    draw.rectangle([0, 0, scaled.width + 1, HEIGHT + 1], outline="#888")
    font = ImageFont.truetype("DejaVuSans.ttf", 26)
    draw.text((4, HEIGHT + 12), label, fill="#222", font=font)
    return framed


def main(dist: Path, out: Path) -> None:
    slug = sorted(p.stem for p in dist.glob("*.epub") if "karabakh" in p.stem)[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        panels = [
            _panel(_chromium((dist / "index.html").resolve().as_uri(), (390, 844),
                             work / "page.png"), "downloads page, phone"),
            _panel(_ereader(dist / f"{slug}.epub", work), "EPUB, e-reader"),
            _panel(_page(dist / f"{slug}.pdf", work / "pdf.png", 2), "PDF, page 2"),
            _panel(_docx(dist / f"{slug}.docx", work), "DOCX, LibreOffice"),
        ]
    gap = 24
    picture = Image.new("RGB", (sum(p.width for p in panels) + gap * (len(panels) - 1),
                                HEIGHT + 50), "white")
    x = 0
    for panel in panels:
        picture.paste(panel, (x, 0))
        x += panel.width + gap
    picture.thumbnail((1800, 1800))
    picture.quantize(colors=128, method=Image.Quantize.FASTOCTREE,
                     dither=Image.Dither.NONE).save(out, optimize=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
