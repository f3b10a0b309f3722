"""One document from another tool -> one article in the source folder, and a report.

Pandoc reads the document (DOCX, ODT, HTML, a Google Docs zip, Markdown written for
other tools); what pandoc would silently lose or keep is found first (``word``,
``opendocument``, ``webpage``): comments and tracked changes stop the import unless the
author says what to do with them. The AST is tidied (``tidy``), the front-matter filled
from what the file knows (``frontmatter``), and the article is read back as a build
would read it before the import says it is done.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError, ExporterError, SourceError, UsageError
from .findings import Finding
from .frontmatter import FrontMatter, Known, iso_date, names
from .tidy import Tidy, plain

#: What ``exporter import`` reads: suffix -> pandoc's reader.
READERS = {".docx": "docx", ".odt": "odt", ".html": "html", ".htm": "html", ".zip": "html",
           ".md": "markdown", ".markdown": "markdown"}
#: How changes and comments may be settled on the command line.
TRACK_CHANGES = ("accept", "reject")
COMMENTS = ("drop",)
#: A picture larger than this (unpacked) is not read out of the document: reported as
#: not held (a zip can unpack to far more than its own size).
MAX_PICTURE_BYTES = 50_000_000
#: Pictures go here, inside the source folder.
IMAGES = "images"
#: Pandoc's Markdown as the exporter reads it; raw HTML stays (the build sanitises it),
#: nothing else raw.
_WRITER = "markdown-raw_attribute-raw_tex-fenced_divs-native_divs-native_spans"


@dataclass
class Imported:
    """The article written, its pictures, what was left out or changed, what was
    guessed, what the document held that was settled by an option."""

    article: Path
    pictures: list[Path]
    findings: list[Finding]
    guessed: list[str]
    settled: list[str] = field(default_factory=list)


@dataclass
class _Read:
    """What one reader gives: pandoc's input, its options, the file's facts."""

    data: bytes
    options: list[str]
    resolve: object
    properties: dict[str, str] = field(default_factory=dict)
    title_block: dict[str, list[str]] = field(default_factory=dict)
    captions: list[str] = field(default_factory=list)
    comments: list[Finding] = field(default_factory=list)
    changes: list[Finding] = field(default_factory=list)
    dropped: list[Finding] = field(default_factory=list)
    default_language: str | None = None


def import_document(path: Path, to: Path, *, track_changes: str | None = None,
                    comments: str | None = None, today: dt.date | None = None) -> Imported:
    """Import ``path`` into the source folder ``to``; never overwrite a file."""
    path = Path(path)
    if not path.is_file():
        raise UsageError("no such file", file=path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UsageError(f"cannot import a '{path.suffix}' file", file=path,
                         hint="import .docx (Word), .odt (LibreOffice), .html, a Google Docs "
                              "'Web page (.html, zipped)' .zip, or .md")
    try:
        read = {"docx": _docx, "odt": _odt, "html": _html, "markdown": _markdown}[reader](
            path, track_changes, comments)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        if isinstance(exc, ExporterError):
            raise
        raise SourceError(f"this is not a readable {reader.upper()} document ({exc})",
                          file=path, hint="open it and save it again") from None
    _refuse_unsettled(path, read, track_changes, comments)
    from ..pandoc import run_pandoc

    ast = json.loads(run_pandoc(["--from", reader, "--to", "json", *read.options], read.data))
    to.mkdir(parents=True, exist_ok=True)
    tidy = Tidy(read.resolve, to / IMAGES, IMAGES, read.captions)
    blocks = tidy.blocks(ast["blocks"])
    front = _front_matter(path, ast["meta"], read, blocks, today or dt.date.today())
    ast["blocks"], ast["meta"] = blocks, {}
    body = run_pandoc(["--from", "json", "--to", _WRITER, "--wrap=none"],
                      json.dumps(ast)).decode("utf-8")
    from ..house.project import article_slug

    article = to / f"{article_slug(str(front.title.value)) or 'imported'}.md"
    try:
        with open(article, "x", encoding="utf-8") as out:
            out.write(front.text() + "\n" + body)
    except FileExistsError:
        raise UsageError("already exists; not overwritten", file=article,
                         hint="move it away, or import into another folder with --to") from None
    _read_back(article)
    settled = []
    if read.comments:
        settled.append(f"{_count(read.comments, 'comment')} left out (--comments drop)")
    if read.changes:
        settled.append(f"{_count(read.changes, 'tracked change')} {track_changes}ed "
                       f"(--track-changes {track_changes})")
    if tidy.own_additions:
        settled.append("the exporter's own glossary links, map references and appendices "
                       "left out: the build makes them again from glossary.yml and the maps")
    return Imported(article, sorted(tidy.written.values()), read.dropped + tidy.findings,
                    front.guesses(), settled)


def _count(items: list, noun: str) -> str:
    return f"{len(items)} {noun}" + ("" if len(items) == 1 else "s")


def _refuse_unsettled(path: Path, read: _Read, track_changes, comments) -> None:
    """Comments and tracked changes are never silently kept or lost."""
    if read.changes and track_changes not in TRACK_CHANGES:
        first = read.changes[0]
        raise SourceError(
            f"the document has {_count(read.changes, 'tracked change')}, the first in {first}",
            file=path, hint="accept or reject them in the word processor, or import with "
                            "--track-changes accept (or reject)")
    if read.comments and comments not in COMMENTS:
        first = read.comments[0]
        raise SourceError(
            f"the document has {_count(read.comments, 'comment')}, the first in {first}",
            file=path, hint="resolve them in the word processor, or import with "
                            "--comments drop to leave them out")


# -- the readers --------------------------------------------------------------------------

def _docx(path: Path, track_changes, comments) -> _Read:
    from .word import inspect_docx

    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        facts = inspect_docx(archive)
        media = {i.filename: archive.read(i) for i in archive.infolist()
                 if i.filename.startswith("word/media/") and i.file_size <= MAX_PICTURE_BYTES}
    return _Read(data, ["--track-changes", track_changes or "accept"],
                 lambda url: media.get(posixpath.normpath("word/" + url)),
                 properties=facts.properties, comments=facts.comments, changes=facts.changes,
                 dropped=facts.dropped, default_language=facts.default_language)


def _odt(path: Path, track_changes, comments) -> _Read:
    from .opendocument import prepare_odt

    data, facts = prepare_odt(path.read_bytes(), comments=comments, changes=track_changes)
    with zipfile.ZipFile(path) as archive:
        files = {i.filename: archive.read(i) for i in archive.infolist()
                 if not i.filename.endswith(".xml") and i.filename != "mimetype"
                 and i.file_size <= MAX_PICTURE_BYTES}
    return _Read(data, [], lambda url: files.get(posixpath.normpath(url)),
                 properties=facts.properties, title_block=facts.title_block,
                 captions=facts.captions, comments=facts.comments, changes=facts.changes,
                 dropped=facts.dropped)


def _html(path: Path, track_changes, comments) -> _Read:
    from .webpage import prepare_page, read_page

    text, folder, facts = read_page(path)
    page = prepare_page(text, facts, comments=comments)
    if path.suffix.lower() == ".zip":
        def resolve(url: str) -> bytes | None:
            return facts.files.get(posixpath.normpath(posixpath.join(folder, url)))
    else:
        resolve = _beside(path)
    return _Read(page.encode("utf-8"), [], resolve, properties=facts.properties,
                 title_block=facts.title_block, comments=facts.comments,
                 dropped=facts.dropped)


def _markdown(path: Path, track_changes, comments) -> _Read:
    return _Read(path.read_bytes(), [], _beside(path))


def _beside(path: Path):
    """Pictures next to ``path``, never outside its folder."""
    folder = path.resolve().parent

    def resolve(url: str) -> bytes | None:
        from urllib.parse import unquote

        target = (folder / unquote(url)).resolve()
        if not target.is_relative_to(folder) or not target.is_file():
            return None
        return target.read_bytes()

    return resolve


# -- the front-matter ---------------------------------------------------------------------

def _front_matter(path: Path, meta: dict, read: _Read, blocks: list,
                  today: dt.date) -> FrontMatter:
    from ..read.metadata import standard_tag
    from ..read.pandocmeta import read_date

    props, block = read.properties, read.title_block

    def said(key: str) -> str | None:
        value = plain(meta[key]["c"]).strip() if key in meta and meta[key]["t"] in (
            "MetaInlines", "MetaString", "MetaBlocks") else None
        if value is None and key in meta and meta[key]["t"] == "MetaString":
            value = meta[key]["c"]
        return value or (" ".join(block[key]) if block.get(key) else None)

    title = said("title")
    if title:
        title_known = Known(title)
    elif props.get("title"):
        title_known = Known(props["title"])
    else:
        first = next((b for b in blocks if b.get("t") == "Header"), None)
        if first is not None and first is blocks[0] and first["c"][0] == 1:
            blocks.remove(first)
            title_known = Known(plain(first["c"][2]).strip(), "the first heading")
        elif first is not None:
            title_known = Known(plain(first["c"][2]).strip(), "the first heading")
        else:
            title_known = Known(path.stem.replace("_", " "), "the file name")

    authors = _authors(meta, block)
    if authors:
        authors_known = Known(authors)
    elif props.get("creator") or props.get("initial-creator"):
        authors_known = Known(names(props.get("creator") or props["initial-creator"]),
                              "the file's properties (who made the file)")
    else:
        authors_known = Known([])

    date_text = said("date")
    date = read_date(date_text) if date_text else None
    if isinstance(date, dt.date):
        date_known = Known(date)
    else:
        for key, what in (("created", "the file's creation date"),
                          ("modified", "the date the file was last saved")):
            found = iso_date(props.get(key, ""))
            if found and found.year > 1980:
                date_known = Known(found, what)
                break
        else:
            date_known = Known(today, "today's date")

    lang_known = None
    for value, guess in ((said("lang"), None), (props.get("language"), None),
                         (read.default_language, "the document's default language")):
        tag = standard_tag(value) if value else None
        if tag:
            lang_known = Known(tag, guess)
            break
    if lang_known is None:
        lang_known = Known("en", "nothing (the document names no language)")

    front = FrontMatter(title=title_known, date=date_known, lang=lang_known,
                        authors=authors_known)
    if said("subtitle"):
        front.standfirst = Known(said("subtitle"))
    if said("abstract"):
        front.abstract = Known(said("abstract"))
    keywords = props.get("keywords")
    if "keywords" in meta:
        words = meta["keywords"]
        found = [plain(w["c"]) for w in words["c"]] if words["t"] == "MetaList" else [plain(words["c"])]
        keywords = ", ".join(found)
    if keywords:
        front.subjects = Known([k.strip() for k in keywords.split(",") if k.strip()])
    return front


def _authors(meta: dict, block: dict) -> list[str]:
    if "author" in meta:
        value = meta["author"]
        if value["t"] == "MetaList":
            return [plain(a["c"]).strip() for a in value["c"] if plain(a["c"]).strip()]
        return names(plain(value["c"]))
    return block.get("author", [])


def _read_back(article: Path) -> None:
    """The article reads as a build reads it; else it is removed and the import fails."""
    from ..read.source import load_document

    try:
        load_document(article)
    except ExporterError as exc:
        article.unlink()
        raise BuildError(f"the imported article does not read back: {exc}",
                         hint="a bug of the import: run with --debug and report it") from None
