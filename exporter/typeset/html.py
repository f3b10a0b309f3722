"""Document -> HTML, rendered once and shared by the EPUB and PDF adapters.

One pandoc call turns the whole AST into HTML5. The result is split into parts
(title page, article, and one part per appendix) that the EPUB adapter packages
as separate XHTML files and the PDF adapter concatenates into one print document.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

from ..document import Document
from ..i18n import words

#: Marks where a part starts in pandoc's output; a comment pandoc passes through.
_MARK = "<!--exporter-part:{}-->"

@dataclass(frozen=True)
class Part:
    """One section of the edition: an id, a title for navigation, and its HTML body."""

    id: str
    title: str
    html: str
    #: EPUB 3 structural semantics of the part (bodymatter, glossary, loi ...).
    epub_type: str
    #: (level, id, text) of the headings inside, for tables of contents.
    headings: tuple[tuple[int, str, str], ...] = field(default=())
    #: (id, caption) of the figures inside, for lists of illustrations.
    figures: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class RenderedHtml:
    """The parts of a document, in reading order."""

    parts: tuple[Part, ...]
    lang: str



def _raw(html_text: str) -> dict:
    return {"t": "RawBlock", "c": ["html", html_text]}


def _article_headings(blocks: list) -> None:
    """Set the author's headings under the headline (<h1>) without skipped levels.

    The outermost level the author used becomes <h2>, and a heading is at most one level
    below the one before it: "## Key dates" in a text without "#" is <h2>, not <h3>.
    """
    stack: list[tuple[int, int]] = []  # (author's level, level given)

    def visit(items: list) -> None:
        for block in items:
            if not isinstance(block, dict):
                continue
            if block.get("t") == "Header":
                level = block["c"][0]
                while stack and stack[-1][0] >= level:
                    stack.pop()
                given = min(stack[-1][1] + 1 if stack else 2, 6)
                stack.append((level, given))
                block["c"][0] = given
            elif block.get("t") == "Div":        # [attr, blocks]
                visit(block["c"][1])
            elif block.get("t") == "BlockQuote":  # blocks
                visit(block["c"])

    visit(blocks)


def _appendix_of(block: dict) -> tuple[str, str, str] | None:
    """(part id, epub:type, title) when a top-level block is an appendix Div."""
    if block.get("t") != "Div":
        return None
    (ident, classes, attrs), content = block["c"]
    if "appendix" not in classes:
        return None
    attrs = dict(attrs)
    title = attrs.get("title", ident)
    return ident, attrs.get("epub-type", "appendix"), title


def _chapter_of(block: dict) -> tuple[str, str] | None:
    """(part id, title) when a top-level block is a collection's chapter Div."""
    if block.get("t") != "Div" or "chapter" not in block["c"][0][1]:
        return None
    ident, _classes, attrs = block["c"][0]
    return ident, dict(attrs).get("title", ident)


