"""Starting work: ``exporter init`` makes a project folder, ``exporter new`` an article.

A project folder holds ``source/`` (the articles, ``glossary.yml``, ``places.yml``,
``maps/*.geojson``), ``styles/`` (house-style overrides, empty at first), the project
file ``exporter.yml`` and a README. Neither command ever overwrites a file.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from ..errors import UsageError
from ..slug import slugify
from .styles import PROJECT_FILE, STYLES_FOLDER

SOURCE_FOLDER = "source"
#: Longest slug ``new`` makes from a title (cut at a word).
MAX_SLUG = 60

_README = """\
# {name}

An exporter project: each article in `source/` becomes three editions (EPUB, PDF,
DOCX) with a glossary and a map appendix.

    exporter build              # all articles in source/ -> dist/
    exporter check dist         # validate what was built
    exporter new "Headline"     # start another article in source/

- `source/*.md`: the articles (Markdown with YAML front-matter). The example article
  shows every front-matter key; replace it with your own.
- `source/*.collection.yml`: a collection, several articles built as one book (the
  example gathers the three example articles; see the exporter's README, "Collections").
- `source/glossary.yml`: terms and definitions shared by the articles.
- `source/places.yml`: the gazetteer, every place a map may show (`lat`, `lon`, `kind`).
- `source/maps/*.geojson`: map layers (areas or lines). GeoJSON positions are
  [longitude, latitude], in that order.
- `styles/`: the house style. Empty means the built-in style; see `styles/README.md`.
- `exporter.yml`: the project's defaults (publisher, language, formats, paper) and its
  theme (typeface, text size, accent colour).
- `dist/`: the editions, made by `exporter build` (do not edit them).
"""

_STYLES_README = """\
# House style

Empty: the editions use the exporter's built-in style. To change one part, put a file
with one of these names here; each replaces the built-in file of that name on its own:

- `print.css`: the PDF edition's stylesheet (WeasyPrint; `@page` sets paper and margins).
- `epub.css`: the EPUB edition's stylesheet.
- `reference.docx`: the DOCX edition's template; Word styles (Title, Heading 1, Body
  Text, ...) are taken from it.
- `maps.yml`: the maps' fonts, line widths, greys and symbols for each kind of place.

Start from a copy of the built-in file; this prints the folder that holds them:
`python -c "import exporter.house.styles as s; print(s.STYLES_DIR)"`.
A changed file rebuilds only the editions it shapes (print.css: the PDF; epub.css: the
EPUB; reference.docx: the DOCX; maps.yml: all three).
For the common choices you need no CSS: see `theme:` in `../exporter.yml`.
"""

_PROJECT_FILE = """\
# Project settings for exporter. Uncomment a line to use it; `exporter build` checks
# every value and names the line of a wrong one.
# publisher: Example News     # every article's publisher, unless it names its own
# lang: en-GB                 # every article's language, unless it names its own
# base_url: https://news.example.org/   # relative links are resolved against it
# formats: [epub, pdf, docx]  # what 'exporter build' makes (also: print, booklet)
# paper: A4                   # PDF paper: A4, A5, B5, letter, legal
theme:
  # typeface: DejaVu Serif    # body text of every edition (an installed font family)
  # base_size_pt: 10.5        # body text size of the PDF and DOCX, in points
  # accent: "#1f4e79"         # generated EPUB cover; title and section rules of the PDF
