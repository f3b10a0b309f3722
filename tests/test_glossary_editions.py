"""The glossary in every edition: used terms only, in order, every link and back-reference resolving."""

from __future__ import annotations

import re
import zipfile

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import SAMPLE, run_cli, squash

from exporter.adapters.docx import bookmark

from exporter.glossary import glossary_report
from exporter.read.source import load_document

SLUG = "azerbaijan-operation-nagorno-karabakh"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}


@pytest.fixture(scope="module")
def report():
    doc, locator = load_document(SAMPLE)
    return glossary_report(doc.ast, doc.root, doc.meta.glossary, locator, doc.meta.lang)


def _xml(epub, name):
    with zipfile.ZipFile(epub) as z:
        return etree.fromstring(z.read(name))


def _epub_files(epub):
    with zipfile.ZipFile(epub) as z:
        return {n.removeprefix("EPUB/"): etree.fromstring(z.read(n))
                for n in z.namelist() if n.endswith(".xhtml")}


def test_epub_glossary_semantics_order_and_links(sample_dist, report):
    epub = sample_dist / f"{SLUG}.epub"
    files = _epub_files(epub)
    glossary = files["glossary-section.xhtml"]
    (section,) = glossary.xpath("//x:*[@epub:type='glossary']", namespaces=NS)
    assert section.get("role") == "doc-glossary"
    terms = glossary.xpath("//x:dt/x:dfn[@epub:type='glossterm']", namespaces=NS)
    assert [t.xpath("string()") for t in terms] == [t.term for t in report.used]
    assert len(glossary.xpath("//x:dd[@epub:type='glossdef']", namespaces=NS)) == len(terms)
    ids = {(name, ident) for name, root in files.items() for ident in root.xpath("//@id")}
    refs = files["article.xhtml"].xpath("//x:a[@epub:type='glossref']", namespaces=NS)
    assert len(refs) == len(report.used)  # link: first -> one link per used term
    for ref in refs:
        target_file, _, target = ref.get("href").partition("#")
        assert (target_file, target) in ids, ref.get("href")
        assert target.startswith("gloss-")
    backrefs = glossary.xpath("//x:a[contains(@class, 'glossary-backref')]", namespaces=NS)
    assert backrefs
    for back in backrefs:
        target_file, _, target = back.get("href").partition("#")
        assert (target_file, target) in ids and target_file == "article.xhtml"
    nav = files["nav.xhtml"]
    assert nav.xpath("//x:nav[@epub:type='toc']//x:a[@href='glossary-section.xhtml']",
                     namespaces=NS)
    assert nav.xpath("//x:nav[@epub:type='landmarks']//x:a[@epub:type='glossary']",
                     namespaces=NS)
    ncx = _xml(epub, "EPUB/toc.ncx")
    assert ncx.xpath("//ncx:content[@src='glossary-section.xhtml']", namespaces=NS)


def test_pdf_glossary_page_numbers_match_the_pages_of_the_uses(sample_dist, report):
    reader = PdfReader(sample_dist / f"{SLUG}.pdf")
    destinations = {name: reader.get_destination_page_number(dest)
                    for name, dest in reader.named_destinations.items()}
    pages = [page.extract_text() for page in reader.pages]
    start = next(i for i, text in enumerate(pages) if "Glossary" in text.splitlines()[:3])
    # Each entry starts with a line holding just its term; its uses follow.
    printed: dict[str, int] = {}
    order: list[str] = []
    terms = {t.term for t in report.used}
    current = None
    for line in "\n".join(pages[start:]).splitlines():
        if line.strip() == "Maps":  # the next appendix
            break
        if line.strip() in terms:
            current = line.strip()
            order.append(current)
        match = re.search(r"Used on page (\d+)", line)
        if match and current:
            printed[current] = int(match.group(1))
    assert order == [t.term for t in report.used], "glossary is not in collation order"
    for term in report.used:
        (use,) = term.ids  # link: first
        page = destinations[use] + 1
        assert squash(term.occurrences[0].text) in squash(pages[page - 1])
        assert printed[term.term] == page, term.term
    # In-text terms are clickable: link annotations pointing at the entries.
    dests = [str(annot.get_object().get("/Dest", "")) for page in reader.pages
             for annot in page.get("/Annots", []) or []]
    for term in report.used:
        assert any(f"gloss-{term.slug}" in d for d in dests), term.term


