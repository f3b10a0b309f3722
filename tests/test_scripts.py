"""Issue 22: every script on the page. A right-to-left article (Persian, written for these
tests in tests/fixtures/scripts/fa) built in every format and read back as readers'
software reads it: direction in the EPUB, the PDF and the DOCX; a Latin name inside
Persian in its own order; the booklet bound on the right; text set ragged where the
language has no hyphenation patterns, and no justified line looser than 0.6 em between
words."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import (bad_breaks, english_left, pdf_pages_text, ROOT, SAMPLE, read_member,
                      run_cli, stranded_headings)
from word_gaps import full_lines

PERSIAN = ROOT / "tests" / "fixtures" / "scripts" / "fa"
SLUG = "azerbaijan-operation"


@pytest.fixture(scope="module")
def persian(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fa")
    result = run_cli("build", PERSIAN, "--out", out, "--format", "epub", "--format", "pdf",
                     "--format", "docx", "--format", "booklet")
    assert result.returncode == 0, result.stderr
    return out


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, xMax, yMin, word) of every word pdftotext finds on ``page``."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                          "-"], capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(y), w) for a, y, b, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        out)]


def test_the_epub_reads_right_to_left(persian):
    epub = persian / f"{SLUG}.epub"
    opf = read_member(epub, "EPUB/content.opf").decode()
    assert re.search(r'<spine [^>]*page-progression-direction="rtl"', opf)
    with zipfile.ZipFile(epub) as archive:
        pages = [n for n in archive.namelist() if n.endswith(".xhtml")]
        for name in pages:
            root = re.search(r"<html [^>]*>", archive.read(name).decode()).group()
            assert 'dir="rtl"' in root and 'lang="fa"' in root, name


def test_the_pdf_is_set_right_to_left(persian):
    pdf = persian / f"{SLUG}.pdf"
    with pikepdf.open(pdf) as opened:
        assert opened.Root.ViewerPreferences.Direction == "/R2L"
        assert opened.Root.ViewerPreferences.DisplayDocTitle  # PDF/UA's stays
    words = _words(pdf, 2)
    # The Latin name inside the Persian sentence keeps its own order, left to right.
    nikol = next(w for w in words if "Nikol" in w[3])
    pashinyan = next(w for w in words if "Pashinyan" in w[3])
    assert nikol[0] < pashinyan[0] and abs(nikol[2] - pashinyan[2]) < 4
    # Persian has no hyphenation patterns: lines flush right (the start), ragged left.
    lines: dict[int, list[tuple[float, float]]] = {}
    for x_min, x_max, y, word in words:
        if y > 60 and re.search("[\u0600-\u06ff]", word):  # below the running head
            lines.setdefault(round(y / 3), []).append((x_min, x_max))
    rights = sorted(max(b for _a, b in line) for line in lines.values() if len(line) > 4)
    lefts = [min(a for a, _b in line) for line in lines.values() if len(line) > 4]
    assert len(rights) >= 6
    edge = rights[len(rights) // 2]
    # One right edge for nearly every line (a paragraph's indented first line aside).
    assert sum(abs(r - edge) < 3 for r in rights) >= 0.75 * len(rights)
    assert max(lefts) - min(lefts) > 30  # ragged on the left


def test_the_booklet_binds_on_the_right(persian):
    from exporter.typeset.imposition import saddle_stitch_order

    assert saddle_stitch_order(4) == [(3, 0), (1, 2)]
    assert saddle_stitch_order(4, rtl=True) == [(0, 3), (2, 1)]
    with pikepdf.open(persian / f"{SLUG}-booklet.pdf") as booklet:
        first = booklet.pages[0]
        placed = [str(op[0]) for op, name in pikepdf.parse_content_stream(first)
                  if str(name) == "Do"]
    # The first side: the first page on the left half, the last on the right.
    assert placed[0] == "/P0"


def test_the_docx_is_right_to_left(persian):
    document = read_member(persian / f"{SLUG}.docx", "word/document.xml").decode()
    styles = read_member(persian / f"{SLUG}.docx", "word/styles.xml").decode()
    paragraphs = re.findall(r"<w:p>.*?</w:p>", document, re.S)
    text_paragraphs = [p for p in paragraphs if "<w:t" in p]
    assert sum("<w:bidi" in p for p in text_paragraphs) >= 0.9 * len(text_paragraphs)
    assert "<w:rtl" in document
    assert 'w:bidi="fa-IR"' in styles and "ar-SA" not in styles
    assert 'w:cs="Noto Naskh Arabic"' in styles and "w:cstheme" not in styles
    assert "<w:bidiVisual/>" in document  # the gazetteer table
    section = re.search(r"<w:sectPr>.*?</w:sectPr>", document, re.S).group()
    assert "<w:bidi/>" in section and "<w:rtlGutter/>" in section
    # Map captions keep their SEQ field, numbered in Persian.
    assert re.search(r"نقشهٔ </w:t>.*? SEQ Map .*?>۱</w:t>", document, re.S)


def test_direction_comes_from_the_language_or_the_front_matter(tmp_path):
    from exporter.read.source import load_metadata

    meta, *_ = load_metadata("---\ntitle: T\ndate: 2023-09-19\nlang: ar\n---\n", Path("a.md"))
    assert meta.direction == "rtl"
    meta, *_ = load_metadata("---\ntitle: T\ndate: 2023-09-19\nlang: en\ndir: rtl\n---\n",
                            Path("a.md"))
    assert meta.direction == "rtl"
    meta, *_ = load_metadata("---\ntitle: T\ndate: 2023-09-19\nlang: hy\n---\n", Path("a.md"))
    assert meta.direction == "ltr"


# --- exporter check sees what a reader sees ------------------------------------------------

def _rewritten(source: Path, target: Path, member: str, change, *more) -> Path:
    """A copy of zip ``source`` with ``member`` changed by ``change`` (and the pairs of
    member and change in ``more``)."""
    changes = dict(zip((member, *more[::2]), (change, *more[1::2])))
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, changes[info.filename](data) if info.filename in changes
                         else data)
    return target


def test_check_passes_the_persian_editions(persian):
    from exporter.publish.checks import check

    for name in (f"{SLUG}.epub", f"{SLUG}.pdf", f"{SLUG}.docx"):
        assert [str(f) for f in check(persian / name) if f.level == "error"] == []


def test_check_fails_a_right_to_left_edition_laid_out_left_to_right(persian, tmp_path):
    from exporter.publish.checks import check

    epub = _rewritten(persian / f"{SLUG}.epub", tmp_path / "no-dir.epub", "EPUB/article.xhtml",
                      lambda data: data.replace(b' dir="rtl"', b""))
    assert any("article.xhtml: the language 'fa' is written right to left" in f.message
               for f in check(epub))
    docx = _rewritten(persian / f"{SLUG}.docx", tmp_path / "no-bidi.docx", "word/document.xml",
                      lambda data: re.sub(rb"<w:bidi ?/>", b"", data))
    assert any("paragraphs are set left to right" in f.message for f in check(docx))
    pdf = tmp_path / "no-r2l.pdf"
    with pikepdf.open(persian / f"{SLUG}.pdf") as opened:
        del opened.Root.ViewerPreferences["/Direction"]
        opened.save(pdf)
    assert any("PDF is laid out left to right" in f.message for f in check(pdf))


def test_check_fails_text_in_another_language_without_its_own(persian, tmp_path):
    """The Persian article quotes English, marked [...]{lang=en}: the EPUB says so (and
    sets it left to right), and so does the DOCX (a left-to-right run, read in w:val's
    language). Without those marks, and with English alt text, check finds the English
    a screen reader would read as Persian; two capitalised Latin words (Nikol Pashinyan)
    are a name, not language."""
    from exporter.publish.checks import check

    quote = "local anti-terrorist activities"
    epub, docx = persian / f"{SLUG}.epub", persian / f"{SLUG}.docx"
    assert f'<span lang="en" dir="ltr">{quote}</span>' in read_member(
        epub, "EPUB/article.xhtml").decode()
    run = re.search(rf"<w:r>((?:(?!</w:r>).)*){quote}", read_member(
        docx, "word/document.xml").decode()).group(1)
    assert '<w:lang w:val="en"' in run and "<w:rtl" not in run

    english_alt = b'alt="A map of Nagorno-Karabakh and the Lachin corridor"'
    unmarked = _rewritten(epub, tmp_path / "unmarked.epub",
                          "EPUB/article.xhtml", lambda data: data.replace(b' lang="en"', b""),
                          "EPUB/maps-section.xhtml",
                          lambda data: re.sub(rb'alt="[^"]*"', english_alt, data, count=1))
    errors = [f.message for f in check(unmarked) if f.level == "error"]
    assert len(errors) == 2, errors
    assert "EPUB/article.xhtml (p): 4 words in Latin script" in errors[0]
    assert f"reads them as 'fa': \"{quote}\"" in errors[0]
    assert "EPUB/maps-section.xhtml (img/@alt): 9 words in Latin script" in errors[1]
    unmarked = _rewritten(docx, tmp_path / "unmarked.docx", "word/document.xml",
                          lambda data: re.sub(rb'<w:lang w:val="en" ?/>', b"", data))
    errors = [f.message for f in check(unmarked) if f.level == "error"]
    assert len(errors) == 1 and f"reads them as 'fa': \"{quote}\"" in errors[0], errors


def test_check_fails_characters_printed_as_empty_boxes(tmp_path):
    """No font has U+E000 (private use): WeasyPrint draws .notdef, which the check finds
    in the PDF's fonts; the Tangut character beside it has a face (Noto) and passes."""
    from exporter.publish.checks import check

    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "boxes.md").write_text("---\ntitle: Boxes\ndate: 2023-09-19\nlang: en\n---\n"
                                     "A private \ue000 sign and \U00017000 here.\n", "utf-8")
    result = run_cli("build", folder, "--out", tmp_path / "out", "--format", "pdf")
    assert result.returncode == 0, result.stderr
    messages = [f.message for f in check(tmp_path / "out" / "boxes.pdf")]
    assert any("print as empty boxes" in m and "U+E000" in m for m in messages), messages
    assert not any("U+17000" in m for m in messages)


