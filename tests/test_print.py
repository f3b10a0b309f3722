"""Issue 12: paper sizes, the print-shop PDF (PDF/X-4, bleed, crop marks), the booklet,
nothing clipped or dropped at the page edge, the fonts, DOCX captions."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest

from exporter.publish.checks import check
from exporter.house.fonts import missing_glyphs
from exporter.typeset.imposition import saddle_stitch_order

from conftest import SAMPLE, editions, run_cli

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)
A4_LANDSCAPE = (297 * MM, 210 * MM)


def _size(box) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return x1 - x0, y1 - y0


def _close(a, b, tolerance=0.6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


@pytest.fixture(scope="module")
def print_dist(tmp_path_factory) -> Path:
    """The sample as the issue asks: --format print --format booklet --paper A5."""
    out = tmp_path_factory.mktemp("print")
    result = run_cli("build", SAMPLE, "--format", "print", "--format", "booklet",
                     "--paper", "A5", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def test_only_the_formats_asked_for(print_dist):
    names = [p.name for p in editions(print_dist)]
    slug = SAMPLE.stem
    assert names == [f"{slug}-booklet.pdf", f"{slug}-print.pdf"]


def test_print_pdf_boxes_and_identification(print_dist):
    path = print_dist / f"{SAMPLE.stem}-print.pdf"
    with pikepdf.open(path) as pdf:
        assert str(pdf.open_metadata().get("pdfxid:GTS_PDFXVersion")) == "PDF/X-4"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and "/DestOutputProfile" in intent
        for page in pdf.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            media = [float(v) for v in page.obj.MediaBox]
            assert _close(_size(trim), A5)  # the trim is the paper
            assert _close([trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2],
                           bleed[3] - trim[3]], [3 * MM] * 4, 0.05)  # 3 mm bleed
            assert media[0] < bleed[0] - 5 * MM and media[2] > bleed[2] + 5 * MM
    assert check(path) == []


def test_print_and_booklet_are_reproducible(print_dist, tmp_path):
    """The same source gives the same bytes: no random XMP document id (WeasyPrint's
    PDF/X-4 writes a uuid4) and no random resource names (pikepdf's default)."""
    import os

    env = dict(os.environ, EXPORTER_CACHE_DIR=str(tmp_path / "cache"))
    result = run_cli("build", SAMPLE, "--format", "print", "--format", "booklet",
                     "--paper", "A5", "--out", tmp_path / "again", env=env)
    assert result.returncode == 0, result.stderr
    for name in (f"{SAMPLE.stem}-print.pdf", f"{SAMPLE.stem}-booklet.pdf"):
        assert (tmp_path / "again" / name).read_bytes() == (print_dist / name).read_bytes()


def test_crop_marks_outside_the_bleed(print_dist, tmp_path):
    """Rendered whole (MediaBox), the corner beyond the bleed has ink in line with the
    trim; the trim's corner itself and the bleed stay clear of marks."""
    from PIL import Image

    path = print_dist / f"{SAMPLE.stem}-print.pdf"
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", str(path),
                    str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        media = [float(v) for v in page.obj.MediaBox]
        trim = [float(v) for v in page.obj.TrimBox]
    # PDF y runs up, pixels run down; at 72 dpi one pixel is one point.
    left = round(trim[0] - media[0])
    top = round(media[3] - trim[3])
    gap = round(3 * MM + 1 * MM)
    # The vertical mark above the top-left corner: in line with the trim's left edge.
    column = [image.getpixel((left + dx, y)) for dx in (-1, 0, 1)
              for y in range(2, top - gap)]
    assert min(column) < 128
    # Nothing drawn in the bleed beside the corner (between trim and start of marks).
    bleed_zone = [image.getpixel((left - dx, top - 2)) for dx in range(3, gap - 2)]
    assert min(bleed_zone) > 200


def test_booklet_order_and_sheets(print_dist):
    path = print_dist / f"{SAMPLE.stem}-booklet.pdf"
    with pikepdf.open(path) as pdf:
        sides = len(pdf.pages)
        assert sides % 2 == 0
        order = []
        for page in pdf.pages:
            assert _close(_size(page.mediabox), A4_LANDSCAPE)
            placed = [str(op[0]) for op, name in pikepdf.parse_content_stream(page)
                      if str(name) == "Do"]
            order.append([int(re.fullmatch(r"/P(\d+)", n).group(1)) for n in placed])
    pages = 1 + max(i for side in order for i in side)  # A5 pages laid out
    assert 2 * sides == -(-pages // 4) * 4  # padded to a multiple of 4
    expected = saddle_stitch_order(pages)
    # Each side shows its pages left to right; blanks are not drawn.
    assert order == [[i for i in pair if i is not None] for pair in expected]
    # The first side carries the last page (or a blank) and the first page (the title).
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", str(int(A4_LANDSCAPE[0] / 2)),
                            "-y", "0", "-W", str(int(A4_LANDSCAPE[0] / 2)), "-H", "600",
                            str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Azerbaijan launches" in first
    assert check(path) == []


def test_saddle_stitch_order():
    assert saddle_stitch_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    # 5 pages: padded to 8, blanks at the end.
    assert saddle_stitch_order(5) == [(None, 0), (1, None), (None, 2), (3, 4)]
    assert saddle_stitch_order(1) == [(None, 0), (None, None)]


def _article(folder: Path, body: str, front: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "edges.md"
    path.write_text(f"---\ntitle: Edges\ndate: 2024-01-01\nlang: en-GB\n{front}---\n\n{body}",
                    "utf-8")
    return path


def test_paper_precedence(tmp_path):
    source = _article(tmp_path / "source", "A short article.\n",
                      "print:\n  paper: A5\n")
    out = tmp_path / "dist"
    assert run_cli("build", source, "--format", "pdf", "--out", out).returncode == 0
    with pikepdf.open(out / "edges.pdf") as pdf:
        assert _close(_size(pdf.pages[0].mediabox), A5)
    result = run_cli("build", source, "--format", "pdf", "--paper", "letter", "--out", out)
    assert result.returncode == 0, result.stderr
    with pikepdf.open(out / "edges.pdf") as pdf:
        assert _close(_size(pdf.pages[0].mediabox), (612, 792))
    bad = run_cli("build", source, "--paper", "A3", "--out", out)
    assert bad.returncode == 2 and "unknown paper 'A3'" in bad.stderr


def test_nothing_clipped_or_dropped(tmp_path):
    """A wide table, a long code token, a large image and a script no font has."""
    from PIL import Image

    folder = tmp_path / "source"
    folder.mkdir()
    Image.new("RGB", (6000, 4000), (200, 30, 30)).save(folder / "big.png")
    columns = 20
    table = ("| " + " | ".join(f"Head{i}" for i in range(columns)) + " |\n|"
             + "---|" * columns + "\n| " + " | ".join(f"cell{i}" for i in range(columns))
             + " |\n")
    token = "".join(f"{i:03d}" for i in range(100))  # 300 characters, no break
    source = _article(folder, f"Text.\n\n{table}\n\nCode: `{token}`\n\n```\n{token}\n```\n\n"
                      "![A large red picture](big.png)\n\nChinese: 中文.\n")
    out = tmp_path / "dist"
    result = run_cli("build", source, "--format", "pdf", "--format", "print", "--out", out)
    assert result.returncode == 0, result.stderr
    warning = " ".join(result.stderr.split())
    assert f"{source.name}:" in warning and "'中' (U+4E2D" in warning and "'文'" in warning
    pdf_path = out / "edges.pdf"
    for edition in (pdf_path, out / "edges-print.pdf"):
        # Nothing runs off the page; the Chinese, which no font has, prints as boxes and
        # exporter check says so (issue 22).
        (boxes,) = check(edition)
        assert "print as empty boxes" in boxes.message and "U+4E2D" in boxes.message
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout
    for i in range(columns):
        assert f"Head{i}" in text and f"cell{i}" in text
    assert text.count(token[:30]) >= 2 and "".join(text.split()).count(token) >= 2
    with pikepdf.open(pdf_path) as pdf:
        shapes = [_size(page.mediabox) for page in pdf.pages]
        assert any(w > h for w, h in shapes)  # the 20-column table turned landscape
        images = [page for page in pdf.pages if page.get_images()]
        assert images  # the large image is there, not dropped


def test_huge_image_is_refused(tmp_path):
    import struct
    import zlib

    folder = tmp_path / "source"
    folder.mkdir()
    width = height = 30000

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    squeeze = zlib.compressobj()
    row = b"\0" * (1 + width // 8)
    pixels = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    (folder / "huge.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0,
                                                           0, 0))
        + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    source = _article(folder, "Before.\n\n![A huge picture](huge.png)\n")
    result = run_cli("build", source, "--format", "pdf", "--out", tmp_path / "dist")
    assert result.returncode == 2
    assert "edges.md:9: image 'huge.png' is 30000x30000 pixels" in " ".join(
        result.stderr.split())


def test_check_fails_text_off_the_page(tmp_path):
    import weasyprint

    # The face named: pdftotext reports a word half off the page, not one wholly off it,
    # and where the line crosses the edge depends on the face's widths.
    html = ('<html lang="en"><head><title>Off</title></head><body '
            'style="font-family: DejaVu Serif"><h1>Off</h1>'
            '<p style="white-space: nowrap">' + "word " * 80 + "</p></body></html>")
    path = tmp_path / "off.pdf"
    weasyprint.HTML(string=html).write_pdf(path, pdf_variant="pdf/ua-1")
    messages = [f.message for f in check(path)]
    assert any(m.startswith("text runs off page 1") for m in messages), messages


def test_fonts_cover_the_regions_scripts():
    text = "Azərbaycan Армения Ελλάδα Հայաստան საქართველო Türkiye"
    assert missing_glyphs(text) == []
    assert missing_glyphs("ok\n中") == [(2, "中")]


def test_book_face_is_embedded(print_dist):
    result = subprocess.run(["pdffonts", str(print_dist / f"{SAMPLE.stem}-print.pdf")],
                            capture_output=True, text=True, check=True).stdout
    assert "Literata" in result


def test_docx_captions_are_numbered_by_seq_fields(sample_dist):
    docx = next(p for p in editions(sample_dist) if p.suffix == ".docx")
    with zipfile.ZipFile(docx) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    captions = re.findall(r'<w:pStyle w:val="Caption" ?/>.*?</w:p>', body)
    assert len(captions) >= 2
    for number, caption in enumerate(captions[:2], 1):
        assert '<w:instrText xml:space="preserve"> SEQ Map \\* ARABIC </w:instrText>' in caption
        shown = re.sub(r"<[^>]+>", "", re.sub(r"<w:instrText.*?</w:instrText>", "", caption))
        assert shown.startswith(f"Map {number}. ")


# --- Press colour: a print shop's preflight (issue 25) ------------------------------

def _text_fills(pdf) -> list[tuple[str, tuple]]:
    """(colour operator, operands) of the fill colour in force at each text run of
    every page, its forms and patterns."""
    found, seen = [], set()

    def scan(owner):
        fill, saved = ("g", (0.0,)), []
        for operands, operator in pikepdf.parse_content_stream(owner):
            op = str(operator)
            if op in ("rg", "g", "k", "sc", "scn"):
                fill = (op, tuple(float(v) for v in operands if not isinstance(v, pikepdf.Name)))
            elif op == "q":
                saved.append(fill)
            elif op == "Q" and saved:
                fill = saved.pop()
            elif op in ("Tj", "TJ", "'", '"'):
                found.append(fill)
        resources = owner.get("/Resources") or {}
        for kind in ("/XObject", "/Pattern"):
            for child in (resources.get(kind) or {}).values():
                if child.objgen not in seen and (child.get("/Subtype") == "/Form"
                                                 or child.get("/PatternType") == 1):
                    seen.add(child.objgen)
                    scan(child)

    for page in pdf.pages:
        scan(page)
    return found


def test_print_pdf_is_press_ready(print_dist):
    """Preflight measures, as a shop's would: exactly one output intent, GTS_PDFX,
    FOGRA39 (registry color.org) with a printer-class CMYK profile (the shipped
    exporter/data/icc/FOGRA39L_coated.icc); XMP pdfxid:GTS_PDFXVersion "PDF/X-4" and no
    GTS_PDFXConformance (XMP or Info); every text run filled in DeviceCMYK with
    C=M=Y=0 (black ink alone; the body's #111 is 100 % K); no rg/RG operator, no
    DeviceRGB image or transparency group on any page, form or pattern; fonts embedded
    and boxes nested (`exporter check` finds nothing)."""
    from exporter.typeset.presscolour import PROFILE

    path = print_dist / f"{SAMPLE.stem}-print.pdf"
    with pikepdf.open(path) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.RegistryName) == "http://www.color.org"
        profile = intent.DestOutputProfile.read_bytes()
        assert profile == PROFILE.read_bytes() and int(intent.DestOutputProfile.N) == 4
        assert profile[12:20] == b"prtrCMYK"
        xmp = pdf.Root.Metadata.read_bytes()
        assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
        assert b"GTS_PDFXConformance" not in xmp and "/GTS_PDFXConformance" not in pdf.docinfo
        fills = _text_fills(pdf)
        assert fills and {op for op, _v in fills} == {"k"}
        assert all(v[:3] == (0.0, 0.0, 0.0) for _op, v in fills)
        assert max(v[3] for _op, v in fills) == 1.0  # the body text: solid black
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                assert str(operator) not in ("rg", "RG")
    assert check(path) == []


def test_check_fails_a_print_pdf_with_rgb_text(print_dist, tmp_path):
    """Measure: the print PDF with its text's black ink put back as RGB (`0 0 0 1 k`
    -> `0.07 0.07 0.07 rg`) and the layout's old X-3 key in the XMP: `exporter check`
    names the RGB text and the key."""
    bad = tmp_path / f"{SAMPLE.stem}-print.pdf"
    with pikepdf.open(print_dist / bad.name) as pdf:
        for page in pdf.pages:
            ops = pikepdf.parse_content_stream(page)
            ops = [pikepdf.ContentStreamInstruction([0.07, 0.07, 0.07], pikepdf.Operator("rg"))
                   if str(op) == "k" else pikepdf.ContentStreamInstruction(operands, op)
                   for operands, op in ops]
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
        xmp = pdf.Root.Metadata.read_bytes().replace(
            b"</pdfxid:GTS_PDFXVersion>",
            b"</pdfxid:GTS_PDFXVersion><pdfx:GTS_PDFXConformance>PDF/X-4"
            b"</pdfx:GTS_PDFXConformance>")
        pdf.Root.Metadata.write(xmp)
        pdf.save(bad)
    result = run_cli("check", bad)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "print: text in DeviceRGB" in output
    assert "print: colour in DeviceRGB without a profile" in output
    assert "print: GTS_PDFXConformance is set" in output


def test_greys_become_black_ink_alone_and_colours_cmyk():
    """Measure: the conversion's table: sRGB #111 (the body text) -> 0 0 0 1 (darker
    than the press's black), #777 -> black ink alone, lighter grey -> less ink;
    a blue -> mostly cyan, no black-only result."""
    from exporter.typeset.presscolour import press_colour

    assert press_colour(17 / 255, 17 / 255, 17 / 255) == (0.0, 0.0, 0.0, 1.0)
    mid = press_colour(0.47, 0.47, 0.47)
    light = press_colour(0.8, 0.8, 0.8)
    assert mid[:3] == light[:3] == (0.0, 0.0, 0.0) and 0.4 < mid[3] < 0.9
    assert 0 < light[3] < mid[3]
    assert press_colour(1, 1, 1) == (0.0, 0.0, 0.0, 0.0)
    cyan, magenta, yellow, _black = press_colour(0.1, 0.4, 0.8)
    assert cyan > 0.6 and cyan > magenta > yellow


def test_the_sample_pdf_breaks_as_a_typesetter_would(sample_dist):
    """Measure (pdftotext, page by page) the sample's A4 PDF (names, stubs and runs of
    hyphens: test_scripts.py): no page with more than one line in ten hyphenated
    (conftest.over_hyphenated: the last glossary page had 4 of 27 before issue 25's
    bound, now 1); no running head on the page a part opens on (the article after the
    title page, the glossary, the maps), where the part's title is printed once, as its
    heading, while its later pages carry it as their first line."""
    from conftest import over_hyphenated, pdf_pages_text

    pdf = sample_dist / f"{SAMPLE.stem}.pdf"
    assert over_hyphenated(pdf) == []
    pages = pdf_pages_text(pdf)
    headline = "Azerbaijan launches operation against Nagorno-Karabakh"

    def squashed(text: str) -> str:
        return "".join(text.split())

    def head(n: int) -> str:
        return " ".join(pages[n - 1].split("\n\n")[0].split())

    opening = {headline: 2}
    for title in ("Glossary", "Maps"):
        opening[title] = next(n for n, t in enumerate(pages, 1)
                              if n > 2 and t.split()[:1] == [title] and head(n - 1) != title)
    ends = sorted(opening.values())[1:] + [len(pages) + 1]
    for (title, first), end in zip(opening.items(), ends):
        assert squashed(pages[first - 1]).count(squashed(title)) == 1, (title, first)
        assert end - first >= 2, (title, first, end)  # a later page to carry the head
        for n in range(first + 1, end):
            assert head(n) == title, (title, n, head(n))
