"""The catalogues' template, read from the code: every message the exporter writes.

    python -m exporter.i18n.extract        # writes catalogues/exporter.pot, updates each .po

A message is a string literal given to ``_`` (``_("Glossary")``) or to ``_.n`` (singular
and plural), where ``_`` is an ``i18n.Words``. A comment starting ``TRANSLATORS:`` on
the line above goes with it into the catalogues. Updating keeps every translation, adds
new messages untranslated and drops those the code no longer uses; the test suite then
fails until each shipped language translates the new ones.
"""

from __future__ import annotations

import ast
import io
from dataclasses import dataclass, field
from pathlib import Path

from . import CATALOGUES

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE = CATALOGUES / "exporter.pot"


@dataclass
class Message:
    """One message: its text (a pair for plurals), where it is used, notes for translators."""

    id: str | tuple[str, str]
    locations: list[tuple[str, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def _comment_above(lines: list[str], lineno: int) -> list[str]:
    """The ``# TRANSLATORS:`` comment lines right above line ``lineno`` (1-based)."""
    found: list[str] = []
    i = lineno - 2
    while i >= 0 and lines[i].strip().startswith("#"):
        found.insert(0, lines[i].strip().lstrip("#").strip())
        i -= 1
    text = " ".join(found)
    return [text] if text.startswith("TRANSLATORS:") else []


def _strings(args: list[ast.expr], count: int) -> tuple[str, ...] | None:
    if len(args) < count or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                    for a in args[:count]):
        return None
    return tuple(a.value for a in args[:count])  # type: ignore[union-attr]


def messages(package: Path = PACKAGE) -> dict[str | tuple[str, str], Message]:
    """Every message in the package's code, in the order first used."""
    found: dict[str | tuple[str, str], Message] = {}
    for path in sorted(package.rglob("*.py")):
        source = path.read_text("utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "_":
                texts = _strings(node.args, 1)
                key: str | tuple[str, str] | None = texts[0] if texts else None
            elif (isinstance(func, ast.Attribute) and func.attr == "n"
                  and isinstance(func.value, ast.Name) and func.value.id == "_"):
                texts = _strings(node.args, 2)
                key = (texts[0], texts[1]) if texts else None
            else:
                continue
            if key is None:
                continue
            message = found.setdefault(key, Message(key))
            message.locations.append((str(path.relative_to(package.parent)), node.lineno))
            for comment in _comment_above(lines, node.lineno):
                if comment not in message.comments:
                    message.comments.append(comment)
    return dict(sorted(found.items(), key=lambda kv: kv[1].locations[0]))


def template():
    """The catalogue template (a Babel ``Catalog``) of every message in the code."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="exporter", header_comment=(
        "# The messages exporter writes into its editions.\n"
        "# Made by 'python -m exporter.i18n.extract'; do not edit by hand."))
    for message in messages().values():
        catalog.add(message.id, locations=message.locations,
                    auto_comments=message.comments)
    return catalog


def write_catalog(catalog, path: Path, *, template_file: bool = False) -> None:
    """Write ``catalog`` as a .po (or the .pot) file, without dates that change every run."""
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=88, omit_header=False, sort_output=False,
             ignore_obsolete=True, include_previous=False)
    text = out.getvalue().decode("utf-8")
    # Babel stamps the creation and revision dates: a regenerated file that changed
    # nothing should not differ.
    kept = [line for line in text.splitlines(keepends=True)
            if not line.startswith(('"POT-Creation-Date:', '"PO-Revision-Date:'))]
    path.write_text("".join(kept), "utf-8")


def update() -> list[Path]:
    """Write the template and bring every language's catalogue up to date with it."""
    from babel.messages.pofile import read_po

    pot = template()
    write_catalog(pot, TEMPLATE, template_file=True)
    written = [TEMPLATE]
    for path in sorted(CATALOGUES.glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=path.stem)
        # No fuzzy matching: a guess from a similar message ("City" for "city") would be
        # a wrong translation waiting to be noticed.
        catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
        write_catalog(catalog, path)
        written.append(path)
    return written


if __name__ == "__main__":
    for written in update():
        print(written)
