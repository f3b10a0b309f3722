"""Issue 23: the editions' own words in the reader's language (message catalogues, CLDR
dates, numbers, quotation marks, collation), and English marked as such where a language
has no catalogue."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from exporter.i18n import CATALOGUES, shipped, words
from exporter.i18n.extract import TEMPLATE, messages

#: What the issue asks every build to ship.
REQUIRED = {"en", "hy", "az", "ru", "ka", "fa", "ar", "tr", "uk", "fr", "de", "es"}
FIELD = re.compile(r"\{(\w+)\}")


def _catalogue(lang: str):
    with (CATALOGUES / f"{lang}.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def test_the_required_languages_are_shipped():
    assert REQUIRED <= set(shipped())


@pytest.mark.parametrize("lang", sorted(REQUIRED - {"en"}))
def test_every_message_is_translated(lang):
    """A message the code writes but a catalogue lacks (or leaves empty, fuzzy, or without
    one of its {fields}) fails here: run 'python -m exporter.i18n.extract' and translate."""
    catalog = _catalogue(lang)
    assert not catalog.fuzzy, "the header is marked fuzzy: gettext would ignore its plural forms"
    problems = []
    for key in messages():
        entry = catalog.get(key)
        if entry is None:
            problems.append(f"missing: {key!r}")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        ids = key if isinstance(key, tuple) else (key,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if isinstance(key, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"{len(strings)} plural forms, the language has "
                            f"{catalog.num_plurals}: {key!r}")
        wanted = set(FIELD.findall(ids[-1]))
        for text in strings:
            if not text.strip() and ids[0].strip():
                problems.append(f"empty: {key!r}")
            elif set(FIELD.findall(text)) != wanted:
                problems.append(f"fields {sorted(FIELD.findall(text))} != {sorted(wanted)}: "
                                f"{key!r}")
    assert problems == []


def test_the_template_lists_what_the_code_writes():
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    assert {m.id for m in template if m.id} == set(messages())


def test_the_extractor_finds_calls_and_their_notes(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(
        "def f(_):\n"
        "    # TRANSLATORS: a heading.\n"
        "    a = _('Glossary')\n"
        "    b = _.n('{n} map', '{n} maps', 3, n=3)\n"
        "    c = _(name)  # not a literal: not a message\n", "utf-8")
    found = messages(package)
    assert list(found) == ["Glossary", ("{n} map", "{n} maps")]
    assert found["Glossary"].comments == ["TRANSLATORS: a heading."]


def test_words_in_each_language():
    assert words("hy")("Glossary") == "Բառարան"
    assert words("ru-RU")("Glossary") == "Глоссарий"
    assert words("az-Latn")("Corrections") == "Düzəlişlər"
    assert words("fa")("Also known as: {names}.", names="x") == "نام‌های دیگر: x."
    _ = words("ru")
    pages = "Page-break markers and a page list give the page numbers of the PDF edition ({n} page)."
    plural = pages.replace("page).", "pages).")
    assert [_.n(pages, plural, n, n=n)[-12:] for n in (1, 3, 5, 21)] == [
        "1 страница).", "3 страницы).", "(5 страниц).", "1 страница)."]


def test_a_language_without_catalogue_falls_back_to_english_marked_as_english():
    _ = words("pt-BR")
    assert _.fallback and _.lang == "en" and _("Glossary") == "Glossary"
    assert not words("hy").fallback and words("hy").lang == "hy"
    from exporter.adapters.epub import _nav_document

    nav = _nav_document("pt-BR", [("a.xhtml", "A", [])], [], [])
    assert '<h1 lang="en" xml:lang="en">Contents</h1>' in nav
    assert '<h1>Բովանդակություն</h1>' in _nav_document("hy", [("a.xhtml", "A", [])], [], [])


def test_dates_numbers_and_lists_as_the_language_writes_them():
    day = dt.date(2023, 9, 19)
    assert words("en-GB").date(day) == "19 September 2023"
    assert words("ru").date(day) == "19 сентября 2023\u202fг."  # a narrow no-break space
    assert words("hy").date(day) == "19 սեպտեմբերի, 2023 թ."
    # Persian: the Solar Hijri calendar and Persian digits, as CLDR has it.
    assert words("fa").date(day) == "۲۸ شهریور ۱۴۰۲"
    assert words("fa").number(1234) == "۱٬۲۳۴"
    assert words("ar").number(12) == "١٢"
    assert words("de").number(40.3, places=2) == "40,30"
    assert words("az").join(["a", "b", "c"]) == "a, b və c"


def test_quotation_marks_of_each_language():
    assert words("hy").quotes[:2] == ("«", "»")
    assert words("ru").quotes == ("«", "»", "„", "“")
    assert words("ka").quotes[:2] == ("„", "“")
    assert words("fa").quotes[:2] == ("«", "»")
    assert words("en-GB").quotes == ("“", "”", "‘", "’")


def test_collation_follows_the_language_alphabet(tmp_path, monkeypatch):
    from exporter.glossary.appendix import collation_order

    monkeypatch.setenv("EXPORTER_CACHE_DIR", str(tmp_path))
    az = ["Ağdam", "Cəbrayıl", "Çıraqlı", "İrəvan", "Laçın dəhlizi", "Qarabağ", "Şuşa",
          "Xankəndi", "Hadrut", "Kəlbəcər"]
    # The Azerbaijani alphabet: ... H X I İ J K Q L ... (X after H, Q after K).
    assert [az[i] for i in collation_order(az, "az")] == [
        "Ağdam", "Cəbrayıl", "Çıraqlı", "Hadrut", "Xankəndi", "İrəvan", "Kəlbəcər", "Qarabağ",
        "Laçın dəhlizi", "Şuşa"]
    fa = ["هلال احمر", "وزارت دفاع", "لاچین", "گوریس", "کلبجر"]
    # Persian: ک before گ before ل, and و before ه.
    assert [fa[i] for i in collation_order(fa, "fa")] == [
        "کلبجر", "گوریس", "لاچین", "وزارت دفاع", "هلال احمر"]


# --- the editions ------------------------------------------------------------------------

ARMENIAN = """\
---
title: Լաչինի միջանցքը փակ է
standfirst: Ճանապարհը "Ստեփանակերտ" տանող միակ ուղին է։
date: 2023-09-19
lang: hy
authors: [Խմբագրություն]
corrections:
  - {date: 2023-09-20, text: Ճշտվել է ամսաթիվը։}
