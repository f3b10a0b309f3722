"""The web edition: ``<slug>.html``, one self-contained page for browsers and phones.

The shared HTML parts (``typeset.html``) in one document: the title page as the
article's header, the body and its notes, then the appendices (glossary, maps and
gazetteer, corrections) with their headings one level down. Everything is inside the
file: the stylesheet (``web.css``), the book face and the map face as WOFF2 ``data:``
URIs, the maps as inline SVG whose labels are real ``<text>``, other images as
``data:`` URIs. Nothing needs a script: a glossary term is a button that opens its
definition in place (the ``popover`` attribute), the contents and the page list are
``<details>``, and the print edition's page numbers appear with a checkbox (CSS
``:has``). The news metadata (JSON-LD, Open Graph) comes from ``typeset.news``.
"""

from __future__ import annotations

import base64
import html
import re

from ..document import BROWSER_SVG, RESOURCE_SCHEME, Document
from . import RenderContext, alternates

EXTENSION = "html"
MEDIA_TYPE = "text/html"
USES_HTML = True
LAYS_OUT_PAGES = False
#: The print edition's page starts, for the page-break markers (as the EPUB).
NEEDS = ("page_starts",)

_IMAGE_TYPES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif", "image/webp")

_PAGE = """<!DOCTYPE html>
<html lang="{lang}" dir="{dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{head}
<style>
{css}
</style>
</head>
<body>
<div class="page">
<a class="skip" href="#content">{skip}</a>
<header class="toolbar">
{toolbar}
</header>
<main id="content">
<article>
{article}
</article>
</main>
<footer class="colophon">
{colophon}
</footer>
</div>
</body>
</html>
"""


def render(doc: Document, ctx: RenderContext) -> bytes:
    """The web edition of ``doc``: one HTML5 file, UTF-8."""
    from ..i18n import words
    from ..typeset import news

    _ = words(doc.meta.lang)
    parts = ctx.html.parts
    starts = _page_starts(doc, ctx)
    definitions = _definitions(parts)
    svgs: dict[str, str] = {}
    bodies, toc = [], []
    for part in parts:
        body, headings = _part(part, doc, [s for s in starts if s.part == part.id],
                               definitions, svgs, _)
        bodies.append(body)
        if part.epub_type != "titlepage":
            toc.append((part.id, part.title, headings))
    article = "\n".join(bodies)
    for key, svg in svgs.items():
        article = article.replace(f'<svg-slot data-key="{key}"></svg-slot>', svg)
    css = ctx.styles.css("web.css", "html")
    css = _fonts_css(css, article, svgs) + css
    title = doc.meta_text("title")
    facts = news.facts_of(doc)
    facts["accessibility_summary"] = _(
        "Headings in order, a table of contents, text descriptions of the maps and "
        "glossary definitions that open in place; no script is needed and the text can "
        "be resized.")
    head = news.head(facts, f"{doc.slug}.html", alternates(doc.slug, _), _)
    pages = sorted(s.number for s in starts)
    return _PAGE.format(
        lang=html.escape(doc.meta.lang), dir=doc.meta.direction, title=html.escape(title),
        head=head, css=css, skip=html.escape(_("Skip to the text")),
        toolbar=_toolbar(toc, pages, _), article=article,
        colophon=_colophon(doc, _),
    ).encode("utf-8")


def _page_starts(doc: Document, ctx: RenderContext) -> tuple:
    starts = ctx.extras.get("page_starts")
    if starts is None:
        from ..typeset.layout import print_page_starts

        starts = ctx.extras["page_starts"] = print_page_starts(doc, ctx.html.parts,
                                                               ctx.styles, ctx.timestamp)
    return starts


def _definitions(parts) -> dict[str, tuple[str, str]]:
    """Glossary entry id -> (term, its definition's first paragraph as inline HTML)."""
    import lxml.html

    found = {}
    for part in parts:
        if "glossterm" not in part.html:
            continue
        root = lxml.html.fragment_fromstring(part.html, create_parent="div")
        for term in root.iter("span"):
            if "glossterm" not in (term.get("class") or "").split():
                continue
            dt = term.getparent()
            dd = dt.getnext() if dt is not None else None
            para = dd.find("p") if dd is not None else None
            if para is None:
                continue
            inner = (html.escape(para.text or "") + "".join(
                lxml.html.tostring(child, encoding="unicode") for child in para))
            found[term.get("id")] = (" ".join(term.text_content().split()), inner)
    return found


