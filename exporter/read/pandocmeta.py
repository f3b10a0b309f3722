"""What pandoc reads, read here too: ``% Title`` blocks and pandoc's metadata names.

A document written for pandoc (not for this project) keeps its metadata as pandoc has
it: a title block, ``author`` as a string or a list, ``subtitle``, ``abstract``,
``keywords``, ``description``, ``identifier`` with a scheme. Those are turned into the
project's own keys (``authors``, ``standfirst``, ``subjects`` ...) before the schema
checks them, so typos still get "did you mean". Variables that only steer pandoc's own
writers (``geometry``, ``documentclass`` ...) are ignored with a warning.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from ..errors import Mistakes
from ..yamlfile import Locator

#: Pandoc's name -> the project's.
RENAMED = {"author": "authors", "subtitle": "standfirst", "keywords": "subjects",
           "subject": "subjects", "cover-image": "cover_image"}

#: Pandoc variables for its LaTeX, HTML or EPUB writers: meaningless to these editions.
IGNORED = frozenset({
    "documentclass", "classoption", "geometry", "papersize", "fontsize", "fontfamily",
    "mainfont", "sansfont", "monofont", "mathfont", "linestretch", "margin-left",
    "margin-right", "margin-top", "margin-bottom", "header-includes", "include-before",
    "include-after", "toc", "toc-depth", "toc-title", "numbersections", "secnumdepth",
    "link-citations", "linkcolor", "urlcolor", "citecolor", "colorlinks", "css",
    "nocite", "references", "pagetitle", "title-prefix",
    "institute", "thanks", "indent", "lof", "lot", "fontenc", "mainlang", "otherlangs",
    "hyperrefoptions", "lang-locale", "epub-cover-image", "page-progression-direction",
    "ibooks", "stylesheet", "creator", "contributor", "type", "format", "relation",
    "coverage", "belongs-to-collection", "group-position", "source",
})

#: Dates as pandoc users write them, beside ISO 8601.
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%Y/%m/%d",
                 "%B %Y", "%Y")


def split_title_block(text: str) -> tuple[dict[str, Any], str, int]:
    """A pandoc title block (``% Title``, ``% Author; Author``, ``% Date``) at the top of
    ``text``: its fields, the text after it, and the number of lines it took."""
    lines = text.split("\n")
    fields: list[str] = []
    i = 0
    while i < len(lines) and len(fields) < 3 and lines[i].startswith("%"):
        value = [lines[i][1:].strip()]
        i += 1
        while i < len(lines) and lines[i][:1] in (" ", "\t") and lines[i].strip():
            value.append(lines[i].strip())  # a continuation line
            i += 1
        fields.append(" ".join(value))
    data: dict[str, Any] = {}
    for key, value in zip(("title", "authors", "date"), fields):
        if not value:
            continue
        data[key] = [a.strip() for a in value.split(";") if a.strip()] if key == "authors" \
            else value
    return data, "\n".join(lines[i:]), i


def _names(value: Any) -> Any:
    """Pandoc's ``author``: a string, a list of strings, or of ``{name: ...}`` maps."""
    items = value if isinstance(value, list) else [value]
    return [item.get("name", item) if isinstance(item, dict) else item for item in items]


def _identifier(value: Any) -> Any:
    """Pandoc's ``identifier``: a string, ``{text, scheme}``, or a list of either."""
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, dict):
        return value
    text = str(value.get("text", "")).strip()
    scheme = str(value.get("scheme", "")).strip().lower()
    if not text or ":" in text or not scheme:
        return text or value
    return f"urn:{scheme}:{text}" if scheme in ("isbn", "issn", "uuid", "doi") else text


def _subjects(value: Any) -> list:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value) if isinstance(value, list) else [value]


def read_date(value: Any) -> Any:
    """A date in one of the forms pandoc users write; anything else is left for the
    schema to refuse with its message."""
    if isinstance(value, str):
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
    return value


