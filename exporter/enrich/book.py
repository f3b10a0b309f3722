"""A collection assembled into one book: its articles become chapters of one ``Document``.

The collection file and its articles are read by ``read.collection``. Here each article
becomes a chapter (a ``Div`` with class ``chapter``: its title, standfirst, byline and
date, then its text), with a contents page and the introduction before them, so the
enrichments and every adapter work on the book as on one article. The glossary is
merged from the articles' entries and the maps from their declarations, each defined
once: two different definitions under one name are an error naming both places.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from ..document import Document, walk_json
from ..errors import SourceError
from ..read.collection import read_collection, source_slug
from ..yamlfile import Locator


def _text(text: str) -> list[dict]:
    """Plain text as pandoc JSON inlines."""
    out: list[dict] = []
    for i, word in enumerate(text.split()):
        if i:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def _plain(inlines: list[dict]) -> str:
    import panflute as pf

    blob = {"pandoc-api-version": [1, 23, 1], "meta": {},
            "blocks": [{"t": "Plain", "c": inlines}]}
    doc = pf.load(io.StringIO(json.dumps(blob)))
    return pf.stringify(doc).strip()


#: pandoc JSON node types whose attributes (id, classes, key-values) are ``c[0]``.
_ATTR_FIRST = frozenset({"Div", "Span", "Link", "Image", "CodeBlock", "Code", "Table",
                         "Figure"})


def _attr(node: dict) -> list | None:
    kind = node.get("t")
    if kind == "Header":
        return node["c"][1]
    if kind in _ATTR_FIRST:
        return node["c"][0]
    return None


def _unique_ids(blocks: list, taken: set[str]) -> None:
    """Rename ids that an earlier chapter already has (pandoc makes heading ids from
    the text, so two articles may both have "background"), and links to them."""
    renamed: dict[str, str] = {}

    def rename(node: dict) -> None:
        attr = _attr(node)
        if attr is None or not attr[0]:
            return
        ident = attr[0]
        if ident in taken:
            n = 2
            while f"{ident}-{n}" in taken:
                n += 1
            renamed.setdefault(ident, f"{ident}-{n}")
            attr[0] = renamed[ident]
        taken.add(attr[0])

    def relink(node: dict) -> None:
        if node.get("t") == "Link":
            url = node["c"][2][0]
            if url.startswith("#") and url[1:] in renamed:
                node["c"][2][0] = "#" + renamed[url[1:]]

    walk_json(blocks, rename)
    if renamed:
        walk_json(blocks, relink)


def _chapter(doc: Document, ast: dict, taken: set[str], book_lang: str) -> dict:
    """One article as a chapter: a ``Div`` with its heading, standfirst, byline, date;
    marked with its own language where it is not the book's."""
    meta = ast["meta"]
    title = meta["title"]["c"]
    ident = f"chapter-{doc.slug}"
    n = 2
    while ident in taken:
        ident, n = f"chapter-{doc.slug}-{n}", n + 1
    taken.add(ident)
    head: list[dict] = []
    if "subtitle" in meta:
        head.append({"t": "Div", "c": [["", ["standfirst"], []],
                                       [{"t": "Para", "c": meta["subtitle"]["c"]}]]})
    from ..i18n import words

    _ = words(doc.meta.lang)
    facts = []
    if doc.meta.byline:
        facts.append({"t": "Span", "c": [["", ["byline"], []],
                                         _text(_("By {names}", names=_.join(
                                             [_.isolate(n) for n in doc.meta.authors])))]})
    facts.append({"t": "Span", "c": [["", ["date"], []], _text(_.date(doc.meta.date))]})
    line: list[dict] = []
    for fact in facts:
        if line:
            line += [{"t": "Space"}, {"t": "Str", "c": "\u00b7"}, {"t": "Space"}]
        line.append(fact)
    head.append({"t": "Para", "c": line})
    blocks = ast["blocks"]
    _unique_ids(blocks, taken)
    heading = {"t": "Header", "c": [1, [f"{ident}-title", ["chapter-title"], []], title]}
    plain = _plain(title)
    attrs = [["title", plain]]
    if doc.meta.lang != book_lang:
        attrs += [["lang", doc.meta.lang], ["dir", doc.meta.direction]]
    return {"t": "Div", "c": [
        [ident, ["chapter"], attrs],
        # The head is the chapter's own furniture: no glossary or map links in it.
        [heading, {"t": "Div", "c": [["", ["chapter-head", "no-glossary"], []], head]},
         *blocks]]}


def _contents(chapters: list[dict], introduction: bool, lang: str = "en") -> dict:
    """The book's contents page: a link to each chapter (print adds page numbers)."""
    from ..i18n import words

    _ = words(lang)
    title, intro = _("Contents"), _("Introduction")
    items = []
    if introduction:
        items.append([{"t": "Plain", "c": [{"t": "Link", "c": [
            ["", ["contents-entry"], []], _text(intro), ["#introduction-title", ""]]}]}])
    for chapter in chapters:
        ident, _classes, attrs = chapter["c"][0]
        items.append([{"t": "Plain", "c": [{"t": "Link", "c": [
            ["", ["contents-entry"], []], chapter["c"][1][0]["c"][2],
            [f"#{ident}-title", ""]]}]}])
    return {"t": "Div", "c": [["book-contents", ["book-contents", "no-glossary"],
                               [["title", title]]],
                              [{"t": "Header", "c": [1, ["contents-title", [], []], _text(title)]},
                               {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}],
                                                          items]}]]}