def _part(part, doc: Document, starts: list, definitions: dict, svgs: dict, _
          ) -> tuple[str, list[tuple[str, str]]]:
    """One part as HTML for the page, and its (id, text) headings for the contents."""
    import lxml.html

    from ..typeset.pagination import insert_marker

    root = lxml.html.fragment_fromstring(part.html or "<p></p>", create_parent="div")

    def marker(number: int):
        return root.makeelement("span", {"id": f"page-{number}", "class": "pagebreak",
                                          "role": "doc-pagebreak",
                                          "aria-label": _.folio(number)})

    # Last page first: a marker changes no position an earlier page refers to.
    for start in sorted(starts, key=lambda s: s.number, reverse=True):
        insert_marker(root, start, marker)
    title_page = part.epub_type == "titlepage"
    # An article's text is headed by the title page's <h1> (its own is dropped below), so
    # its headings stay; every other part starts at <h1> and goes one level down.
    demote = not title_page and part.id != "article" and not part.id.startswith("article-")
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        classes = (el.get("class") or "").split()
        if el.tag == "h1" and "article-title" in classes:
            el.drop_tree()  # the title page's <h1> heads the article
            continue
        if re.fullmatch(r"h[1-5]", el.tag) and demote:
            el.tag = f"h{int(el.tag[1]) + 1}"  # one document: the title is the only <h1>
        if el.tag == "a" and "glossref" in classes:
            _term_button(el, definitions, _)
        elif el.tag == "img" and (el.get("src") or "").startswith(RESOURCE_SCHEME):
            _image(el, doc, svgs)
        elif el.tag == "table" and el.getparent() is not None:
            _scrolling(el)
        elif "glossterm" in classes:
            el.tag = "dfn"
        elif "glossary-backref" in classes and el.get("aria-label"):
            # The name a link is spoken by starts with what it shows (WCAG 2.5.3).
            shown = " ".join(el.text_content().split())
            el.set("aria-label", f"{shown}: {el.get('aria-label')}")
        if el.get("data-epub-type"):
            del el.attrib["data-epub-type"]
    content = (html.escape(root.text or "")
               + "".join(lxml.html.tostring(child, encoding="unicode") for child in root))
    headings = [(el.get("id"), text) for el in root.iter("h2") if el.get("id")
                and (text := " ".join(el.text_content().split())) != part.title]
    if title_page:
        return f'<header class="titlepage">\n{content}\n</header>', []
    if part.epub_type.startswith("bodymatter"):
        return f'<div class="body" id="part-{part.id}">\n{content}\n</div>', headings
    first = next((el.get("id") for el in root.iter("h2") if el.get("id")), None)
    label = f' aria-labelledby="{first}"' if first else f' aria-label="{html.escape(part.title)}"'
    return (f'<section class="appendix-part" id="part-{part.id}"{label}>\n{content}\n'
            '</section>'), headings


def _term_button(link, definitions: dict, _) -> None:
    """A glossary link as a button that opens the term's definition in place, followed
    by the definition as a popover (shown inline by a browser without popovers)."""
    import lxml.html

    target = (link.get("href") or "")[1:]
    found = definitions.get(target)
    if found is None:
        return
    term, inner = found
    ident = link.get("id") or f"use-{target}"
    popover = f"def-{ident}"
    more = html.escape(_("Glossary entry"))
    span = lxml.html.fragment_fromstring(
        f'<span class="glossdef" id="{popover}" popover="auto" role="note">'
        f'<span class="glossdef-term">{html.escape(term)}</span>{inner}'
        f'<a class="glossdef-more" href="#{target}">{more}</a></span>')
    span.tail, link.tail = link.tail, None
    link.tag = "button"
    for attr in ("href", "class"):
        del link.attrib[attr]
    link.set("type", "button")
    link.set("class", "glossref")
    link.set("popovertarget", popover)
    link.set("aria-haspopup", "dialog")
    link.set("id", ident)
    link.addnext(span)


def _image(img, doc: Document, svgs: dict) -> None:
    """An image as inline SVG (a map, its labels as text) or a ``data:`` URI."""
    key = img.get("src")[len(RESOURCE_SCHEME):]
    resource = doc.resources.get(key)
    if resource is None:
        return
    if BROWSER_SVG in resource.variants:
        _media, data = resource.best((BROWSER_SVG,))
        svgs[key] = _inline_svg(data.decode("utf-8"), key, img.get("alt") or resource.alt)
        slot = img.makeelement("svg-slot", {"data-key": key})
        slot.tail = img.tail
        img.getparent().replace(img, slot)
        return
    media_type, data = resource.best(_IMAGE_TYPES)
    if resource.pixels and media_type != "image/svg+xml":
        from ..read.images import for_ereaders

        data = for_ereaders(data, media_type)  # at most a screen's width
    img.set("src", f"data:{media_type};base64," + base64.b64encode(data).decode("ascii"))
    img.set("loading", "lazy")


