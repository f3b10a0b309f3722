"""Citations, cross-references and math in every edition (issue 29).

``tests/fixtures/scholarly``: two articles with twelve citations in two styles (the
shipped Chicago author-date and a numbered style of the fixture's own) from BibTeX, CSL
JSON and CSL YAML; figures and tables referenced before and after they appear; a
referenced section; inline and display math. Built once, in every format, and checked (with test_import.py's documents).
The errors (a missing key, an unknown reference, a bibliography outside the folder) are
read without building.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import FIXTURES, read_member
from exporter.errors import ExporterError
from exporter.read.source import load_document

SCHOLARLY = FIXTURES / "scholarly"


@pytest.fixture(scope="module")
def scholarly(brought_in) -> SimpleNamespace:
    """The two articles built in every format and checked, in one build with the
    imported documents of test_import.py (``conftest.brought_in``)."""
    return brought_in


def _epub_text(epub: Path) -> dict[str, str]:
    import zipfile

    with zipfile.ZipFile(epub) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist()
                if n.endswith((".xhtml", ".opf"))}


def test_every_edition_builds_and_passes_check(scholarly):
    assert scholarly.checked.returncode == 0, scholarly.checked.stdout + scholarly.checked.stderr
    assert "warning" not in scholarly.built.stderr.lower(), scholarly.built.stderr
    for slug in ("ports", "freight"):
        for suffix in (".epub", ".pdf", ".docx"):
            assert (scholarly.out / f"{slug}{suffix}").is_file()


def test_citations_and_the_references_part_in_the_epub(scholarly):
    files = _epub_text(scholarly.out / "ports.epub")
    refs = files["EPUB/references-section.xhtml"]
    assert 'epub:type="bibliography"' in refs and 'role="doc-bibliography"' in refs
    assert '<h1 class="appendix" id="references">References</h1>' in refs
    entries = re.findall(r'<div id="ref-([\w-]+)" class="csl-entry"', refs)
    assert sorted(entries) == ["aliyev2021", "harutyunyan2018", "mammadova2019", "novak2023",
                               "oecd2022", "smith2020"]
    article = files["EPUB/article.xhtml"]
    # Chicago author-date, each citation linked to its entry in the references part.
    assert '(<a href="references-section.xhtml#ref-smith2020" role="doc-biblioref">Smith ' \
           '2020, 4</a>)' in article
    assert "[@" not in article and "@smith" not in article
    nav = files["EPUB/nav.xhtml"]
    assert 'epub:type="bibliography" href="references-section.xhtml">References<' in nav
    # The other article's numbered style, from CSL YAML and BibTeX.
    freight = _epub_text(scholarly.out / "freight.epub")
    assert re.search(r">1</a>\]", freight["EPUB/article.xhtml"])
    assert "[1] S. Ivanov" in re.sub(r"<[^>]+>|\s+", lambda m: " " if m[0].strip() == ""
                                     else "", freight["EPUB/references-section.xhtml"])


def test_cross_references_are_numbered_and_linked(scholarly):
    article = _epub_text(scholarly.out / "ports.epub")["EPUB/article.xhtml"]
    # Referred to before and after they appear, each kind numbered on its own.
    links = [(target, re.sub(r"<[^>]+>", "", text)) for target, text in re.findall(
        r'<a href="#((?:fig|tbl|sec)-[\w-]+)" class="crossref">(.*?)</a>', article)]
    assert links == [("fig-quay", "Figure 1"), ("tbl-costs", "Table 1"),
                     ("sec-model", "Section 2"), ("fig-tonnage", "Figure 2"),
                     ("tbl-costs", "Table 1"), ("fig-quay", "Figure 1"),
                     ("fig-tonnage", "Figure 2")]
    assert '<figure id="fig-quay">' in article and '<table id="tbl-costs">' in article
    # (Names, and words the print edition must not hyphenate, are marked ``span.name``.)
    unmarked = re.sub(r'<span class="name">([^<]*)</span>', r"\1", article)
    assert '<span class="caption-label">Figure 2</span>. Tonnage' in unmarked
    assert re.search(r'<h2 id="sec-model"><span class="section-number">2</span> A model', article)


def test_math_is_mathml_in_the_epub_and_declared(scholarly):
    files = _epub_text(scholarly.out / "ports.epub")
    article = files["EPUB/article.xhtml"]
    assert article.count("<math ") == 9
    assert '<math alttext="r = r_0 e^{kt}" xmlns="http://www.w3.org/1998/Math/MathML" ' \
           'display="inline">' in article
    assert 'display="block"' in article and "<mfrac>" in article
    opf = files["EPUB/content.opf"]
    assert re.search(r'href="article.xhtml" id="part-article" [^>]*properties="mathml"', opf)
    assert '<meta property="schema:accessibilityFeature">MathML</meta>' in opf


def test_the_pdf_has_vector_math_the_references_bookmark_and_the_numbers(scholarly):
    import pikepdf

    pdf = scholarly.out / "ports.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "as Figure 1 shows" in text and "Figure 2. Tonnage" in text
    assert "Table 1. The budget by item" in text and "2 A model" in text
    assert "Smith, Jane. 2020. Harbours of the Caspian" in text
    assert "\\frac" not in text and "$" not in text  # no TeX left in the text
    with pikepdf.open(pdf) as opened:
        with opened.open_outline() as outline:
            titles = [item.title for item in outline.root]
        # Formulas are drawn as vector outlines (no picture of them), each tagged as a
        # figure whose alternative text is its TeX.
        images = {key for page in opened.pages
                  for key, x in page.resources.get("/XObject", {}).items()
                  if x.get("/Subtype") == "/Image"}
        alts = [str(o.Alt) for o in opened.objects
                if isinstance(o, pikepdf.Dictionary) and "/Alt" in o]
        model = opened.pages[2].Contents.read_bytes()
    assert "References" in titles
    assert len(images) == 2  # the two figures' pictures
    assert "r = r_0 e^{kt}" in alts and "\\lim_{kT \\to 0} \\bar{r} = r_0" in alts
    assert model.count(b" c\n") > 500  # the formulas' curves


def test_the_docx_has_word_equations_fields_and_a_references_heading(scholarly):
    document = read_member(scholarly.out / "ports.docx", "word/document.xml").decode("utf-8")
    assert document.count("<m:oMath>") + document.count("<m:oMathPara>") >= 9
    assert " SEQ Figure \\* ARABIC " in document and " SEQ Table \\* ARABIC " in document
    assert re.search(r'<w:pStyle w:val="Heading1" />.*?References</w:t>', document)
    assert document.count('<w:pStyle w:val="Bibliography" />') == 6
    # References to figures and tables are REF fields to a bookmark on the caption's
    # label and number; to a section, a link to its bookmark.
    refs = re.findall(r"> REF (_Ref\w+) \\h <", document)
    assert len(refs) == 6 and len(set(refs)) == 3
    for name in set(refs):
        assert re.search(rf'w:name="{name}"/><w:r><w:t xml:space="preserve">(Figure|Table) '
                         r'</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/>', document)
    assert 'w:anchor="sec-model"' in document and 'w:name="sec-model"' in document


def test_the_epub_has_no_accessibility_violation(scholarly, tmp_path):
    from test_accessibility import ace_violations

    assert ace_violations(scholarly.out / "ports.epub", tmp_path / "ace") == []


# --- errors, read without building ------------------------------------------------------

def _article(tmp_path: Path, front: str, body: str) -> Path:
    for name in ("references.bib", "quay.png"):
        shutil.copy(SCHOLARLY / name, tmp_path / name)
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: T\ndate: 2024-01-01\nlang: en-GB\n{front}---\n\n{body}",
                    "utf-8")
    return path


def test_a_missing_key_is_an_error_on_its_line(tmp_path):
    path = _article(tmp_path, "bibliography: references.bib\n",
                    "As said [@smith2020].\n\nAnd\nagain [@smith2021].\n")
    with pytest.raises(ExporterError) as error:
        load_document(path)
    assert str(error.value).startswith(f"{path}:11: no entry 'smith2021' in the bibliography")


def test_an_unknown_reference_is_an_error_on_its_line(tmp_path):
    path = _article(tmp_path, "", "![Quay](quay.png){#fig-quay}\n\nSee @fig-quay and\n"
                                  "@tbl-nothing.\n")
    with pytest.raises(ExporterError) as error:
        load_document(path)
    assert str(error.value).startswith(f"{path}:10: '@tbl-nothing' refers to nothing: no "
                                       "table has the id 'tbl-nothing'")


def test_a_bibliography_outside_the_folder_is_refused(tmp_path):
    inner = tmp_path / "source"
    inner.mkdir()
    path = _article(inner, "bibliography: ../references.bib\n", "Text [@smith2020].\n")
    shutil.copy(SCHOLARLY / "references.bib", tmp_path / "references.bib")
    with pytest.raises(ExporterError) as error:
        load_document(path)
    assert "the bibliography '../references.bib' is outside the source folder" in str(error.value)
    assert f"{path}:5:" in str(error.value)


def test_citations_without_a_bibliography_and_bad_math_are_located_warnings(tmp_path):
    path = _article(tmp_path, "", "As said [@smith2020].\n\nA formula: $\\frac{1}{$.\n")
    doc, _locator = load_document(path)
    assert any(w.startswith(f"{path}:7: '@smith2020' reads as a citation but the front-matter "
                            "names no bibliography") for w in doc.warnings), doc.warnings
    assert any(w.startswith(f"{path}:9: the formula '\\frac{{1}}{{' cannot be set as math")
               for w in doc.warnings), doc.warnings
