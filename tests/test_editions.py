"""Build the sample and inspect each edition as a reader's software would."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import SAMPLE, article_paragraphs, assert_in_order, editions, run_cli

from exporter.publish.checks import check

SLUG = "azerbaijan-operation-nagorno-karabakh"
TITLE = "Azerbaijan launches operation against Nagorno-Karabakh"


def test_four_editions_are_written(sample_dist):
    assert sorted(p.name for p in editions(sample_dist)) == [
        f"{SLUG}.docx", f"{SLUG}.epub", f"{SLUG}.html", f"{SLUG}.pdf"]


# --- EPUB ---------------------------------------------------------------------------

def test_epubcheck_reports_no_errors_and_no_warnings(sample_dist):
    assert check(sample_dist / f"{SLUG}.epub") == []


def _epub_xml(path, name):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}


def test_epub_package_metadata_nav_ncx_landmarks_cover(sample_dist):
    path = sample_dist / f"{SLUG}.epub"
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert names[0] == "mimetype"
        assert z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    opf = _epub_xml(path, "EPUB/content.opf")
    assert opf.findtext(".//dc:title", namespaces=NS) == TITLE
    assert opf.findtext(".//dc:language", namespaces=NS) == "en-GB"
    assert opf.findtext(".//dc:identifier", namespaces=NS).startswith("urn:uuid:")
    assert opf.xpath(".//opf:item[@properties='cover-image']", namespaces=NS)
    nav = _epub_xml(path, "EPUB/nav.xhtml")
    assert nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert {"cover", "titlepage", "bodymatter", "toc"} <= set(landmarks)
    ncx = _epub_xml(path, "EPUB/toc.ncx")
    assert ncx.xpath("//ncx:navPoint", namespaces=NS)


def test_epub_text_has_every_paragraph_in_order(sample_dist):
    path = sample_dist / f"{SLUG}.epub"
    article = _epub_xml(path, "EPUB/article.xhtml")
    assert article.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    text = "".join(article.itertext())
    assert_in_order(article_paragraphs(), text)
    assert "\u201canti-terrorist\u201d" in text


# --- PDF ----------------------------------------------------------------------------

def test_pdf_has_pages_fonts_metadata_bookmarks_and_text(sample_dist):
    path = sample_dist / f"{SLUG}.pdf"
    assert check(path) == []
    reader = PdfReader(path)
    assert len(reader.pages) >= 2
    assert reader.metadata.title == TITLE
    assert "anti-terrorist" in reader.metadata.subject
    assert "Nagorno-Karabakh" in reader.metadata["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.mediabox_size if hasattr(reader, "mediabox_size") else True
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert TITLE in titles
    text = "\n".join(_without_page_furniture(page.extract_text()) for page in reader.pages)
    assert_in_order(article_paragraphs(), text)


def _without_page_furniture(text: str) -> str:
    """A page's text without the running head and the page number."""
    text = text.replace(TITLE + "\n", "", 1) if not text.startswith(TITLE) else text
    return re.sub(r"\n\d+$", "", text.rstrip())


def test_pdf_pages_are_numbered(sample_dist):
    reader = PdfReader(sample_dist / f"{SLUG}.pdf")
    last = reader.pages[-1].extract_text().split()
    assert str(len(reader.pages)) in last


# --- DOCX ---------------------------------------------------------------------------

def test_docx_styles_core_properties_and_text(sample_dist):
    path = sample_dist / f"{SLUG}.docx"
    assert check(path) == []
    document = docx.Document(path)
    styles = [p.style.name for p in document.paragraphs]
    assert styles[0] == "Title" and document.paragraphs[0].text == TITLE
    assert styles[1] == "Subtitle"
    core = document.core_properties
    assert core.title == TITLE
    assert core.language == "en-GB"
    assert "Nagorno-Karabakh" in core.keywords
    assert core.subject
    assert core.created.year == 2023
    assert_in_order(article_paragraphs(), "\n".join(p.text for p in document.paragraphs))