def _title_page(doc: Document, meta: dict) -> list[dict]:
    """The title page as AST blocks, so title/standfirst keep pandoc's typography;
    ``meta`` is the document's metadata as pandoc JSON."""
    _ = words(doc.meta.lang)
    blocks: list[dict] = [
        {"t": "Header", "c": [1, ["title", ["title"], []], meta["title"]["c"]]},
    ]
    if "subtitle" in meta:
        blocks.append({"t": "Div", "c": [["", ["standfirst"], []],
                                         [{"t": "Para", "c": meta["subtitle"]["c"]}]]})
    abstract = meta.get("abstract")
    if abstract:
        content = abstract["c"] if abstract["t"] == "MetaBlocks" else [
            {"t": "Para", "c": abstract["c"]}]
        blocks.append({"t": "Div", "c": [["", ["abstract"], []], content]})
    facts = []
    if doc.meta.byline:
        names = _.join([_.isolate(name) for name in doc.meta.authors])
        facts.append(("byline", _("Edited by {names}", names=names) if doc.chapters
                      else _("By {names}", names=names)))
    facts.append(("date", _.date(doc.meta.date)))
    if doc.meta.publisher:
        facts.append(("publisher", doc.meta.publisher))
    facts.append(("edition", _("Edition {edition}", edition=doc.meta.edition)))
    if doc.meta.corrections:
        facts.append(("corrected", _("Corrected {date} (see Corrections at the end of the "
                                     "article)", date=_.date(doc.meta.modified))))
    marked = "".join(f' {k}="{v}"' for k, v in _.marked.items())
    for cls, text in facts:
        if cls in ("date", "publisher"):  # a date in the document's own language
            blocks.append(_raw(f'<p class="{cls}">{html.escape(text)}</p>'))
        else:
            blocks.append(_raw(f'<p class="{cls}"{marked}>{html.escape(text)}</p>'))
    if doc.meta.rights:
        blocks.append(_raw(f'<p class="rights">{html.escape(doc.meta.rights)}</p>'))
    if doc.translations:
        blocks.append(_raw(translations_line(doc)))
    return blocks


def translations_line(doc: Document) -> str:
    """The title page's line naming the story's other languages, each name in its own
    language and direction ("Also published in Русский and فارسی")."""
    from ..i18n import autonym

    _ = words(doc.meta.lang)
    names = [f'<span lang="{t.lang}" dir="{words(t.lang).direction}">'
             f'{html.escape(autonym(t.lang))}</span>' for t in doc.translations]
    marked = "".join(f' {k}="{v}"' for k, v in _.marked.items())
    text = html.escape(_("Also published in {languages}", languages="\0"))
    return f'<p class="translations"{marked}>{text.replace(chr(0), _.join(names))}</p>'


