"""The glossary: loading and checks, linking terms in the AST, the appendix, the report.

ASTs are made by pandoc from small Markdown strings, as the pipeline makes them.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import panflute as pf
import pypandoc
import pytest
from pydantic import BaseModel

import exporter.pandoc

from exporter.errors import SecurityError, SourceError
from exporter.glossary import (
    GlossarySettings,
    apply_glossary,
    glossary_report,
    load_glossary,
    slugify,
)
from exporter.yamlfile import load_yaml, validate

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "glossary"
REPO = HERE.parent
SAMPLE = REPO / "source" / "azerbaijan-operation-nagorno-karabakh.md"


def parse(markdown: str) -> pf.Doc:
    return pf.load(io.StringIO(pypandoc.convert_text(markdown, "json", format="markdown+smart")))


def settings(*entries: dict, **options) -> GlossarySettings:
    return GlossarySettings(entries=list(entries), **options)


def entry(term: str, *aliases, definition: str | None = None, **extra) -> dict:
    return {"term": term, "definition": definition or f"About {term}.",
            "aliases": list(aliases), **extra}


def run(markdown: str, *entries: dict, root: Path | None = None, lang: str = "en", **options):
    """Parse, load the glossary from front-matter entries, apply; return (doc, report)."""
    doc = parse(markdown)
    cfg = settings(*entries, **options)
    glossary = load_glossary(root or Path("/nonexistent-source"), cfg)
    return doc, apply_glossary(doc, glossary, cfg, lang)


def body(doc: pf.Doc) -> list[pf.Block]:
    """The blocks before the glossary appendix."""
    return [b for b in doc.content if not (isinstance(b, pf.Div) and "glossary" in b.classes)]


def appendix(doc: pf.Doc) -> pf.Div | None:
    found = [b for b in doc.content if isinstance(b, pf.Div) and "glossary" in b.classes]
    assert len(found) <= 1
    return found[0] if found else None


def find_all(elems, kind, pred=lambda e: True) -> list:
    out = []

    def visit(elem, doc):
        if isinstance(elem, kind) and pred(elem):
            out.append(elem)

    for elem in elems:
        elem.walk(visit)
    return out


def glossrefs(doc: pf.Doc) -> list[pf.Link]:
    return find_all(body(doc), pf.Link, lambda e: "glossref" in e.classes)


def listed_terms(doc: pf.Doc) -> list[str]:
    div = appendix(doc)
    if div is None:
        return []
    return [pf.stringify(pf.Plain(*item.term)) for dl in div.content
            if isinstance(dl, pf.DefinitionList) for item in dl.content]


def linked(doc: pf.Doc) -> list[tuple[str, str]]:
    """(link text, target) of every glossary link in the body, in reading order."""
    return [(pf.stringify(link), link.url) for link in glossrefs(doc)]


# --- pandoc and panflute -------------------------------------------------------


def test_panflute_loads_pandoc_json_without_complaint():
    data = json.loads(pypandoc.convert_text("Hello", "json", format="markdown"))
    assert data["pandoc-api-version"][:2] == [1, 23]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doc = pf.load(io.StringIO(json.dumps(data)))
    assert pf.stringify(doc).strip() == "Hello"


# --- linking -------------------------------------------------------------------


def test_first_occurrence_is_linked_by_default():
    doc, report = run("Baku and Baku.\n\nBaku again.", entry("Baku"))
    assert linked(doc) == [("Baku", "#gloss-baku")]
    link = glossrefs(doc)[0]
    assert link.identifier == "gref-baku-1"
    assert len(report.term("Baku").occurrences) == 3
    assert report.term("Baku").ids == ["gref-baku-1"]


def test_link_every_numbers_each_occurrence():
    doc, report = run("Baku and Baku.\n\nBaku again.", entry("Baku"), link="every")
    assert [l.identifier for l in glossrefs(doc)] == ["gref-baku-1", "gref-baku-2", "gref-baku-3"]
    assert report.term("Baku").ids == ["gref-baku-1", "gref-baku-2", "gref-baku-3"]
    backrefs = find_all([appendix(doc)], pf.Link, lambda e: "glossary-backref" in e.classes)
    assert [(pf.stringify(b), b.url) for b in backrefs] == [
        ("1", "#gref-baku-1"), ("2", "#gref-baku-2"), ("3", "#gref-baku-3")]
    (span,) = find_all([appendix(doc)], pf.Span, lambda e: "glossary-uses" in e.classes)
    # Real text, not the stylesheet's: a label for screens, one for print, separators.
    assert pf.stringify(span) == "Back to the text:Used on page 1, 2, 3"
    assert [b.attributes["aria-label"] for b in backrefs] == [
        "back to the first use of Baku in the text", "back to use 2 of Baku in the text",
        "back to use 3 of Baku in the text"]


def test_link_none_links_nothing_but_still_lists_used_terms():
    doc, report = run("Baku is a city.", entry("Baku"), entry("Aghdam"), link="none")
    assert glossrefs(doc) == []
    assert listed_terms(doc) == ["Baku"]
    assert find_all([appendix(doc)], pf.Span, lambda e: "glossary-uses" in e.classes) == []
    assert [t.term for t in report.used] == ["Baku"]


def test_aliases_reach_the_same_entry():
    doc, report = run("Khankendi, known as Stepanakert by Armenians.",
                      entry("Khankendi", {"name": "Stepanakert", "note": "name used by Armenians"}),
                      link="every")
    assert linked(doc) == [("Khankendi", "#gloss-khankendi"), ("Stepanakert", "#gloss-khankendi")]
    assert [o.text for o in report.term("Khankendi").occurrences] == ["Khankendi", "Stepanakert"]


def test_an_alias_counts_as_the_first_occurrence_of_its_entry():
    doc, _ = run("Stepanakert, or Khankendi.", entry("Khankendi", "Stepanakert"))
    assert linked(doc) == [("Stepanakert", "#gloss-khankendi")]


def test_longest_match_wins():
    doc, _ = run("The Lachin Corridor passes Lachin.", entry("Lachin"), entry("Lachin Corridor"),
                 link="every")
    assert linked(doc) == [("Lachin Corridor", "#gloss-lachin-corridor"),
                           ("Lachin", "#gloss-lachin")]
    # Nothing is linked inside another glossary link.
    for link in glossrefs(doc):
        assert find_all(link.content, pf.Link) == []


def test_term_split_over_a_line_break_matches():
    doc, _ = run("Known as the Lachin\nCorridor since 1992.", entry("Lachin Corridor"))
    assert linked(doc) == [("Lachin Corridor", "#gloss-lachin-corridor")]
    assert any(isinstance(e, pf.SoftBreak) for e in glossrefs(doc)[0].content)


def test_possessive_stays_outside_the_link():
    doc, _ = run("Azerbaijan's defence ministry.", entry("Azerbaijan"))
    para = body(doc)[0]
    assert isinstance(para.content[0], pf.Link)
    assert pf.stringify(para.content[0]) == "Azerbaijan"
    assert para.content[1] == pf.Str("\u2019s")


def test_punctuation_around_a_term_is_kept_outside():
    doc, _ = run("The road (Lachin) ends.", entry("Lachin"))
    para = body(doc)[0]
    assert pf.stringify(para).strip() == "The road (Lachin) ends."
    i = next(i for i, e in enumerate(para.content) if isinstance(e, pf.Link))
    assert list(para.content)[i - 1:i + 2:2] == [pf.Str("("), pf.Str(")")]
    assert linked(doc) == [("Lachin", "#gloss-lachin")]


def test_whole_words_only():
    doc, report = run("Armenian forces and Azerbaijani police. Nagorno-Karabakh.",
                      entry("Armenia"), entry("Azerbaijan"), entry("Karabakh"))
    assert linked(doc) == []
    assert report.used == []


def test_proper_nouns_match_case_sensitively():
    doc, _ = run("The lachin corridor, baku and the ICRC.", entry("Lachin Corridor"),
                 entry("Baku"), entry("ICRC"))
    assert linked(doc) == [("ICRC", "#gloss-icrc")]


def test_common_noun_may_take_a_capital_at_a_sentence_start_only():
    doc, _ = run("Line of contact: a front. The Line of contact moved. Along the line of contact.",
                 entry("line of contact"), link="every")
    assert [text for text, _ in linked(doc)] == ["Line of contact", "line of contact"]


def test_nothing_is_linked_in_headings_links_code_or_quotations():
    markdown = """# Lachin in a heading