def test_docx_reference_template_page_setup(sample_dist):
    with zipfile.ZipFile(sample_dist / f"{SLUG}.docx") as z:
        body = z.read("word/document.xml").decode()
    assert 'w:w="11906"' in body and 'w:h="16838"' in body  # A4


# --- CLI ------------------------------------------------------------------------------

def test_check_command_passes_on_the_editions(sample_dist):
    result = run_cli("check", *editions(sample_dist))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok") == 4


def test_check_command_takes_a_folder_of_editions(sample_dist, tmp_path):
    result = run_cli("check", sample_dist)
    assert result.returncode == 0, result.stdout + result.stderr
    checked = sorted(line.split()[1] for line in result.stdout.splitlines() if line.startswith("ok"))
    assert checked == sorted(str(p) for p in editions(sample_dist))
    empty = run_cli("check", tmp_path)
    assert empty.returncode == 2
    assert f"{tmp_path}: no editions in this folder" in empty.stderr
    assert "Traceback" not in empty.stderr


def test_check_command_fails_on_a_broken_edition(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really\n")
    result = run_cli("check", broken)
    assert result.returncode == 1
    assert "broken.pdf" in result.stderr


@pytest.mark.parametrize("fmt", ["epub", "pdf", "docx"])
def test_single_format_build(tmp_path, fmt, source_copy):
    result = run_cli("build", source_copy, "--format", fmt, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert [p.suffix for p in editions(tmp_path / "out")] == [f".{fmt}"]


def test_version_and_help():
    from exporter import __version__

    result = run_cli("--version")
    assert result.returncode == 0 and __version__ in result.stdout
    for command in ([], ["build"], ["check"]):
        result = run_cli(*command, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout


def test_every_registered_adapter_keeps_the_contract():
    from exporter.adapters import ADAPTERS, adapter

    for name in ADAPTERS:
        module = adapter(name)
        for attribute in ("EXTENSION", "MEDIA_TYPE", "USES_HTML", "LAYS_OUT_PAGES", "render"):
            assert hasattr(module, attribute), (name, attribute)
        text = Path(module.__file__).read_text("utf-8")
        for other in set(ADAPTERS) - {name}:
            assert not re.search(rf"(from \.|adapters\.){other}\b", text), (name, other)


def test_no_source_outside_the_repository_builds_the_sample(tmp_path):
    import os

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    result = run_cli("build", "--format", "docx", "--out", tmp_path / "out", cwd=tmp_path,
                     env=env)
    assert result.returncode == 0, result.stderr
    # The sample: three articles and the collection of the three.
    assert [p.name for p in editions(tmp_path / "out")] == [
        "azerbaijan-operation-nagorno-karabakh.docx", "karabakh-exodus-2023.docx",
        "nagorno-karabakh-2020-2023.docx", "second-karabakh-war-2020.docx"]


def test_a_cover_image_from_the_source_becomes_the_epub_cover(tmp_path, source_copy):
    import shutil

    from PIL import Image

    shutil.copy(Path(__file__).parent / "fixtures" / "pixel.png", source_copy / "cover.png")
    article = (source_copy / SAMPLE.name)
    text = article.read_text("utf-8")
    article.write_text(text.replace('edition: "1.0"', 'edition: "1.0"\ncover_image: cover.png', 1),
                       "utf-8")
    result = run_cli("build", source_copy, "--format", "epub", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    epub = tmp_path / f"{SLUG}.epub"
    assert check(epub) == []
    with zipfile.ZipFile(epub) as z:
        with Image.open(io.BytesIO(z.read("EPUB/images/cover.png"))) as image:
            assert image.size == (4, 4)  # the source's image, not a generated cover
    # A cover image that is not there is an error, like any missing image.
    (source_copy / "cover.png").unlink()
    result = run_cli("build", source_copy, "--format", "epub", "--out", tmp_path / "b")
    assert result.returncode == 2 and "cover.png" in result.stderr
