"""A book laid out by chapter (``chapter_layout``, ``pdfmerge``) against the same HTML
laid out as one WeasyPrint document: the same pages, numbers, links, tags and fonts."""

from __future__ import annotations

import io
import os
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from conftest import COLLECTION, SAMPLE, pdf_pages_text, squash


def _prepared(source: Path):
    from exporter.run.render import context, prepare
    from exporter.typeset.layout import chosen_paper, stylesheet

    doc = prepare(source)
    ctx = context(doc)
    return doc, ctx, stylesheet(ctx.styles, chosen_paper(doc, ctx.styles))


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory):
    """The sample collection laid out whole and by chapter (two workers, empty cache)."""
    from exporter.typeset.chapter_layout import lay_out_book, units_of
    from exporter.typeset.layout import PART_ID_PREFIX, lay_out, write_pdf
    from exporter.typeset.pagination import page_starts

    cache = tmp_path_factory.mktemp("cache")
    saved = os.environ.get("EXPORTER_CACHE_DIR")
    os.environ["EXPORTER_CACHE_DIR"] = str(cache)
    try:
        doc, ctx, css = _prepared(COLLECTION)
        parts = ctx.html.parts
        document, root = lay_out(doc, parts, css, ctx.timestamp)
        whole = write_pdf(document, doc, parts, ctx.timestamp, "pdf/ua-1")
        units = units_of(parts, bool(doc.chapters))
        book = lay_out_book(doc, units, css, ctx.timestamp, jobs=2)
        yield {"doc": doc, "ctx": ctx, "css": css, "units": units, "cache": cache,
               "whole": whole, "whole_starts": page_starts(document, root, PART_ID_PREFIX),
               "book": book}
    finally:
        if saved is None:
            os.environ.pop("EXPORTER_CACHE_DIR", None)
        else:
            os.environ["EXPORTER_CACHE_DIR"] = saved


def _page_words(data: bytes) -> list[Counter]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.pdf"
        path.write_bytes(data)
        return [Counter(text.split()) for text in pdf_pages_text(path)]


def _named_destinations(pdf) -> dict[str, int]:
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    found: dict[str, int] = {}

    def visit(node) -> None:
        names = node.get("/Names")
        if names is not None:
            for i in range(0, len(names), 2):
                found[str(names[i])] = pages[names[i + 1][0].objgen]
        for kid in node.get("/Kids", []):
            visit(kid)

    visit(pdf.Root.Names.Dests)
    return found


def _links(pdf) -> list[tuple[int, str]]:
    return [(i, str(annot.Dest)) for i, page in enumerate(pdf.pages)
            for annot in page.get("/Annots", []) if "/Dest" in annot]


def _structure(pdf) -> Counter:
    kinds: Counter = Counter()

    def walk(element) -> None:
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            kinds[str(element.S)] += 1
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

    root = pdf.Root.StructTreeRoot.K
    walk(root[0] if isinstance(root, pikepdf.Array) else root)
    return kinds


def _outline(pdf) -> list[tuple[int, str, int]]:
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
    out = []
    with pdf.open_outline() as outline:
        def walk(items, depth):
            for item in items:
                out.append((depth, item.title, pages[item.destination[0].objgen]))
                walk(item.children, depth + 1)
        walk(outline.root, 0)
    return out


def test_a_collection_is_laid_out_by_chapter_and_a_short_article_whole(laid_out):
    from exporter.typeset.chapter_layout import units_of

    assert [u.kind for u in laid_out["units"]] == ["front"] + ["chapter"] * 4 + ["back"]
    assert [p.id for p in laid_out["units"][0].parts] == ["title", "contents"]
    assert [p.id for p in laid_out["units"][-1].parts][0] == "glossary-section"
    _doc, ctx, _css = _prepared(SAMPLE)
    assert units_of(ctx.html.parts, False) is None


def test_every_page_has_the_same_words_and_page_number_as_in_one_document(laid_out):
    whole, book = _page_words(laid_out["whole"]), _page_words(laid_out["book"].pdf)
    assert len(book) == len(whole) == laid_out["book"].pages
    for number, (a, b) in enumerate(zip(whole, book), start=1):
        assert a == b, f"page {number} differs"
    # The folios (drawn over the chapters' pages afterwards) are on the same pages.
    numbered = [n for n, words in enumerate(book, start=1) if str(n) in words]
    assert len(numbered) > len(book) // 2
    assert numbered == [n for n, words in enumerate(whole, start=1) if str(n) in words]


def test_the_epub_page_list_is_the_same(laid_out):
    assert laid_out["book"].starts == laid_out["whole_starts"]


def test_links_resolve_to_the_same_pages_and_bookmarks_match(laid_out):
    whole = pikepdf.open(io.BytesIO(laid_out["whole"]))
    book = pikepdf.open(io.BytesIO(laid_out["book"].pdf))
    dests_whole, dests_book = _named_destinations(whole), _named_destinations(book)
    links = _links(book)
    assert len(links) > 100
    assert all(target in dests_book for _page, target in links)  # every link resolves
    assert [(p, t, dests_book[t]) for p, t in links] == \
        [(p, t, dests_whole[t]) for p, t in _links(whole)]
    assert _outline(book) == _outline(whole)
    # Links between chapters: a glossary back-link leads into a chapter.
    assert any(t.startswith("gref-") and dests_book[t] < p for p, t in links)
    assert "/PageLabels" in book.Root


