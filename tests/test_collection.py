"""Collections: three sample articles as one book (EPUB, PDF, DOCX), checked as a reader's
software would: chapters, one glossary with uses per chapter, one map appendix, the page
list against the PDF's pages, and the errors a collection can have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import (COLLECTION, SOURCE_DIR, bad_breaks, built, pdf_pages_text, read_member,
                      over_hyphenated, run_cli, squash, stranded_headings)

SLUG = "nagorno-karabakh-2020-2023"
XHTML = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
CHAPTERS = ["Forty-four days of war end with a Russian-brokered ceasefire",
            "Azerbaijan launches operation against Nagorno-Karabakh",
            "More than 100,000 people leave Nagorno-Karabakh for Armenia"]


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """The sample collection built once, through the CLI."""
    return built(tmp_path_factory, COLLECTION, "book")


def test_the_book_passes_check(book):
    result = run_cli("check", book)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok ") == 4, result.stdout


def test_ace_finds_no_violation_in_the_book(book, tmp_path):
    from test_accessibility import ace_violations

    assert ace_violations(book / f"{SLUG}.epub", tmp_path / "ace") == []


def test_the_epub_has_one_file_per_chapter_and_a_nested_contents(book):
    epub = book / f"{SLUG}.epub"
    opf = etree.fromstring(read_member(epub, "EPUB/content.opf"))
    ns = {"o": "http://www.idpf.org/2007/opf"}
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//o:manifest/o:item", ns)}
    spine = [hrefs[r.get("idref")] for r in opf.iterfind(".//o:spine/o:itemref", ns)]
    chapters = [h for h in spine if h.startswith("chapter-")]
    assert chapters == ["chapter-second-karabakh-war-2020.xhtml",
                        "chapter-azerbaijan-operation-nagorno-karabakh.xhtml",
                        "chapter-karabakh-exodus-2023.xhtml"]
    for name, title in zip(chapters, CHAPTERS):
        doc = etree.fromstring(read_member(epub, f"EPUB/{name}"))
        h1 = doc.findall(".//h:h1", XHTML)
        assert len(h1) == 1 and " ".join("".join(h1[0].itertext()).split()) == title
        section = doc.find(".//h:section[@role='doc-chapter']", XHTML)
        assert section is not None
        # Heading levels never skip below the chapter's h1.
        levels = [int(el.tag[-1]) for el in doc.iter() if re.fullmatch(r".*}h[1-6]", str(el.tag))]
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    nav = etree.fromstring(read_member(epub, "EPUB/nav.xhtml"))
    toc = nav.find(".//h:nav[@id='toc']/h:ol", XHTML)
    items = {"".join(li.find("h:a", XHTML).itertext()): li for li in toc.findall("h:li", XHTML)}
    assert list(items) == ["Title page", "Contents", "Introduction", *CHAPTERS, "Glossary",
                           "Maps"]
    nested = items[CHAPTERS[0]].findall("h:ol/h:li/h:a", XHTML)
    assert [a.text for a in nested] == ["The trilateral statement", "The cost"]
    # The accessibility metadata of a single edition.
    meta = {m.get("property"): m.text for m in opf.iterfind(".//o:metadata/o:meta", ns)}
    assert meta.get("dcterms:conformsTo", "").startswith("EPUB Accessibility 1.1")


def test_chapters_start_on_right_hand_pages_and_the_page_list_has_every_page(book):
    pages = pdf_pages_text(book / f"{SLUG}.pdf")
    starts = {}
    for number, text in enumerate(pages, 1):
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        for title in CHAPTERS:
            # The chapter's own heading: its first words open the page (after the head).
            if any(squash(line) and squash(title).startswith(squash(line)) for line in lines[:3]) \
                    and title not in starts and squash(title) in squash(" ".join(lines[:6])):
                starts[title] = number
    assert list(starts) == CHAPTERS, starts
    # A chapter opens on a recto, but one after a chapter of a single page (the first,
    # after the one-page introduction), which opens on the next page.
    opening = _openings(pages)
    for title, number in starts.items():
        before = [t for t, n in opening.items() if n < number][-1]
        if _pages_of(opening, pages, before) != 1:
            assert number % 2 == 1, (title, number)
    # Pages left blank before a chapter carry no running head and no number.
    blank = [n for n, text in enumerate(pages, 1) if not text.strip()]
    assert blank and all(n % 2 == 0 for n in blank)
    nav = etree.fromstring(read_member(book / f"{SLUG}.epub", "EPUB/nav.xhtml"))
    page_list = nav.find(".//h:nav[@id='page-list']", XHTML)
    assert [a.text for a in page_list.iterfind(".//h:a", XHTML)] == [
        str(n) for n in range(1, len(pages) + 1)]
    # Each chapter's page in the page list leads to that chapter's file.
    for title, number in starts.items():
        link = page_list.find(f".//h:a[.='{number}']", XHTML)
        target = link.get("href").split("#")[0]
        doc = etree.fromstring(read_member(book / f"{SLUG}.epub", f"EPUB/{target}"))
        assert title in " ".join("".join(doc.find(".//h:h1", XHTML).itertext()).split())


def test_the_contents_page_gives_each_chapters_page(book):
    pages = pdf_pages_text(book / f"{SLUG}.pdf")
    contents = next(t for t in pages if t.strip().startswith("Contents"))
    for title in CHAPTERS:
        line = next(line for line in contents.splitlines() if line.startswith(title[:30]))
        number = int(line.split()[-1])
        assert squash(title) in squash(pages[number - 1]), (title, number)


def test_one_glossary_lists_each_terms_uses_by_chapter_with_pages(book):
    pages = pdf_pages_text(book / f"{SLUG}.pdf")
    text = "\n".join(pages)
    assert text.count("\nGlossary\n") >= 1
    glossary_pages = [n for n, t in enumerate(pages, 1) if t.lstrip().startswith("Glossary")]
    assert glossary_pages
    flat = " ".join(" ".join(pages[glossary_pages[0] - 1:]).split())
    # Lachin Corridor is used in all three chapters: three groups, each with its page.
    entry = flat[flat.index("Lachin Corridor The"):]
    uses = entry[entry.index("Used on page"):][:400]
    found = re.findall(r"(\d+) \(([^)]+)\)", re.sub(r"[\u00ad\u2010-] ", "", uses))
    assert [title for _, title in found][:3] == CHAPTERS, uses
    for page, title in found[:3]:
        assert "Lachin" in pages[int(page) - 1], (page, title)
    # One entry per term: defined in glossary.yml and used by every article, listed once.
    assert flat.count("Lachin Corridor The") == 1
    # An entry from one article's own front-matter joins the book's glossary.
    assert "Samvel Shahramanyan" in flat


def test_maps_are_drawn_once_and_mentions_in_every_chapter_link_to_them(book):
    epub = book / f"{SLUG}.epub"
    maps = etree.fromstring(read_member(epub, "EPUB/maps-section.xhtml"))
    ids = [f.get("id") for f in maps.iterfind(".//h:figure", XHTML)]
    # nagorno-karabakh is declared by two articles, identically: drawn once.
    assert sorted(ids) == ["map-nagorno-karabakh", "map-south-caucasus", "map-war-2020"]
    assert len(maps.findall(".//h:table", XHTML)) == 1  # one gazetteer
    for name in ("chapter-second-karabakh-war-2020.xhtml",
                 "chapter-azerbaijan-operation-nagorno-karabakh.xhtml",
                 "chapter-karabakh-exodus-2023.xhtml"):
        chapter = read_member(epub, f"EPUB/{name}").decode()
        assert 'href="maps-section.xhtml#map-' in chapter, name
        assert 'href="glossary-section.xhtml#gloss-' in chapter, name


def test_the_docx_has_a_heading_per_chapter(book):
    document = read_member(book / f"{SLUG}.docx", "word/document.xml").decode()
    for title in CHAPTERS:
        assert squash(title) in squash(re.sub(r"<[^>]+>", "", document))
    assert document.count('w:val="Heading1"') >= len(CHAPTERS) + 2  # + glossary, maps


def _collection(folder: Path) -> Path:
    return folder / COLLECTION.name


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_term_defined_differently_in_two_articles_is_an_error_naming_both(
        collection_copy, tmp_path):
    entry = ("glossary:\n  entries:\n    - term: Lachin Corridor\n"
             "      definition: A road.\n")
    _edit(collection_copy / "second-karabakh-war-2020.md", "maps:\n", entry + "maps:\n")
    result = run_cli("build", _collection(collection_copy), "--format", "docx",
                     "--out", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert "Lachin Corridor" in result.stderr and "defined differently" in result.stderr
    assert "second-karabakh-war-2020.md" in result.stderr and "glossary.yml" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_a_map_id_with_two_definitions_is_an_error_naming_both(collection_copy, tmp_path):
    _edit(collection_copy / "karabakh-exodus-2023.md", "margin_km: 8", "margin_km: 12")
    result = run_cli("build", _collection(collection_copy), "--format", "docx",
                     "--out", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert "map 'nagorno-karabakh' is defined differently" in result.stderr
    assert "karabakh-exodus-2023.md:" in result.stderr
    assert "azerbaijan-operation-nagorno-karabakh.md:" in result.stderr


@pytest.mark.parametrize("name, message", [
    ("missing.md", "article 'missing.md' not found"),
    ("../outside.md", "outside the collection's folder"),
])
def test_a_bad_article_list_is_an_error_with_the_line(collection_copy, tmp_path, name, message):
    (tmp_path / "outside.md").write_text("---\ntitle: x\n---\nx\n", "utf-8")
    _edit(_collection(collection_copy), "  - karabakh-exodus-2023.md", f"  - {name}")
    result = run_cli("build", _collection(collection_copy), "--format", "docx",
                     "--out", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert f"{COLLECTION.name}:" in result.stderr


def test_editing_an_article_rebuilds_the_collection_and_the_folder_builds_it(
        collection_copy, tmp_path):
    out = tmp_path / "out"
    first = run_cli("build", collection_copy, "--format", "docx", "--out", out)
    assert first.returncode == 0, first.stderr
    assert sorted(p.name for p in out.glob("*.docx")) == [
        "azerbaijan-operation-nagorno-karabakh.docx", "karabakh-exodus-2023.docx",
        f"{SLUG}.docx", "second-karabakh-war-2020.docx"]
    before = (out / f"{SLUG}.docx").read_bytes()
    _edit(collection_copy / "karabakh-exodus-2023.md", "long queues", "long slow queues")
    again = run_cli("build", _collection(collection_copy), "--format", "docx", "--out", out)
    assert again.returncode == 0, again.stderr
    assert (out / f"{SLUG}.docx").read_bytes() != before
    assert "slow queues" in read_member(out / f"{SLUG}.docx", "word/document.xml").decode()


def test_the_sample_articles_say_they_are_sample_text():
    for name in ("second-karabakh-war-2020.md", "karabakh-exodus-2023.md"):
        front = (SOURCE_DIR / name).read_text("utf-8").split("\n---\n")[0]
        assert "Sample text written for the exporter" in front
        assert "sample text written for the exporter" in front.split("rights:")[1].lower() \
            or "Sample text written for the exporter's sample collection" in front


def test_two_builds_of_the_book_are_byte_identical(book, tmp_path):
    result = run_cli("build", COLLECTION, "--out", tmp_path / "again")
    assert result.returncode == 0, result.stderr
    for ext in ("epub", "pdf", "docx"):
        assert (tmp_path / "again" / f"{SLUG}.{ext}").read_bytes() == \
            (book / f"{SLUG}.{ext}").read_bytes(), ext


def test_the_contents_page_is_tagged_as_a_table_of_contents(book):
    """Measure: in the book's PDF the list of the contents page is a TOC structure
    element on the contents page (the third), whose every entry is a TOCI."""
    import pikepdf

    with pikepdf.open(book / f"{SLUG}.pdf") as pdf:
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages, 1)}
        found = []
        stack = [pdf.Root.StructTreeRoot.K]
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend(item)
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                if item.S == "/TOC":
                    kids = [k for k in item.K if isinstance(k, pikepdf.Dictionary)]
                    found.append((pages[item.Pg.objgen], {str(k.S) for k in kids}, len(kids)))
                stack.append(item.get("/K"))
    assert found and found[0][0] == 3
    assert all(kinds == {"/TOCI"} and count >= len(CHAPTERS) for _p, kinds, count in found)


def test_the_book_breaks_no_name_and_ends_no_paragraph_on_a_stub(book):
    """Measure (conftest.bad_breaks, pdftotext lines of the book's 22 A4 pages): no
    capitalised word split at a line end (was 7: Pash-inyan, Ali-yev, Repub-lic, Agh-dam
    ...), no one-word line ending a word hyphenated on the line before, no run of more
    than two hyphenated lines; no heading at a page's foot with its text on the next page
    (conftest.stranded_headings, from the structure tree's pages)."""
    assert bad_breaks(book / f"{SLUG}.pdf") == {"names": [], "stubs": [], "runs": []}
    assert stranded_headings(book / f"{SLUG}.pdf") == []  # headings kept with their text


def test_at_most_one_line_in_ten_is_hyphenated(book):
    """Measure (conftest.over_hyphenated, pdftotext lines page by page): no page has more
    than one line in ten hyphenated (the last glossary page had 4 of 28 before issue 25's
    bound; the book now has 16 hyphenated lines of 482, none over on any page), and no
    more than two in a row (conftest.bad_breaks' runs, above)."""
    assert over_hyphenated(book / f"{SLUG}.pdf") == []


def test_the_contents_page_lists_the_back_matter_in_the_book_face(book):
    """Measure: the contents page (pdftotext) has a line for the glossary, the maps and
    the gazetteer whose page number is the page that heading starts on; its entries are
    set in the book face (pdffonts of that page: Literata, no DejaVu Sans)."""
    import subprocess

    pdf = book / f"{SLUG}.pdf"
    pages = pdf_pages_text(pdf)
    number = next(n for n, t in enumerate(pages, 1) if t.strip().startswith("Contents"))
    lines = pages[number - 1].splitlines()
    for title in ("Glossary", "Maps", "Gazetteer"):
        line = next(line for line in lines if line.strip().startswith(title))
        page = int(line.split()[-1])
        assert pages[page - 1].strip().splitlines()[1:3] and any(
            row.strip() == title for row in pages[page - 1].splitlines()[:12]), (title, page)
    fonts = subprocess.run(["pdffonts", "-f", str(number), "-l", str(number), pdf],
                           capture_output=True, text=True, check=True).stdout
    assert "Literata" in fonts and "DejaVu-Sans" not in fonts


#: The book's parts as their headings read, in order, after the title page.
PARTS = ["Contents", "Introduction", *CHAPTERS, "Glossary", "Maps"]
#: The parts that open on a recto (print.css ``.part-chapter``).
RECTO_PARTS = PARTS[:-2]


def _openings(pages: list[str]) -> dict[str, int]:
    """Each part's opening page: the first page whose first lines are its heading."""
    found = {}
    for title in PARTS:
        found[title] = next(
            n for n, text in enumerate(pages, 1) if n > max(found.values(), default=1)
            and squash(" ".join(text.split()[:len(title.split())])) == squash(title))
    return found


def _pages_of(opening: dict[str, int], pages: list[str], title: str) -> int:
    """How many pages with text the part ``title`` fills."""
    after = [n for n in opening.values() if n > opening[title]] + [len(pages) + 1]
    return sum(1 for n in range(opening[title], min(after)) if pages[n - 1].strip())


def test_blank_pages_are_only_recto_waits_and_a_short_chapter_costs_no_page(book):
    """Measure (pdftotext of the book's PDF): each blank page is a verso followed by a
    part that opens on a recto (a recto wait); the page before it is the title page, the
    contents, or holds more than breaks.SHORT_LAST_PAGE lines besides its running head
    and folio, never a chapter's short end (such a chapter is set on long pages); and no
    chapter of one page (the introduction, the first chapter) is followed by a blank
    page: the next chapter opens on the next page (it was 22 pages with 5 blank before
    issue 25, 20 with 4 with long pages; now 18 with 2, after the title page and the
    contents)."""
    from exporter.typeset.breaks import SHORT_LAST_PAGE

    pages = pdf_pages_text(book / f"{SLUG}.pdf")
    opening = _openings(pages)
    blank = [n for n, text in enumerate(pages, 1) if not text.strip()]
    assert blank and all(n % 2 == 0 for n in blank), blank
    recto_openings = {opening[t] for t in RECTO_PARTS}
    for n in blank:
        assert n + 1 in recto_openings, (n, opening)  # a wait for a part's recto
        lines = [line for line in pages[n - 2].splitlines() if line.strip()]
        front = n - 1 in (1, opening["Contents"])
        assert front or len(lines) - 2 > SHORT_LAST_PAGE, (n, lines)
    short = [t for t in RECTO_PARTS[1:] if _pages_of(opening, pages, t) == 1]
    assert short, opening  # the introduction and the first chapter fill one page each
    for title in short:
        after = opening[title] + 1
        assert pages[after - 1].strip(), (title, after)  # no blank page after it
    assert blank == [2, 4] and len(pages) == 18, (blank, len(pages))


def test_no_running_head_on_a_parts_opening_page(book):
    """Measure (pdftotext, page by page): on the page a part opens on (the contents, the
    introduction, each chapter, the glossary, the maps) its title is printed once, as
    its heading, with no running head above it; on the part's later pages the first
    line is the running head, the part's title."""
    pages = pdf_pages_text(book / f"{SLUG}.pdf")
    opening = _openings(pages)
    ends = sorted(opening.values())[1:] + [len(pages) + 1]
    later = 0
    for (title, first), end in zip(opening.items(), ends):
        text = squash(pages[first - 1])
        assert text.count(squash(title)) == 1, (title, first, pages[first - 1][:200])
        for n in range(first + 1, end):
            if pages[n - 1].strip():
                head = " ".join(pages[n - 1].split("\n\n")[0].split())
                assert squash(head) == squash(title), (title, n, head)
                later += 1
    assert later >= 6  # a chapter's second page, the glossary's and maps' later pages
