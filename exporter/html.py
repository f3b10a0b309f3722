"""Document -> HTML, rendered once and shared by the EPUB and PDF adapters.

One pandoc call turns the whole AST into HTML5. The result is split into parts
(title page, article, and one part per appendix) that the EPUB adapter packages
as separate XHTML files and the PDF adapter concatenates into one print document.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from .document import Document

#: Marks where a part starts in pandoc's output; a comment pandoc passes through.
_MARK = "<!--exporter-part:{}-->"

#: Localised names of the parts that have no heading of their own.
_TITLES = {"en": {"title": "Title page", "note": "note {n}",
                  "note_back": "back to the reference to note {n}"}}


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


def _localised(lang: str, key: str) -> str:
    return _TITLES.get(lang.split("-")[0], _TITLES["en"])[key]


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
            elif block.get("t") in ("Div", "BlockQuote"):
                visit(block["c"][-1])

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


def _title_page(doc: Document, meta: dict) -> list[dict]:
    """The title page as AST blocks, so title/standfirst keep pandoc's typography;
    ``meta`` is the document's metadata as pandoc JSON."""
    blocks: list[dict] = [
        {"t": "Header", "c": [1, ["title", ["title"], []], meta["title"]["c"]]},
    ]
    if "subtitle" in meta:
        blocks.append({"t": "Div", "c": [["", ["standfirst"], []],
                                         [{"t": "Para", "c": meta["subtitle"]["c"]}]]})
    facts = []
    if doc.meta.byline:
        facts.append(("byline", "By " + doc.meta.byline))
    facts.append(("date", doc.meta.date.strftime("%-d %B %Y")))
    if doc.meta.publisher:
        facts.append(("publisher", doc.meta.publisher))
    facts.append(("edition", f"Edition {doc.meta.edition}"))
    for cls, text in facts:
        blocks.append(_raw(f'<p class="{cls}">{html.escape(text)}</p>'))
    if doc.meta.rights:
        blocks.append(_raw(f'<p class="rights">{html.escape(doc.meta.rights)}</p>'))
    return blocks


def render_html(doc: Document) -> RenderedHtml:
    """Render ``doc`` to HTML parts with one pandoc call."""
    from .pandoc import run_pandoc

    ast = doc.ast.to_json()
    lang = doc.meta.lang
    body: list[dict] = [_raw(_MARK.format("title"))]
    body += _title_page(doc, ast["meta"])
    body.append(_raw(_MARK.format("article")))
    # The article starts with its headline as <h1>; the author's headings follow below
    # it, and each appendix starts at <h1> (every part is a document of its own in the
    # EPUB, and heading levels never skip).
    body.append({"t": "Header", "c": [1, ["article-title", ["article-title"], []],
                                      ast["meta"]["title"]["c"]]})
    specs: dict[str, tuple[str, str]] = {
        "title": ("titlepage", _localised(lang, "title")),
        "article": ("bodymatter chapter", doc.meta_text("title")),
    }
    article: list[dict] = []
    for block in ast["blocks"]:
        appendix = _appendix_of(block)
        if appendix:
            ident, epub_type, title = appendix
            body.append(_raw(_MARK.format(ident)))
            specs[ident] = (epub_type, title)
        elif len(specs) == 2:  # still in the article
            article.append(block)
        body.append(block)
    _article_headings(article)
    _mark_for_print(article)
    ast["blocks"] = body
    ast["meta"] = {}
    out = run_pandoc(["--from", "json", "--to", "html5", "--wrap=none",
                      "--email-obfuscation=none"], json.dumps(ast)).decode("utf-8")
    out = _name_note_links(out, lang)
    chunks = out.split("<!--exporter-part:")
    notes = ""
    parts = []
    for chunk in chunks[1:]:
        ident, _, content = chunk.partition("-->")
        # Pandoc puts all footnotes at the very end; they belong to the article.
        start = content.find('<section id="footnotes"')
        if start >= 0:
            notes = content[start:]
            content = content[:start]
        parts.append([ident, content.strip()])
    if notes:
        for part in parts:
            if part[0] == "article":
                part[1] += "\n" + notes.strip()
    return RenderedHtml(
        parts=tuple(
            Part(id=ident, title=specs[ident][1], html=content, epub_type=specs[ident][0],
                 headings=tuple(_headings(content)), figures=tuple(_figures(content)))
            for ident, content in parts
        ),
        lang=lang,
    )


#: Tables with this many columns set their type smaller ("wide"), and with the second
#: number turn to a landscape page of their own in print ("landscape").
WIDE_COLUMNS, LANDSCAPE_COLUMNS = 7, 11
#: Words this long are the ones hyphenation would split (print.css: hyphenate-limit-chars).
_NAME_MIN = 6


def _mark_for_print(blocks: list) -> None:
    """Mark what the print style treats apart: capitalised words (names, never hyphenated)
    as ``span.name``, wide tables as ``table.wide`` / ``.landscape``."""

    def inlines(items: list) -> None:
        for i, node in enumerate(items):
            if not isinstance(node, dict):
                continue
            kind = node.get("t")
            if kind == "Str":
                text = node["c"]
                if text[:1].isupper() and sum(ch.isalpha() for ch in text) >= _NAME_MIN:
                    items[i] = {"t": "Span", "c": [["", ["name"], []], [node]]}
            elif kind in ("Emph", "Strong", "Underline", "Quoted", "SmallCaps", "Span",
                          "Link", "Superscript", "Subscript", "Strikeout", "Cite"):
                content = node["c"]
                inner = content[-1] if kind not in ("Link", "Quoted", "Cite") else (
                    content[1] if kind == "Link" else content[-1])
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
            elif kind == "Table":
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

    note, back = _localised(lang, "note"), _localised(lang, "note_back")
    out = re.sub(r'(<a href="#fn(\d+)" class="footnote-ref" id="fnref\d+" role="doc-noteref")',
                 lambda m: f'{m[1]} aria-label="{html.escape(note.format(n=m[2]))}"', out)
    return re.sub(r'(<a href="#fnref(\d+)" class="footnote-back" role="doc-backlink")',
                  lambda m: f'{m[1]} aria-label="{html.escape(back.format(n=m[2]))}"', out)


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