def _inline_svg(svg: str, key: str, alt: str) -> str:
    """A map's SVG for inside HTML: ids made unique to it, its size left to the CSS
    (the viewBox keeps its shape), named by its text alternative."""
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg).strip()
    prefix = f"{key}-"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m[1]}"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{prefix}{m[1]})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m[1]}"', svg)
    svg = re.sub(r"<title>[\s\S]*?</title>", "", svg, count=1)
    head_end = svg.index(">")
    head = re.sub(r'\s(width|height|version)="[^"]*"', "", svg[:head_end])
    head += (f' role="img" aria-labelledby="{prefix}title" focusable="false">'
             f'<title id="{prefix}title">{html.escape(alt)}</title>')
    return head + svg[head_end + 1:]


def _scrolling(table) -> None:
    """A wide table in a box that scrolls sideways on a phone (focusable, so that a
    keyboard can scroll it too), named by the heading before it."""
    wrapper = table.makeelement("div", {"class": "table-scroll", "tabindex": "0",
                                        "role": "region"})
    heading = table.getprevious()
    while heading is not None and not re.fullmatch(r"h[1-6]", str(heading.tag)):
        heading = heading.getprevious()
    if heading is not None and heading.get("id"):
        wrapper.set("aria-labelledby", heading.get("id"))
    else:
        wrapper.set("aria-label", "table")
    table.addprevious(wrapper)
    wrapper.append(table)


def _toolbar(toc: list, pages: list[int], _) -> str:
    """The contents (parts and their sections), and the print pages: a switch that
    shows their numbers in the text, and the list of them."""
    esc = html.escape
    items = []
    for ident, title, headings in toc:
        inner = "".join(f'<li><a href="#{esc(h)}">{esc(text)}</a></li>' for h, text in headings)
        items.append(f'<li><a href="#part-{esc(ident)}">{esc(title)}</a>'
                     + (f"<ol>{inner}</ol>" if inner else "") + "</li>")
    out = (f'<details><summary>{esc(_("Contents"))}</summary>'
           f'<nav aria-label="{esc(_("Contents"))}"><ol>{"".join(items)}</ol></nav></details>')
    if pages:
        listed = "".join(f'<li><a href="#page-{n}">{esc(_.folio(n))}</a></li>' for n in pages)
        out += (f'<details><summary>{esc(_("Pages"))}</summary>'
                f'<p class="pages-switch"><input type="checkbox" id="show-pages">'
                f'<label for="show-pages">{esc(_("Show the page numbers of the PDF edition"))}'
                f'</label></p><nav class="page-list" role="doc-pagelist" '
                f'aria-label="{esc(_("Pages"))}"><ol>{listed}</ol></nav></details>')
    return out


def _colophon(doc: Document, _) -> str:
    """The other editions of the article, by file name (they sit beside this one)."""
    esc = html.escape
    links = [f'<a href="{esc(name)}" type="{esc(media)}">{esc(label)}</a>'
             for label, name, media in alternates(doc.slug, _)]
    if not links:
        return ""
    return f"<p>{esc(_('Also as {formats}', formats=chr(0)))}</p>".replace(
        chr(0), _.join(links))


def _fonts_css(css: str, article: str, svgs: dict) -> str:
    """``@font-face`` rules for the book face (when the stylesheet names it), subset to
    the page's text, and for the maps' label face, subset to the labels."""
    import lxml.html

    from ..typeset import ebook_fonts, web_fonts

    faces = []
    if ebook_fonts.uses_book_face(css):
        text = lxml.html.fromstring(f"<div>{article}</div>").text_content()
        faces += web_fonts.book_faces(text)
    labels = "".join(re.sub(r"<[^>]+>", "", t) for svg in svgs.values()
                     for t in re.findall(r"<text[^>]*>[^<]*</text>", svg))
    family = next(iter(re.findall(r'font-family="([^",]+)', "".join(svgs.values()))), None)
    if labels and family:
        weights = {"bold" if "font-weight=\"bold\"" in svg else "normal"
                   for svg in svgs.values()} | {"normal"}
        faces += web_fonts.map_faces(family, html.unescape(labels), weights)
    return web_fonts.font_face_css(faces) if faces else ""