def test_a_face_for_the_script_in_every_edition(persian):
    """Literata has no Arabic: Noto Naskh Arabic sets it, embedded (subset, with its
    notice) in the EPUB, used in the PDF and on the generated cover."""
    from exporter.enrich.cover import _face, _upper

    epub = persian / f"{SLUG}.epub"
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        css = archive.read("EPUB/style/epub.css").decode()
    assert "EPUB/fonts/NotoNaskhArabic.ttf" in names
    assert 'font-family: "Noto Naskh Arabic"' in css and "Noto Project Authors" in css
    fonts = subprocess.run(["pdffonts", str(persian / f"{SLUG}.pdf")], capture_output=True,
                           text=True, check=True).stdout
    assert "Noto-Naskh-Arabic" in fonts
    assert _face("آذربایجان", bold=True, size=40).path.endswith("NotoNaskhArabic-Bold.ttf")
    # No capitals the face cannot draw: Georgian stays as written (DejaVu has no Mtavruli);
    # Azerbaijani capitals keep the dotted İ.
    assert _upper("İrəvan", "az") == "İRƏVAN"


# --- the six languages of the region, each built in every format ---------------------------

def test_each_language_passes_check_with_no_empty_boxes(language):
    from exporter.publish.checks import check

    _lang, out = language
    for name in (f"{SLUG}.epub", f"{SLUG}.pdf", f"{SLUG}.docx", f"{SLUG}.html"):
        assert [str(f) for f in check(out / name)] == []


