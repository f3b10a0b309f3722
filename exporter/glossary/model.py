"""Glossary entries: the YAML schema, loading from the source folder, and the checks
that span entries (duplicate terms, aliases claimed twice, unknown "see also").

Entries come from a ``glossary.yml`` shared by several articles and from the
``glossary:`` key of an article's front-matter; an article's own entry replaces a
shared entry with the same term.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, field_validator, model_validator

from ..errors import SecurityError, SourceError
from ..slug import slugify

#: Bounds on one glossary (see ``read.limits`` for the body's): characters in one
#: definition, and entries in one list (5,000 terms took 245 s and 2.5 GB to link).
MAX_DEFINITION = 5_000
MAX_ENTRIES = 2_000
from ..yamlfile import Loc, Locator, load_yaml, read_text, validate

DEFAULT_FILE = "glossary.yml"


def _clean_name(value: str, what: str) -> str:
    """Collapse runs of whitespace (YAML folding, hand-typed double spaces)."""
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not value:
        raise ValueError(f"the {what} is empty")
    return value


def _unknown_keys_first(model: type[BaseModel], data: Any) -> Any:
    """With an unknown key present, fill in missing required keys so the error reported
    is the unknown key (usually the missing one misspelt, with a did-you-mean)."""
    if isinstance(data, dict) and set(data) - set(model.model_fields):
        missing = {name: "-" for name, fld in model.model_fields.items()
                   if fld.is_required() and name not in data}
        if missing:
            return {**data, **missing}
    return data


def _one_or_many(value: Any) -> Any:
    """Accept a single string where a list is expected (``see_also: Lachin Corridor``)."""
    return [value] if isinstance(value, (str, dict)) else value


class Alias(BaseModel, extra="forbid"):
    """Another name or spelling of a term, optionally with a note on who uses it."""

    name: str
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"name": data}
        if data is None or not isinstance(data, dict):
            raise ValueError("an alias is a name, or a mapping with 'name' and an optional 'note'")
        return _unknown_keys_first(cls, data)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _clean_name(value, "alias")

    @field_validator("note")
    @classmethod
    def _note(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return " ".join(value.split()) or None


class Entry(BaseModel, extra="forbid"):
    """One glossary entry as written in YAML."""

    term: str
    #: Inline Markdown, one paragraph.
    definition: str
    aliases: list[Alias] = []
    see_also: list[str] = []
    #: Further spellings to find in the text, as written (not shown as aliases).
    forms: list[str] = []
    #: "inflected" (default): also the term's inflected forms, where the language has
    #: them (``glossary.forms``); "exact": only as written.
    match: Literal["inflected", "exact"] = "inflected"

    @model_validator(mode="before")
    @classmethod
    def _unknown_first(cls, data: Any) -> Any:
        return _unknown_keys_first(cls, data)

    @field_validator("term")
    @classmethod
    def _term(cls, value: str) -> str:
        return _clean_name(value, "term")

    @field_validator("definition", mode="before")
    @classmethod
    def _definition(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("the definition is empty; write one sentence or more")
        if isinstance(value, str):
            value = value.strip()
            if len(value) > MAX_DEFINITION:
                raise ValueError(f"the definition is {len(value):,} characters; the limit is "
                                 f"{MAX_DEFINITION:,} (a paragraph): shorten it")
            if re.search(r"\n[ \t]*\n", value):
                raise ValueError(
                    "a definition is one paragraph of inline Markdown; remove the blank line"
                )
        return value

    @field_validator("aliases", "see_also", "forms", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return [] if value is None else _one_or_many(value)

    @field_validator("see_also")
    @classmethod
    def _see_also(cls, value: list[str]) -> list[str]:
        return [_clean_name(v, "'see also' name") for v in value]

    @field_validator("forms")
    @classmethod
    def _forms(cls, value: list[str]) -> list[str]:
        return [_clean_name(v, "form") for v in value]


def _bounded_entries(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, list) and len(value) > MAX_ENTRIES:
        raise ValueError(f"{len(value):,} entries; the limit is {MAX_ENTRIES:,}: keep the "
                         "terms a reader needs, or split the book")
    return value


class GlossaryFile(BaseModel, extra="forbid"):
    """The shared ``glossary.yml``: a mapping with one key, ``entries``."""

    entries: list[Entry] = []

    @field_validator("entries", mode="before")
    @classmethod
    def _entries(cls, value: Any) -> Any:
        return _bounded_entries(value)


class GlossarySettings(BaseModel, extra="forbid"):
    """The front-matter ``glossary:`` key."""

    link: Literal["first", "every", "none"] = "first"
    include: Literal["used", "all"] = "used"
    #: Relative to the source folder; paths outside it are refused.
    file: str = DEFAULT_FILE
    #: The article's own entries; an entry with the same term replaces the shared one.
    entries: list[Entry] = []

    @field_validator("entries", mode="before")
    @classmethod
    def _entries(cls, value: Any) -> Any:
        return _bounded_entries(value)


def name_key(name: str) -> str:
    """What makes two names "the same" for duplicate checks and look-ups."""
    return " ".join(unicodedata.normalize("NFC", name).split()).replace("'", "\u2019").casefold()


@dataclass
class GlossaryEntry:
    """An entry after loading: where it was written, its slug, its resolved "see also"."""

    entry: Entry
    slug: str
    file: Path
    line: int | None
    #: Terms (not aliases) of the entries this one refers to, in the order written.
    see_also: list[str] = field(default_factory=list)

    @property
    def term(self) -> str:
        return self.entry.term

    @property
    def definition(self) -> str:
        return self.entry.definition

    @property
    def aliases(self) -> list[Alias]:
        return self.entry.aliases

    @property
    def names(self) -> list[str]:
        """The term first, then every alias."""
        return [self.entry.term, *(a.name for a in self.entry.aliases)]

    @property
    def forms(self) -> list[str]:
        """Spellings the author lists to be found as written (``forms:``)."""
        return self.entry.forms

    @property
    def match(self) -> str:
        """"inflected" or "exact" (``match:``)."""
        return self.entry.match

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


@dataclass
class Glossary:
    """All entries that apply to one article, in the order they were written."""

    entries: list[GlossaryEntry] = field(default_factory=list)

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, name: str) -> GlossaryEntry | None:
        """The entry whose term or alias is ``name`` (case-insensitive)."""
        key = name_key(name)
        for entry in self.entries:
            if any(name_key(n) == key for n in entry.names):
                return entry
        return None

    def by_term(self, term: str) -> GlossaryEntry:
        return next(e for e in self.entries if e.term == term)


@dataclass
class _Sourced:
    """An entry with the locator and YAML path it came from, for error messages."""

    entry: Entry
    locator: Locator
    loc: Loc

    def line(self, *sub: Any) -> int | None:
        return self.locator.line((*self.loc, *sub))

    def where(self, *sub: Any) -> str:
        line = self.line(*sub)
        return f"{self.locator.file}:{line}" if line else str(self.locator.file)

    def error(self, message: str, *sub: Any, hint: str | None = None) -> SourceError:
        return self.locator.error(message, (*self.loc, *sub), hint)


def load_glossary(root: Path, settings: GlossarySettings,
                  locator: Locator | None = None) -> Glossary:
    """Entries of the shared glossary file plus the article's own, checked across entries.

    ``locator`` locates the front-matter (``settings`` came from its ``glossary:`` key).
    """
    locator = locator or Locator(file=Path(root))
    shared = _load_shared(Path(root), settings, locator)
    own = [_Sourced(e, locator, ("glossary", "entries", i)) for i, e in enumerate(settings.entries)]
    own_terms = {name_key(s.entry.term) for s in own}
    merged = [s for s in shared if name_key(s.entry.term) not in own_terms] + own
    claims = _check_names(merged)
    slugs: set[str] = set()
    entries = []
    for src in merged:
        see_also = _resolve_see_also(src, claims)
        entries.append(GlossaryEntry(
            entry=src.entry, slug=_unique_slug(src.entry.term, slugs),
            file=src.locator.file, line=src.line("term"), see_also=see_also,
        ))
    return Glossary(entries)


def _load_shared(root: Path, settings: GlossarySettings, locator: Locator) -> list[_Sourced]:
    name = settings.file
    explicit = "file" in settings.model_fields_set
    loc = ("glossary", "file")
    hint = "give a path inside the source folder, such as glossary.yml"
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", name) or name.startswith(("//", "\\\\")):
        raise SecurityError(f"glossary file '{name}' is on the network", file=locator.file,
                            line=locator.line(loc), hint=hint)
    if not name.strip():
        raise locator.error("glossary file name is empty", loc, hint)
    relative = Path(name)
    root_resolved = root.resolve()
    path = (root / relative).resolve()
    if relative.is_absolute() or not path.is_relative_to(root_resolved):
        raise SecurityError(f"glossary file '{name}' is outside the source folder",
                            file=locator.file, line=locator.line(loc), hint=hint)
    if not path.exists():
        if explicit:
            raise locator.error(f"glossary file '{name}' not found in {root}", loc,
                                "check the name, or remove 'file:' to use glossary.yml if present")
        return []
    text = read_text(path)
    data, file_locator = load_yaml(text, root / relative)
    if data is None:
        return []
    if not isinstance(data, dict):
        raise file_locator.error("a glossary file is a mapping with one key, 'entries:', "
                                 "holding a list of entries", ())
    parsed = validate(GlossaryFile, data, file_locator, what="glossary")
    return [_Sourced(e, file_locator, ("entries", i)) for i, e in enumerate(parsed.entries)]


def _check_names(items: list[_Sourced]) -> dict[str, _Sourced]:
    """Every term and alias belongs to one entry; return name key -> owning entry."""
    claims: dict[str, tuple[_Sourced, Loc]] = {}

    def conflict(src: _Sourced, name: str, sub: Loc) -> SourceError:
        other, other_sub = claims[name_key(name)]
        if sub == other_sub == ("term",):
            return src.error(f"duplicate glossary term '{name}'", *sub,
                             hint=f"first defined at {other.where('term')}; merge the two entries")
        kind = "the term" if sub == ("term",) else "an alias"
        other_kind = "the term" if other_sub == ("term",) else "an alias"
        return src.error(
            f"'{name}' is {kind} of '{src.entry.term}' and also {other_kind} of "
            f"'{other.entry.term}' ({other.where(*other_sub)})", *sub,
            hint="a name can belong to one entry only; remove it from one of them",
        )

    for src in items:
        term_key = name_key(src.entry.term)
        if term_key in claims:
            raise conflict(src, src.entry.term, ("term",))
        claims[term_key] = (src, ("term",))
        own = {term_key}
        for j, alias in enumerate(src.entry.aliases):
            key = name_key(alias.name)
            if key in own:
                # A case variant of a name of the same entry ("Line of Contact").
                continue
            if key in claims:
                raise conflict(src, alias.name, ("aliases", j))
            claims[key] = (src, ("aliases", j))
            own.add(key)
    return {key: src for key, (src, _) in claims.items()}


def _resolve_see_also(src: _Sourced, claims: dict[str, _Sourced]) -> list[str]:
    terms: list[str] = []
    for j, name in enumerate(src.entry.see_also):
        target = claims.get(name_key(name))
        if target is None:
            known = sorted({s.entry.term for s in claims.values()})
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "name a term of another entry"
            raise src.error(f"see also: no glossary entry '{name}'", "see_also", j, hint=hint)
        if target is src:
            raise src.error(f"see also: '{name}' is this entry itself", "see_also", j,
                            hint="remove it")
        if target.entry.term not in terms:
            terms.append(target.entry.term)
    return terms


def _unique_slug(term: str, taken: set[str]) -> str:
    base = slugify(term)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug
