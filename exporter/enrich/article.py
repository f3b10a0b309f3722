"""One article enriched, in order: references checked, glossary, maps, corrections note."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..document import Document
from ..errors import Mistakes, SourceError
from ..yamlfile import Locator


def enrich(doc: Document, locator: Locator, allow_remote: bool = False,
           maps_ready: Callable[[], None] | None = None,
           errors: Mistakes | None = None) -> None:
    """Sanitise raw HTML and check what the body refers to, then add the glossary, the
    maps and the corrections note.

    ``errors``: what reading the source found already (``read.source.load_document``).
    When anything is wrong, the glossary and the maps are still checked (not applied, not
    drawn) and every mistake is raised together, each with its file and line.

    ``maps_ready`` is called before the maps are added: it waits for another process
    that draws them into the cache.
    """
    from .corrections import add_corrections_note
    from .directions import mark_directions
    from .quotes import localise_quotes
    from ..glossary import apply_glossary, load_glossary
    from ..maps.appendix import add_maps
    from ..read.links import dangling_anchors, relative_links, unique_ids
    from ..read.rawhtml import drop_foreign_raw, sanitize_raw_html
    from ..read.references import check_references

    from ..house.fonts import glyph_warnings
    from ..yamlfile import read_text

    drop_foreign_raw(doc)
    sanitize_raw_html(doc)
    doc.warnings += glyph_warnings(doc.source, read_text(doc.source))
    doc.warnings += language_warnings(doc.source, doc.meta.lang, locator)
    found = Mistakes() if errors is None else errors
    found.extend(e for e in check_references(doc, allow_remote) if e not in found)
    relative_links(doc)
    settings = doc.meta.glossary
    if found:  # all of them at once, before the slower enrichments
        check_glossary_and_maps(doc, locator, found)
        found.raise_any(doc.warnings, doc.source)
    try:
        glossary = load_glossary(doc.root, settings, locator)
    except SourceError as exc:  # reported with the maps' mistakes
        found.add(exc)
        check_glossary_and_maps(doc, locator, found, glossary=False)
        found.raise_any(doc.warnings, doc.source)
    report = apply_glossary(doc.ast, glossary, settings, doc.meta.lang)
    doc.warnings += report.warnings
    # The article's own entries must be in its text (the shared glossary.yml serves many
    # articles: an entry one of them does not use is no mistake).
    doc.warnings += [w for t, w in zip(report.unused, report.unused_warnings())
                     if t.file == doc.source]
    if maps_ready is not None:
        maps_ready()
    add_maps(doc, locator)
    add_corrections_note(doc)  # last: no glossary or map links inside the note
    localise_quotes(doc)
    mark_directions(doc)
    unique_ids(doc)
    dangling_anchors(doc)
    doc.warnings.sort(key=_line_of_warning)


def check_glossary_and_maps(doc: Document, locator: Locator, found: Mistakes,
                            glossary: bool = True) -> None:
    """Add the mistakes of the glossary (unless ``glossary`` is False: already checked)
    and of the map declarations to ``found``, without applying or drawing them."""
    from ..glossary import load_glossary
    from ..maps.appendix import check_maps

    if glossary:
        try:
            load_glossary(doc.root, doc.meta.glossary, locator)
        except SourceError as exc:
            found.add(exc)
    for exc in check_maps(doc, locator):
        found.add(exc)


def language_warnings(source: Path, lang: str, locator: Locator) -> list[str]:
    """A warning when language ``lang`` has no catalogue: the words the exporter adds
    are then English (marked as English for screen readers)."""
    from ..i18n import shipped, words

    if not words(lang).fallback:
        return []
    return [f"{source}:{locator.line(('lang',))}: no catalogue for the language "
            f"'{lang}': the words the exporter adds (headings, labels, alt text) "
            f"are in English, marked as English; catalogues: {', '.join(shipped())} "
            "(docs/languages.md says how to add one)"]


def _line_of_warning(warning: str) -> int:
    """Warnings in the order of the lines they name (those with no line first)."""
    import re

    found = re.search(r":(\d+): ", warning)
    return int(found.group(1)) if found else 0
