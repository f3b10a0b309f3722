"""Issue 23: the other shipped languages, each built in every format (Turkish, Ukrainian,
French, German, Spanish: short articles written for these tests in
``tests/fixtures/scripts/<lang>``, with a glossary whose terms are used in inflected forms
and a map). The six languages of the region are built and read in ``test_scripts``.

All five are built by one command (one warm EPUBCheck for them all)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, english_left, read_member, run_cli

FIXTURES = ROOT / "tests" / "fixtures" / "scripts"
LANGUAGES = ("tr", "uk", "fr", "de", "es")
#: What each edition must say in its own language (the glossary's heading, a date).
OWN_WORDS = {
    "tr": ("Terimler sözlüğü", "19 Eylül 2023"),
    "uk": ("Глосарій", "19 вересня 2023"),
    "fr": ("Glossaire", "19 septembre 2023"),
    "de": ("Glossar", "19. September 2023"),
    "es": ("Glosario", "19 de septiembre de 2023"),
}


@pytest.fixture(scope="module")
def five(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("five-languages")
    result = run_cli("build", *[FIXTURES / lang for lang in LANGUAGES], "--out", out,
                     "--format", "epub", "--format", "pdf", "--format", "docx")
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower(), result.stderr  # every term and place found
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_speaks_its_own_words_in_every_edition(five, lang):
    from exporter.publish.checks import check

    slug = f"azerbaijan-operation-{lang}"
    glossary, date = OWN_WORDS[lang]
    for ext in ("epub", "pdf", "docx"):
        assert [str(f) for f in check(five / f"{slug}.{ext}")] == [], ext
    assert english_left(five / f"{slug}.epub") == []
    epub_text = "".join(read_member(five / f"{slug}.epub", name).decode()
                        for name in ("EPUB/title.xhtml", "EPUB/nav.xhtml"))
    assert date in epub_text and glossary in epub_text
    docx = read_member(five / f"{slug}.docx", "word/document.xml").decode()
    assert glossary in docx and "Glossary" not in docx
    import subprocess

    pdf = subprocess.run(["pdftotext", str(five / f"{slug}.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert glossary in pdf and "Glossary" not in pdf and "Used on page" not in pdf


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ace_finds_no_violation_in_each_language(five, lang, tmp_path):
    from test_accessibility import ace_violations

    epub = five / f"azerbaijan-operation-{lang}.epub"
    assert ace_violations(epub, tmp_path / "ace") == []


def test_the_downloads_page_of_five_languages_keeps_each_in_its_own(five):
    page = (five / "index.html").read_text("utf-8")
    for lang in LANGUAGES:
        slug = f"azerbaijan-operation-{lang}"
        assert f'<article id="{slug}" aria-labelledby="{slug}-title" lang="{lang}"' in page
    # Five languages, one article each, on one day: the page speaks the first listed's
    # (newest first, then by slug, descending), and each article its own words.
    assert '<html lang="uk" dir="ltr">' in page and "Перейти до завантажень" in page
    german = re.search(r'<article id="azerbaijan-operation-de".*?</article>', page, re.S)
    assert "Ausgaben zum Herunterladen" in german.group(0)
