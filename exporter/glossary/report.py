"""What the glossary found in an article: which entries occur where, which do not."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Occurrence:
    """One place a term (or one of its aliases) occurs in the body."""

    #: As written in the text ("Stepanakert" for the entry "Khankendi").
    text: str
    #: ``gref-<slug>-<n>``, the identifier of the link, when this occurrence is linked.
    id: str | None
    #: 1-based number of the top-level block of the body (paragraph, list, table...).
    paragraph: int
    #: Nearest heading before it and that heading's identifier (None before any heading).
    section: str | None
    section_id: str | None
    #: The surrounding text, for a person reading the report.
    excerpt: str

    def where(self) -> str:
        place = f"paragraph {self.paragraph}"
        return f"{place} in '{self.section}'" if self.section else place


@dataclass
class TermUses:
    """One glossary entry and its occurrences (none for an unused entry)."""

    term: str
    slug: str
    #: Where the entry is defined (glossary.yml or the article's front-matter).
    file: Path
    line: int | None
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        """Identifiers of the linked occurrences, in reading order (the back-references)."""
        return [o.id for o in self.occurrences if o.id]

    @property
    def defined_at(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


@dataclass
class GlossaryReport:
    """Used entries (in glossary order), unused ones, and warnings found on the way."""

    used: list[TermUses] = field(default_factory=list)
    unused: list[TermUses] = field(default_factory=list)
    #: Already located where possible ("file:line: ...").
    warnings: list[str] = field(default_factory=list)

    def term(self, term: str) -> TermUses:
        """The report of one entry, used or not."""
        return next(t for t in (*self.used, *self.unused) if t.term == term)

    def unused_warnings(self) -> list[str]:
        """One located warning per defined-but-unused entry."""
        return [f"{t.defined_at}: glossary entry '{t.term}' is defined but does not occur "
                "in the text (nor any inflected form); add the spelling used under 'forms:' "
                "or remove the entry" for t in self.unused]

    def lines(self) -> list[str]:
        """A plain-text listing: each used term with where it occurs."""
        out = []
        for t in self.used:
            out.append(f"{t.term} ({len(t.occurrences)}x, defined at {t.defined_at})")
            for o in t.occurrences:
                alias = f" as '{o.text}'" if o.text != t.term else ""
                link = f" [{o.id}]" if o.id else ""
                out.append(f"  {o.where()}{alias}{link}: {o.excerpt}")
        return out