def render_html(doc: Document) -> RenderedHtml:
    """Render ``doc`` to HTML parts with one pandoc call."""
    from ..pandoc import run_pandoc

    ast = doc.ast.to_json()
    lang = doc.meta.lang
    body: list[dict] = [_raw(_MARK.format("title"))]
    body += _title_page(doc, ast["meta"])
    _ = words(lang)
    specs: dict[str, tuple[str, str]] = {"title": ("titlepage", _("Title page"))}
    current: str | None = None  # the part the blocks go to
    if not doc.chapters:
        # The article starts with its headline as <h1>; the author's headings follow
        # below it, and each appendix starts at <h1> (every part is a document of its
        # own in the EPUB, and heading levels never skip).
        current = "article"
        body.append(_raw(_MARK.format("article")))
        body.append({"t": "Header", "c": [1, ["article-title", ["article-title"], []],
                                          ast["meta"]["title"]["c"]]})
        specs["article"] = ("bodymatter chapter", doc.meta_text("title"))
    article: list[dict] = []
    for block in ast["blocks"]:
        appendix = _appendix_of(block)
        # Only a collection has chapters and a contents page (an author's own
        # "::: chapter" Div in an article stays part of the article).
        chapter = _chapter_of(block) if doc.chapters else None
        if doc.chapters and block.get("t") == "Div" and block["c"][0][0] == "book-contents":
            # A collection's contents page, before its introduction.
            body.append(_raw(_MARK.format("contents")))
            specs["contents"] = ("frontmatter toc", dict(block["c"][0][2])["title"])
            current = "contents"
        elif appendix:
            ident, epub_type, title = appendix
            body.append(_raw(_MARK.format(ident)))
            specs[ident] = (epub_type, title)
            current = ident
        elif chapter:
            # A collection's chapter: its own part, headed by its <h1>.
            ident, title = chapter
            body.append(_raw(_MARK.format(ident)))
            specs[ident] = ("bodymatter chapter", title)
            _article_headings(block["c"][1][1:])
            current = ident
        else:
            if current in (None, "contents"):  # a collection's introduction
                current = "introduction"
                title = _("Introduction")
                body.append(_raw(_MARK.format(current)))
                body.append({"t": "Header", "c": [1, ["introduction-title", [], []],
                                                  [{"t": "Str", "c": title}]]})
                specs[current] = ("bodymatter introduction", title)
            if current in ("article", "introduction"):
                article.append(block)
        body.append(block)
    _article_headings(article)
    known = _known_names(ast["blocks"], doc.places) \
        if doc.meta.lang.split("-")[0].lower() in NOUNS_CAPITALISED else None
    _mark_for_print(article, names=doc.meta.direction == "ltr", known=known)
    if doc.meta.direction == "ltr":
        # Names in a collection's chapters and in the appendices (glossary, gazetteer,
        # map captions) are never hyphenated either.
        marked = {id(block) for block in article}
        _mark_for_print([block for block in ast["blocks"] if id(block) not in marked],
                        tables=False, known=known)
    from .math import math_as_html

    math_as_html(body)  # MathML for every edition that uses this HTML
    ast["blocks"] = body
    ast["meta"] = {}
    out = run_pandoc(["--from", "json", "--to", "html5", "--wrap=none",
                      "--email-obfuscation=none"], json.dumps(ast)).decode("utf-8")
    out = _name_note_links(out, lang)
    out = _image_alternatives(out)
    chunks = out.split("<!--exporter-part:")
    notes = ""
    parts = []
    for chunk in chunks[1:]:
        ident, _sep, content = chunk.partition("-->")
        # Pandoc puts all footnotes at the very end; they belong to the article.
        start = content.find('<section id="footnotes"')
        if start >= 0:
            notes = content[start:]
            content = content[:start]
        parts.append([ident, content.strip()])
    if notes and not doc.chapters:
        for part in parts:
            if part[0] == "article":
                part[1] += "\n" + notes.strip()
    elif notes:
        _notes_to_chapters(parts, notes)
    parts = _split_article(parts, specs)
    return RenderedHtml(
        parts=tuple(
            Part(id=ident, title=specs[ident][1], html=content, epub_type=specs[ident][0],
                 headings=tuple(_headings(content)), figures=tuple(_figures(content)))
            for ident, content in parts
        ),
        lang=lang,
    )


def _notes_to_chapters(parts: list[list[str]], notes: str) -> None:
    """Give each part of a collection the notes referred to in it, numbered as pandoc
    numbered them (one numbering through the book)."""
    import re

    items = re.findall(r'<li id="fn(\d+)"[\s\S]*?</li>', notes)
    bodies = dict(zip(items, re.findall(r'<li id="fn\d+"[\s\S]*?</li>', notes)))
    for part in parts:
        mine = [n for n in re.findall(r'href="#fn(\d+)"', part[1]) if n in bodies]
        if mine:
            lis = "\n".join(bodies.pop(n) for n in dict.fromkeys(mine))
            part[1] += (f'\n<section id="footnotes-{part[0]}" class="footnotes '
                        f'footnotes-end-of-document" role="doc-endnotes">\n<hr />\n'
                        f'<ol start="{mine[0]}">\n{lis}\n</ol>\n</section>')


#: An article whose HTML is longer than this is a book: one part per top-level section
#: (an e-reader opens a chapter at a time; a single file of hundreds of KB is slow or
#: refused). The sample article (9 KB) stays one part.
SPLIT_ABOVE = 50_000


