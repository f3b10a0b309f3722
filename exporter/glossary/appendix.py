"""The glossary appendix: definitions parsed by pandoc, entries in collation order,
aliases, "see also" links and back-references to the linked occurrences.

Collation: the Unicode Collation Algorithm with the default (root) table, through
``pyuca`` (PyICU is not on PyPI as a wheel). It orders "Ägypten" between "Aghdam" and
"apple", unlike ``sorted``; it has no per-language tailoring, so ``lang`` does not
change the order.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import panflute as pf
import yaml

from .model import GlossaryEntry

@dataclass(frozen=True)
class Labels:
    title: str
    also_known_as: str
    see_also: str
    #: Before the back-links, on screen (EPUB) and in print (PDF, DOCX: page numbers).
    back_to_text: str = "Back to the text:"
    used_on_page: str = "Used on page"
    #: Accessible names of the back-links ("{term}", and "{n}" for later uses).
    back_to_first: str = "back to the first use of {term} in the text"
    back_to_nth: str = "back to use {n} of {term} in the text"


#: Keyed by language prefix ("en-GB" -> "en"); wording chosen to avoid gender agreement.
LABELS: dict[str, Labels] = {
    "en": Labels("Glossary", "Also known as", "See also"),
    "fr": Labels("Glossaire", "Autres noms", "Voir aussi", "Retour au texte :",
                 "Employé page", "retour à la première occurrence de {term} dans le texte",
                 "retour à l’occurrence {n} de {term} dans le texte"),
    "de": Labels("Glossar", "Andere Namen", "Siehe auch", "Zurück zum Text:",
                 "Verwendet auf Seite", "zurück zur ersten Verwendung von {term} im Text",
                 "zurück zur Verwendung {n} von {term} im Text"),
    "es": Labels("Glosario", "Otros nombres", "Véase también", "Volver al texto:",
                 "Usado en la página", "volver al primer uso de {term} en el texto",
                 "volver al uso {n} de {term} en el texto"),
}


def labels(lang: str) -> Labels:
    """Localised labels for ``lang`` (a BCP 47 tag); English when the language is not known."""
    prefix = re.split(r"[-_]", (lang or "en").strip().lower(), maxsplit=1)[0]
    return LABELS.get(prefix, LABELS["en"])


#: The UCA table pyuca loads (0.2 s to parse); part of the cache key of an order.
_TABLE = "pyuca.Collator_10_0_0"


@lru_cache(maxsize=1)
def _collator():
    from pyuca.collator import Collator_10_0_0

    return Collator_10_0_0()


def collation_order(texts: Sequence[str], lang: str) -> list[int]:
    """Indices of ``texts`` in collation order: root UCA order for every language, then
    code points to break ties.

    The order is cached by the texts themselves: loading the table takes longer than
    the rest of a rebuild, and the same glossary is sorted on every build.
    """
    from .. import cache

    key = cache.digest(_TABLE, *texts)
    hit = cache.get("collation", key)
    try:
        order = json.loads(hit) if hit is not None else None
        if isinstance(order, list) and sorted(order) == list(range(len(texts))):
            return order
    except (ValueError, TypeError):
        pass  # a damaged entry: sort again and store it anew
    collator = _collator()
    order = sorted(range(len(texts)), key=lambda i: (collator.sort_key(texts[i]), texts[i]))
    cache.put("collation", key, json.dumps(order).encode())
    return order


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
                       classes=["appendix"])
    # "appendix" makes it a part of its own in the editions (see exporter/html.py).
    return pf.Div(header, pf.DefinitionList(*items), identifier="glossary-section",
                  classes=["glossary", "appendix"],
                  attributes={"title": words.title, "epub-type": "glossary"})


def _aliases(entry: GlossaryEntry, words: Labels) -> list[pf.Inline]:
    if not entry.aliases:
        return []
    shown = [a.name + (f" ({a.note})" if a.note else "") for a in entry.aliases]
    return text_inlines(f" {words.also_known_as}: " + ", ".join(shown) + ".")


def _see_also(entry: GlossaryEntry, shown: dict[str, GlossaryEntry],
              words: Labels) -> list[pf.Inline]:
    # Only entries in this appendix: a link to an omitted one would lead nowhere.
    targets = [shown[t] for t in entry.see_also if t in shown]
    if not targets:
        return []
    out = text_inlines(f" {words.see_also}: ")
    for i, target in enumerate(targets):
        if i:
            out += [pf.Str(","), pf.Space()]
        out.append(pf.Link(*text_inlines(target.term), url=f"#gloss-{target.slug}",
                           classes=["glossary-seealso"]))
    out.append(pf.Str("."))
    return out


def _uses_labels(words: Labels) -> list[pf.Inline]:
    # Both labels are real text (read aloud, copied); each edition's style shows one.
    return [pf.Span(*text_inlines(words.back_to_text), classes=["uses-screen"]),
            pf.Span(*text_inlines(words.used_on_page), classes=["uses-print"]), pf.Space()]


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
            out += [pf.Str(";"), pf.Space()]
        for i, link in enumerate(group):
            if i:
                out += [pf.Str(","), pf.Space()]
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
            out += [pf.Str(","), pf.Space()]
        out.append(link)
    return out


def _backref_links(ids: Iterable[str], term: str, words: Labels) -> list[pf.Link]:
    # Each link's accessible name says where it leads, since "1" read aloud says nothing.
    links = []
    for i, ident in enumerate(ids, 1):
        name = (words.back_to_first.format(term=term) if i == 1
                else words.back_to_nth.format(n=i, term=term))
        links.append(pf.Link(pf.Span(pf.Str(str(i)), classes=["backref-number"]),
                             url=f"#{ident}", classes=["glossary-backref"],
                             attributes={"aria-label": name}))
    return links
