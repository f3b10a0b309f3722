"""One story in several languages: which other articles of the folder translate this one.

An article says ``translation_of: <slug>`` (the article it translates, in the same
folder), or lists its translations, ``translations: {ru: <slug>, hy: <slug>}``; either
side is enough. A story is the original and every article linked to it either way. This
module reads only the front-matter of the folder's other sources (never a body, never a
file outside the folder) and gives each article the other members of its story.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import SourceError

#: The keys a source's front-matter links translations with.
_KEYS = ("translation_of:", "translations:")
#: Larger files are not read for their front-matter (a source is refused at 4 MB).
_MAX_READ = 4_000_000


@dataclass(frozen=True)
class Translation:
    """Another language's article of the same story, as the editions name it."""

    lang: str
    slug: str
    title: str
    identifier: str


@dataclass(frozen=True)
class _Source:
    path: Path
    slug: str
    data: dict


def _links_translations(head: str) -> bool:
    """Whether a source's first bytes say anything of translations (a quick textual test
    that spares reading the YAML of every other source in the folder)."""
    return any(key in head for key in _KEYS)


def _front_matter(path: Path) -> dict | None:
    """The YAML front-matter of ``path`` as a mapping, or None when it has none to read:
    a broken or hostile sibling is reported when it is built, not here. Read with the
    project's bounded loader (nesting, aliases and size limits)."""
    from ..yamlfile import load_yaml
    from .names import is_collection

    try:
        if path.stat().st_size > _MAX_READ:
            return None
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if is_collection(path):
        block = text
    else:
        lines = text.split("\n")
        if not lines or lines[0].rstrip() != "---":
            return None
        end = next((i for i, line in enumerate(lines[1:], 1)
                    if line.rstrip() in ("---", "...")), None)
        if end is None:
            return None
        block = "\n".join(lines[1:end])
    try:
        data, _locator = load_yaml(block, path)
    except Exception:  # noqa: BLE001 - whatever is wrong, that file's own build says it
        return None
    return data if isinstance(data, dict) else None


def _siblings(folder: Path) -> dict[str, _Source]:
    """The folder's sources that link translations, by slug (read once per state of the
    folder: a build asks for every source and every format)."""
    from .names import SUFFIX

    paths = sorted(folder.glob("*.md")) + sorted(folder.glob(f"*{SUFFIX}"))
    state = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        state.append((path.name, info.st_size, info.st_mtime_ns))
    return dict(_read_siblings(folder, tuple(state)))


@lru_cache(maxsize=8)
def _read_siblings(folder: Path, state: tuple) -> tuple[tuple[str, _Source], ...]:
    from .names import source_slug

    found = []
    for name, _size, _mtime in state:
        path = folder / name
        try:
            with path.open("rb") as f:
                head = f.read(65536).decode("utf-8", "replace")
        except OSError:
            continue
        if not _links_translations(head):
            continue
        data = _front_matter(path)
        if data is not None:
            found.append((source_slug(path), _Source(path, source_slug(path), data)))
    return tuple(found)


def _source_of(folder: Path, slug: str, known: dict[str, _Source]) -> _Source | None:
    from .names import SUFFIX

    if slug in known:
        return known[slug]
    for path in (folder / f"{slug}.md", folder / f"{slug}{SUFFIX}"):
        if path.is_file():
            data = _front_matter(path)
            if data is not None:
                return _Source(path, slug, data)
    return None


def _story_slugs(slug: str, data: dict, known: dict[str, _Source]) -> list[str]:
    """Every slug linked to ``slug`` by ``translation_of`` or ``translations``, either way,
    however far (the original, its translations, their translations ...)."""
    links: dict[str, set[str]] = {}

    def link(a: str, b: str) -> None:
        links.setdefault(a, set()).add(b)
        links.setdefault(b, set()).add(a)

    for source in [*known.values(), _Source(Path(), slug, data)]:
        of = source.data.get("translation_of")
        if isinstance(of, str) and of.strip():
            link(source.slug, of.strip().removesuffix(".md"))
        others = source.data.get("translations")
        if isinstance(others, dict):
            for other in others.values():
                if isinstance(other, str) and other.strip():
                    link(source.slug, other.strip().removesuffix(".md"))
    seen, todo = {slug}, [slug]
    while todo:
        for other in links.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return sorted(seen - {slug})


def _date_or_none(value) -> dt.date | None:
    """The front-matter's date as ``Metadata`` reads it, or None when it is not one."""
    from .metadata import _as_date

    try:
        return _as_date(value)
    except ValueError:
        return None


def translations_of(source: Path, slug: str, lang: str, data: dict,
                    line_of: Callable[[str], int | None] = lambda _slug: None
                    ) -> list[Translation]:
    """The other languages' articles of the story ``source`` belongs to, in the order of
    their language tags. ``data`` is the source's own front-matter; ``line_of`` gives the
    line where it links an article. A named article not in the folder is an error."""
    from ..i18n import standard_tag
    from .metadata import stable_identifier

    folder = source.parent
    known = _siblings(folder)
    known.pop(slug, None)
    found = []
    for other in _story_slugs(slug, data, known):
        sibling = _source_of(folder, other, known)
        line = line_of(other)
        if sibling is None:
            raise SourceError(
                f"the translation '{other}' is not an article in {folder}", file=source,
                line=line, hint=f"name an article of this folder by its file name without "
                                f".md, or add {other}.md")
        tag = standard_tag(str(sibling.data.get("lang", "")))
        title = sibling.data.get("title")
        date = _date_or_none(sibling.data.get("date"))
        if tag is None or not isinstance(title, str) or date is None:
            continue  # the sibling's own build reports what its front-matter lacks
        named = {str(k): str(v).strip().removesuffix(".md")
                 for k, v in (data.get("translations") or {}).items()}
        said = next((k for k, v in named.items() if v == other), None)
        if said is not None and standard_tag(said) is not None \
                and standard_tag(said).split("-")[0] != tag.split("-")[0]:
            raise SourceError(
                f"'{other}' is listed as the {said} translation, but its language is {tag}",
                file=source, line=line, hint=f"list it under '{tag}', or fix its 'lang'")
        if tag == lang:
            raise SourceError(
                f"'{other}' is linked as a translation but is in the same language ({lang})",
                file=source, line=line,
                hint="a story has one article per language; remove the link or fix 'lang'")
        identifier = sibling.data.get("identifier")
        found.append(Translation(
            lang=tag, slug=other, title=" ".join(title.split()),
            identifier=stable_identifier(identifier if isinstance(identifier, str) else None,
                                         other, date)))
    return sorted(found, key=lambda t: (t.lang, t.slug))


def story_digest(source: Path) -> str:
    """What the story of ``source`` is made of (its members' slugs, languages, titles and
    identifiers), for freshness: a translation added, renamed or retitled rebuilds the
    editions that name it. "" for a source in no story."""
    from .names import source_slug

    try:
        head = source.read_bytes()[:65536].decode("utf-8", "replace")
    except OSError:
        return ""
    data = (_front_matter(source) or {}) if _links_translations(head) else {}
    try:
        members = translations_of(source, source_slug(source), str(data.get("lang", "")),
                                  data)
    except SourceError as exc:  # the build itself reports it
        return f"error: {exc}"
    return "\n".join(f"{t.lang}\0{t.slug}\0{t.title}\0{t.identifier}" for t in members)