def _split_article(parts: list, specs: dict) -> list:
    """Split a long article into chapters at its top-level (``<h2>``) headings, before
    either edition uses the parts: the PDF lays out and the EPUB packages the same parts,
    so the page-break markers (part id + element path) land in the right file.
    The notes stay at the end of the last chapter."""
    import lxml.html

    out = []
    for ident, content in parts:
        if ident != "article" or len(content) <= SPLIT_ABOVE:
            out.append([ident, content])
            continue
        root = lxml.html.fragment_fromstring(content, create_parent="div")
        groups: list[list] = [[]]
        for child in root:
            if child.tag == "h2" and groups[-1]:
                groups.append([])
            groups[-1].append(child)
        if len(groups) < 3:  # a headline and one section: nothing to split
            out.append([ident, content])
            continue
        lead = html.escape(root.text or "")
        for n, group in enumerate(groups, start=1):
            chunk = "".join(lxml.html.tostring(el, encoding="unicode") for el in group)
            if n == 1:
                out.append([ident, lead + chunk])
                continue
            chapter = f"article-{n}"
            specs[chapter] = ("bodymatter chapter",
                              " ".join(group[0].text_content().split()))
            out.append([chapter, chunk])
    return out


#: Tables with this many columns set their type smaller ("wide"), and with the second
#: number turn to a landscape page of their own in print ("landscape").
WIDE_COLUMNS, LANDSCAPE_COLUMNS = 7, 11
#: Words this long are the ones hyphenation would split (print.css: hyphenate-limit-chars).
_NAME_MIN = 6


#: Languages that capitalise every noun: there a capitalised word is not a name by that
#: alone (German's long compounds must hyphenate, or its justified lines go loose).
NOUNS_CAPITALISED = {"de", "lb"}
#: Letters an inflection may add to a known name ("Latschin-Korridors", "Armeniens").
_INFLECTION = 3


def _core(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha() or ch == "-").strip("-").lower()


def _known_names(blocks: list, places: tuple) -> frozenset[str]:
    """The names a document's own declarations give it: the words of its glossary and
    map links (``glossref``, ``mapref``: its terms and places, as the text writes them)
    and of the places its maps show."""
    found = {_core(word) for place in places for word in str(place.get("name", "")).split()}

    def walk(node, inside: bool) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, inside)
        elif isinstance(node, dict):
            kind, content = node.get("t"), node.get("c")
            if kind == "Str" and inside:
                found.add(_core(content))
            elif kind == "Link":
                classes = content[0][1]
                walk(content[1], inside or "glossref" in classes or "mapref" in classes)
            else:
                walk(content, inside)

    walk(blocks, False)
    return frozenset(word for word in found if len(word) >= 3)


def _is_known(text: str, known: frozenset[str]) -> bool:
    """Whether ``text`` is a known name, or one with up to ``_INFLECTION`` letters added
    (a few set lookups, however many names the document declares)."""
    core = _core(text)
    return any(core[:end] in known
               for end in range(max(1, len(core) - _INFLECTION), len(core) + 1))


def _mark_for_print(blocks: list, names: bool = True, tables: bool = True,
                    known: frozenset[str] | None = None) -> None:
    """Mark what the print style treats apart: capitalised words (names, never hyphenated)
    as ``span.name``, wide tables as ``table.wide`` / ``.landscape``. With ``known`` (a
    language that capitalises its nouns), only the capitalised words that are ``known``
    names, inflected or not, are names.

    Not the names of a right-to-left document: a Latin name in Persian text must stay one
    run of text, which the Unicode bidi algorithm orders as a whole; cut into boxes, the
    layout would set its words right to left (and nothing hyphenates it there anyway)."""

    def inlines(items: list) -> None:
        for i, node in enumerate(items):
            if not isinstance(node, dict):
                continue
            kind = node.get("t")
            if kind == "Str" and names:
                text = node["c"]
                if text[:1].isupper() and sum(ch.isalpha() for ch in text) >= _NAME_MIN \
                        and (known is None or _is_known(text, known)):
                    items[i] = {"t": "Span", "c": [["", ["name"], []], [node]]}
            elif kind == "Note":  # a note's blocks: the notes at the end are text too
                visit(node["c"])
            elif kind in ("Emph", "Strong", "Underline", "Quoted", "SmallCaps", "Span",
                          "Link", "Superscript", "Subscript", "Strikeout", "Cite"):
                content = node["c"]
                # Emph [inlines]; Span, Link, Quoted, Cite [attr or kind, inlines, ...].
                inner = content[1] if kind in ("Span", "Link", "Quoted", "Cite") else content
                if isinstance(inner, list):
                    inlines(inner)

    def visit(items: list) -> None:
        for node in items:
            if not isinstance(node, dict):
                continue
            kind, content = node.get("t"), node.get("c")
            if kind in ("Para", "Plain"):
                inlines(content)
            elif kind == "BlockQuote":
                visit(content)
            elif kind in ("BulletList",):
                for item in content:
                    visit(item)
            elif kind == "OrderedList":
                for item in content[1]:
                    visit(item)
            elif kind == "Div":
                visit(content[1])
            elif kind == "DefinitionList":
                for term, definitions in content:
                    inlines(term)
                    for definition in definitions:
                        visit(definition)
            elif kind == "Figure":
                visit(content[2])
                visit(content[1][1])  # the caption's blocks
            elif kind == "Table" and tables:
                columns = len(content[2])
                classes = content[0][1]
                if columns >= WIDE_COLUMNS:
                    classes.append("wide")
                if columns >= LANDSCAPE_COLUMNS:
                    classes.append("landscape")

    visit(blocks)


