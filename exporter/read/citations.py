"""Citations: ``[@key]`` resolved by pandoc's citeproc at parse time, so every edition
shares the same citations and the same references section.

The front-matter names the bibliography (``bibliography:``: BibTeX, CSL JSON or CSL
YAML) and the style (``csl:``; default: Chicago author-date, shipped in
``exporter/data/csl``), both inside the source folder. A key the bibliography does not
have is an error on its line. The list citeproc writes becomes the "References" part of
the editions (an appendix Div: its own part in the EPUB with ``doc-bibliography``, a
bookmark in the PDF, a heading in the DOCX).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from ..errors import SourceError
from ..yamlfile import Locator
from .crossrefs import is_crossref

#: What a bibliography file may be, by its suffix.
BIBLIOGRAPHY_SUFFIXES = (".bib", ".bibtex", ".json", ".yaml", ".yml")
#: The style used when the front-matter names none.
DEFAULT_STYLE = "chicago-author-date.csl"
#: Ids of the references part and its heading.
PART_ID, HEADING_ID = "references-section", "references"


def default_style() -> Path:
    """The shipped Chicago author-date style (CC BY-SA 3.0, see its README)."""
    return Path(str(resources.files("exporter.data") / "csl" / DEFAULT_STYLE))


def _inside(value: str, key: tuple, source: Path, root: Path, locator: Locator,
            suffixes: tuple[str, ...], what: str) -> Path:
    path = (source.parent / value).resolve()
    if not path.is_relative_to(root.resolve()):
        raise locator.error(f"the {what} '{value}' is outside the source folder", key,
                            hint="keep it in the folder of the article")
    if path.suffix.lower() not in suffixes:
        raise locator.error(f"'{value}' is not a {what} file ({', '.join(suffixes)})", key)
    if not path.is_file():
        raise locator.error(f"no {what} file '{value}'", key,
                            hint=f"put it in {source.parent} or correct the name")
    return path


def citeproc_options(meta, source: Path, root: Path, locator: Locator,
                     ) -> tuple[list[str], tuple[bytes, ...]]:
    """pandoc's arguments for the article's citations, and the files they read (for the
    cache key); none when the front-matter names no bibliography."""
    if not meta.bibliography:
        if meta.csl:
            raise locator.error("'csl' is given without a bibliography", ("csl",),
                                hint="add 'bibliography: references.bib' (or remove csl)")
        return [], ()
    files = [_inside(value, ("bibliography", i) if len(meta.bibliography) > 1 else
                     ("bibliography",), source, root, locator, BIBLIOGRAPHY_SUFFIXES,
                     "bibliography") for i, value in enumerate(meta.bibliography)]
    style = (_inside(meta.csl, ("csl",), source, root, locator, (".csl",), "citation style")
             if meta.csl else default_style())
    args = ["--citeproc"]
    for path in files:
        args += ["--bibliography", str(path)]
    args += ["--csl", str(style)]
    return args, tuple(p.read_bytes() for p in [*files, style])


def _cites(node, found: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _cites(item, found)
    elif isinstance(node, dict):
        if node.get("t") == "Cite":
            found += [c["citationId"] for c in node["c"][0] if not is_crossref(c["citationId"])]
        if node.get("t") != "Div" or node["c"][0][0] != "refs":
            _cites(node.get("c"), found)


def _entries(node, found: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _entries(item, found)
    elif isinstance(node, dict):
        if node.get("t") == "Div" and node["c"][0][0].startswith("ref-"):
            found.add(node["c"][0][0][4:])
        _entries(node.get("c"), found)


def check_and_place(blocks: list, meta, body: str, source: Path, body_line: int,
                    warnings: list[str]) -> None:
    """Refuse keys the bibliography lacks (with their lines); without a bibliography,
    warn about citations left as text; make citeproc's list the References part."""
    cited = []
    _cites(blocks, cited)
    if not meta.bibliography:
        for key in dict.fromkeys(cited):
            line = _line(body, key, body_line)
            warnings.append(f"{source}:{line}: '@{key}' reads as a citation but the "
                            "front-matter names no bibliography; it stays as text (add "
                            "'bibliography: references.bib', or write \\@ for an @)")
        return
    found: set[str] = set()
    _entries(blocks, found)
    missing = [key for key in dict.fromkeys(cited) if key not in found]
    if missing:
        key = missing[0]
        more = f" (and {len(missing) - 1} more: {', '.join(missing[1:4])})" if len(missing) > 1 else ""
        raise SourceError(f"no entry '{key}' in the bibliography{more}", file=source,
                          line=_line(body, key, body_line),
                          hint=f"add it to {', '.join(meta.bibliography)} or correct the key")
    _as_part(blocks, meta.lang)


def _line(body: str, key: str, body_line: int) -> int | None:
    match = re.search(r"@\{?" + re.escape(key) + r"(?![\w:.#$%&+?<>~/-]*\w)", body)
    return body_line + body.count("\n", 0, match.start()) if match else None


def _as_part(blocks: list, lang: str) -> None:
    """citeproc's ``#refs`` Div -> a References appendix (its own part, headed)."""
    from ..i18n import words

    at = next((i for i, b in enumerate(blocks)
               if b.get("t") == "Div" and b["c"][0][0] == "refs"), None)
    if at is None:
        return
    refs = blocks[at]
    if not refs["c"][1]:
        del blocks[at]
        return
    _ = words(lang)
    # TRANSLATORS: the heading of the list of works the article cites (its bibliography).
    title = _("References")
    marked = [[k, v] for k, v in _.marked.items()]
    header = {"t": "Header", "c": [1, [HEADING_ID, ["appendix"], marked],
                                   [{"t": "Str", "c": title}]]}
    blocks[at] = {"t": "Div", "c": [[PART_ID, ["references", "appendix"],
                                     [["title", title], ["epub-type", "bibliography"]]],
                                    [header, refs]]}
