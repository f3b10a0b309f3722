"""The glossary appendix: definitions parsed by pandoc, entries in collation order,
aliases, "see also" links and back-references to the linked occurrences.

Collation: ICU's, with the CLDR tailoring of the edition's language (``i18n.collator``):
Azerbaijani puts X after H and Q after K, Persian گ after ک, and every language orders
"Ägypten" between "Aghdam" and "apple", unlike ``sorted``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import panflute as pf
import yaml

from .model import GlossaryEntry

@dataclass(frozen=True)
class Labels:
    """The glossary's words in the edition's language (``exporter.i18n``)."""

    title: str
    #: "Also known as: {names}." and "See also: {links}.", whole sentences.
    also_known_as: str
    see_also: str
    #: Before the back-links, on screen (EPUB) and in print (PDF, DOCX: page numbers).
    back_to_text: str
    used_on_page: str
    #: Accessible names of the back-links ("{term}", and "{n}" for later uses).
    back_to_first: str
    back_to_nth: str
    #: Between the items of a list, and between groups of items ("3, 5; 9").
    separator: str
    group_separator: str
    number: Callable[[int], str]
    #: A name as inserted into the labels' sentences (``Words.isolate``).
    isolate: Callable[[str], str]
    #: Attributes of elements holding these words (``lang="en"`` when they are English
    #: in an edition of another language).
    marked: dict


def labels(lang: str) -> Labels:
    """The glossary's words in ``lang`` (a BCP 47 tag); English when it has no catalogue."""
    from ..i18n import words

    _ = words(lang)
    return Labels(
        title=_("Glossary"),
        also_known_as=_("Also known as: {names}."),
        see_also=_("See also: {links}."),
        # TRANSLATORS: on screen, before the links back to a term's uses in the text.
        back_to_text=_("Back to the text:"),
        # TRANSLATORS: in print, before the page numbers of a term's uses ("Used on page 3, 7").
        used_on_page=_("Used on page"),
        back_to_first=_("back to the first use of {term} in the text"),
        back_to_nth=_("back to use {n} of {term} in the text"),
        # TRANSLATORS: the separator between the items of a list of names.
        separator=_(", "),
        # TRANSLATORS: the separator between groups of a list ("pages 3, 5; 9, 12").
        group_separator=_("; "),
        number=_.number, isolate=_.isolate, marked=_.marked)


def collation_order(texts: Sequence[str], lang: str) -> list[int]:
    """Indices of ``texts`` in the collation order of language ``lang`` (ICU with the
    language's CLDR tailoring), then code points to break ties.

    The order is cached by the language and the texts themselves: the same glossary is
    sorted on every build, and the collator need not even be loaded then.
    """
    from .. import cache

    key = cache.digest("icu-collation", _icu_version(), lang, *texts)
    hit = cache.get("collation", key)
    try:
        order = json.loads(hit) if hit is not None else None
        if isinstance(order, list) and sorted(order) == list(range(len(texts))):
            return order
    except (ValueError, TypeError):
        pass  # a damaged entry: sort again and store it anew
    sort_key = _collator(lang)
    order = sorted(range(len(texts)), key=lambda i: (sort_key(texts[i]), texts[i]))
    cache.put("collation", key, json.dumps(order).encode())
    return order


def _collator(lang: str):
    """The sort key of language ``lang``'s alphabet (ICU; loaded only on a cache miss)."""
    from ..i18n import words

    return words(lang).sort_key()


@lru_cache(maxsize=1)
def _icu_version() -> str:
    """ICU's version, read without importing PyICU (a cached order needs no ICU)."""
    import importlib.metadata

    return importlib.metadata.version("pyicu")


def text_inlines(text: str) -> list[pf.Inline]:
    """Plain text as pandoc tokens: ``Str`` for words, ``Space`` between them."""
    out: list[pf.Inline] = []
    for part in re.split(r"(\s+)", text):
        if not part:
            continue
        out.append(pf.Space() if part.isspace() else pf.Str(part))
    return out