def normalise(data: dict, locator: Locator, source: Path,
              errors: Mistakes | None = None) -> list[str]:
    """Turn pandoc's metadata names in ``data`` into the project's, in place (with the
    lines moved along); return the warnings (ignored variables, assumed values). With
    ``errors``, a key given under both names is added to it (pandoc's left out) instead
    of raised."""
    warnings: list[str] = []

    def warn(key: str, message: str) -> None:
        line = locator.line((key,))
        warnings.append(f"{source}:{line}: {message}" if line else f"{source}: {message}")

    for key in list(data):
        if key in IGNORED:
            warn(key, f"'{key}' steers pandoc's own writers and is ignored here")
            del data[key]
            continue
        target = RENAMED.get(key)
        if target is None:
            continue
        if target in data and target != key and key not in ("keywords", "subject"):
            both = locator.error(f"both '{key}' and '{target}' are given", (key,),
                                 hint=f"keep one of them ('{key}' is pandoc's name)")
            if errors is None:
                raise both
            errors.add(both)
            del data[key]
            continue
        value = data.pop(key)
        if target == "authors":
            value = _names(value)
        elif target == "subjects":
            value = [s for s in _subjects(data.pop("subjects", [])) + _subjects(value)]
        data[target] = value
        locator.lines.setdefault((target,), locator.line((key,)))
    if "authors" in data and isinstance(data["authors"], str):
        data["authors"] = [data["authors"]]
    if "identifier" in data:
        data["identifier"] = _identifier(data["identifier"])
    if "date" in data:
        data["date"] = read_date(data["date"])
    else:
        stamp = os.environ.get("SOURCE_DATE_EPOCH")
        when = float(stamp) if stamp and stamp.isdigit() else source.stat().st_mtime
        data["date"] = dt.datetime.fromtimestamp(when, tz=dt.timezone.utc).date()
        warn("", f"no date given: using {data['date'].isoformat()}, when the file was last "
                 "changed (add 'date: YYYY-MM-DD' to the metadata)")
    if "lang" not in data:
        data["lang"] = "en-US"
        warn("", "no lang given: assuming en-US, as pandoc does (add 'lang: ...')")
    return warnings


def title_from_body(data: dict, body: str, body_line: int, locator: Locator,
                    warnings: list[str]) -> str:
    """A source without a title takes it as pandoc does with
    ``--shift-heading-level-by=-1``: a level-1 heading at the very beginning of the body
    becomes the title (and is not repeated as a heading: its lines are left blank, so the
    body keeps its line numbers; the other headings keep their levels). Otherwise the
    file's name, made readable ("getting-started" -> "Getting started"). Either way with
    a warning naming the file. Returns the body."""
    if data.get("title") is not None:
        return body
    source = locator.file
    found = _leading_heading(body)
    if found is not None:
        title, lines = found
        data["title"] = title
        locator.lines[("title",)] = body_line + lines[0]
        warnings.append(f"{source}:{body_line + lines[0]}: no title given: the first "
                        f"heading, '{title}', is the title (add 'title: ...' to the "
                        "metadata to keep it as a heading)")
        parts = body.split("\n")
        for i in lines:
            parts[i] = ""
        return "\n".join(parts)
    data["title"] = readable_name(source)
    warnings.append(f"{source}: no title given: using the file name, '{data['title']}' "
                    "(start the file with '% Title', a '# Title' heading, or a YAML block "
                    "with 'title: ...')")
    return body


_ATX = re.compile(r"^ {0,3}#(?!#)[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_1 = re.compile(r"^ {0,3}=+[ \t]*$")
_ATTRIBUTES = re.compile(r"[ \t]*\{[^{}]*\}[ \t]*$")


def _leading_heading(body: str) -> tuple[str, list[int]] | None:
    """The text of a level-1 heading (ATX ``# T`` or setext ``T`` over ``===``) that is
    the body's first block, and the indexes of its lines; None when the body starts
    otherwise."""
    lines = body.split("\n", 64)[:63]  # the first block is near the top
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    match = _ATX.match(lines[first])
    if match:
        text, used = match.group(1), [first]
    elif first + 1 < len(lines) and _SETEXT_1.match(lines[first + 1]) \
            and not lines[first].startswith((" " * 4, "\t")):
        text, used = lines[first], [first, first + 1]
    else:
        return None
    text = _ATTRIBUTES.sub("", text).strip()
    return (text, used) if text else None


def readable_name(path: Path) -> str:
    """A file's name as a title: "getting-started_now.md" -> "Getting started now"."""
    words = re.sub(r"[-_.\s]+", " ", path.stem).strip()
    if not words:
        return "Untitled"
    return words[0].upper() + words[1:] if words == words.lower() else words


def pass_through(data: dict, locator: Locator, known: set[str],
                 warnings: list[str]) -> dict[str, Any]:
    """Take the top-level keys these editions do not know out of ``data``: pandoc
    accepts any key (``version``, ``suppress-bibliography`` ...), so they are kept, not
    refused, with one warning each naming the line and, for a key close to a known one
    (a likely typo such as ``titel``), the key that was probably meant. Returns them
    (``Metadata.passed_through`` keeps them; the DOCX carries the plain ones
    as document properties, as pandoc does)."""
    from ..yamlfile import suggest

    kept: dict[str, Any] = {}
    for key in list(data):
        if key in known:
            continue
        kept[str(key)] = data.pop(key)
        line = locator.line((key,))
        where = f"{locator.file}:{line}" if line else str(locator.file)
        close = suggest(str(key), sorted(known | set(RENAMED)))
        if close:
            message = (f"unknown key '{key}': {close} (kept as pandoc metadata, unused "
                       "by these editions)")
        else:
            message = (f"unknown key '{key}' is kept as pandoc metadata (in the DOCX's "
                       "document properties); these editions do not use it")
        warnings.append(f"{where}: {message}")
    return kept
