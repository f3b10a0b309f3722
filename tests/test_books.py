"""A long source becomes a book: one XHTML file per top-level section, a table of
contents nested three levels deep in the nav and the NCX, page-break markers in the
files that hold their pages, and the words counted."""

from __future__ import annotations

import re
import subprocess
import zipfile

import lxml.etree as etree
import pytest

from book_source import book_text, write_book
from conftest import run_cli

NS = {"h": "http://www.w3.org/1999/xhtml", "ncx": "http://www.daisy.org/z3986/2005/ncx/"}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("book")
    source = write_book(folder / "src")
    out = folder / "dist"
    result = run_cli("build", source, "--out", out)
    assert result.returncode == 0, result.stderr
    return source, out, result


def test_one_file_per_top_level_section_with_links_across_files(book):
    _, out, _ = book
    with zipfile.ZipFile(out / "manual.epub") as z:
        names = [n for n in z.namelist() if re.match(r"EPUB/article(-\d+)?\.xhtml$", n)]
        texts = {n: z.read(n).decode() for n in names}
    assert len(names) == 13  # the headline and introduction, then 12 sections
    assert "<h2" in texts["EPUB/article-2.xhtml"] and "Section 1" in texts["EPUB/article-2.xhtml"]
    # Section 1 links to section 2, in the next file; note 1 is at the end of the book.
    assert 'href="article-3.xhtml#section-2"' in texts["EPUB/article-2.xhtml"]
    assert 'href="article-13.xhtml#fn1"' in texts["EPUB/article-2.xhtml"]
    assert 'href="article-2.xhtml#fnref1"' in texts["EPUB/article-13.xhtml"]
    assert max(len(t) for t in texts.values()) < 20_000


def test_the_toc_is_nested_three_levels_in_nav_and_ncx(book):
    _, out, _ = book
    with zipfile.ZipFile(out / "manual.epub") as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        ncx = etree.fromstring(z.read("EPUB/toc.ncx"))
    toc = nav.find(".//h:nav[@id='toc']", NS)
    depth = max(len(a.xpath("ancestor::h:li", namespaces=NS)) for a in toc.iterfind(".//h:a", NS))
    assert depth == 3
    texts = [a.text for a in toc.iterfind(".//h:a", NS)]
    assert "Section 12" in texts and "Part 12.3" in texts and "Detail 12.3.1" in texts
    assert "Fine point 1.1.1.1" not in texts  # the fourth level is left out
    points = ncx.findall(".//ncx:navPoint", NS)
    assert max(len(p.xpath("ancestor::ncx:navPoint", namespaces=NS)) for p in points) == 2
    assert len(points) >= 1 + 12 * (1 + 3 + 3)


def test_page_markers_land_in_the_file_that_holds_the_page(book):
    _, out, _ = book
    pdf = out / "manual.pdf"
    with zipfile.ZipFile(out / "manual.epub") as z:
        files = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True).stdout).group(1))
    for number in range(3, pages + 1):
        holder = [n for n, t in files.items() if f'id="page-{number}"' in t]
        assert len(holder) == 1, number
        page_text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number),
                                    str(pdf), "-"], capture_output=True, text=True).stdout
        heading = re.search(r"(Section|Part|Detail|Fine point) [\d.]+", page_text)
        if heading:  # the first heading printed on the page is in the marker's file
            assert heading.group(0) in files[holder[0]], (number, holder, heading.group(0))


def test_the_word_count_is_the_words_of_the_text(book):
    source, _, result = book
    body = book_text().split("---\n", 2)[2]
    words = len(re.sub(r"\{#[^}]*\}|\[\^n\d+\]:?|[#|*-]+|\(#[^)]*\)", " ", body).split())
    shown = int(re.search(r"(\d+) words", result.stdout).group(1))
    assert abs(shown - words) / words < 0.03, (shown, words)