def test_the_merged_pdf_keeps_one_sound_structure_tree(laid_out):
    whole = pikepdf.open(io.BytesIO(laid_out["whole"]))
    book = pikepdf.open(io.BytesIO(laid_out["book"].pdf))
    assert _structure(book) == _structure(whole)
    root = book.Root.StructTreeRoot
    nums = root.ParentTree.Nums
    keys = {int(nums[i]) for i in range(0, len(nums), 2)}
    assert len(keys) == len(nums) // 2  # no key twice
    for page in book.pages:
        if "/StructParents" in page.obj:
            assert int(page.obj.StructParents) in keys
        for annot in page.obj.get("/Annots", []):
            assert int(annot.StructParent) in keys
    assert int(root.ParentTreeNextKey) > max(keys)
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
        assert key in book.Root
    assert b"pdfuaid" in book.Root.Metadata.read_bytes()


def test_each_font_is_embedded_once_and_static(laid_out):
    from fontTools.ttLib import TTFont

    from exporter.typeset.pdfmerge import _font_resources

    book = pikepdf.open(io.BytesIO(laid_out["book"].pdf))
    fonts = {}
    for resources in _font_resources(book):
        for name in resources.keys():
            font = resources[name]
            fonts.setdefault(str(font.BaseFont), set()).add(font.objgen)
    assert fonts and all(len(objects) == 1 for objects in fonts.values()), fonts
    for resources in _font_resources(book):
        for name in resources.keys():
            data = resources[name].DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
            assert "fvar" not in TTFont(io.BytesIO(data))
    # Not much larger than one document (the units' subsets were joined).
    assert len(laid_out["book"].pdf) < 1.15 * len(laid_out["whole"])


@pytest.mark.slow  # the whole book again, uncached; test_collection builds it twice to the same bytes
def test_the_book_is_the_same_bytes_with_one_worker_and_without_cache(laid_out, monkeypatch):
    from exporter.typeset.chapter_layout import lay_out_book

    monkeypatch.setenv("EXPORTER_CACHE_DIR", "off")
    doc, ctx, css = laid_out["doc"], laid_out["ctx"], laid_out["css"]
    again = lay_out_book(doc, laid_out["units"], css, ctx.timestamp, jobs=1)
    assert again.pdf == laid_out["book"].pdf


def test_after_an_edit_only_that_chapter_is_laid_out_again(laid_out, monkeypatch,
                                                           collection_copy):
    from exporter.typeset import chapter_layout
    from exporter.typeset.chapter_layout import lay_out_book, units_of

    monkeypatch.setenv("EXPORTER_CACHE_DIR", str(laid_out["cache"]))
    article = collection_copy / "karabakh-exodus-2023.md"
    text = article.read_text("utf-8")
    assert "long queues of cars" in text
    article.write_text(text.replace("long queues of cars", "long queues of residents"),
                       "utf-8")
    doc, ctx, css = _prepared(collection_copy / COLLECTION.name)
    laid: list[str] = []
    real = chapter_layout.lay_out

    def counting(doc, parts, *args, **kwargs):
        laid.append(parts[0].id)
        return real(doc, parts, *args, **kwargs)

    monkeypatch.setattr(chapter_layout, "lay_out", counting)
    units = units_of(ctx.html.parts, True)
    book = lay_out_book(doc, units, css, ctx.timestamp, jobs=1)
    edited = next(p.id for p in ctx.html.parts if "exodus" in p.id)
    assert laid == [edited], laid
    path = collection_copy / "book.pdf"
    path.write_bytes(book.pdf)
    assert "longqueuesofresidents" in squash("".join(pdf_pages_text(path)))


def test_a_chapter_after_a_one_page_chapter_opens_on_the_next_page():
    """``_placement``: chapters open on a recto (a blank verso before them when needed),
    but one that follows a chapter of a single page opens on the next page; the front
    matter's one page is not a chapter (the body still opens on a recto after it)."""
    from types import SimpleNamespace

    from exporter.typeset.chapter_layout import Unit, _placement

    def part(ident: str, epub_type: str):
        return SimpleNamespace(id=ident, epub_type=epub_type, html="")

    front = Unit("front", (part("title", "titlepage"),))
    chapters = [Unit("chapter", (part(f"chapter-{i}", "bodymatter chapter"),))
                for i in range(5)]
    back = Unit("back", (part("glossary", "backmatter glossary"),))
    # front 1 page; chapters of 2, 3, 1, 1 and 2 pages; the back matter 4.
    firsts, blank = _placement([front, *chapters, back], [1, 2, 3, 1, 1, 2, 4])
    assert firsts == [1, 3, 5, 9, 10, 11, 13]
    assert [n for n, empty in enumerate(blank, 1) if empty] == [2, 8]
    # Page 2 waits for the body's recto, page 8 for the chapter after a 3-page one (it
    # ended on a recto); the chapter after the one-page chapter of page 9 opens on
    # page 10, a verso, and the next after that one-page chapter on page 11.
    firsts, blank = _placement([front, *chapters, back], [1, 1, 3, 1, 1, 2, 4])
    assert firsts == [1, 3, 4, 7, 8, 9, 11] and [n for n, e in enumerate(blank, 1) if e] == [2]