def _name_note_links(out: str, lang: str) -> str:
    """Give pandoc's note references and back-links names that make sense read aloud
    ("note 1", not "1"; "back to the reference to note 1", not "↩")."""
    import re

    _ = words(lang)
    # TRANSLATORS: what a footnote's number is called when read aloud, and its link back.
    note, back = _("note {n}"), _("back to the reference to note {n}")
    out = re.sub(r'(<a href="#fn(\d+)" class="footnote-ref" id="fnref\d+" role="doc-noteref")',
                 lambda m: f'{m[1]} aria-label="{html.escape(note.format(n=_.number(int(m[2]))))}"', out)
    return re.sub(r'(<a href="#fnref(\d+)" class="footnote-back" role="doc-backlink")',
                  lambda m: f'{m[1]} aria-label="{html.escape(back.format(n=_.number(int(m[2]))))}"', out)


#: An ``<img>`` tag as pandoc writes it.
_IMG = re.compile(r"<img\b[^>]*>")


def _image_alternatives(out: str) -> str:
    """Every image with an ``alt``: pandoc leaves it out when the author wrote none. An
    image the author marked as ornament (``{.decorative}``) gets ``alt=""`` and
    ``role="presentation"``; one without a description gets ``alt=""`` alone, which
    ``exporter check`` and the accessibility metadata count as undescribed."""

    def fix(match: re.Match) -> str:
        tag = match.group(0)
        if re.search(r"\salt=", tag) is None:
            tag = tag.replace("<img", '<img alt=""', 1)
        if re.search(r'\sclass="[^"]*\bdecorative\b', tag) and "role=" not in tag:
            tag = tag.replace("<img", '<img role="presentation"', 1)
        return tag

    return _IMG.sub(fix, out)


def _headings(fragment: str) -> list[tuple[int, str, str]]:
    """Headings (level, id, text) in an HTML fragment, in order."""
    import lxml.html

    if not fragment.strip():
        return []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    found = []
    for el in root.iter("h1", "h2", "h3", "h4"):
        ident = el.get("id") or (el.getparent().get("id") if el.getparent() is not None else "")
        found.append((int(el.tag[1]), ident or "", " ".join(el.text_content().split())))
    return found


def _figures(fragment: str) -> list[tuple[str, str]]:
    """Figures (id, caption text) with an id in an HTML fragment, in order."""
    import lxml.html

    if "<figure" not in fragment:
        return []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    found = []
    for figure in root.iter("figure"):
        caption = figure.find(".//figcaption")
        if figure.get("id") and caption is not None:
            text = figure.get("data-short-title") or caption.text_content()
            found.append((figure.get("id"), " ".join(text.split())))
    return found
