"""Read one source file: front-matter + Markdown -> ``Document`` (the one parse).

The body is parsed by pandoc exactly once, into a panflute AST that every
enrichment and adapter shares. Title and standfirst are parsed in the same call,
so they get the same typography (curly quotes, dashes) as the body.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from ..document import Document
from ..errors import Mistakes, SourceError
from .metadata import Metadata
from ..slug import slugify
from ..yamlfile import Locator, load_yaml, read_text, validate

#: Pandoc's Markdown with smart typography. Raw TeX and ``{=format}`` blocks are read
#: as raw content (not printed as text) and dropped with a warning (``rawhtml``).
MARKDOWN_FORMAT = "markdown+smart"

#: Larger sources are refused: several thousand printed pages, beyond what one
#: edition should be, and a build that would run for many minutes.
MAX_SOURCE_BYTES = 4_000_000

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")


def split_front_matter(text: str, file: Path) -> tuple[str, str, int]:
    """Return (front-matter YAML, Markdown body, line on which the body starts)."""
    yaml_text, _first, body, body_line = _split_yaml(text, file, 1)
    if yaml_text is None:
        raise SourceError(
            "no front-matter", file=file, line=1,
            hint="start the file with a '---' line, the YAML metadata, and another '---' line",
        )
    return yaml_text, body, body_line


def _split_yaml(text: str, file: Path, first_line: int) -> tuple[str | None, int, str, int]:
    """(YAML, its first line, body, body's first line) of ``text``, which starts on
    ``first_line``; the YAML is None when ``text`` does not start with a '---' block."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, first_line, text, first_line
    for i, line in enumerate(lines[1:], start=1):
        if _FENCE.match(line):
            return ("\n".join(lines[1:i]), first_line + 1, "\n".join(lines[i + 1:]),
                    first_line + i + 1)
    raise SourceError("front-matter is not closed", file=file, line=first_line,
                      hint="end the metadata with a line of three dashes: ---")


def load_metadata(text: str, file: Path, warnings: list[str] | None = None,
                  defaults: tuple[tuple[str, str], ...] = (),
                  errors: Mistakes | None = None,
                  ) -> tuple[Metadata, Locator, str, int]:
    """Validate the metadata (a pandoc title block and/or YAML front-matter, in the
    project's or pandoc's names); return metadata, its locator, the body and its first
    line. Warnings (ignored pandoc variables, assumed values, keys kept for pandoc, a
    title taken from the body or the file name) go to ``warnings``. ``defaults`` (the
    project file's ``publisher``, ``lang``, ...) fill keys the source leaves out.

    With ``errors`` (a ``Mistakes``), mistakes in the metadata are added to it instead of raised,
    and a provisional ``Metadata`` (the wrong keys left out) is returned, so that the
    body, the glossary and the maps are still checked and every mistake of the source is
    reported in one run. (An unclosed front-matter is still raised: where the body
    starts is then unknown.)"""
    from .pandocmeta import normalise, pass_through, split_title_block, title_from_body

    titled, rest, used = split_title_block(text) if text.startswith("%") else ({}, text, 0)
    body_line = used + 1
    stripped = rest.lstrip("\n")
    if used and stripped.startswith("---"):  # blank lines between title block and YAML
        body_line += len(rest) - len(stripped)
        rest = stripped
    yaml_text, yaml_line, body, body_line = _split_yaml(rest, file, body_line)
    data, locator = {}, Locator(file=file, first_line=1)
    if yaml_text is not None:
        try:
            data, locator = load_yaml(yaml_text, file, first_line=yaml_line)
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise locator.error("front-matter must be a mapping of keys to values",
                                    hint="write 'key: value' lines, e.g. 'title: ...'")
        except SourceError as exc:
            if errors is None:
                raise
            errors.add(exc)
            data, locator = {}, Locator(file=file, first_line=yaml_line)
    for key, value in titled.items():
        data.setdefault(key, value)
        locator.lines.setdefault((key,), {"title": 1, "authors": 2, "date": 3}[key])
    for key, value in defaults:  # before pandoc's assumptions (lang: en-US) are made
        data.setdefault(key, value)
    found: list[str] = []
    found += normalise(data, locator, file, errors)
    body = title_from_body(data, body, body_line, locator, found)
    kept = pass_through(data, locator, set(Metadata.model_fields), found)
    if warnings is not None:
        warnings += found
    try:
        meta = validate(Metadata, data, locator)
    except SourceError as exc:
        if errors is None:
            raise
        errors.add(exc)
        meta = _provisional(data, file)
    meta._pandoc = kept
    return meta, locator, body, body_line


def _provisional(data: dict, file: Path) -> Metadata:
    """Metadata with the keys that are wrong left out (and placeholders for the required
    ones), so the rest of the source can still be checked; never published."""
    import datetime as dt

    from pydantic import ValidationError

    data = dict(data)
    for _attempt in range(4):
        data.setdefault("title", file.stem or "untitled")
        data.setdefault("date", dt.date(1970, 1, 1))
        data.setdefault("lang", "en-US")
        try:
            return Metadata.model_validate(data)
        except ValidationError as exc:
            wrong = {err["loc"][0] for err in exc.errors() if err["loc"]}
            data = {k: v for k, v in data.items() if k not in wrong}
    return Metadata(title=file.stem or "untitled", date=dt.date(1970, 1, 1), lang="en-US")


def parse_markdown(body: str, meta: Metadata, citeproc: tuple[list[str], tuple[bytes, ...]] = ([], ()),
                   adjust=None) -> "pf.Doc":  # noqa: F821
    """One pandoc call: the body plus title/standfirst as metadata, to a panflute Doc.
    ``citeproc``: pandoc's citation arguments and the files they read
    (``read.citations``); ``adjust(blocks)`` changes pandoc's JSON blocks first."""
    import panflute as pf

    from ..pandoc import run_pandoc

    header = {"title": meta.title}
    if meta.standfirst:
        header["subtitle"] = meta.standfirst
    if meta.corrections:
        # Same typography as the body; exporter/corrections.py takes them from here.
        header["corrections"] = [c.text for c in meta.corrections]
    if meta.abstract:
        header["abstract"] = meta.abstract
    if meta.description:
        header["description"] = meta.description
    if citeproc[0]:
        # citeproc's words ("and", "edited by") in the article's language; each citation
        # linked to its entry.
        header["lang"] = meta.lang
        header["link-citations"] = True
    # A JSON object is valid YAML, on one line. It goes first: after the body, a last
    # line such as ": caption" or ":smile:" made pandoc read it as a table's caption and
    # the block as the table; first, it also wins over a metadata block in the body.
    # (Body lines are located in ``body`` itself, never through pandoc.)
    text = f"---\n{json.dumps(header, ensure_ascii=False)}\n---\n\n{body}"
    ast_json = run_pandoc(["--from", MARKDOWN_FORMAT, "--to", "json", *citeproc[0]], text,
                          files=citeproc[1])
    if adjust is None or not citeproc[0] and b'"t":"Cite"' not in ast_json \
            and b'"t":"Math"' not in ast_json:
        return pf.load(io.StringIO(ast_json.decode("utf-8")))
    data = json.loads(ast_json)
    adjust(data["blocks"])
    return pf.load(io.StringIO(json.dumps(data)))


def line_of(text: str, needle: str, first_line: int = 1) -> int | None:
    """The line on which ``needle`` first appears in ``text`` (for locating AST nodes)."""
    pos = text.find(needle)
    return None if pos < 0 else first_line + text.count("\n", 0, pos)


def load_document(path: Path, root: Path | None = None,
                  defaults: tuple[tuple[str, str], ...] = (),
                  errors: Mistakes | None = None) -> tuple[Document, Locator]:
    """Read, validate and parse ``path``; ``root`` is the folder nothing may escape;
    ``defaults`` are the project's front-matter defaults (``house.styles.HouseStyle``).

    Every mistake found while reading (the metadata's, the body's) is reported together
    (``Mistakes.raise_any``); or, when ``errors`` is given, added to it, so that the
    caller goes on checking the glossary and the maps first (the document returned is
    then only good for checking: its metadata may be provisional, its body empty)."""
    from ..paths import refuse_outside

    path = Path(path)
    root = (root or path.parent).resolve()
    refuse_outside(path, root, "source")
    size = path.stat().st_size if path.is_file() else 0
    if size > MAX_SOURCE_BYTES:
        raise SourceError(f"the source is {size / 1e6:.1f} MB; the limit is "
                          f"{MAX_SOURCE_BYTES / 1e6:.0f} MB", file=path,
                          hint="split it into several articles")
    _refuse_other_formats(path)
    text = read_text(path)
    warnings: list[str] = []
    found = Mistakes() if errors is None else errors
    meta, locator, body, body_line = load_metadata(text, path, warnings, defaults, found)
    ast = _read_body(body, body_line, meta, path, root, locator, warnings, found)
    if errors is None:
        found.raise_any(warnings, path)
    if ast is None:
        import panflute as pf

        ast = pf.Doc()
    doc = Document(source=path, root=root, slug=slugify(path.stem), meta=meta, ast=ast,
                   body_line=body_line, body_text=body, warnings=warnings,
                   translations=story(path, slugify(path.stem), meta, locator))
    return doc, locator


def _read_body(body: str, body_line: int, meta: Metadata, path: Path, root: Path,
               locator: Locator, warnings: list[str], errors: Mistakes) -> "pf.Doc | None":  # noqa: F821
    """Check and parse the body; its mistakes go to ``errors``. None when the body could
    not be read (empty, beyond the limits, or refused while pandoc's output was read)."""
    if not body.strip():
        errors.add(SourceError("the article has no body text", file=path, line=body_line,
                               hint="write the article below the front-matter"))
        return None
    from .limits import check_depth, check_markdown

    try:
        check_markdown(body, path, body_line)
    except SourceError as exc:
        errors.add(exc)
        return None  # beyond what pandoc should be given
    from .citations import check_and_place, citeproc_options
    from .crossrefs import number_and_link

    from .formulas import check_formulas

    def adjust(blocks: list) -> None:
        number_and_link(blocks, meta.lang, body, path, body_line)
        check_and_place(blocks, meta, body, path, body_line, warnings)
        check_formulas(blocks, body, path, body_line, warnings)

    try:
        ast = parse_markdown(body, meta, citeproc_options(meta, path, root, locator), adjust)
        check_depth(ast, body, path, body_line)
    except SourceError as exc:
        errors.add(exc)
        return None
    _drop_empty_headings(ast, body, path, body_line, warnings)
    _split_info_strings(ast)
    return ast


def _split_info_strings(ast) -> None:
    """A code block's info string as mdBook and GitHub write it (```` ```rust,ignore ````)
    is one class to pandoc: split it, so that the language ("rust") is known to the
    highlighting and the rest are classes of their own."""
    import panflute as pf

    def split(elem, _doc):
        if isinstance(elem, (pf.CodeBlock, pf.Code)) and any("," in c for c in elem.classes):
            elem.classes = [part for c in elem.classes for part in c.split(",") if part]

    ast.walk(split)


_EMPTY_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]*#*[ \t]*$", re.M)


