"""The glossary enrichment: link terms in the AST and append the glossary section."""

from __future__ import annotations

import io
import json
from pathlib import Path

import panflute as pf

from ..document import elements
from ..yamlfile import Locator
from .appendix import build_appendix, collation_order, parse_definitions
from .linking import Linker, Matcher
from .model import Glossary, GlossarySettings, load_glossary
from .report import GlossaryReport, Occurrence, TermUses

#: Identifiers the glossary adds besides ``gloss-*`` and ``gref-*``.
_FIXED_IDS = ("glossary", "glossary-section")


def apply_glossary(ast: pf.Doc, glossary: Glossary, settings: GlossarySettings,
                   lang: str = "en") -> GlossaryReport:
    """Link occurrences in ``ast`` per ``settings.link``, append the glossary; report uses.

    Every occurrence is found and reported whatever the link mode; only the linked
    ones get identifiers and back-references.
    """
    clashes = _existing_ids(ast, glossary)
    hits = Linker(Matcher(glossary, lang), settings.link).run(ast)

    by_slug: dict[str, list[Occurrence]] = {e.slug: [] for e in glossary}
    for hit in hits:
        by_slug[hit.entry.slug].append(hit.occurrence)
    entries = list(glossary)
    ordered = [entries[i] for i in collation_order([e.term for e in entries], lang)]
    report = GlossaryReport()
    for entry in ordered:
        uses = TermUses(entry.term, entry.slug, entry.file, entry.line, by_slug[entry.slug])
        (report.used if uses.occurrences else report.unused).append(uses)
    report.warnings += [
        f"the document already has an element with id '{ident}'; glossary links may lead "
        "to it instead" for ident in clashes
    ]

    shown = ordered if settings.include == "all" else [e for e in ordered if by_slug[e.slug]]
    if shown:
        uses = {t.slug: t.ids for t in report.used}
        chapter_of = {hit.occurrence.id: hit.chapter for hit in hits
                      if hit.chapter and hit.occurrence.id}
        ast.content.append(build_appendix(shown, uses, parse_definitions(shown), lang,
                                          chapter_of or None))
    return report


def glossary_report(ast: pf.Doc, root: Path, settings: GlossarySettings,
                    locator: Locator | None = None, lang: str = "en") -> GlossaryReport:
    """Load the glossary and report where each entry occurs, leaving ``ast`` unchanged.

    For ``exporter glossary``: print ``report.lines()`` and ``report.unused_warnings()``.
    """
    glossary = load_glossary(root, settings, locator)
    copy = pf.load(io.StringIO(json.dumps(ast.to_json())))
    return apply_glossary(copy, glossary, settings, lang)


def _existing_ids(ast: pf.Doc, glossary: Glossary) -> list[str]:
    ours = set(_FIXED_IDS) | {f"gloss-{e.slug}" for e in glossary}
    found = {getattr(elem, "identifier", "") for elem in elements(ast)}
    return sorted(i for i in found if i and (i in ours or i.startswith("gref-")))
