"""Accessible editions: EPUB Accessibility 1.1 checked by Ace by DAISY, tagged PDF/UA-1,
accessible names as Chromium reads them, and one pagination for print and screen."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from conftest import (FIXTURES, ROOT, SCRIPT_SLUG, built, pdf_pages_text, read_member,
                      run_cli, squash)
from exporter.publish.checks import epub_accessibility, pdf_accessibility

TOOLS = ROOT / ".tools"
ACE = TOOLS / "node_modules" / ".bin" / "ace-cli"
AX_LINKS = Path(__file__).parent / "tools" / "ax_links.js"
XHTML = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
SLUG = "azerbaijan-operation-nagorno-karabakh"


def _browser_env() -> dict:
    chromium = shutil.which("chromium")
    if chromium is None or not ACE.exists():
        pytest.fail("Ace by DAISY and chromium are needed: ./test.sh installs them")
    return dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium, ACE_TOOLS=str(TOOLS))


def ace_violations(epub: Path, out: Path) -> list[str]:
    """Every violation Ace by DAISY reports on ``epub``, of any impact."""
    result = subprocess.run([str(ACE), "--force", "--silent", "--outdir", str(out), str(epub)],
                            capture_output=True, text=True, env=_browser_env(), timeout=300)
    report = out / "report.json"
    assert report.exists(), f"Ace wrote no report: {result.stderr[-2000:]}"
    data = json.loads(report.read_text("utf-8"))
    found = []
    for subject in data["assertions"]:
        for item in subject["assertions"]:
            test = item["earl:test"]
            found.append(f"{subject['earl:testSubject']['url']}: {test['earl:impact']} "
                         f"{test['dct:title']}: {item['earl:result']['dct:description']}")
    return found


@pytest.fixture(scope="module")
def second_dist(tmp_path_factory) -> Path:
    """A second article of our own, with a table, a figure and footnotes."""
    return built(tmp_path_factory, FIXTURES / "a11y", "a11y-dist")


# --- EPUB Accessibility 1.1 ---------------------------------------------------------

def test_ace_finds_no_violation_in_the_sample(sample_dist, tmp_path):
    assert ace_violations(sample_dist / f"{SLUG}.epub", tmp_path / "ace") == []


def test_ace_finds_no_violation_in_an_article_with_table_figure_and_notes(second_dist,
                                                                          tmp_path):
    epub = second_dist / "lachin-corridor-timeline.epub"
    article = read_member(epub, "EPUB/article.xhtml").decode()
    assert "<table" in article and "<figure" in article and 'role="doc-noteref"' in article
    assert ace_violations(epub, tmp_path / "ace") == []
    result = run_cli("check", second_dist)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ace_finds_no_violation_in_each_language_of_the_region(language, tmp_path):
    """The six articles of tests/fixtures/scripts (Persian and Arabic right to left,
    Armenian, Georgian, Russian, Azerbaijani), each built once for the session."""
    _lang, out = language
    assert ace_violations(out / f"{SCRIPT_SLUG}.epub", tmp_path / "ace") == []


def test_the_epub_declares_what_it_has(sample_dist):
    epub = sample_dist / f"{SLUG}.epub"
    assert epub_accessibility(epub) == []
    opf = etree.fromstring(read_member(epub, "EPUB/content.opf"))
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    meta: dict[str, list[str]] = {}
    for el in opf.iterfind(".//{http://www.idpf.org/2007/opf}meta[@property]"):
        meta.setdefault(el.get("property"), []).append(el.text)
    assert meta["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert set(meta["schema:accessMode"]) == {"textual", "visual"}
    assert "textual" in meta["schema:accessModeSufficient"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText", "readingOrder",
            "printPageNumbers", "pageBreakMarkers"} <= set(meta["schema:accessibilityFeature"])
    assert meta["schema:accessibilityHazard"] == ["none"]
    summary = meta["schema:accessibilitySummary"][0]
    pages = len(pdf_pages_text(sample_dist / f"{SLUG}.pdf"))
    # Written from the edition's content: its maps, glossary and page count.
    assert "2 maps" in summary and "16 terms" in summary and f"({pages} pages)" in summary
    source = opf.find(".//{http://purl.org/dc/elements/1.1/}source")
    assert source is not None and f"{SLUG}.pdf" in source.text
    refines = opf.find(f".//{{http://www.idpf.org/2007/opf}}meta[@refines='#{source.get('id')}']")
    assert refines.get("property") == "source-of" and refines.text == "pagination"


def test_every_epub_type_has_its_role_and_headings_never_skip(sample_dist):
    epub = sample_dist / f"{SLUG}.epub"
    roles = {"glossary": "doc-glossary", "glossref": "doc-glossref", "appendix": "doc-appendix",
             "chapter": "doc-chapter", "pagebreak": "doc-pagebreak", "noteref": "doc-noteref"}
    for part in ("title", "article", "glossary-section", "maps-section"):
        root = etree.fromstring(read_member(epub, f"EPUB/{part}.xhtml"))
        for el in root.iter():
            kinds = (el.get(f"{{{XHTML['epub']}}}type") or "").split()
            for kind in kinds:
                if kind in roles:
                    assert el.get("role") == roles[kind], (part, etree.tostring(el)[:120])
        levels = [int(el.tag[-1]) for el in root.iter()
                  if isinstance(el.tag, str) and re.fullmatch(r"\{.*\}h[1-6]", el.tag)]
        assert levels and levels[0] == 1, (part, levels)
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (part, levels)
    article = etree.fromstring(read_member(epub, "EPUB/article.xhtml"))
    h1 = article.find(".//h:h1", XHTML)
    assert "".join(h1.itertext()) == "Azerbaijan launches operation against Nagorno-Karabakh"


def test_heading_levels_of_the_author_are_closed_up(second_dist):
    # The article uses "##" without "#": those are <h2> under the headline, not <h3>.
    root = etree.fromstring(read_member(second_dist / "lachin-corridor-timeline.epub",
                                  "EPUB/article.xhtml"))
    levels = [el.tag.rsplit("}", 1)[1] for el in root.iter()
              if isinstance(el.tag, str) and re.fullmatch(r"\{.*\}h[1-6]", el.tag)]
    assert levels == ["h1", "h2", "h2"]


# --- One pagination ----------------------------------------------------------------

def _words_after(marker, count: int = 4) -> list[str]:
    """The first words after ``marker``, up to a figure (whose image text comes first)."""
    texts = []
    for node in marker.xpath("following::node()"):
        if isinstance(node, str):
            if not any(a.tag.endswith("figure") for a in node.getparent().iterancestors()):
                texts.append(node)
        elif isinstance(node.tag, str) and node.tag.endswith("figure"):
            break
        if len(texts) > 40:
            break
    return " ".join(" ".join(texts).split()).split()[:count]


def test_the_page_list_has_one_entry_per_pdf_page_at_its_first_words(sample_dist):
    epub = sample_dist / f"{SLUG}.epub"
    pages = pdf_pages_text(sample_dist / f"{SLUG}.pdf")
    nav = etree.fromstring(read_member(epub, "EPUB/nav.xhtml"))
    page_list = [n for n in nav.iterfind(".//h:nav", XHTML)
                 if n.get(f"{{{XHTML['epub']}}}type") == "page-list"]
    assert len(page_list) == 1 and page_list[0].get("role") == "doc-pagelist"
    links = page_list[0].findall(".//h:a", XHTML)
    assert [a.text for a in links] == [str(n) for n in range(1, len(pages) + 1)]
    ncx = etree.fromstring(read_member(epub, "EPUB/toc.ncx"))
    ncx_ns = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    assert len(ncx.findall(".//n:pageList/n:pageTarget", ncx_ns)) == len(pages)
    titles = {"Azerbaijan launches operation against Nagorno-Karabakh", "Glossary", "Maps"}
    opened = {"Azerbaijan launches operation against Nagorno-Karabakh"}  # opens on page 2
    for number, (link, text) in enumerate(zip(links, pages), 1):
        file_name, fragment = link.get("href").split("#")
        doc = etree.fromstring(read_member(epub, f"EPUB/{file_name}"))
        marker = doc.find(f".//*[@id='{fragment}']")
        assert marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == str(number)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if number > 1 and lines[0] in titles:
            if lines[0] in opened:
                lines = lines[1:]  # the running head
            opened.add(lines[0])  # the part's own heading: no running head above it
        following = marker.getnext()
        if following is not None and following.tag.endswith("figure"):
            caption = "".join(following.find(".//h:figcaption", XHTML).itertext())
            assert " ".join(caption.split()[:4]) in " ".join(text.split()), number
            continue
        words = _words_after(marker)
        start = " ".join(" ".join(lines).split()).split()
        # The page may start inside a word hyphenated across the page turn; the marker
        # stands before that whole word, and the next words start the page.
        assert words[0].endswith(start[0].rstrip("\u2010-")), (number, words, start[:4])
        assert start[1:len(words)] == words[1:], (number, words, start[:4])


def test_page_starts_inside_a_paragraph_mark_the_word(tmp_path):
    import lxml.html

    from exporter.typeset.pagination import PageStart, insert_marker

    root = lxml.html.fragment_fromstring(
        "<h2>Head</h2><p>One two <em>three</em> four five</p>"
        "<table><tbody><tr><td>a</td></tr><tr><td>b</td></tr></tbody></table>",
        create_parent="div")

    def marker(n):
        return root.makeelement("span", {"id": f"page-{n}"})

    # Last first, as the EPUB adapter does.
    insert_marker(root, PageStart(4, "x", (2, 0, 1, 0), 0), marker)
    insert_marker(root, PageStart(3, "x", (1,), 8), marker)  # "four" in "One two four five"
    insert_marker(root, PageStart(2, "x", (0,), 0), marker)
    html = etree.tostring(root, encoding="unicode")
    assert '<span id="page-2"/><h2>Head</h2>' in html  # before the heading, not in it
    assert 'three</em> <span id="page-3"/>four five' in html
    assert '<tr><td><span id="page-4"/>b</td></tr>' in html  # a row takes no <span>


# --- Tagged PDF/UA-1 ---------------------------------------------------------------

def test_the_pdf_is_tagged_pdf_ua_1(sample_dist):
    pdf = sample_dist / f"{SLUG}.pdf"
    assert pdf_accessibility(pdf) == []
    epub = sample_dist / f"{SLUG}.epub"
    maps = etree.fromstring(read_member(epub, "EPUB/maps-section.xhtml"))
    alts = [img.get("alt") for img in maps.iterfind(".//h:img", XHTML)]
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == "en-GB"
        assert doc.Root.ViewerPreferences.DisplayDocTitle
        with doc.open_metadata() as xmp:
            assert str(xmp["pdfuaid:part"]) == "1"
        figures, headers, stack = [], 0, [doc.Root.StructTreeRoot.K]
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend(item)
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                if item.S == "/Figure":
                    figures.append(str(item.Alt))
                headers += item.S == "/TH"
                if "/K" in item:
                    stack.append(item.K)
        assert sorted(figures) == sorted(alts)  # the maps' generated alt text
        assert headers == 5  # the gazetteer's header cells
        with doc.open_outline() as outline:
            titles = [(item.title, [c.title for c in item.children]) for item in outline.root]
        link_texts = [str(a.Contents) for page in doc.pages for a in page.obj.get("/Annots", [])]
    assert titles == [("Azerbaijan launches operation against Nagorno-Karabakh", []),
                      ("Glossary", []),
                      ("Maps", ["Map 1. The South Caucasus",
                                "Map 2. Nagorno-Karabakh and the Lachin Corridor",
                                "Gazetteer"])]
    # Links are described by what they lead to, not by an id.
    assert "see Map 2: Nagorno-Karabakh and the Lachin Corridor" in link_texts
    assert "back to the first use of Lachin Corridor in the text" in link_texts
    assert not any(re.fullmatch(r"(gref|gloss|map)-[\w-]+", t) for t in link_texts)


def test_running_heads_name_the_part(sample_dist):
    pages = pdf_pages_text(sample_dist / f"{SLUG}.pdf")
    heads = [next(line.strip() for line in text.splitlines() if line.strip())
             for text in pages[1:]]
    headline = "Azerbaijan launches operation against Nagorno-Karabakh"
    # Page 2 opens the article: its headline, no running head above it (issue 25).
    assert squash(pages[1]).count(squash(headline)) == 1 and heads[0] != headline
    assert heads[1] == headline
    assert "Glossary" in heads and "Maps" in heads
    assert heads.index("Glossary") < heads.index("Maps")


def test_check_fails_editions_without_accessibility(sample_dist, tmp_path):
    epub = tmp_path / "bare.epub"
    with zipfile.ZipFile(sample_dist / f"{SLUG}.epub") as src, \
            zipfile.ZipFile(epub, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/content.opf":
                data = re.sub(rb'\s*<meta property="schema:accessMode">[^<]*</meta>', b"", data)
            dst.writestr(info, data, compress_type=info.compress_type)
    pdf = tmp_path / "untagged.pdf"
    with pikepdf.open(sample_dist / f"{SLUG}.pdf") as doc:
        del doc.Root.StructTreeRoot
        del doc.Root.MarkInfo
        doc.save(pdf)
    result = run_cli("check", epub, pdf)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "bare.epub: error: accessibility: no schema:accessMode metadata" in output
    assert "untagged.pdf: error: accessibility: untagged: no structure tree" in output
    assert "untagged.pdf: error: accessibility: not marked as tagged" in output


# --- Text read aloud and copied ----------------------------------------------------

def test_markers_are_words_of_their_own_in_copied_text(sample_dist, second_dist):
    text = " ".join("".join(pdf_pages_text(sample_dist / f"{SLUG}.pdf")).split())
    assert re.search(r"Baku map 1\b", text) and "Bakumap" not in text
    assert not re.search(r"[a-z]map \d", text)
    assert re.search(r"Used on page \d", text) and "Back to the text" not in text
    notes = " ".join("".join(pdf_pages_text(second_dist / "lachin-corridor-timeline.pdf"))
                     .split())
    assert re.search(r"war\.\s1\s", notes), notes[:400]
    import docx

    document = docx.Document(io.BytesIO((sample_dist / f"{SLUG}.docx").read_bytes()))
    words = " ".join(p.text for p in document.paragraphs)
    assert re.search(r"Baku\smap\s1", words) and not re.search(r"[a-z]map\s\d", words)
    assert "Back to the text" not in words


def test_chromium_reads_the_markers_and_back_links_by_name(sample_dist, tmp_path):
    with zipfile.ZipFile(sample_dist / f"{SLUG}.epub") as archive:
        archive.extractall(tmp_path)
    files = [tmp_path / "EPUB" / f"{part}.xhtml" for part in ("article", "glossary-section")]
    result = subprocess.run(["node", str(AX_LINKS), *map(str, files)], capture_output=True,
                            text=True, env=_browser_env(), timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    nodes = json.loads(result.stdout)
    names = {(n["role"], n["name"]) for n in nodes}
    assert ("link", "see Map 2: Nagorno-Karabakh and the Lachin Corridor") in names
    assert ("link", "see Map 1: The South Caucasus") in names
    assert ("doc-backlink", "back to the first use of Lachin Corridor in the text") in names
    assert ("doc-pagebreak", "2") in names
    # No link is announced as a bare number.
    assert not [n for n in nodes if re.fullmatch(r"\d+", n["name"]) and n["role"] != "doc-pagebreak"]


def test_an_epub_built_without_its_pdf_carries_the_same_pages(sample_dist, tmp_path):
    result = run_cli("build", ROOT / "source" / f"{SLUG}.md", "--format", "epub",
                     "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    alone, beside = (etree.fromstring(read_member(folder / f"{SLUG}.epub", "EPUB/nav.xhtml"))
                     for folder in (tmp_path, sample_dist))

    def pages(nav):
        return [(a.get("href"), a.text) for n in nav.iterfind(".//h:nav", XHTML)
                if n.get(f"{{{XHTML['epub']}}}type") == "page-list"
                for a in n.iterfind(".//h:a", XHTML)]

    assert pages(alone) and pages(alone) == pages(beside)
    assert (tmp_path / f"{SLUG}.epub").read_bytes() == (sample_dist / f"{SLUG}.epub").read_bytes()


# --- Images without a text description (issue 25) ----------------------------------

_PHOTO_ARTICLE = """---
title: A photograph without a description
date: 2023-10-02
lang: en-GB
authors: []
rights: Sample text written for the exporter's tests.
edition: "1.0"
---