glossary:
  entries:
    - term: Լաչինի միջանցք
      definition: Հայաստանը Լեռնային Ղարաբաղին կապող ճանապարհ։
---
Ըստ "պաշտոնյաների 'խոսքով' նորություն" չկա։ Լաչինի միջանցք ճանապարհը փակ է։[^1]

[^1]: Ծանոթագրություն։
"""


def _prepared(tmp_path: Path, text: str):
    from exporter.run.render import context, prepare

    folder = tmp_path / "source"
    folder.mkdir()
    source = folder / "article.md"
    source.write_text(text, "utf-8")
    return context(prepare(source))


def test_an_armenian_article_gets_armenian_words_and_quotes(tmp_path):
    ctx = _prepared(tmp_path, ARMENIAN)
    assert ctx.doc.warnings == []
    html = "\n".join(part.html for part in ctx.html.parts)
    for armenian in ("Բառարան", "Ուղղումներ", "Հեղինակ՝ Խմբագրություն",
                     "19 սեպտեմբերի, 2023 թ.", "Հրատարակություն 1", "Տիտղոսաթերթ"):
        assert armenian in html or armenian in [p.title for p in ctx.html.parts], armenian
    # Quotation marks: outer «…», inner «…» (Armenian nests the same marks), none English.
    assert "«պաշտոնյաների «խոսքով» նորություն»" in html
    assert "«Ստեփանակերտ»" in ctx.doc.meta_text("subtitle")
    assert not re.search("[“”‘]", html)
    for english in ("Glossary", "Corrections", "By ", "Edition ", "Title page",
                    "Back to the text", "Used on page", "back to the first use", "note 1"):
        assert english not in html, english


def test_an_article_in_a_language_without_catalogue_warns_and_marks_english(tmp_path):
    text = ARMENIAN.replace("lang: hy", "lang: pt")
    ctx = _prepared(tmp_path, text)
    (warning,) = ctx.doc.warnings
    assert re.search(r"article\.md:5: no catalogue for the language 'pt'", warning)
    html = "\n".join(part.html for part in ctx.html.parts)
    assert re.search(r'<h1[^>]* lang="en"[^>]*>Glossary</h1>', html)
    assert re.search(r'<h2[^>]* lang="en"[^>]*>Corrections</h2>', html)
    assert '<p class="edition" lang="en">Edition 1</p>' in html


# --- terms and places in their inflected forms ---------------------------------------------

def _linked(markdown: str, lang: str, *entries: dict) -> list[str]:
    from test_glossary import linked, run

    doc, _report = run(markdown, *entries, lang=lang, link="every")
    return [text for text, _target in linked(doc)]


def _entry(term: str, **extra) -> dict:
    return {"term": term, "definition": f"About {term}.", **extra}


@pytest.mark.parametrize("lang, terms, text, found", [
    ("hy", ["Արցախ", "Լաչինի միջանցք"], "Արցախի իշխանությունները փակեցին Լաչինի միջանցքով "
     "երթևեկությունը։", ["Արցախի", "Լաչինի միջանցքով"]),
    ("ru", ["Лачинский коридор", "Эвакуация"], "Колонна шла по Лачинскому коридору. "
     "Началась эвакуация жителей.", ["Лачинскому коридору", "эвакуация"]),
    ("ka", ["თბილისი", "ბაქო", "ყარაბაღი"], "თბილისში და ბაქოსა შორის; ყარაბაღიდან წავიდნენ.",
     ["თბილისში", "ბაქოსა", "ყარაბაღიდან"]),
    ("az", ["Qarabağ", "Laçın dəhlizi"], "Qarabağda və Laçın dəhlizində yollar bağlandı.",
     ["Qarabağda", "Laçın dəhlizində"]),
    ("tr", ["Karabağ"], "Karabağ'da ve İran'da.", ["Karabağ\u2019da"]),  # smart apostrophe
    ("en", ["refugee", "Armenia"], "Refugees left Armenian villages; the refugee and "
     "Armenia.", ["Refugees", "refugee", "Armenia"]),
])
def test_terms_are_found_in_their_inflected_forms(lang, terms, text, found):
    assert _linked(text, lang, *(_entry(t) for t in terms)) == found


def test_exact_match_and_forms_are_the_authors_to_choose():
    text = "Արցախի ու Արցախ. Ստեփանակերտում."
    assert _linked(text, "hy", _entry("Արցախ", match="exact")) == ["Արցախ"]
    # A spelling the stemmer does not reach, named by the author.
    assert _linked("پناهندگان و پناهنده", "fa", _entry("پناهنده")) == ["پناهنده"]
    assert _linked("پناهندگان و پناهنده", "fa",
                   _entry("پناهنده", forms=["پناهندگان"])) == ["پناهندگان", "پناهنده"]


def test_english_names_keep_their_capitals():
    assert _linked("The lachin corridor and baku.", "en", _entry("Lachin Corridor"),
                   _entry("Baku")) == []


def test_an_own_entry_never_used_is_a_located_warning(tmp_path):
    text = ARMENIAN.replace("""    - term: Լաչինի միջանցք
      definition: Հայաստանը Լեռնային Ղարաբաղին կապող ճանապարհ։""", """    - term: Լաչինի միջանցք
      definition: Հայաստանը Լեռնային Ղարաբաղին կապող ճանապարհ։
    - term: Գորիս
      definition: Քաղաք Հայաստանում։""")
    ctx = _prepared(tmp_path, text)
    (warning,) = ctx.doc.warnings
    assert re.search(r"article\.md:13: glossary entry 'Գորիս' is defined but does not occur",
                     warning)


def test_a_name_whose_stem_shares_nothing_with_it_is_found_as_written():
    """Arabic's stemmer writes أغدام as اغدام: no common beginning to build endings on.
    The name is then matched as written; it must never match the empty string (which
    once looped the linker until memory ran out)."""
    from exporter.glossary.forms import Forms

    assert Forms("ar").word_pattern("أغدام") == "أغدام"
    assert _linked("طريق أغدام وممر لاتشين.", "ar", _entry("أغدام"), _entry("لاتشين")) == [
        "أغدام", "لاتشين"]


def test_names_running_the_other_way_are_isolated_in_generated_sentences():
    """A Latin name inside a Persian sentence, a Persian term inside an English one, are
    wrapped in FSI ... PDI so that the bidi algorithm keeps them whole; names that run the
    sentence's way are left alone (English editions are unchanged)."""
    import panflute as pf

    from exporter.glossary.appendix import build_appendix
    from exporter.i18n import words
    from test_glossary import _entries

    assert words("fa").isolate("Lachin") == "\u2068Lachin\u2069"
    assert words("en").isolate("لاچین") == "\u2068لاچین\u2069"
    assert words("en").isolate("Lachin") == "Lachin"
    assert words("fa").isolate("۲۰۲۳") == "۲۰۲۳"  # digits have no direction of their own
    for lang, term, isolated in (("fa", "Lachin", True), ("en", "لاچین", True),
                                 ("en", "Lachin", False)):
        div = build_appendix(_entries([term]), {"t0": ["use-1"]}, {}, lang)
        labels = [link.attributes["aria-label"] for link in _links(div)]
        assert labels and all((f"\u2068{term}\u2069" in label) == isolated
                              for label in labels), labels


def _links(div):
    import panflute as pf

    found = []
    div.walk(lambda e, d: found.append(e) if isinstance(e, pf.Link)
             and "glossary-backref" in e.classes else None)
    return found