def parse_definitions(entries: list[GlossaryEntry]) -> dict[str, list[pf.Inline]]:
    """Every definition's inline Markdown parsed by one pandoc call; slug -> inlines.

    The definitions travel as a YAML list in a metadata block, which pandoc parses
    as Markdown item by item: no separator in a definition can run into the next.
    """
    if not entries:
        return {}
    from ..pandoc import run_pandoc
    from ..read.source import MARKDOWN_FORMAT  # definitions read like the body

    meta = {"glossary-definitions": [e.definition for e in entries]}
    markdown = ("---\n" + yaml.safe_dump(meta, default_style='"', allow_unicode=True,
                                         width=1 << 30) + "---\n")
    data = run_pandoc(["--from", MARKDOWN_FORMAT, "--to", "json"], markdown)
    doc = pf.load(io.StringIO(data.decode("utf-8")))
    values = list(doc.metadata.content["glossary-definitions"].content)
    return {entry.slug: _meta_inlines(value) for entry, value in zip(entries, values)}


def _meta_inlines(value: pf.MetaValue) -> list[pf.Inline]:
    if isinstance(value, pf.MetaInlines):
        return list(value.content)
    if isinstance(value, pf.MetaBlocks):
        # Not produced for one-paragraph definitions; flatten rather than lose text.
        out: list[pf.Inline] = []
        for block in value.content:
            if out:
                out.append(pf.Space())
            out.extend(block.content if isinstance(block, (pf.Para, pf.Plain))
                       else text_inlines(pf.stringify(block)))
        return out
    return text_inlines(pf.stringify(value))


def build_appendix(entries: list[GlossaryEntry], uses: dict[str, list[str]],
                   definitions: dict[str, list[pf.Inline]], lang: str,
                   chapter_of: dict[str, str] | None = None) -> pf.Div:
    """The glossary section: ``entries`` (already in order), with back-references ``uses``.

    ``chapter_of`` (a collection) maps a use's id to its chapter's title: the uses are
    then listed chapter by chapter.
    """
    words = labels(lang)
    shown = {e.term: e for e in entries}
    items = []
    for entry in entries:
        first = [*definitions.get(entry.slug, []), *_aliases(entry, words),
                 *_see_also(entry, shown, words)]
        blocks = [pf.Para(*first)]
        ids = uses.get(entry.slug, [])
        if ids:
            refs = (_backrefs_by_chapter(ids, chapter_of, entry.term, words) if chapter_of
                    else _backrefs(ids, entry.term, words))
            blocks.append(pf.Para(pf.Span(*_uses_labels(words), *refs,
                                          classes=["glossary-uses"])))
        term = pf.Span(*text_inlines(entry.term), identifier=f"gloss-{entry.slug}",
                       classes=["glossterm"])
        items.append(pf.DefinitionItem(term=[term], definitions=[pf.Definition(*blocks)]))
    header = pf.Header(*text_inlines(words.title), level=1, identifier="glossary",
                       classes=["appendix"], attributes=words.marked)
    # "appendix" makes it a part of its own in the editions (see exporter/html.py).
    return pf.Div(header, *_by_letter(entries, items, lang), identifier="glossary-section",
                  classes=["glossary", "appendix"],
                  attributes={"title": words.title, "epub-type": "glossary"})


#: From this many entries on, the glossary is headed letter by letter (when that gives
#: at least LETTERS_AT_LEAST letters): a short glossary reads better as one list.
LETTERS_FROM = 30
LETTERS_AT_LEAST = 3