A short paragraph before the photograph.

![](photo.png)

A rule drawn as an ornament only, marked so by its author:

![](photo.png){.decorative}
"""


def test_an_image_without_alt_text_warns_and_fails_check_in_every_edition(tmp_path):
    """Measure: one author image with empty alt (line 12) and one marked decorative.
    The build warns naming photo.md:12 (exit 2 with --strict); the EPUB gives every
    <img> an alt, marks the ornament role="presentation", and declares neither
    alternativeText nor WCAG conformance, saying so in its summary; `exporter check`
    fails the EPUB, the PDF and the DOCX on the undescribed image only."""
    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(FIXTURES / "a11y" / "timeline.png", source / "photo.png")
    (source / "photo.md").write_text(_PHOTO_ARTICLE, "utf-8")
    strict = run_cli("build", source, "--out", tmp_path / "strict", "--strict",
                     "--format", "epub")
    assert strict.returncode == 2, strict.stderr
    assert "photo.md:12: image 'photo.png' has no text description" in strict.stderr
    out = tmp_path / "dist"
    result = run_cli("build", source, "--out", out)
    assert result.returncode == 0, result.stderr
    warning = " ".join((result.stdout + result.stderr).split())
    assert "photo.md:12: image 'photo.png' has no text description" in warning
    assert "![what it shows](photo.png)" in warning  # brackets printed, not eaten as markup

    page = etree.fromstring(read_member(out / "photo.epub", "EPUB/article.xhtml"))
    images = page.findall(".//h:img", XHTML)
    assert [(i.get("alt"), i.get("role")) for i in images] == [("", None), ("", "presentation")]
    opf = read_member(out / "photo.epub", "EPUB/content.opf").decode("utf-8")
    assert "alternativeText" not in opf and "conformsTo" not in opf
    assert "1 image has no text description, so this publication does not meet WCAG" in opf

    check = run_cli("check", out / "photo.epub", out / "photo.pdf", out / "photo.docx")
    assert check.returncode == 1
    output = check.stdout + check.stderr
    assert output.count("photo.epub: error: accessibility: image img-photo-png.png") == 1
    assert output.count("photo.docx: error: accessibility: picture") == 1
    assert output.count("photo.pdf: error: accessibility: a figure has no alternative") == 1


def test_check_fails_an_epub_whose_image_lost_its_alt(sample_dist, tmp_path):
    """Measure: the sample's EPUB with the alt attribute stripped from its first <img>
    (a map): `exporter check`'s EPUB image check names the image, and the
    alternativeText and WCAG claims it still makes (called directly: the CLI would run
    EPUBCheck again, 11 s; the test above runs the whole `exporter check`)."""
    from exporter.publish.checks import epub_image_descriptions

    epub = tmp_path / "stripped.epub"
    with zipfile.ZipFile(sample_dist / f"{SLUG}.epub") as src, \
            zipfile.ZipFile(epub, "w") as dst:
        done = False
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".xhtml") and not done and b"<img " in data:
                data, done = re.sub(rb'(<img\b[^>]*?)\salt="[^"]*"', rb"\1", data, count=1), True
            dst.writestr(info, data, compress_type=info.compress_type)
    assert done
    output = "\n".join(str(f) for f in epub_image_descriptions(epub))
    assert "has no alt attribute" in output
    assert "declares alternativeText, but an image has none" in output
    assert "but an image has no text description (WCAG 1.1.1)" in output


@pytest.mark.parametrize("maps, sentence", [
    (1, "Its 1 map has a text description,"),
    (2, "Its 2 maps each have a text description,"),
])
def test_the_summary_counts_maps_in_the_language_s_plural(maps, sentence):
    """Measure: the EPUB's accessibility summary for 1 and 2 maps, through the
    catalogue's plural forms (no "1 map each have")."""
    from types import SimpleNamespace

    from exporter.adapters.epub import _accessibility

    part = SimpleNamespace(figures=[("map", "A map")] * maps,
                           html='<img alt="A map" src="m.svg"/>' * maps)
    doc = SimpleNamespace(meta=SimpleNamespace(lang="en"))
    summary = dict(_accessibility(doc, [part], []))["schema:accessibilitySummary"]
    assert sentence in summary
    assert "1 map each" not in summary and "maps has" not in summary