def test_each_language_has_no_english_left(language):
    lang, out = language
    assert english_left(out / f"{SLUG}.epub") == []
    direction = "rtl" if lang in ("fa", "ar") else "ltr"
    html = read_member(out / f"{SLUG}.epub", "EPUB/article.xhtml").decode()
    assert f'dir="{direction}"' in html


# --- no rivers: the word spacing of justified lines ------------------------------------

#: The widest mean word gap of a full line, in em (issue 22: "no rivers").
MAX_WORD_GAP = 0.6
#: Languages whose PDF is set justified (they have hyphenation patterns); the others are
#: set ragged: no patterns (fa, ar, az), or too sparse ones (hy).
JUSTIFIED = ("en", "ru", "ka")


def _assert_no_loose_lines(pdf: Path) -> None:
    """No full line of ``pdf``'s pages 2 on has a mean word gap over 0.6 em, and the text
    is justified: at least 4 full lines on the first text page."""
    lines = full_lines(pdf, first_page=2)
    loose = [f"page {line.page}: {line.mean:.2f} em: {line.text}" for line in lines
             if line.mean > MAX_WORD_GAP]
    assert loose == []
    assert sum(line.page == 2 for line in lines) >= 4


def test_no_justified_line_of_the_sample_is_looser_than_0_6_em(sample_dist):
    """The measure (tests/word_gaps.py): on every page after the title page, the words
    pdftotext finds, in lines (one baseline in one of its blocks, superscripts with it);
    a line of 3 words or more is *full* when it runs from its column's start (or a
    paragraph's indent, 2 em) to within 1 pt of the page's widest line; its word gap is
    the mean distance from one word's last glyph to the next one's first, in em of the
    line's largest font size (from the PDF's text operators), gaps under 0.1 em (not
    spaces) left out. No full line may have a word gap over 0.6 em."""
    _assert_no_loose_lines(sample_dist / f"{SAMPLE.stem}.pdf")