See [the Lachin page](https://example.org/lachin) and `Lachin` and
"Lachin in quotes" and ![Lachin map](map.png).

> Lachin in a block quote.

```
Lachin in code
```

`<b>Lachin</b>`{=html} raw and *Lachin* in emphasis.
"""
    doc, report = run(markdown, entry("Lachin"), link="every")
    assert linked(doc) == [("Lachin", "#gloss-lachin")]
    assert glossrefs(doc)[0].parent.tag == "Emph"
    assert len(report.term("Lachin").occurrences) == 1
    header = body(doc)[0]
    assert find_all([header], pf.Link) == []


def test_no_glossary_class_opts_out():
    doc, _ = run("::: no-glossary\nBaku\n:::\n\n[Baku]{.no-glossary} and Baku.", entry("Baku"))
    assert len(glossrefs(doc)) == 1
    assert isinstance(glossrefs(doc)[0].parent, pf.Para)


def test_terms_in_lists_tables_and_notes_are_found():
    markdown = """- Baku in a list

| City |
|------|
| Baku |

Text.[^1]

[^1]: Baku in a note.
"""
    doc, report = run(markdown, entry("Baku"), link="every")
    assert len(glossrefs(doc)) == 3
    assert [o.paragraph for o in report.term("Baku").occurrences] == [1, 2, 3]


def test_every_link_target_exists_and_every_backref_target_exists():
    doc, _ = run("Khankendi and Stepanakert. Baku and the Lachin Corridor.\n\n"
                 "Baku again, Lachin Corridor.",
                 entry("Khankendi", "Stepanakert", see_also=["Baku"]), entry("Baku"),
                 entry("Lachin Corridor"), link="every")
    _assert_targets_resolve(doc)


def _assert_targets_resolve(doc: pf.Doc) -> None:
    text_ids = {l.identifier for l in glossrefs(doc)}
    appendix_ids = {s.identifier for s in find_all([appendix(doc)], pf.Span,
                                                    lambda e: "glossterm" in e.classes)}
    assert text_ids and appendix_ids
    for link in glossrefs(doc):
        assert link.url.removeprefix("#") in appendix_ids
    backrefs = find_all([appendix(doc)], pf.Link, lambda e: "glossary-backref" in e.classes)
    assert {b.url.removeprefix("#") for b in backrefs} == text_ids
    for see in find_all([appendix(doc)], pf.Link, lambda e: "glossary-seealso" in e.classes):
        assert see.url.removeprefix("#") in appendix_ids


# --- the appendix ---------------------------------------------------------------


def test_appendix_structure():
    doc, _ = run("Stepanakert is the city. Baku too.",
                 entry("Khankendi", {"name": "Stepanakert", "note": "name used by Armenians"},
                       definition="The *main* city.", see_also=["Baku"]),
                 entry("Baku"))
    div = doc.content[-1]
    assert isinstance(div, pf.Div)
    assert (div.identifier, div.classes) == ("glossary-section", ["glossary", "appendix"])
    assert div.attributes == {"title": "Glossary", "epub-type": "glossary"}
    header, dl = div.content
    assert isinstance(header, pf.Header) and header.level == 1
    assert (header.identifier, header.classes, pf.stringify(header)) == (
        "glossary", ["appendix"], "Glossary")
    item = dl.content[1]
    (term,) = item.term
    assert (term.identifier, term.classes, pf.stringify(term)) == (
        "gloss-khankendi", ["glossterm"], "Khankendi")
    (definition,) = item.definitions
    text, uses = definition.content
    assert pf.stringify(text).strip() == ("The main city. Also known as: Stepanakert "
                                  "(name used by Armenians). See also: Baku.")
    assert any(isinstance(e, pf.Emph) for e in text.content)
    see = find_all([text], pf.Link)
    assert [(s.url, s.classes) for s in see] == [("#gloss-baku", ["glossary-seealso"])]
    (span,) = uses.content
    assert span.classes == ["glossary-uses"]
    assert [(l.url, l.classes) for l in find_all([span], pf.Link)] == [
        ("#gref-khankendi-1", ["glossary-backref"])]


def test_only_used_terms_are_listed_in_collation_order():
    terms = ["zebra crossing", "Baku", "apple", "Ägypten", "Unused"]
    doc, report = run("Baku, apple, Ägypten and zebra crossing.", *(entry(t) for t in terms))
    assert listed_terms(doc) == ["Ägypten", "apple", "Baku", "zebra crossing"]
    assert [t.term for t in report.used] == listed_terms(doc)
    assert [t.term for t in report.unused] == ["Unused"]


def test_include_all_lists_unused_terms_without_backrefs():
    doc, _ = run("Baku.", entry("Baku"), entry("Aghdam"), include="all")
    assert listed_terms(doc) == ["Aghdam", "Baku"]
    dl = appendix(doc).content[1]
    assert len(dl.content[0].definitions[0].content) == 1  # no back-references
    assert len(dl.content[1].definitions[0].content) == 2


def test_see_also_to_an_entry_not_listed_is_dropped():
    doc, _ = run("Baku.", entry("Baku", see_also=["Aghdam"]), entry("Aghdam"))
    assert "See also" not in pf.stringify(appendix(doc))


def test_no_appendix_when_no_term_occurs():
    doc, report = run("Nothing to see.", entry("Baku"))
    assert appendix(doc) is None
    assert [t.term for t in report.unused] == ["Baku"]


def test_localised_title_by_language_prefix():
    doc, _ = run("Bakou.", entry("Bakou"), lang="fr-FR")
    assert pf.stringify(appendix(doc).content[0]) == "Glossaire"
    doc, _ = run("Baku.", entry("Baku"), lang="xx")
    assert pf.stringify(appendix(doc).content[0]) == "Glossary"


def test_definitions_are_parsed_in_one_pandoc_call(monkeypatch):
    doc = parse("Baku, Aghdam and Khojavand.")
    cfg = settings(entry("Baku", definition='A "capital".'), entry("Aghdam"), entry("Khojavand"))
    glossary = load_glossary(Path("/nonexistent-source"), cfg)
    calls = []
    real = exporter.pandoc.run_pandoc
    monkeypatch.setattr(exporter.pandoc, "run_pandoc",
                        lambda *a, **k: calls.append(a) or real(*a, **k))
    apply_glossary(doc, glossary, cfg, "en")
    assert len(calls) == 1
    baku = appendix(doc).content[1].content[1].definitions[0].content[0]
    assert any(isinstance(e, pf.Quoted) for e in baku.content)


def test_slugs_are_ascii_and_deterministic():
    assert slugify("Nagorno-Karabakh") == "nagorno-karabakh"
    assert slugify("Ağdam  Road") == "agdam-road"
    assert slugify("2020 ceasefire") == "2020-ceasefire"
    cyrillic = slugify("Степанакерт")
    assert cyrillic.isascii() and cyrillic == slugify("Степанакерт") and cyrillic != "t-"
    glossary = load_glossary(Path("/x"), settings(entry("Côte"), entry("Cote")))
    assert [e.slug for e in glossary] == ["cote", "cote-2"]


def test_id_clash_is_a_warning():
    _, report = run("# Glossary\n\nBaku.", entry("Baku"))
    assert any("'glossary'" in w for w in report.warnings)


# --- loading and validation -----------------------------------------------------


def test_shared_glossary_and_article_entries_merge_article_wins():
    cfg = settings(entry("Lachin", definition="The article's own definition."), entry("Baku"))
    glossary = load_glossary(FIXTURES / "shared", cfg)
    assert [e.term for e in glossary] == ["Khankendi", "Lachin Corridor", "Lachin", "Baku"]
    assert glossary.find("lachin").definition == "The article's own definition."
    assert glossary.find("Stepanakert").term == "Khankendi"
    assert glossary.find("Khankendi").see_also == ["Lachin Corridor"]
    assert glossary.find("Khankendi").line == 3


def test_missing_default_glossary_file_is_fine(tmp_path):
    assert len(load_glossary(tmp_path, GlossarySettings())) == 0


def test_missing_named_glossary_file_is_an_error(tmp_path):
    with pytest.raises(SourceError, match="not found"):
        load_glossary(tmp_path, GlossarySettings(file="terms.yml"))


@pytest.mark.parametrize("name", ["../glossary.yml", "/etc/passwd", "https://example.org/g.yml"])
def test_glossary_file_outside_the_source_folder_is_refused(tmp_path, name):
    (tmp_path / "src").mkdir()
    with pytest.raises(SecurityError):
        load_glossary(tmp_path / "src", GlossarySettings(file=name))


def test_symlink_out_of_the_source_folder_is_refused(tmp_path):
    (tmp_path / "outside.yml").write_text("entries: []\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "glossary.yml").symlink_to(tmp_path / "outside.yml")
    with pytest.raises(SecurityError):
        load_glossary(tmp_path / "src", GlossarySettings())


@pytest.mark.parametrize(("fixture", "line", "words"), [
    ("dup_term", 8, ["duplicate glossary term 'Lachin corridor'", "glossary.yml:2"]),
    ("dup_alias", 10, ["'Karabakh'", "Nagorno-Karabakh", "glossary.yml:5"]),
    ("empty_def", 6, ["definition is empty"]),
    ("unknown_key", 4, ["unknown key", "aliasses", "did you mean 'aliases'?"]),
    ("malformed", 5, ["malformed YAML"]),
    ("bad_see_also", 6, ["no glossary entry 'Lachin corridr'", "did you mean 'Lachin Corridor'?"]),
    ("not_mapping", 1, ["mapping", "entries"]),
])
def test_bad_glossary_files_name_file_and_line(fixture, line, words):
    with pytest.raises(SourceError) as caught:
        load_glossary(FIXTURES / fixture, GlossarySettings())
    err = caught.value
    assert err.file == FIXTURES / fixture / "glossary.yml"
    assert err.line == line
    for word in words:
        assert word in str(err)


class FrontMatter(BaseModel, extra="forbid"):
    """Stands in for the article's front-matter schema, which holds ``glossary:``."""

    title: str
    glossary: GlossarySettings = GlossarySettings()


def front_matter(text: str):
    data, locator = load_yaml(text, Path("article.md"), first_line=2)
    return validate(FrontMatter, data, locator), locator


ARTICLE = """\
title: An article
glossary:
  link: every
  entries:
    - term: Baku
      definition: A capital.
    - term: Aghdam
      definition: A town.
      aliases: [Baku]
"""


def test_front_matter_alias_claimed_twice_names_the_front_matter_line(tmp_path):
    fm, locator = front_matter(ARTICLE)
    assert fm.glossary.link == "every"
    with pytest.raises(SourceError) as caught:
        load_glossary(tmp_path, fm.glossary, locator)
    assert (caught.value.file, caught.value.line) == (Path("article.md"), 10)
    assert "'Baku'" in str(caught.value)


def test_front_matter_alias_that_is_a_shared_term_is_an_error():
    fm, locator = front_matter(ARTICLE.replace("[Baku]", "[Lachin]").replace("Baku", "Bakou"))
    with pytest.raises(SourceError) as caught:
        load_glossary(FIXTURES / "shared", fm.glossary, locator)
    assert caught.value.line == 10
    assert "glossary.yml:14" in str(caught.value)


@pytest.mark.parametrize(("edit", "line", "words"), [
    (("definition: A town.", "definition:"), 9, ["definition is empty"]),
    (("definition: A town.", "definiton: A town."), 9, ["did you mean 'definition'?"]),
    (("link: every", "link: all"), 4, ["'first', 'every' or 'none'"]),
    (("link: every", "includes: all"), 4, ["did you mean 'include'?"]),
    (("definition: A town.", "definition: |\n        One.\n\n        Two."), 9, ["one paragraph"]),
    (("aliases: [Baku]", "aliases: [{name: Baku, notes: x}]"), 10, ["did you mean 'note'?"]),
])
def test_bad_front_matter_entries_name_the_line(edit, line, words):
    with pytest.raises(SourceError) as caught:
        front_matter(ARTICLE.replace(*edit))
    assert caught.value.line == line
    for word in words:
        assert word in str(caught.value)


# --- report ---------------------------------------------------------------------


def test_glossary_report_leaves_the_ast_alone_and_warns_about_unused():
    doc = parse("# Part one\n\nStepanakert is a city.\n\nKhankendi again.")
    before = json.dumps(doc.to_json())
    report = glossary_report(doc, FIXTURES / "shared", GlossarySettings())
    assert json.dumps(doc.to_json()) == before
    (khankendi,) = report.used
    assert [(o.text, o.paragraph, o.section, o.section_id) for o in khankendi.occurrences] == [
        ("Stepanakert", 2, "Part one", "part-one"), ("Khankendi", 3, "Part one", "part-one")]
    advice = (" (nor any inflected form); add the spelling used under 'forms:' or remove "
              "the entry")
    assert report.unused_warnings() == [
        f"{FIXTURES / 'shared' / 'glossary.yml'}:14: glossary entry 'Lachin' is defined but "
        "does not occur in the text" + advice,
        f"{FIXTURES / 'shared' / 'glossary.yml'}:10: glossary entry 'Lachin Corridor' is "
        "defined but does not occur in the text" + advice,
    ]
    assert report.lines()[0].startswith("Khankendi (2x")


# --- the sample glossary --------------------------------------------------------


def test_sample_glossary_is_valid_and_large_enough():
    glossary = load_glossary(REPO / "source", GlossarySettings())
    assert len(glossary) >= 12
    for term in ("Khankendi", "Lachin Corridor", "line of contact", "2020 ceasefire",
                 "Russian peacekeepers", "International Committee of the Red Cross",
                 "human rights ombudsman", "Nagorno-Karabakh"):
        assert glossary.find(term) is not None, term
    assert glossary.find("Stepanakert").term == "Khankendi"
    assert glossary.find("Karabakh").term == "Nagorno-Karabakh"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the sample article is not in source/")
def test_sample_glossary_on_the_sample_article():
    from exporter.read.source import load_document

    document, locator = load_document(SAMPLE)
    cfg = document.meta.glossary.model_copy(update={"link": "every"})
    glossary = load_glossary(document.root, cfg, locator)
    report = apply_glossary(document.ast, glossary, cfg, document.meta.lang)
    doc = document.ast
    _assert_targets_resolve(doc)
    used = [t.term for t in report.used]
    for term in ("Khankendi", "Lachin Corridor", "Aghdam road", "Russian peacekeepers",
                 "International Committee of the Red Cross", "human rights ombudsman",
                 "2020 ceasefire", "Second Karabakh War", "Azerbaijan", "Armenia"):
        assert term in used, term
    # Only inside quotations in this article, so not linked and not listed.
    assert "line of contact" in [t.term for t in report.unused]
    assert [o.text for o in report.term("Khankendi").occurrences] == ["Khankendi", "Stepanakert"]
    assert listed_terms(doc) == used
    # Possessive outside the first link: "Azerbaijan’s defence ministry".
    first = body(doc)[0]
    assert pf.stringify(first.content[0]) == "Azerbaijan" and first.content[1] == pf.Str("\u2019s")


def test_collation_order_is_cached_and_a_damaged_entry_is_recomputed(tmp_path, monkeypatch):
    from exporter.glossary import appendix as module

    monkeypatch.setenv("EXPORTER_CACHE_DIR", str(tmp_path))
    texts = ["zebra", "Baku", "apple", "Ägypten", "Zürich", "Aghdam"]
    order = module.collation_order(texts, "en")
    assert [texts[i] for i in order] == ["Aghdam", "Ägypten", "apple", "Baku", "zebra", "Zürich"]
    (stored,) = [p for p in (tmp_path / "collation").rglob("*") if p.is_file()]

    def no_table(_lang):
        raise AssertionError("the collation table was loaded although the order is cached")

    real = module._collator
    monkeypatch.setattr(module, "_collator", no_table)
    assert module.collation_order(texts, "en") == order
    with pytest.raises(AssertionError):
        module.collation_order([*texts, "Baku"], "en")  # other texts: another key

    monkeypatch.setattr(module, "_collator", real)
    for damaged in ("[0, 0, 0, 0, 0, 0]", "{not json", '{"a": 1}'):
        stored.write_text(damaged)
        assert module.collation_order(texts, "en") == order


# --- letter headings in a long glossary ------------------------------------------------

def _entries(terms: list[str]):
    from pathlib import Path

    from exporter.glossary.model import Entry, GlossaryEntry

    return [GlossaryEntry(entry=Entry(term=t, definition="A place."), slug=f"t{i}",
                          file=Path("glossary.yml"), line=i + 1)
            for i, t in enumerate(terms)]


def test_a_long_glossary_is_headed_by_the_letters_of_its_language():
    from exporter.glossary.appendix import LETTERS_FROM, build_appendix, collation_order

    # Azerbaijani: Ç after C, X after H, İ after I, Q after K (CLDR's alphabet).
    terms = ["Şuşa", "Xankəndi", "Qarabağ", "Laçın", "İrəvan", "Cəbrayıl", "Çıraqlı",
             "Ağdam", "Ağdərə", "Kəlbəcər", "Hadrut", "Zəngilan", "Qubadlı", "Füzuli",
             "Xocalı", "Əsgəran", "Ağcabədi", "Ağstafa", "Bakı", "Bərdə", "Beyləqan",
             "Culfa", "Çəmənli", "Əhmədbəyli", "Gəncə", "Goranboy", "Horadiz", "Xocavənd",
             "İmişli", "Şəki"]
    assert len(terms) >= LETTERS_FROM
    order = collation_order(terms, "az")
    entries = _entries([terms[i] for i in order])
    div = build_appendix(entries, {}, {}, "az")
    letters = [pf.stringify(b) for b in div.content
               if isinstance(b, pf.Header) and "glossary-letter" in b.classes]
    assert letters == ["A", "B", "C", "Ç", "Ə", "F", "G", "H", "X", "İ", "K", "Q", "L", "Ş",
                       "Z"]
    lists = [b for b in div.content if isinstance(b, pf.DefinitionList)]
    assert sum(len(dl.content) for dl in lists) == len(terms)
    # Each letter's entries are under it: "Xocalı" and "Xankəndi" under X.
    x = [b for b in div.content if isinstance(b, pf.Header) and pf.stringify(b) == "X"][0]
    following = div.content[div.content.index(x) + 1]
    assert [pf.stringify(pf.Plain(*i.term)) for i in following.content] == [
        "Xankəndi", "Xocalı", "Xocavənd"]


def test_a_short_glossary_is_one_list():
    from exporter.glossary.appendix import build_appendix

    div = build_appendix(_entries(["Ağdam", "Laçın", "Şuşa"]), {}, {}, "az")
    assert [type(b).__name__ for b in div.content] == ["Header", "DefinitionList"]


def test_many_names_are_matched_as_one_trie_longest_first():
    """The names share one trie (linear in the text for any number of names): the
    longest name wins at a position, a shorter one is found where the longer is not
    whole, names span line breaks, and a straight apostrophe matches a curly one."""
    import re

    from exporter.glossary.linking import Matcher

    class Entry:
        def __init__(self, name):
            self.names, self.slug, self.match, self.forms = [name], name, "exact", ()

    names = ["Lachin", "Lachin Corridor", "Azerbaijan’s army", "Bat", "Babat", "Bet"]
    entries = [Entry(n) for n in names]
    matcher = Matcher(entries, "en")
    assert "|Lachin Corridor" not in matcher.regex.pattern  # shared beginnings once
    assert re.search(r"Lachin\(\?:\\s\+Corridor", matcher.regex.pattern)
    text = "The Lachin Corridor, Lachin Corridors and Lachin; Azerbaijan's  army; Babat Bats Bet."
    found = [(text[s:e], entry.slug) for s, e, entry in matcher.find(text)]
    assert found == [("Lachin Corridor", "Lachin Corridor"), ("Lachin", "Lachin"),
                     ("Lachin", "Lachin"), ("Azerbaijan's  army", "Azerbaijan’s army"),
                     ("Babat", "Babat"), ("Bet", "Bet")]