# --- Running heads, folios, header cells (issue 25) ---------------------------------

def test_running_heads_and_folios_are_pagination_artifacts(sample_dist):
    """Measure: on every page of the sample's PDF after the first, the running head and
    the folio are /Artifact /Pagination (a Header above the middle of the page, a Footer
    below), no tagged content is left outside the structure tree, and every TH has a
    /Scope (`exporter check`'s pdf_tagged_content finds nothing)."""
    from exporter.publish.checks import pdf_tagged_content

    path = sample_dist / f"{SLUG}.pdf"
    assert pdf_tagged_content(path) == []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages[1:], 2):
            kinds = [str(ops[1].get("/Subtype")) for ops, op in pikepdf.parse_content_stream(page)
                     if str(op) == "BDC" and ops[0] == pikepdf.Name.Artifact
                     and ops[1].get("/Type") == pikepdf.Name.Pagination]
            assert "/Footer" in kinds, (number, kinds)
        cells = []
        stack = [pdf.Root.StructTreeRoot.K]
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend(item)
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                if item.S == "/TH":
                    cells.append(str(item.A.get("/Scope")))
                stack.append(item.get("/K"))
    assert cells and set(cells) <= {"/Column", "/Row"}


def test_check_fails_a_pdf_whose_running_heads_are_tagged_as_content(sample_dist, tmp_path):
    """Measure: the sample's PDF with its pagination artifacts turned back into tagged
    content (/Span with an MCID the structure tree does not know), and the /Scope taken
    off its header cells: `exporter check` fails it, naming the pages and the cells."""
    bad = tmp_path / "heads-as-content.pdf"
    with pikepdf.open(sample_dist / f"{SLUG}.pdf") as pdf:
        for page in pdf.pages:
            ops = pikepdf.parse_content_stream(page)
            for i, (operands, op) in enumerate(ops):
                if str(op) == "BDC" and operands[0] == pikepdf.Name.Artifact \
                        and operands[1].get("/Type") == pikepdf.Name.Pagination:
                    ops[i] = pikepdf.ContentStreamInstruction(
                        [pikepdf.Name.Span, pikepdf.Dictionary(MCID=900 + i)],
                        pikepdf.Operator("BDC"))
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TH":
                del obj.A.Scope
        pdf.save(bad)
    result = run_cli("check", bad)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    # Page 2 opens the article: its folio only, no running head (issue 25).
    assert "page 2: 1 piece(s) of tagged content belong to no element" in output
    assert "page 3: 2 piece(s) of tagged content belong to no element" in output
    assert "no running head or folio is marked as a pagination artifact" in output
    assert "a table header cell (TH) has no /Scope" in output
