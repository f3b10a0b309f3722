"""Collections: several articles of one source folder as one book, each a chapter.

A ``<name>.collection.yml`` beside the articles gives the book's own metadata and names
the articles in order. This module reads and validates that file and the articles, each
read, sanitised and checked as a single source would be; ``enrich.book`` assembles them
into one ``Document``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..document import Document
from ..errors import Mistakes, SecurityError
from ..yamlfile import Locator

from .names import SUFFIX, is_collection, source_slug  # noqa: F401 (this module's names)


class CollectionSpec(BaseModel):
    """A collection file: the book's own metadata and its articles, in order."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, description="The book's title.")
    subtitle: str | None = None
    editors: list[str] = Field(default_factory=list, description="Editors; empty if none.")
    date: dt.date = Field(description="Publication date of the book, YYYY-MM-DD.")
    lang: str = Field(description="BCP 47 language tag, e.g. en-GB.")
    identifier: str | None = None
    publisher: str | None = None
    rights: str | None = None
    subjects: list[str] = Field(default_factory=list)
    edition: str = "1"
    cover_text: str | None = None
    introduction: str | None = Field(None, description="Markdown before the first chapter.")
    base_url: str | None = Field(None, description="Web address the chapters' relative "
                                 "links are resolved against (https://...), as a chapter's "
                                 "own base_url would be; a chapter's own wins.")
    articles: list[str] = Field(min_length=1, description="Article files, in order.")
    translation_of: str | None = Field(None, description="The collection this one "
                                       "translates (its file name without "
                                       ".collection.yml).")
    translations: dict[str, str] = Field(default_factory=dict, description="This book in "
                                         "other languages: language tag -> collection.")

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("https://", "http://")):
            raise ValueError("must be a web address starting with https:// or http://")
        return value


def article_files(path: Path) -> list[Path]:
    """The article files a collection names that exist in its folder (for freshness;
    the build itself reports the others)."""
    import yaml

    folder = Path(path).parent.resolve()
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
        names = [str(name) for name in data.get("articles") or []]
    except (OSError, ValueError, AttributeError, TypeError, yaml.YAMLError):
        return []
    found = []
    for name in names:
        article = (folder / name).resolve()
        if article.is_relative_to(folder) and article.is_file():
            found.append(Path(path).parent / name)
    return found


def _read_spec(path: Path, defaults: tuple[tuple[str, str], ...] = (),
               ) -> tuple[CollectionSpec, Locator]:
    from ..yamlfile import load_yaml, read_text, validate

    data, locator = load_yaml(read_text(path), path)
    if not isinstance(data, dict):
        raise locator.error("a collection file is a mapping: title, date, lang, articles ...",
                            hint="see docs/collections.md")
    for key, value in defaults:
        if key in CollectionSpec.model_fields:
            data.setdefault(key, value)
    return validate(CollectionSpec, data, locator, what="collection"), locator


def _article_paths(spec: CollectionSpec, locator: Locator, root: Path) -> list[Path]:
    paths: list[Path] = []
    for i, name in enumerate(spec.articles):
        relative = Path(name)
        path = (root / relative).resolve()
        if relative.is_absolute() or not path.is_relative_to(root):
            raise SecurityError(f"article '{name}' is outside the collection's folder",
                                file=locator.file, line=locator.line(("articles", i)),
                                hint="list articles that are in the same folder")
        if path.suffix != ".md" or not path.is_file():
            raise locator.error(f"article '{name}' not found", ("articles", i),
                                f"name a Markdown file (*.md) in {root}")
        if path in paths:
            raise locator.error(f"article '{name}' is listed twice", ("articles", i),
                                "list each article once")
        paths.append(path)
    return paths


def read_collection(path: Path, allow_remote: bool = False,
                    defaults: tuple[tuple[str, str], ...] = (),
                    ) -> tuple[CollectionSpec, Locator, list[tuple[Document, Locator]]]:
    """Read a collection file and each article it names, in order, as single sources are
    read (raw HTML sanitised, images and links checked); ``enrich.book`` assembles them.
    ``defaults``: the project's front-matter defaults, for the book and its articles."""
    from .rawhtml import sanitize_raw_html
    from .references import check_references
    from .source import load_document

    path = Path(path)
    root = path.parent.resolve()
    spec, locator = _read_spec(path, defaults)
    docs: list[tuple[Document, Locator]] = []
    errors = Mistakes()  # every article's mistakes in one report
    warnings: list[str] = []
    # A chapter that does not give its language, date or base_url (a book's chapters
    # written for mdBook or pandoc seldom do) takes the book's, with no warning.
    chapter_defaults = (*defaults, ("lang", spec.lang), ("date", spec.date))
    if spec.base_url:
        chapter_defaults += (("base_url", spec.base_url),)
    articles = _article_paths(spec, locator, root)
    chapters = {}
    for article in articles:  # a link to another chapter's file leads to that chapter
        for suffix in (".md", ".html", ""):
            chapters[article.stem + suffix] = f"chapter-{source_slug(article)}"
    for article in articles:
        doc, article_locator = load_document(article, root, chapter_defaults, errors)
        sanitize_raw_html(doc)
        errors.extend(e for e in check_references(doc, allow_remote) if e not in errors)
        link_chapters(doc, chapters)
        warnings += doc.warnings
        docs.append((doc, article_locator))
    errors.raise_any(warnings, path)
    return spec, locator, docs


def link_chapters(doc: Document, chapters: dict[str, str]) -> None:
    """Links between the chapters of a book, as a book written for mdBook or pandoc has
    them (``other.md``, ``other.html#part``), lead to the chapter (or its part) inside
    the book; other relative links are resolved against ``base_url`` or kept as text
    with a warning, as in an article (``links.relative_links``)."""
    import re

    import panflute as pf

    from ..document import elements
    from .links import relative_links

    for elem in elements(doc.ast):
        if not isinstance(elem, pf.Link) or elem.url.startswith(("#", "//")) \
                or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", elem.url):
            continue
        path, _, fragment = elem.url.partition("#")
        path = path.removeprefix("./")
        if "/" in path or path not in chapters:
            continue
        elem.url = f"#{fragment}" if fragment else f"#{chapters[path]}"
    relative_links(doc)