def _merged_glossary(docs: list[tuple[Document, Locator]], root: Path):
    """One glossary from every article's entries; the same term defined differently in
    two articles (or one name claimed by two different entries) is an error."""
    from ..glossary.model import Glossary, GlossaryEntry, _unique_slug, load_glossary, name_key

    kept: dict[str, GlossaryEntry] = {}
    owner: dict[str, GlossaryEntry] = {}  # every name -> the entry that has it
    for doc, locator in docs:
        for entry in load_glossary(root, doc.meta.glossary, locator):
            key = name_key(entry.term)
            known = kept.get(key)
            if known is not None:
                if known.entry != entry.entry:
                    raise SourceError(
                        f"glossary term '{entry.term}' is defined differently here and "
                        f"at {known.where}", file=entry.file, line=entry.line,
                        hint="a collection has one glossary: give both articles the same "
                             "entry, or put it once in glossary.yml")
                continue
            for name in entry.names:
                other = owner.get(name_key(name))
                if other is not None and name_key(other.term) != key:
                    raise SourceError(
                        f"'{name}' belongs to the glossary entry '{entry.term}' here and to "
                        f"'{other.term}' at {other.where}", file=entry.file, line=entry.line,
                        hint="in a collection a name can belong to one entry only")
                owner[name_key(name)] = entry
            kept[key] = entry
    slugs: set[str] = set()
    entries = [GlossaryEntry(entry=e.entry, slug=_unique_slug(e.term, slugs), file=e.file,
                             line=e.line, see_also=[t for t in e.see_also
                                                    if name_key(t) in kept])
               for e in kept.values()]
    return Glossary(entries)


def _merged_maps(docs: list[tuple[Document, Locator]]):
    """Every article's maps, each id once; (specs, where each was declared)."""
    specs = []
    located: list[tuple[Locator, tuple]] = []
    first: dict[str, tuple[Any, Locator, tuple]] = {}
    for doc, locator in docs:
        for i, spec in enumerate(doc.meta.maps):
            at = ("maps", i)
            known = first.get(spec.id)
            if known is not None:
                if known[0].model_dump() != spec.model_dump():
                    other = known[1]
                    line = other.line((*known[2], "id"))
                    raise locator.error(
                        f"map '{spec.id}' is defined differently here and at "
                        f"{other.file}:{line}", (*at, "id"),
                        "a collection draws each map once: give both articles the same "
                        "definition, or a different id")
                continue
            first[spec.id] = (spec, locator, at)
            specs.append(spec)
            located.append((locator, at))
    return specs, located


def assemble_book(path: Path, allow_remote: bool = False, maps_ready=None,
                  house=None) -> Document:
    """Read a collection and its articles; return the book as one enriched ``Document``.
    ``maps_ready`` is called before the maps are added (see ``enrich.article``)."""
    import panflute as pf

    from ..glossary import apply_glossary
    from ..glossary.model import GlossarySettings
    from ..house.styles import HouseStyle
    from ..i18n import words
    from ..maps.appendix import add_maps
    from ..read.metadata import Metadata
    from ..read.source import parse_markdown, story
    from ..yamlfile import validate
    from .directions import mark_directions
    from .quotes import localise_quotes

    path = Path(path)
    root = path.parent.resolve()
    spec, locator, docs = read_collection(path, allow_remote,
                                          house.defaults if house is not None else ())

    maps, located = _merged_maps(docs)
    fields = {key: value for key, value in spec.model_dump().items()
              if key in Metadata.model_fields}
    fields.update(standfirst=spec.subtitle, authors=spec.editors)
    meta = validate(Metadata, {k: v for k, v in fields.items() if v is not None}, locator)
    meta.maps = maps
    meta.glossary = GlossarySettings()
    book = parse_markdown(spec.introduction or "", meta).to_json()
    taken: set[str] = set()
    walk_json(book["blocks"], lambda n: taken.add(_attr(n)[0]) if _attr(n) else None)
    from .article import language_warnings

    warnings: list[str] = language_warnings(path, meta.lang, locator)
    resources = {}
    chapters = []
    for doc, _ in docs:
        chapters.append(_chapter(doc, doc.ast.to_json(), taken, meta.lang))
        warnings += doc.warnings
        resources.update(doc.resources)
    intro = book["blocks"]
    if intro:  # one scope for the glossary's "uses per chapter", titled as in the book
        _ = words(meta.lang)
        title = _("Introduction")
        intro = [{"t": "Div", "c": [["", ["introduction"], [["title", title]]], intro]}]
    book["blocks"] = [_contents(chapters, bool(intro), meta.lang), *intro, *chapters]
    collection = Document(source=path, root=root, slug=source_slug(path), meta=meta,
                          ast=pf.load(io.StringIO(json.dumps(book))), resources=resources,
                          warnings=warnings, house=house or HouseStyle(),
                          chapters=tuple(doc.source for doc, _ in docs),
                          translations=story(path, source_slug(path), meta, locator))
    report = apply_glossary(collection.ast, _merged_glossary(docs, root), meta.glossary,
                            meta.lang)
    collection.warnings += report.warnings
    if maps_ready is not None:
        maps_ready()
    add_maps(collection, locator, located)
    localise_quotes(collection)
    mark_directions(collection)
    return collection
