"""Tests for the DOCX reference template (styles/reference_docx.py)."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import docx
import pypandoc
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Pt
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "styles" / "reference_docx.py"
COMMITTED = ROOT / "styles" / "reference.docx"

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# The styles the brief asks for, by the names pandoc and Word look up.
REQUIRED_STYLES = [
    "Normal", "Body Text", "First Paragraph", "Title", "Subtitle",
    "Heading 1", "Heading 2", "Heading 3", "Caption", "Block Text",
    "Hyperlink", "Footnote Text", "Compact", "Definition Term", "Definition",
    "Footer",
]

ARTICLE_MD = """\
---
title: Azerbaijan launches operation against Nagorno-Karabakh
subtitle: The defence ministry begins operations in its breakaway region.
---

Azerbaijan's defence ministry says it has begun operations.[^1]

# Background

The two neighbours have gone to war twice over Nagorno-Karabakh.

> The military had "violated the ceasefire along the entire line of contact".

## The Lachin Corridor

Azerbaijan has mounted an effective blockade of the only route.

[^1]: Statement published by the defence ministry in Baku.
"""


@pytest.fixture(scope="module")
def module():
    """The build script, imported from its path (styles/ is not a package)."""
    spec = importlib.util.spec_from_file_location("reference_docx", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def built(module) -> bytes:
    return module.build_reference_docx()


@pytest.fixture(scope="module")
def document():
    return docx.Document(str(COMMITTED))


def _style_ids(data: bytes) -> dict[str, str]:
    """Map style ID -> lower-cased style name in a .docx's styles.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/styles.xml"))
    return {
        style.get(f"{W}styleId"): style.find(f"{W}name").get(f"{W}val").lower()
        for style in root.iter(f"{W}style")
    }


def _has_page_field(footer) -> bool:
    element = footer._element
    instructions = [node.text or "" for node in element.iter(f"{W}instrText")]
    instructions += [node.get(f"{W}instr", "") for node in element.iter(f"{W}fldSimple")]
    return any(text.split()[:1] == ["PAGE"] for text in instructions)


# -- reproducibility ---------------------------------------------------------


def test_regenerating_gives_the_committed_bytes(built):
    assert built == COMMITTED.read_bytes(), (
        "styles/reference.docx is stale for pandoc "
        f"{pypandoc.get_pandoc_version()}: run `python styles/reference_docx.py`"
    )


def test_building_twice_is_byte_identical(module, built):
    assert module.build_reference_docx() == built


def test_zip_members_have_fixed_metadata(built):
    with zipfile.ZipFile(io.BytesIO(built)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}


def test_core_properties_are_fixed_and_anonymous(document):
    core = document.core_properties
    assert core.created.year == core.modified.year == 1980
    assert core.author == ""
    assert core.last_modified_by == ""


def test_script_writes_the_given_path(module, built, tmp_path):
    out = tmp_path / "ref.docx"
    assert module.main([str(out)]) == 0
    assert out.read_bytes() == built


# -- styles -------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUIRED_STYLES)
def test_required_style_exists(document, name):
    assert document.styles[name].name == name


def test_every_pandoc_style_survives_with_same_id_and_name(module, built):
    pandoc_styles = _style_ids(module.pandoc_default_reference_docx())
    ours = _style_ids(built)
    missing = sorted(set(pandoc_styles) - set(ours))
    assert not missing
    # Names may differ in case only (Caption -> Word's built-in "caption"):
    # pandoc matches style names case-insensitively.
    assert {sid: ours[sid] for sid in pandoc_styles} == pandoc_styles


def test_body_text_is_serif_11pt_115_spacing(document):
    normal = document.styles["Normal"]
    assert normal.font.name == "Georgia"
    assert normal.font.size == Pt(11)
    fmt = normal.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.MULTIPLE
    assert fmt.line_spacing == pytest.approx(1.15)
    assert fmt.space_after == Pt(6)
    for name in ("Body Text", "First Paragraph"):
        assert document.styles[name].paragraph_format.space_after == Pt(6)
        assert document.styles[name].paragraph_format.space_before == Pt(0)


def test_default_language_is_british_english(document):
    styles = document.styles.element
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "en-GB"


def test_title_and_subtitle(document):
    assert document.styles["Title"].font.size == Pt(26)
    subtitle = document.styles["Subtitle"].font
    assert subtitle.italic is True
    assert subtitle.size == Pt(14)
    assert subtitle.bold is False  # Subtitle is based on the bold Title


@pytest.mark.parametrize("name, points", [("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11.5)])
def test_headings_are_sans_sized_and_kept_with_next(document, name, points):
    style = document.styles[name]
    assert style.font.name == "Arial"
    assert style.font.size == Pt(points)
    assert style.paragraph_format.keep_with_next is True


def test_other_styles(document):
    caption = document.styles["Caption"].font
    assert (caption.size, caption.italic) == (Pt(9), True)
    assert document.styles["Block Text"].paragraph_format.left_indent > 0
    assert document.styles["Hyperlink"].font.underline is True
    assert document.styles["Definition Term"].font.bold is True
    assert document.styles["Footnote Text"].font.size == Pt(9)


# -- page -----------------------------------------------------------------------


def test_page_is_a4_with_25mm_margins(document):
    section = document.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    for margin in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin):
        assert margin.mm == pytest.approx(25, abs=0.1)


def test_footer_has_a_centred_page_field(document):
    footer = document.sections[0].footer
    assert not footer.is_linked_to_previous
    assert _has_page_field(footer)
    assert footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


# -- integration with pandoc ---------------------------------------------------


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx") / "article.docx"
    pypandoc.convert_text(
        ARTICLE_MD,
        "docx",
        format="markdown",
        outputfile=str(out),
        extra_args=["--reference-doc", str(COMMITTED)],
    )
    return out


def test_pandoc_uses_the_template_styles(converted):
    used = [p.style.name for p in docx.Document(str(converted)).paragraphs]
    assert used[:2] == ["Title", "Subtitle"]
    for name in ("Heading 1", "Heading 2", "Block Text", "First Paragraph"):
        assert name in used
    with zipfile.ZipFile(converted) as archive:
        assert b"Statement published by the defence ministry" in archive.read("word/footnotes.xml")


def test_pandoc_keeps_the_page_setup_and_footer(converted):
    section = docx.Document(str(converted)).sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert _has_page_field(section.footer)