def test_the_sample_breaks_no_name_and_ends_no_paragraph_on_a_stub(sample_dist):
    """Measure (conftest.bad_breaks, pdftotext lines of the sample's 10 A4 pages): no
    capitalised word split at a line end (was 5: Cor-ridor, Ali-yev, Pash-inyan,
    Repub-lic, Agh-dam, hyphenated "eagerly" to tighten loose lines), no one-word line
    ending a word hyphenated on the line before ("cease-/fire".), no run of more than
    two hyphenated lines; the word-spacing bound above still holds; no heading at a
    page's foot with its text on the next page (conftest.stranded_headings)."""
    assert bad_breaks(sample_dist / f"{SAMPLE.stem}.pdf") == {
        "names": [], "stubs": [], "runs": []}
    assert stranded_headings(sample_dist / f"{SAMPLE.stem}.pdf") == []


def test_no_name_is_split_in_any_language(language):
    """Measure (conftest.bad_breaks, pdftotext lines): no capitalised word split at a line
    end and no paragraph ending on a word's stub, in every language of the region. The
    Russian article names people in several cases (Пашинян, Пашиняна; Шахраманян,
    Шахраманяна; Варданян, Варданяна): until issue 25 a loose Russian paragraph
    hyphenated names too ("Арме-нию"), now it is set ragged instead. Runs of hyphens are
    bounded by language (two; four in Russian, breaks.MAX_RUN_BY_LANGUAGE)."""
    from exporter.typeset.breaks import MAX_RUN, MAX_RUN_BY_LANGUAGE

    lang, out = language
    pdf = out / f"{SLUG}.pdf"
    found = bad_breaks(pdf)
    assert found["names"] == [] and found["stubs"] == [], found
    if MAX_RUN_BY_LANGUAGE.get(lang, MAX_RUN) == MAX_RUN:
        assert found["runs"] == [], found
    if lang == "ru":
        text = " ".join(pdf_pages_text(pdf))
        assert all(name in text for name in ("Пашинян", "Шахраманяна", "Варданяна"))