def _drop_empty_headings(ast, body: str, path: Path, body_line: int,
                         warnings: list[str]) -> None:
    """Headings with no text ("#" alone) are left out, with a located warning: they
    would name nothing in the contents, the bookmarks or the navigation."""
    import panflute as pf

    lines = [body_line + body.count("\n", 0, m.start()) for m in _EMPTY_HEADING.finditer(body)]

    def drop(elem, _doc):
        if isinstance(elem, pf.Header) and not pf.stringify(elem).strip():
            line = lines.pop(0) if lines else None
            where = f"{path}:{line}" if line else str(path)
            warnings.append(f"{where}: an empty heading was left out (write its text after "
                            "the '#', or remove the line)")
            return []
        return None

    ast.walk(drop)


#: The first bytes of documents people take for a source, and what they are.
_OTHER_FORMATS = (
    (b"PK\x03\x04", {".docx": "a Word document (DOCX)", ".odt": "an OpenDocument text (ODT)",
                     ".epub": "an EPUB", ".zip": "a zip archive"}, "a zip archive"),
    (b"%PDF-", {}, "a PDF"),
    (b"{\\rtf", {}, "an RTF document"),
    (b"\xd0\xcf\x11\xe0", {}, "an old Word document (DOC)"),
)


def _refuse_other_formats(path: Path) -> None:
    """A source that is another format (a Word document, a PDF ...) is named as such,
    not reported as text that is not UTF-8."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        return  # read_text says what is wrong
    for magic, by_suffix, default in _OTHER_FORMATS:
        if head.startswith(magic):
            what = by_suffix.get(path.suffix.lower(), default)
            importable = path.suffix.lower() in (".docx", ".odt", ".zip")
            raise SourceError(
                f"this is {what}, not Markdown", file=path,
                hint=f"make an article of it with 'exporter import {path.name}' (Word, "
                     "LibreOffice, HTML, a Google Docs zip), then build that"
                if importable else
                f"convert it to Markdown first, e.g. 'pandoc {path.name} -t markdown -s "
                f"-o {path.stem}.md' (pandoc comes with the exporter: "
                "python -c \"import pypandoc; print(pypandoc.get_pandoc_path())\"), "
                "then add the front-matter")


def story(path: Path, slug: str, meta: Metadata, locator: Locator) -> tuple:
    """The other languages of the story ``path`` belongs to (see ``read.translations``)."""
    from .translations import translations_of

    def line(other: str) -> int | None:
        """Where the front-matter links ``other`` (else where it links any)."""
        for tag, named in meta.translations.items():
            if named == other:
                return locator.line(("translations", tag))
        if meta.translation_of:
            return locator.line(("translation_of",))
        return locator.line(("translations",)) if meta.translations else None

    data = {"translation_of": meta.translation_of, "translations": meta.translations}
    return tuple(translations_of(path, slug, meta.lang, data, line))
