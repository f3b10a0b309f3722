"""The glossary: entries from ``glossary.yml`` and the front-matter, linked in the text,
listed in an appendix.

Takes the read ``Document`` and its glossary settings; gives the document with each term's
first uses linked and the glossary section appended, and a report of what was found.

    glossary = load_glossary(root, settings, locator)     # model.py: YAML, checks
    report = apply_glossary(ast, glossary, settings, lang)  # linking.py + appendix.py
"""

from .enrich import apply_glossary, glossary_report
from .model import Alias, Entry, Glossary, GlossaryEntry, GlossarySettings, load_glossary, slugify
from .report import GlossaryReport, Occurrence, TermUses

__all__ = [
    "Alias", "Entry", "Glossary", "GlossaryEntry", "GlossaryReport", "GlossarySettings",
    "Occurrence", "TermUses", "apply_glossary", "glossary_report", "load_glossary", "slugify",
]