"""


#: What a project's repository leaves out: what a build makes again.
_GITIGNORE = """\
# Made by 'exporter build'; build again rather than commit them.
/dist/
# Caches of older versions of the exporter (the cache is now in the user's cache folder).
/.cache/
"""


def _is_empty(folder: Path) -> bool:
    return not any(folder.iterdir())


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data``; never replace an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "xb") as out:
            out.write(data)
    except FileExistsError:
        raise UsageError("already exists; not overwritten", file=path,
                         hint="choose another name or move the file away") from None


def _copy_tree(src: Traversable, dest: Path, written: list[Path]) -> None:
    for item in sorted(src.iterdir(), key=lambda i: i.name):
        if item.name.startswith((".", "_")):
            continue
        if item.is_dir():
            _copy_tree(item, dest / item.name, written)
        elif item.name.endswith((".md", ".yml", ".geojson")):
            _write_new(dest / item.name, item.read_bytes())
            written.append(dest / item.name)


def init_project(target: Path) -> list[Path]:
    """Make a working project in ``target`` (new or empty); return the files written."""
    if target.exists() and not target.is_dir():
        raise UsageError("is a file, not a folder", file=target,
                         hint="give the name of a new folder")
    if target.is_dir() and not _is_empty(target):
        free = next(f"{target.name}-{n}" for n in range(2, 1000)
                    if not (target.parent / f"{target.name}-{n}").exists())
        raise UsageError("the folder is not empty; nothing was written", file=target,
                         hint=f"give the name of a new folder, e.g. 'exporter init {free}'")
    written: list[Path] = []
    _copy_tree(resources.files("exporter.data") / "sample", target / SOURCE_FOLDER, written)
    files = {
        target / "README.md": _README.format(name=target.resolve().name),
        target / STYLES_FOLDER / "README.md": _STYLES_README,
        target / PROJECT_FILE: _PROJECT_FILE,
    }
    for path, text in files.items():
        _write_new(path, text.encode("utf-8"))
        written.append(path)
    _write_new(target / ".gitignore", _GITIGNORE.encode("utf-8"))
    written.append(target / ".gitignore")
    return written


def article_slug(title: str) -> str:
    """The file name (without ``.md``) for an article titled ``title``."""
    slug = slugify(title)
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG + 1].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG] else slug[:MAX_SLUG]
    return slug


def _house_keys(folder: Path) -> dict[str, object]:
    """``lang``, ``publisher`` and ``rights`` of the newest article in ``folder``, so a
    new article starts with the house's values."""
    articles = sorted(folder.glob("*.md"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in articles:
        text = path.read_text("utf-8", errors="replace")
        match = re.match(r"---\n(.*?)\n(?:---|\.\.\.)\s*\n", text, re.S)
        try:
            data = yaml.safe_load(match.group(1)) if match else None
        except yaml.YAMLError:
            continue
        if isinstance(data, dict):
            return {k: data[k] for k in ("lang", "publisher") if isinstance(data.get(k), str)}
    return {}


def _project_keys(folder: Path) -> dict[str, object]:
    """``lang`` and ``publisher`` of the project file beside ``folder``, if it sets them."""
    from .theme import load_project

    settings = load_project(folder.resolve().parent / PROJECT_FILE)
    return dict(kv for kv in settings.front_matter_defaults() if kv[0] in ("lang", "publisher"))


def new_article(title: str, folder: Path = Path(SOURCE_FOLDER),
                today: dt.date | None = None) -> Path:
    """Write ``folder/<slug>.md``: front-matter with every key, today's date; return it."""
    if not title.strip():
        raise UsageError("the title is empty", hint='give one, e.g. exporter new "Headline"')
    if not folder.is_dir():
        raise UsageError("no source folder here", file=folder,
                         hint="run this in a project folder (make one with 'exporter init'), "
                              "or name the folder with --source")
    path = folder / f"{article_slug(title)}.md"
    house = {"lang": "en-GB", **_project_keys(folder), **_house_keys(folder)}
    date = (today or dt.date.today()).isoformat()

    def value(v: object) -> str:
        return yaml.safe_dump(v, allow_unicode=True, default_flow_style=True,
                              width=1000).strip().removesuffix("\n...").strip()

    publisher = (f"publisher: {value(house['publisher'])}" if "publisher" in house
                 else "# publisher: Example News")
    text = f"""---
title: {value(title.strip())}
# standfirst: One or two sentences under the headline.
date: {date}
{f"lang: {value(house['lang'])}":<27} # BCP 47 language tag
authors: []                 # e.g. [Jane Doe, John Roe]
{publisher}
# rights: Copyright notice or licence.
subjects: []                # keywords, e.g. [Azerbaijan, Armenia]
edition: "1"
# cover_text: A line printed on the generated cover
glossary:
  link: first               # link the first use of each term (first, every, none)
  include: used             # list the terms the text uses (used, all)
maps: []                    # see the example article and README.md
# print: {{paper: A5, bleed_mm: 3, crop_marks: true}}   # paged editions; see README.md "Print"
# abstract: A summary for the title page (Markdown).
# description: The editions' description metadata (the standfirst when left out).
# identifier: urn:uuid:...   # stable id; made from the title and date when left out
# cover_image: cover.jpg     # an image in this folder; a cover is drawn when left out
# base_url: https://news.example.org/   # relative links are resolved against it
# dir: rtl                   # writing direction; default: the language's
# corrections:               # since publication, oldest first
#   - {{date: {date}, text: "What was corrected."}}
# translation_of: other-article   # the article this one translates (its file name)
# translations: {{ru: other-article-ru}}   # this story in other languages
---

Write the article here, in Markdown.
"""
    _write_new(path, text.encode("utf-8"))
    return path

