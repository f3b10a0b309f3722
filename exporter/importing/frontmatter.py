"""The front-matter of an imported document, from what the file knows about itself.

Each value says where it came from when the import had to guess (a YAML comment at the
end of its line): the author reads the front-matter once and confirms or corrects it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field


@dataclass
class Known:
    """One value and, when it was guessed, from what."""

    value: object
    guessed: str | None = None


@dataclass
class FrontMatter:
    """The keys an imported article starts with."""

    title: Known
    date: Known
    lang: Known
    authors: Known = field(default_factory=lambda: Known([]))
    standfirst: Known | None = None
    abstract: Known | None = None
    subjects: Known | None = None

    def guesses(self) -> list[str]:
        """"key (from what)" for each guessed value."""
        return [f"{name} ({known.guessed})" for name, known in self._items()
                if known.guessed]

    def _items(self):
        for name in ("title", "standfirst", "date", "lang", "authors", "abstract", "subjects"):
            known = getattr(self, name)
            if known is not None:
                yield name, known

    def text(self) -> str:
        """The YAML block, between its two '---' lines."""
        lines = ["---"]
        for name, known in self._items():
            line = f"{name}: {_yaml(known.value)}"
            if known.guessed:
                line = f"{line:<40} # guessed from {known.guessed}: check"
            lines.append(line)
        lines.append("---")
        return "\n".join(lines) + "\n"


def _yaml(value: object) -> str:
    """``value`` as a YAML flow value (JSON strings are YAML double-quoted scalars)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    text = str(value)
    if "\n" in text:
        return json.dumps(" ".join(text.split()), ensure_ascii=False)
    if re.fullmatch(r"[\w][\w .,'()-]*", text) and not re.fullmatch(
            r"(?i)(yes|no|true|false|null|on|off|~|[\d.,-]+)", text) and ": " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def names(text: str) -> list[str]:
    """People named in one property ("Ana Lima; Ben Okafor", "Lima, Ana and Okafor")."""
    parts = re.split(r"\s*;\s*|\s+and\s+|\s*&\s*", text.strip())
    return [p for p in parts if p]


def iso_date(text: str) -> dt.date | None:
    """The day of an ISO 8601 timestamp (``2024-03-04T09:00:00Z``), else None."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None
