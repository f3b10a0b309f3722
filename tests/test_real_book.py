"""A real book written for mdBook, not for this project, builds as a collection with
warnings only (issue 28): five chapters of the Rustonomicon (``tests/fixtures/books``,
source and licence in its README.txt), with no front-matter, mdBook's relative links
and an SVG figure."""

from __future__ import annotations

import re
import zipfile

import panflute as pf
import pytest

from conftest import FIXTURES, run_cli
from exporter.document import elements
from exporter.run.render import prepare

BOOK = FIXTURES / "books" / "rustonomicon"
COLLECTION = BOOK / "rustonomicon.collection.yml"
TITLES = ["The Rustonomicon", "Meet Safe and Unsafe", "How Safe and Unsafe Interact",
          "What Unsafe Rust Can Do", "Working with Unsafe"]


def test_the_whole_book_reads_with_warnings_only():
    book = prepare(COLLECTION)
    # The only warnings: each chapter's title taken from its first heading.
    assert book.warnings == [
        f"{BOOK / name}.md:1: no title given: the first heading, '{title}', is the title "
        "(add 'title: ...' to the metadata to keep it as a heading)"
        for name, title in zip(("intro", "meet-safe-and-unsafe", "safe-unsafe-meaning",
                                "what-unsafe-does", "working-with-unsafe"), TITLES)]
    chapters = [e for e in book.ast.content if isinstance(e, pf.Div) and "chapter" in e.classes]
    assert [c.attributes["title"] for c in chapters] == TITLES
    headings = [pf.stringify(e) for e in elements(book.ast) if isinstance(e, pf.Header)]
    for title in TITLES:  # the heading that became the title is not repeated
        assert headings.count(title) == 1, headings
    assert "The Dark Arts of Unsafe Rust" in headings
    # mdBook's relative links resolved against the book's base_url, as on the web.
    urls = {e.url for e in elements(book.ast) if isinstance(e, pf.Link)}
    assert "https://doc.rust-lang.org/std/marker/trait.Send.html" in urls
    assert "https://doc.rust-lang.org/nomicon/races.html" in urls
    assert all(u.startswith(("#", "https://")) for u in urls), urls
    assert any(key.endswith(".svg") or "svg" in key for key in book.resources), book.resources
    code = [e for e in elements(book.ast) if isinstance(e, pf.CodeBlock)]
    assert len(code) == 5 and all(c.classes[0] == "rust" for c in code)
    assert code[-1].classes == ["rust", "ignore"], "mdBook's info string, split"


def test_links_between_chapters_lead_inside_the_book(tmp_path):
    (tmp_path / "one.md").write_text(
        "# One\n\nSee [two](two.md), [its part](two.html#part), [again](./two.md) and "
        "[elsewhere](three.html).\n", "utf-8")
    (tmp_path / "two.md").write_text("# Two\n\n## Part {#part}\n\nText.\n", "utf-8")
    book = tmp_path / "b.collection.yml"
    book.write_text("title: B\ndate: 2024-01-01\nlang: en\narticles: [one.md, two.md]\n",
                    "utf-8")
    doc = prepare(book)
    urls = [e.url for e in elements(doc.ast) if isinstance(e, pf.Link)
            and "contents-entry" not in e.classes]
    assert urls == ["#chapter-two", "#part", "#chapter-two"]
    assert any(re.search(r"one\.md:3: relative link 'three\.html' leads nowhere", w)
               for w in doc.warnings), doc.warnings


@pytest.mark.slow
def test_the_book_builds_as_epub_pdf_and_docx_with_warnings_only(tmp_path):
    out = tmp_path / "dist"
    result = run_cli("build", COLLECTION, "--out", out, "-f", "epub", "-f", "pdf", "-f", "docx",
                     timeout=600)
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower().replace("0 errors", ""), result.stderr
    for suffix in (".epub", ".pdf", ".docx"):
        assert (out / f"rustonomicon{suffix}").stat().st_size > 10_000
    with zipfile.ZipFile(out / "rustonomicon.epub") as epub:
        text = re.sub(r"<[^>]+>", "", " ".join(epub.read(n).decode("utf-8")
                                               for n in epub.namelist() if n.endswith(".xhtml")))
    for title in TITLES:
        assert title in text
    assert "Safety lives!" in text and "UnsafeOrd" in text
