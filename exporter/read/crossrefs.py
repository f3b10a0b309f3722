"""Cross-references: ``{#fig-...}``, ``{#tbl-...}`` and ``{#sec-...}`` numbered, and
``@fig-...`` (``[@tbl-...]``, ``@sec-...``) made links that say "Figure 2", "Table 1",
"Section 3.1" in the article's language (Quarto's syntax).

Done on pandoc's JSON right after the one parse, so every edition has the same numbers
and links. Figures and tables are numbered in order of appearance, each kind on its
own; their captions start with their label. When the article refers to a section, its
headings are numbered (2, 2.1 ...) so that the number can be found. A reference to an id
that no figure, table or section has is an error on its line.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError

#: Prefix of an id -> its kind.
KINDS = {"fig-": "figure", "tbl-": "table", "sec-": "section"}


def is_crossref(key: str) -> bool:
    """Whether a citation key is a cross-reference (``fig-...``), not a citation."""
    return key.startswith(tuple(KINDS))


def _labels(words) -> dict:
    _ = words
    return {
        # TRANSLATORS: a figure's label, before its caption and in references to it.
        "figure": lambda n: _("Figure {number}", number=n),
        # TRANSLATORS: a table's label, before its caption and in references to it.
        "table": lambda n: _("Table {number}", number=n),
        # TRANSLATORS: a reference to a numbered section of the article ("Section 2.1").
        "section": lambda n: _("Section {number}", number=n),
    }


def _cites(node, found: list) -> None:
    if isinstance(node, list):
        for item in node:
            _cites(item, found)
    elif isinstance(node, dict):
        if node.get("t") == "Cite":
            found.append(node)
        _cites(node.get("c"), found)


def number_and_link(blocks: list, lang: str, body: str, source: Path, body_line: int) -> None:
    """Number the labelled figures, tables and sections of ``blocks``; replace each
    cross-reference with a link saying what it points to."""
    cites: list[dict] = []
    _cites(blocks, cites)
    keys = [c["citationId"] for cite in cites for c in cite["c"][0]]
    if not any(is_crossref(k) for k in keys):
        return
    from ..i18n import words

    _ = words(lang)
    labels = _labels(_)
    targets: dict[str, str] = {}
    counters = {"figure": 0, "table": 0}
    sections = any(k.startswith("sec-") for k in keys)
    heading_numbers: list[int] = []
    top = min((b["c"][0] for b in _headers(blocks)), default=1)

    def visit(items: list) -> None:
        for block in items:
            kind = block.get("t")
            if kind == "Figure" and block["c"][0][0].startswith("fig-"):
                _number_caption(block["c"][1], "figure", block["c"][0][0])
            elif kind == "Table" and block["c"][0][0].startswith("tbl-"):
                _number_caption(block["c"][1], "table", block["c"][0][0])
            elif kind == "Header" and sections:
                level = block["c"][0] - top
                del heading_numbers[level + 1:]
                while len(heading_numbers) <= level:
                    heading_numbers.append(0)
                heading_numbers[level] += 1
                number = ".".join(_.number(n) for n in heading_numbers if n) or _.number(1)
                ident = block["c"][1][0]
                if ident.startswith("sec-"):
                    targets[ident] = labels["section"](number)
                block["c"][2][:0] = [{"t": "Span", "c": [["", ["section-number"], []],
                                                         [{"t": "Str", "c": number}]]},
                                     {"t": "Space"}]
            elif kind in ("Div",):
                if "appendix" not in block["c"][0][1]:
                    visit(block["c"][1])
            elif kind == "BlockQuote":
                visit(block["c"])

    def _number_caption(caption: list, what: str, ident: str) -> None:
        counters[what] += 1
        label = labels[what](_.number(counters[what]))
        targets[ident] = label
        blocks_of = caption[1]
        lead = [{"t": "Span", "c": [["", ["caption-label"], []], [{"t": "Str", "c": label}]]},
                {"t": "Str", "c": "."}, {"t": "Space"}]
        if blocks_of and blocks_of[0].get("t") in ("Plain", "Para"):
            blocks_of[0]["c"][:0] = lead
        else:
            blocks_of.insert(0, {"t": "Plain", "c": lead[:2]})

    visit(blocks)
    for cite in cites:
        citations = cite["c"][0]
        if not all(is_crossref(c["citationId"]) for c in citations):
            continue
        inlines: list[dict] = []
        for i, c in enumerate(citations):
            key = c["citationId"]
            if key not in targets:
                line = _line(body, key, body_line)
                raise SourceError(f"'@{key}' refers to nothing: no {KINDS[key[:4]]} has the "
                                  f"id '{key}'", file=source, line=line,
                                  hint=f"give the {KINDS[key[:4]]} '{{#{key}}}' or correct "
                                       "the reference")
            if i:
                inlines += [{"t": "Str", "c": ","}, {"t": "Space"}]
            inlines += c["citationPrefix"] + ([{"t": "Space"}] if c["citationPrefix"] else [])
            inlines.append({"t": "Link", "c": [["", ["crossref"], []],
                                               [{"t": "Str", "c": targets[key]}],
                                               ["#" + key, ""]]})
            inlines += c["citationSuffix"]
        cite["t"], cite["c"] = "Span", [["", ["crossrefs"], []], inlines]


def _headers(blocks: list):
    for block in blocks:
        if block.get("t") == "Header":
            yield block
        elif block.get("t") == "Div" and "appendix" not in block["c"][0][1]:
            yield from _headers(block["c"][1])


def _line(body: str, key: str, body_line: int) -> int | None:
    match = re.search(r"@" + re.escape(key) + r"\b", body)
    return body_line + body.count("\n", 0, match.start()) if match else None