def test_no_justified_line_is_looser_than_0_6_em(language):
    """The same measure and bound in each language of the region set justified; the
    others are ragged: at most 2 lines reach the widest on the first text page."""
    lang, out = language
    if lang in JUSTIFIED:
        _assert_no_loose_lines(out / f"{SLUG}.pdf")
    else:
        lines = full_lines(out / f"{SLUG}.pdf", first_page=2, rtl=lang in ("fa", "ar"))
        assert sum(line.page == 2 for line in lines) <= 2


def test_patterns_pyphen_lacks_come_with_the_exporter():
    """Armenian, Georgian and Turkish patterns (TeX's hyph-utf8, converted) are known to
    Pyphen, and so to WeasyPrint, once the layout registers them; none exist for
    Azerbaijani. Armenian's are too sparse to justify with: it is hyphenated, ragged."""
    import pyphen

    from exporter.typeset.hyphenation import has_patterns, justified

    assert [has_patterns(lang) for lang in ("hy", "ka", "tr", "tr-TR", "az", "fa")] == [
        True, True, True, True, False, False]
    assert [justified(lang) for lang in ("en-GB", "ru", "ka", "tr", "hy", "az")] == [
        True, True, True, True, False, False]
    assert pyphen.Pyphen(lang="ka").inserted("საერთაშორისოდ") == "სა-ერ-თა-შო-რი-სოდ"
    assert pyphen.Pyphen(lang="tr").inserted("uluslararası") == "ulus-la-ra-ra-sı"
    assert pyphen.Pyphen(lang="hy").inserted("Ադրբեջանի") == "Ադրբե-ջա-նի"


def test_in_german_only_known_names_are_kept_whole_not_every_noun():
    """German capitalises every noun: a capitalised word is a name there only when the
    document declares it (a glossary or map link, a mapped place), inflected or not."""
    from exporter.typeset.html import _known_names, _mark_for_print

    def para(*words):
        return {"t": "Para", "c": [{"t": "Str", "c": w} for w in words]}

    link = {"t": "Link", "c": [["", ["glossref"], []], [{"t": "Str", "c": "Latschin-Korridor"}],
                               ["#gloss-lachin", ""]]}
    blocks = [{"t": "Para", "c": [link]},
              para("Verteidigungsministerium", "Latschin-Korridors", "Stepanakert,", "Sperrung")]
    known = _known_names(blocks, ({"name": "Stepanakert"},))
    _mark_for_print(blocks, known=known)
    names = [node["c"][1][0]["c"] for node in blocks[1]["c"] if node["t"] == "Span"]
    assert names == ["Latschin-Korridors", "Stepanakert,"]
    english = [para("Verteidigungsministerium", "Sperrung")]
    _mark_for_print(english)  # elsewhere every capitalised word of six letters or more
    assert [node["t"] for node in english[0]["c"]] == ["Span", "Span"]


def test_docx_page_references_are_written_in_the_languages_digits(language):
    """The estimated page of each PAGEREF field (what a reader sees until Word updates the
    fields) in the digits of the rest of the document: Persian ones in Persian."""
    import re

    from exporter.i18n import words

    lang, out = language
    xml = read_member(out / f"{SLUG}.docx", "word/document.xml").decode("utf-8")
    results = re.findall(r'PAGEREF [^<]*</w:instrText></w:r><w:r><w:fldChar '
                         r'w:fldCharType="separate"/></w:r><w:r><w:t>([^<]*)<', xml)
    digits = set(words(lang).folio(1234567890))
    assert results and all(set(r) <= digits for r in results), (lang, results)
    if lang == "fa":
        assert digits == set("۱۲۳۴۵۶۷۸۹۰")
