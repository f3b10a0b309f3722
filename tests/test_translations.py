"""One story in several languages (issue 23, point 5), and the downloads page and the
catalogue in the reader's language.

``tests/fixtures/translations``: an English article (``ceasefire.md``, which lists its
Russian translation), its Russian and Persian translations (each says ``translation_of``)
and an unrelated English article.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile

import pytest
from lxml import etree

from conftest import FIXTURES, pdf_pages_text, read_member, run_cli
from exporter.publish.page import page_language, render_page, stories

STORY = FIXTURES / "translations"
ATOM = "{http://www.w3.org/2005/Atom}"
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/elements/1.1/"}


def _opf(epub) -> etree._Element:
    with zipfile.ZipFile(epub) as z:
        name = next(n for n in z.namelist() if n.endswith(".opf"))
        return etree.fromstring(z.read(name))


def _dc(opf, name: str) -> list[str]:
    return [el.text for el in opf.iter(f"{{http://purl.org/dc/elements/1.1/}}{name}")]


def test_each_edition_names_the_other_languages_of_its_story(translated_dist):
    ids = {slug: _dc(_opf(translated_dist / f"{slug}.epub"), "identifier")[0]
           for slug in ("ceasefire", "ceasefire-ru", "ceasefire-fa", "other")}
    # EPUB: dc:relation gives the other languages' identifiers, the title page their names,
    # each in its own language and direction.
    for slug, others in {"ceasefire": ("ceasefire-fa", "ceasefire-ru"),
                         "ceasefire-ru": ("ceasefire", "ceasefire-fa"),
                         "ceasefire-fa": ("ceasefire", "ceasefire-ru")}.items():
        opf = _opf(translated_dist / f"{slug}.epub")
        assert sorted(_dc(opf, "relation")) == sorted(ids[o] for o in others), slug
    title = read_member(translated_dist / "ceasefire-fa.epub", "EPUB/title.xhtml").decode()
    line = re.search(r'<p class="translations">(.*?)</p>', title).group(1)
    assert line.startswith("به زبان‌های دیگر هم منتشر شده است")
    assert '<span lang="en-GB" dir="ltr">English</span>' in line
    assert '<span lang="ru" dir="ltr">Русский</span>' in line
    title = read_member(translated_dist / "ceasefire-ru.epub", "EPUB/title.xhtml").decode()
    assert '<span lang="fa" dir="rtl">فارسی</span>' in title
    # An article in no story says nothing of the kind.
    assert _dc(_opf(translated_dist / "other.epub"), "relation") == []
    assert 'class="translations"' not in read_member(
        translated_dist / "other.epub", "EPUB/title.xhtml").decode()
    # PDF: the title page.
    first = pdf_pages_text(translated_dist / "ceasefire.pdf")[0]
    assert "Also published in" in first and "Русский" in first and "فارسی" in first
    # DOCX: a paragraph below the title block, each language name in its own w:lang.
    body = read_member(translated_dist / "ceasefire-ru.docx", "word/document.xml").decode()
    assert "Также опубликовано на языках" in body
    assert re.search(r'<w:lang w:val="en-GB"\s*/>.*?English', body, re.S)
    assert re.search(r'w:bidi="fa(-IR)?".*?فارسی', body, re.S)


def test_downloads_page_groups_a_story_under_one_heading_with_hreflang(translated_dist):
    page = (translated_dist / "index.html").read_text("utf-8")
    assert re.search(r'<html lang="en-GB" dir="ltr">', page)
    story = re.search(r'<section class="story" id="story-ceasefire".*?</section>', page, re.S)
    assert story, "the three languages are not one story"
    story = story.group(0)
    for slug, lang in (("ceasefire", "en-GB"), ("ceasefire-ru", "ru"), ("ceasefire-fa", "fa")):
        assert f'<a href="#{slug}" hreflang="{lang}"' in story
        assert f'<article id="{slug}" aria-labelledby="{slug}-title" lang="{lang}"' in story
        assert f'href="{slug}.epub" type="application/epub+zip" hreflang="{lang}"' in story
    # The page's language first, then by tag; the Persian article right to left.
    order = re.findall(r'<article id="([^"]+)"', story)
    assert order == ["ceasefire", "ceasefire-fa", "ceasefire-ru"]
    assert '<article id="ceasefire-fa" aria-labelledby="ceasefire-fa-title" lang="fa" dir="rtl">' \
        in story
    # Each article's generated words are in its own language.
    russian = re.search(r'<article id="ceasefire-ru".*?</article>', story, re.S).group(0)
    assert "Издания для загрузки" in russian and "для электронных книг и телефонов" in russian
    assert "20 сентября 2023" in russian
    persian = re.search(r'<article id="ceasefire-fa".*?</article>', story, re.S).group(0)
    assert "دسترس‌پذیری:" in persian and "۲۹ شهریور ۱۴۰۲" in persian
    # The unrelated article stands alone.
    assert re.search(r'<article id="other"[^>]*>', page)
    assert "other" not in story


def test_catalogue_gives_each_entry_its_language_and_its_translations(translated_dist):
    feed = etree.parse(str(translated_dist / "catalog.xml")).getroot()
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert feed.get(lang) == "en-GB"
    entries = {e.find(f"{ATOM}link[@rel='alternate']").get("href").split("#")[1]: e
               for e in feed.iter(f"{ATOM}entry")}
    ru = entries["ceasefire-ru"]
    assert ru.get(lang) == "ru"
    assert ru.find("{http://purl.org/dc/terms/}language").text == "ru"
    others = {link.get("hreflang"): link.get("href")
              for link in ru.findall(f"{ATOM}link[@rel='alternate']")}
    assert others == {"ru": "index.html#ceasefire-ru", "en-GB": "index.html#ceasefire",
                      "fa": "index.html#ceasefire-fa"}
    assert "Издание 1" in ru.find(f"{ATOM}content").text or "1" in ru.find(f"{ATOM}content").text
    acquisition = [link.get("title") for link in ru.findall(f"{ATOM}link")
                   if link.get("rel") == "http://opds-spec.org/acquisition"]
    assert acquisition[0] == "EPUB — для электронных книг и телефонов"
    assert len(entries["other"].findall(f"{ATOM}link[@rel='alternate']")) == 1


def _entry(slug: str, lang: str, translations=(), date="2023-09-20") -> dict:
    return {"slug": slug, "lang": lang, "title": slug, "date": date, "modified": date,
            "version": "1", "identifier": f"urn:x:{slug}",
            "translations": [{"lang": t, "slug": s} for s, t in translations],
            "editions": [{"label": "EPUB", "purpose": "", "file": f"{slug}.epub",
                          "media_type": "application/epub+zip", "bytes": 2048,
                          "sha256": "0" * 64, "words": 300}]}


def test_page_speaks_the_language_most_of_its_articles_are_in():
    entries = [_entry("a", "fa"), _entry("b", "fa"), _entry("c", "en")]
    assert page_language(entries) == "fa"
    page = render_page(entries, "", "acquisition", signed=False).decode()
    assert '<html lang="fa" dir="rtl">' in page
    assert "<h1>بارگیری‌ها</h1>" in page
    assert "رفتن به بارگیری‌ها" in page                      # the skip link
    # The English article keeps English words and says so; left to right inside.
    assert '<article id="c" aria-labelledby="c-title" lang="en" dir="ltr">' in page
    assert "Editions to download" in page
    # Two as common: the newest article's language.
    assert page_language([_entry("x", "ru"), _entry("y", "hy")]) == "ru"


def test_a_language_without_catalogue_is_marked_english_on_the_page():
    page = render_page([_entry("p", "pt")], "", "acquisition", signed=False).decode()
    assert '<html lang="en" dir="ltr">' in page  # the page's own words are English
    assert '<article id="p" aria-labelledby="p-title" lang="pt"' in page
    assert '<h3 class="sr-only"><span lang="en">Editions to download</span></h3>' in page


def test_stories_are_linked_either_way_and_transitively():
    entries = [_entry("a", "en", [("b", "ru")]), _entry("b", "ru"),
               _entry("c", "fa", [("b", "ru")]), _entry("d", "en")]
    groups = stories(entries, "en")
    assert [[a["slug"] for a in g] for g in groups] == [["a", "c", "b"], ["d"]]


# --- mistakes and freshness ----------------------------------------------------------------

@pytest.fixture
def story_copy(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(STORY, source)
    (source / "other.md").unlink()
    return source


def test_a_translation_that_is_not_in_the_folder_is_an_error_naming_the_line(story_copy, tmp_path):
    path = story_copy / "ceasefire-ru.md"
    path.write_text(path.read_text("utf-8").replace("translation_of: ceasefire",
                                                    "translation_of: ceasfire"), "utf-8")
    result = run_cli("build", path, "--format", "epub", "--out", tmp_path / "dist")
    assert result.returncode != 0
    assert "ceasefire-ru.md:7" in result.stderr
    assert "the translation 'ceasfire' is not an article" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_translation_in_the_same_language_is_an_error(story_copy, tmp_path):
    path = story_copy / "ceasefire-ru.md"
    path.write_text(path.read_text("utf-8").replace("lang: ru", "lang: en-GB"), "utf-8")
    result = run_cli("build", story_copy / "ceasefire.md", "--format", "epub",
                     "--out", tmp_path / "dist")
    assert result.returncode != 0
    assert "in the same language" in result.stderr or "listed as the ru translation" \
        in result.stderr


def test_adding_a_translation_rebuilds_the_editions_that_name_it(story_copy, tmp_path):
    out = tmp_path / "dist"
    (story_copy / "ceasefire-fa.md").unlink()
    result = run_cli("build", story_copy, "--format", "epub", "--out", out)
    assert result.returncode == 0, result.stderr
    before = (out / "ceasefire.epub").read_bytes()
    shutil.copy(STORY / "ceasefire-fa.md", story_copy)
    result = run_cli("build", story_copy, "--format", "epub", "--out", out)
    assert result.returncode == 0, result.stderr
    after = (out / "ceasefire.epub").read_bytes()
    assert after != before
    assert "فارسی" in read_member(out / "ceasefire.epub", "EPUB/title.xhtml").decode()
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    story = next(a for a in manifest["articles"] if a["slug"] == "ceasefire")
    assert {t["lang"] for t in story["translations"]} == {"fa", "ru"}


def test_the_same_sources_give_the_same_catalogue_in_any_folder(tmp_path):
    """Feed ids come from the sources (publisher, else the oldest article), not from the
    output folder's name."""
    source = STORY / "other.md"
    for name in ("one", "two"):
        result = run_cli("build", source, "--format", "docx", "--out", tmp_path / name)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "one" / "catalog.xml").read_bytes() == \
        (tmp_path / "two" / "catalog.xml").read_bytes()


def test_the_page_promises_only_the_formats_every_article_has():
    """"each to download as" names what every article has; what only some have is
    counted apart (issue 26: five articles were promised a booklet one of them had)."""
    plain, other, fuller = _entry("a", "en"), _entry("b", "en"), _entry("c", "en")
    for label in ("Print-ready PDF", "Booklet"):
        fuller["editions"].append({**fuller["editions"][0], "label": label})
    page = render_page([plain, other, fuller], "", "acquisition", signed=False).decode()
    assert "3 articles, each to download as EPUB. 1 of them also as Print-ready PDF and " \
           "Booklet." in page
    ru = [{**e, "lang": "ru"} for e in (plain, other, fuller)]
    page = render_page(ru, "", "acquisition", signed=False).decode()
    assert "1 из них также в формате" in page