def _by_letter(entries: list[GlossaryEntry], items: list[pf.DefinitionItem],
               lang: str) -> list[pf.Block]:
    """The entries as one definition list, or, in a long glossary, one per letter of the
    language's alphabet under a heading with that letter (``Words.index_letter``)."""
    if len(entries) < LETTERS_FROM:
        return [pf.DefinitionList(*items)]
    from ..i18n import words

    _ = words(lang)
    groups: list[tuple[str, list[pf.DefinitionItem]]] = []
    for entry, item in zip(entries, items):
        letter = _.index_letter(entry.term)
        if not groups or groups[-1][0] != letter:
            groups.append((letter, []))
        groups[-1][1].append(item)
    if len(groups) < LETTERS_AT_LEAST:
        return [pf.DefinitionList(*items)]
    blocks: list[pf.Block] = []
    for n, (letter, group) in enumerate(groups, 1):
        blocks.append(pf.Header(pf.Str(letter), level=2, identifier=f"glossary-letter-{n}",
                                classes=["glossary-letter"]))
        blocks.append(pf.DefinitionList(*group))
    return blocks


def _aliases(entry: GlossaryEntry, words: Labels) -> list[pf.Inline]:
    if not entry.aliases:
        return []
    shown = [words.isolate(a.name + (f" ({a.note})" if a.note else "")) for a in entry.aliases]
    return text_inlines(" " + words.also_known_as.format(names=words.separator.join(shown)))


def _see_also(entry: GlossaryEntry, shown: dict[str, GlossaryEntry],
              words: Labels) -> list[pf.Inline]:
    # Only entries in this appendix: a link to an omitted one would lead nowhere.
    targets = [shown[t] for t in entry.see_also if t in shown]
    if not targets:
        return []
    before, _, after = words.see_also.partition("{links}")
    out = text_inlines(" " + before)
    for i, target in enumerate(targets):
        if i:
            out += text_inlines(words.separator)
        out.append(pf.Link(*text_inlines(target.term), url=f"#gloss-{target.slug}",
                           classes=["glossary-seealso"]))
    return out + text_inlines(after)


def _uses_labels(words: Labels) -> list[pf.Inline]:
    # Both labels are real text (read aloud, copied); each edition's style shows one.
    return [pf.Span(*text_inlines(words.back_to_text), classes=["uses-screen"],
                    attributes=words.marked),
            pf.Span(*text_inlines(words.used_on_page), classes=["uses-print"],
                    attributes=words.marked), pf.Space()]


def _backrefs_by_chapter(ids: list[str], chapter_of: dict[str, str], term: str,
                        words: Labels) -> list[pf.Inline]:
    """The back-links grouped by chapter: "3, 5 (First chapter); 9 (Second chapter)"."""
    out: list[pf.Inline] = []
    links = _backref_links(ids, term, words)
    groups: list[tuple[str | None, list[pf.Inline]]] = []
    for ident, link in zip(ids, links):
        chapter = chapter_of.get(ident)
        if not groups or groups[-1][0] != chapter:
            groups.append((chapter, []))
        groups[-1][1].append(link)
    for chapter, group in groups:
        if out:
            out += text_inlines(words.group_separator)
        for i, link in enumerate(group):
            if i:
                out += text_inlines(words.separator)
            out.append(link)
        if chapter:
            out += [pf.Space(), pf.Str("("), pf.Emph(*text_inlines(chapter)), pf.Str(")")]
    return out


def _backrefs(ids: Iterable[str], term: str, words: Labels) -> list[pf.Inline]:
    # Numbered links separated by ", "; print.css shows page numbers instead of the
    # numbers, the DOCX adapter turns them into PAGEREF fields.
    out: list[pf.Inline] = []
    for link in _backref_links(ids, term, words):
        if out:
            out += text_inlines(words.separator)
        out.append(link)
    return out


def _backref_links(ids: Iterable[str], term: str, words: Labels) -> list[pf.Link]:
    # Each link's accessible name says where it leads, since "1" read aloud says nothing.
    links = []
    for i, ident in enumerate(ids, 1):
        name = (words.back_to_first.format(term=words.isolate(term)) if i == 1
                else words.back_to_nth.format(n=words.number(i), term=words.isolate(term)))
        links.append(pf.Link(pf.Span(pf.Str(words.number(i)), classes=["backref-number"]),
                             url=f"#{ident}", classes=["glossary-backref"],
                             attributes={"aria-label": name}))
    return links