def test_docx_glossary_bookmarks_hyperlinks_and_pageref_fields(sample_dist, report):
    path = sample_dist / f"{SLUG}.docx"
    document = docx.Document(path)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "Glossary" in headings
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    bookmarks = set(body.xpath("//w:bookmarkStart/@w:name", namespaces=NS))
    anchors = body.xpath("//w:hyperlink/@w:anchor", namespaces=NS)
    fields = [t.strip() for t in body.xpath("//w:instrText/text()", namespaces=NS)]
    for term in report.used:
        assert bookmark(f"gloss-{term.slug}") in bookmarks, term.term
        assert bookmark(f"gloss-{term.slug}") in anchors, term.term
        for use in term.ids:
            assert bookmark(use) in bookmarks
            assert f"PAGEREF {bookmark(use)} \\h" in fields
    assert all(anchor in bookmarks for anchor in anchors)
    terms = [p.text for p in document.paragraphs if p.style.name == "Definition Term"]
    assert terms == [t.term for t in report.used]


def test_aliases_reach_the_same_entry_and_link_every(tmp_path, source_copy):
    article = (source_copy / SAMPLE.name)
    text = article.read_text("utf-8").replace(
        'edition: "1.0"', 'edition: "1.0"\nglossary:\n  link: every', 1)
    article.write_text(text, "utf-8")
    result = run_cli("build", article, "--format", "epub", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    files = _epub_files(tmp_path / f"{article.stem}.epub")
    links = {a.xpath("string()"): a.get("href")
             for a in files["article.xhtml"].xpath("//x:a[@epub:type='glossref']", namespaces=NS)}
    assert links["Stepanakert"] == links["Khankendi"] == "glossary-section.xhtml#gloss-khankendi"
    assert links["Karabakh"] == links["Nagorno-Karabakh"]


BAKU = """  - term: Baku
    definition: >-
      The capital of Azerbaijan, on the Caspian Sea; in news reports also shorthand
      for the Azerbaijani government.
    see_also: [Azerbaijan]
"""

#: (id, replacement for the Baku entry, message fragments)
BAD_GLOSSARY = [
    ("duplicate-term", BAKU + "\n" + BAKU, ["duplicate", "Baku"]),
    ("alias-claimed-twice", BAKU.replace("    see_also", "    aliases: [Stepanakert]\n    see_also"),
     ["Stepanakert"]),
    ("empty-definition", BAKU.replace(
        ">-\n      The capital of Azerbaijan, on the Caspian Sea; in news reports also shorthand\n"
        "      for the Azerbaijani government.", '""'), ["definition"]),
    ("unknown-key", BAKU.replace("    see_also", "    sea_also: [Azerbaijan]\n    see_also"),
     ["sea_also", "did you mean 'see_also'"]),
]


@pytest.mark.parametrize("name,entry,fragments", BAD_GLOSSARY, ids=[b[0] for b in BAD_GLOSSARY])
def test_bad_glossary_stops_the_build(tmp_path, source_copy, name, entry, fragments):
    glossary = source_copy / "glossary.yml"
    text = glossary.read_text("utf-8")
    assert BAKU in text
    glossary.write_text(text.replace(BAKU, entry, 1), "utf-8")
    out = tmp_path / "dist"
    result = run_cli("build", source_copy, "--out", out)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert re.search(r"glossary\.yml:\d+:", result.stderr), result.stderr
    assert not out.exists()


def test_glossary_command_lists_uses_and_warns_about_unused():
    result = run_cli("glossary", SAMPLE)
    assert result.returncode == 0, result.stderr
    assert "Lachin Corridor" in result.stdout and "paragraph" in result.stdout
    assert "defined but does not occur" in result.stderr


def test_docx_page_references_show_a_page_number_before_word_updates_them(sample_dist):
    """Measure: the cached result of every PAGEREF field in the sample's DOCX (what
    Protected View and readers that never update fields show) is a page number between
    1 and the pages the document's words fill, never "#"; Word still updates it
    (w:dirty)."""
    with zipfile.ZipFile(sample_dist / f"{SLUG}.docx") as z:
        body = z.read("word/document.xml").decode("utf-8")
    results = re.findall(r'<w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r>'
                         r'<w:instrText xml:space="preserve"> PAGEREF [^<]*</w:instrText></w:r>'
                         r'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>([^<]*)'
                         r'</w:t>', body)
    assert results and len(results) == body.count(" PAGEREF ")
    words = len(re.sub(r"<[^>]+>", " ", body).split())
    assert all(r.isdigit() and 1 <= int(r) <= words // 300 + 2 for r in results), results
