"""EPUB 3 edition: the shared HTML parts packaged with ebooklib.

Each part becomes one XHTML file; the navigation document (toc, landmarks, list
of illustrations) is written here, and ebooklib writes the NCX for older readers
from the same table of contents.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from ..document import RESOURCE_SCHEME, Document
from ..typeset.html import Part
from ..reproducible import normalize_zip
from . import RenderContext

EXTENSION = "epub"
MEDIA_TYPE = "application/epub+zip"
USES_HTML = True
LAYS_OUT_PAGES = False
#: What this format takes from another's rendering: where the PDF's pages begin (when
#: the PDF is not built, the EPUB lays the pages out itself).
NEEDS = ("page_starts",)

_XHTML = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
lang="{lang}" xml:lang="{lang}" dir="{dir}">
<head>
<meta charset="utf-8"/>
<title>{title}</title>
<link rel="stylesheet" type="text/css" href="style/epub.css"/>
</head>
<body{body_attrs}>
{body}
</body>
</html>
"""

#: Classes the shared HTML uses -> EPUB 3 structural semantics.
_SEMANTICS = {
    "glossref": "glossref",
    "glossary-backref": "backlink",
    "figure-map": "figure",
}

#: EPUB 3 structural semantics -> the DPUB-ARIA role that says the same to assistive
#: technology (Ace by DAISY checks that every epub:type has it).
_ROLES = {
    "glossary": "doc-glossary", "glossref": "doc-glossref", "backlink": "doc-backlink",
    "appendix": "doc-appendix", "chapter": "doc-chapter", "noteref": "doc-noteref",
    "footnote": "doc-footnote", "endnotes": "doc-endnotes", "pagebreak": "doc-pagebreak",
    "toc": "doc-toc", "page-list": "doc-pagelist", "introduction": "doc-introduction",
    "bibliography": "doc-bibliography",
}
# glossterm (<dfn>: term), glossdef (<dd>: definition) and figure have theirs implicitly.

#: What every edition declares (EPUB Accessibility 1.1); checked by ``exporter check``.
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"

#: The parts that are landmarks (EPUB 3 navigation), each named in the edition's language.
LANDMARKS = ("cover", "titlepage", "bodymatter", "toc", "glossary", "bibliography", "loi")


def _landmark_titles(_) -> dict[str, str]:
    return {"cover": _("Cover"), "titlepage": _("Title page"),
            "bodymatter": _("Start of content"), "toc": _("Table of contents"),
            "glossary": _("Glossary"), "loi": _("List of maps")}


_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif",
               "image/svg+xml": "svg", "image/webp": "webp"}

#: Widest image an e-reader gets: a 6-inch e-ink screen is about 1072 x 1448 pixels.
EREADER_MAX_WIDTH = 1264


def _for_ereaders(png: bytes) -> bytes:
    """A print-resolution PNG scaled to e-reader width, grey, compressed (cached)."""
    from .. import cache

    key = cache.digest("ereader-png", str(EREADER_MAX_WIDTH), png)
    small = cache.get("images", key)
    if small is None:
        small = _scale_for_ereaders(png)
        cache.put("images", key, small)
    return small


def _scale_for_ereaders(png: bytes) -> bytes:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        if image.width <= EREADER_MAX_WIDTH:
            return png
        height = round(image.height * EREADER_MAX_WIDTH / image.width)
        grey = image.convert("L") if image.mode in ("L", "LA", "P", "RGB", "RGBA") else image
        # E-ink shows 16 grey levels; a 16-level palette makes the file several times smaller.
        small = grey.resize((EREADER_MAX_WIDTH, height), Image.LANCZOS).quantize(
            colors=16, dither=Image.Dither.NONE)
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
        return out.getvalue()


def _file_name(part: Part) -> str:
    return f"{part.id}.xhtml"


def _xhtml_body(fragment: str, id_files: dict[str, str], own_file: str,
                images: dict[str, str], starts: list = (), folio=str) -> str:
    """Well-formed XHTML for an HTML fragment, with cross-file links and semantics, and
    a page-break marker where each of the print edition's pages ``starts``."""
    import lxml.etree as etree
    import lxml.html

    from ..typeset.pagination import insert_marker

    wrapper = lxml.html.fragment_fromstring(fragment or "<p></p>", create_parent="div")

    def marker(number: int):
        return wrapper.makeelement("span", {
            "id": f"page-{number}", "role": "doc-pagebreak", "data-epub-type": "pagebreak",
            "aria-label": folio(number)})

    # Last page first: a marker changes no position that an earlier page refers to.
    for start in sorted(starts, key=lambda s: s.number, reverse=True):
        insert_marker(wrapper, start, marker)
    for el in wrapper.iter():
        if not isinstance(el.tag, str):
            continue
        classes = (el.get("class") or "").split()
        semantics = [_SEMANTICS[c] for c in classes if c in _SEMANTICS]
        if "glossterm" in classes:
            el.tag = "dfn"
            semantics.append("glossterm")
            dt_el = el.getparent()
            if dt_el is not None and dt_el.tag == "dt":
                dd = dt_el.getnext()
                if dd is not None and dd.tag == "dd":
                    dd.set("data-epub-type", "glossdef")
        if el.tag == "a" and el.get("role") == "doc-noteref":
            semantics.append("noteref")
        if el.tag == "aside" and el.get("role") == "doc-footnote":
            semantics.append("footnote")
        if el.tag == "section" and el.get("role") == "doc-endnotes":
            semantics.append("endnotes")
        if semantics:
            el.set("data-epub-type", " ".join(semantics))
        kinds = (el.get("data-epub-type") or "").split()
        role = next((_ROLES[k] for k in kinds if k in _ROLES), None)
        if role and not el.get("role"):
            el.set("role", role)
        href = el.get("href")
        if el.tag == "a" and href and href.startswith("#"):
            target = id_files.get(href[1:])
            if target and target != own_file:
                el.set("href", target + href)
        src = el.get("src")
        if src and src.startswith(RESOURCE_SCHEME):
            el.set("src", images[src[len(RESOURCE_SCHEME):]])
    body = "".join(
        etree.tostring(child, method="xml", encoding="unicode", with_tail=True)
        for child in wrapper
    )
    if wrapper.text and wrapper.text.strip():
        body = html.escape(wrapper.text) + body
    return body.replace(' data-epub-type="', ' epub:type="')


def _ids(fragment: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', fragment)


#: Levels of the table of contents (nav and NCX): the parts, and two levels of headings.
TOC_DEPTH = 3


def _nested(headings: list[tuple[int, str, str]], depth: int) -> list:
    """(level, href, text) headings as a tree of (href, text, children), at most
    ``depth`` levels deep; a heading is a child of the nearest one above it."""
    root: list = []
    stack: list[tuple[int, list]] = [(0, root)]
    for level, href, text in headings:
        while len(stack) > 1 and stack[-1][0] >= level:
            stack.pop()
        if len(stack) > depth:
            continue  # deeper than the table of contents goes
        node = (href, text, [])
        stack[-1][1].append(node)
        stack.append((level, node[2]))
    return root


def _ncx_entry(epub, node: tuple, uid: str):
    """An NCX entry (ebooklib's Link, or Section with children) for a toc tree node."""
    href, text, children = node
    if not children:
        return epub.Link(href, text, uid)
    return (epub.Section(text, href=href),
            [_ncx_entry(epub, child, f"{uid}-{n}") for n, child in enumerate(children, 1)])


def _nav_document(lang: str, toc: list, landmarks: list, loi: list,
                  page_list: list | None = None, direction: str | None = None) -> str:
    """The EPUB 3 navigation document: toc, landmarks, list of illustrations and the
    page list (the print edition's pages)."""
    from ..i18n import words

    esc = html.escape
    _ = words(lang)
    # Words that fell back to English are marked as English, for screen readers' voices.
    en = f' lang="{_.lang}" xml:lang="{_.lang}"' if _.fallback else ""

    def ol(entries: list) -> str:
        items = []
        for href, text, children in entries:
            inner = ol(children) if children else ""
            items.append(f'<li><a href="{esc(href)}">{esc(text)}</a>{inner}</li>')
        return "<ol>" + "".join(items) + "</ol>"

    marks = "".join(
        f'<li><a epub:type="{kind}" href="{esc(href)}">{esc(text)}</a></li>'
        for kind, href, text in landmarks
    )
    body = (f'<nav epub:type="toc" id="toc" role="doc-toc"><h1{en}>{esc(_("Contents"))}</h1>'
            f'{ol(toc)}</nav>\n'
            f'<nav epub:type="landmarks" id="landmarks" hidden="hidden">'
            f'<h2{en}>{esc(_("Landmarks"))}</h2><ol>{marks}</ol></nav>\n')
    if loi:
        body += (f'<nav epub:type="loi" id="loi"><h2{en}>{esc(_("List of maps"))}</h2>'
                 f'{ol(loi)}</nav>\n')
    if page_list:
        body += (f'<nav epub:type="page-list" id="page-list" role="doc-pagelist" '
                 f'hidden="hidden"><h2{en}>{esc(_("Pages"))}</h2>{ol(page_list)}</nav>\n')
    return _XHTML.format(lang=lang, dir=_.direction if direction is None else direction,
                         title=esc(_("Contents")), body_attrs="", body=body)


def render(doc: Document, ctx: RenderContext) -> bytes:
    """Package ``doc`` as an EPUB 3 with NCX, landmarks and a cover."""
    import io

    from ebooklib import epub

    from ..enrich.cover import cover_png
    from ..i18n import words

    meta = doc.meta
    lang = meta.lang
    direction = meta.direction
    title = doc.meta_text("title")
    book = epub.EpubBook()
    if direction == "rtl":  # the spine's page-progression-direction: pages turn leftwards
        book.set_direction(direction)
    book.set_identifier(meta.stable_identifier(doc.slug))
    book.set_title(title)
    book.set_language(lang)
    for n, author in enumerate(meta.authors, 1):
        book.add_author(author, uid="creator" if n == 1 else f"creator-{n}")
    if doc.description():
        book.add_metadata("DC", "description", doc.description())
    if meta.publisher:
        book.add_metadata("DC", "publisher", meta.publisher)
    if meta.rights:
        book.add_metadata("DC", "rights", meta.rights)
    for subject in meta.subjects:
        book.add_metadata("DC", "subject", subject)
    book.add_metadata("DC", "date", meta.date.isoformat())
    for other in doc.translations:  # the same story in other languages, by identifier
        book.add_metadata("DC", "relation", other.identifier)

    css = ctx.styles.css("epub.css", "epub")
    stylesheet = epub.EpubItem(uid="css", file_name="style/epub.css", media_type="text/css")
    book.add_item(stylesheet)  # its content once the text is known: see _embed_book_face

    images: dict[str, str] = {}
    for key, resource in sorted(doc.resources.items()):
        if key == doc.cover:
            continue  # packaged once, as the cover image, below
        if resource.ereader_png is not None:  # drawn for e-ink (maps): the print PNG unused
            media_type, data = "image/png", resource.for_ereaders()
        else:
            media_type, data = resource.best(("image/png", "image/jpeg", "image/gif",
                                              "image/svg+xml", "image/webp"))
            if media_type == "image/png" and resource.width_mm:
                data = _for_ereaders(data)
            elif resource.pixels:
                from ..read.images import for_ereaders

                data = for_ereaders(data, media_type)
        name = f"images/{key}.{_EXTENSIONS[media_type]}"
        images[key] = name
        book.add_item(epub.EpubItem(uid=f"img-{key}", file_name=name, media_type=media_type,
                                    content=data))

    cover = epub.EpubCover(uid="cover-image", file_name="images/cover.png")
    cover.content = cover_png(doc)
    book.add_item(cover)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    cover_page = epub.EpubItem(
        uid="cover", file_name="cover.xhtml", media_type="application/xhtml+xml",
        content=_XHTML.format(
            lang=lang, dir=direction, title=html.escape(title), body_attrs=' class="cover" epub:type="cover"',
            body=f'<section class="cover-image"><img src="images/cover.png" '
                 f'alt="{html.escape(title)}"/></section>').encode())
    book.add_item(cover_page)

    parts = ctx.html.parts
    starts = _page_starts(doc, ctx)
    starts_in: dict = {}  # part id -> its page starts (one pass, not one per part)
    for start in starts:
        starts_in.setdefault(start.part, []).append(start)
    id_files = {ident: _file_name(part) for part in parts for ident in _ids(part.html)}
    spine: list = [cover_page]
    toc: list = []
    ncx: list = []
    _ = words(lang)
    named = _landmark_titles(_)
    landmarks = [("cover", "cover.xhtml", named["cover"])]
    loi: list = []
    for part in parts:
        name = _file_name(part)
        body = _xhtml_body(part.html, id_files, name, images,
                           starts_in.get(part.id, []), folio=_.folio)
        kinds = part.epub_type.split()
        # Semantics with an ARIA role go on an element that can carry the role (not <body>).
        outer = [k for k in kinds if k not in _ROLES]
        inner = [k for k in kinds if k in _ROLES and f'data-epub-type="{k}"' not in part.html]
        if inner:
            body = (f'<section epub:type="{" ".join(inner)}" role="{_ROLES[inner[0]]}" '
                    f'aria-label="{html.escape(part.title)}">\n{body}\n</section>')
        if not set(kinds) & {"titlepage", "frontmatter", "bodymatter"}:
            outer.insert(0, "backmatter")
        body_attrs = f' epub:type="{" ".join(outer)}"' if outer else ""
        content = _XHTML.format(lang=lang, dir=direction, title=html.escape(part.title),
                                body_attrs=body_attrs, body=body)
        item = epub.EpubItem(uid=f"part-{part.id}", file_name=name,
                             media_type="application/xhtml+xml", content=content.encode())
        item.properties = [name for name, mark in (("svg", "<svg"), ("mathml", "<math"))
                           if mark in body]
        book.add_item(item)
        spine.append(item)
        children = _nested([(level, f"{name}#{hid}", text) for level, hid, text
                            in part.headings if level > 1 and hid and text != part.title],
                           TOC_DEPTH - 1)
        toc.append((name, part.title, children))
        ncx.append(_ncx_entry(epub, (name, part.title, children), f"nav-{part.id}"))
        semantics = kinds[0]
        if semantics in LANDMARKS and semantics != "loi" \
                and semantics not in {kind for kind, _, _ in landmarks}:
            landmarks.append((semantics, name, part.title))
        loi += [(f"{name}#{fid}", caption, []) for fid, caption in part.figures]
    landmarks.insert(2 if len(landmarks) > 1 else 1, ("toc", "nav.xhtml", named["toc"]))
    if loi:
        landmarks.append(("loi", "nav.xhtml#loi", named["loi"]))
    files = {part.id: _file_name(part) for part in parts}
    pages = [(f"{files[s.part]}#page-{s.number}", _.folio(s.number), [])
             for s in sorted(starts, key=lambda s: s.number)]
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml",
                        content=_nav_document(lang, toc, landmarks, loi, pages,
                                              direction).encode())
    nav.properties = ["nav"]
    book.add_item(nav)
    stylesheet.content = _embed_book_face(book, css, [item.content for item in spine + [nav]])
    book.add_item(epub.EpubNcx())
    book.toc = ncx
    book.spine = spine[:2] + [nav] + spine[2:]
    for prop, value in _accessibility(doc, parts, pages):
        book.add_metadata(None, "meta", value, {"property": prop})
    if pages:
        # Where the page-break markers come from: dc:source refined as the source of the
        # pagination (EPUB 3); the EPUBCheck in use does not know a11y:pageBreakSource.
        book.add_metadata("DC", "source", page_break_source(doc), {"id": "pagination-source"})
        book.add_metadata(None, "meta", "pagination",
                          {"refines": "#pagination-source", "property": "source-of"})

    modified = dt.datetime.fromtimestamp(ctx.timestamp, tz=dt.timezone.utc)
    out = io.BytesIO()
    epub.write_epub(out, book, {"mtime": modified, "epub3_pages": False, "epub3_landmark": False,
                                "raise_exceptions": True})
    return normalize_zip(out.getvalue(), rewrite={
        "EPUB/content.opf": lambda opf: _package_language(opf, lang),
        "EPUB/toc.ncx": lambda ncx_file: _ncx_page_list(ncx_file, pages, _("Pages"))})


def _embed_book_face(book, css: str, documents: list[bytes]) -> bytes:
    """The stylesheet, with the book face embedded when it names it: static fonts subset
    to the characters of the edition's ``documents`` (XHTML), in the manifest as
    ``font/ttf`` (an EPUB 3.3 core media type), loaded by ``@font-face`` rules."""
    from ebooklib import epub

    from ..typeset import ebook_fonts

    if not ebook_fonts.uses_book_face(css):
        return css.encode("utf-8")
    chars = ebook_fonts.characters([_text(doc) for doc in documents])
    faces = ebook_fonts.faces(chars) + ebook_fonts.fallback_faces(chars)
    for face in faces:
        book.add_item(epub.EpubItem(uid=f"font-{face.file_name.rsplit('/', 1)[-1][:-4]}",
                                    file_name=face.file_name, media_type="font/ttf",
                                    content=face.data))
    return (ebook_fonts.font_face_css(faces) + "\n" + css).encode("utf-8")


def _text(xhtml: bytes) -> str:
    """What a reader can draw of an XHTML document: its text and its alt texts."""
    import lxml.etree as etree

    root = etree.fromstring(xhtml)
    body = root.find("{http://www.w3.org/1999/xhtml}body")
    alts = [el.get("alt") or "" for el in root.iter("{http://www.w3.org/1999/xhtml}img")]
    return "".join(body.itertext() if body is not None else ()) + "".join(alts) \
        + (root.findtext(".//{http://www.w3.org/1999/xhtml}title") or "")


def _page_starts(doc: Document, ctx: RenderContext) -> tuple:
    """Where the print edition's pages begin: from the PDF built beside this EPUB, or
    from a layout of our own when the PDF is not being built."""
    starts = ctx.extras.get("page_starts")
    if starts is None:
        from ..typeset.layout import print_page_starts

        starts = ctx.extras["page_starts"] = print_page_starts(doc, ctx.html.parts,
                                                               ctx.styles, ctx.timestamp)
    return starts


def page_break_source(doc: Document) -> str:
    """The print edition whose page numbers the EPUB carries."""
    return f"{doc.meta.stable_identifier(doc.slug)} (PDF edition, {doc.slug}.pdf)"


def _accessibility(doc: Document, parts, pages: list) -> list[tuple[str, str]]:
    """EPUB Accessibility 1.1 metadata, declared from what this edition really has."""
    figures = sum(len(part.figures) for part in parts)
    described, undescribed = image_descriptions(part.html for part in parts)
    images = figures + described + undescribed > 0
    terms = sum(part.html.count('class="glossterm"') for part in parts)
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "ARIA",
                "displayTransformability"]
    if images and not undescribed:
        features.append("alternativeText")
    if any("<math" in part.html for part in parts):
        features.append("MathML")
    if pages:
        features += ["printPageNumbers", "pageBreakMarkers"]
    from ..i18n import words

    _ = words(doc.meta.lang)
    if undescribed:
        # An image without a text description fails WCAG 1.1.1: no claim of conformance.
        summary = [_.n("{n} image has no text description, so this publication does not "
                       "meet WCAG 2.1 Level AA.",
                       "{n} images have no text description, so this publication does not "
                       "meet WCAG 2.1 Level AA.", undescribed, n=_.number(undescribed))]
    else:
        summary = [_("This publication meets WCAG 2.1 Level AA and EPUB Accessibility 1.1.")]
    summary.append(_("It has a table of contents, landmarks, and headings in order."))
    if figures:
        summary.append(_.n("Its {n} map has a text description, and a gazetteer table "
                           "lists every place shown as text.",
                           "Its {n} maps each have a text description, and a gazetteer "
                           "table lists every place shown as text.",
                           figures, n=_.number(figures)))
    if terms:
        summary.append(_.n("A glossary of {n} term is linked from its first use in the "
                           "text, with links back.",
                           "A glossary of {n} terms is linked from their first use in the "
                           "text, with links back.", terms, n=_.number(terms)))
    if pages:
        summary.append(_.n("Page-break markers and a page list give the page numbers of "
                           "the PDF edition ({n} page).",
                           "Page-break markers and a page list give the page numbers of "
                           "the PDF edition ({n} pages).", len(pages), n=_.number(len(pages))))
    summary.append(_("The text can be resized and restyled; nothing flashes, moves or plays "
                     "sound."))
    meta = [("schema:accessMode", "textual")]
    if images:
        meta.append(("schema:accessMode", "visual"))
        meta.append(("schema:accessModeSufficient", "textual,visual"))
    meta.append(("schema:accessModeSufficient", "textual"))
    meta += [("schema:accessibilityFeature", f) for f in features]
    meta += [("schema:accessibilityHazard", "none"),
             ("schema:accessibilitySummary", " ".join(summary))]
    if not undescribed:
        meta.append(("dcterms:conformsTo", CONFORMS_TO))
    return meta


#: The ``<img>`` tags of the shared HTML, and what says an image is ornament only.
_IMG = re.compile(r"<img\b[^>]*>")
_PRESENTATION = re.compile(r'\srole="(?:presentation|none)"')
_ALT = re.compile(r'\salt="([^"]*)"')


def image_descriptions(fragments) -> tuple[int, int]:
    """(described, undescribed): the images of the HTML ``fragments`` with a text
    description, and those with none that are not marked as ornament (decorative
    images, ``role="presentation"``, count in neither)."""
    described = undescribed = 0
    for fragment in fragments:
        for tag in _IMG.findall(fragment):
            if _PRESENTATION.search(tag):
                continue
            alt = _ALT.search(tag)
            if alt and alt.group(1).strip():
                described += 1
            else:
                undescribed += 1
    return described, undescribed


def _package_language(opf: bytes, lang: str) -> bytes:
    """The package's own language (xml:lang), which ebooklib does not write."""
    return opf.replace(b"<package ", f'<package xml:lang="{html.escape(lang)}" '.encode(), 1)


def _ncx_page_list(ncx: bytes, pages: list, title: str = "Pages") -> bytes:
    """The NCX's pageList (for reading systems that predate EPUB 3): the same pages."""
    import lxml.etree as etree

    if not pages:
        return ncx
    ns = "http://www.daisy.org/z3986/2005/ncx/"
    root = etree.fromstring(ncx)
    for meta in root.iter(f"{{{ns}}}meta"):
        if meta.get("name") in ("dtb:totalPageCount", "dtb:maxPageNumber"):
            meta.set("content", str(len(pages)))
    page_list = etree.SubElement(root, f"{{{ns}}}pageList")
    label = etree.SubElement(etree.SubElement(page_list, f"{{{ns}}}navLabel"), f"{{{ns}}}text")
    label.text = title
    for href, number, _ in pages:
        target = etree.SubElement(page_list, f"{{{ns}}}pageTarget",
                                  {"id": f"pagetarget-{number}", "type": "normal",
                                   "value": number})
        text = etree.SubElement(etree.SubElement(target, f"{{{ns}}}navLabel"), f"{{{ns}}}text")
        text.text = number
        etree.SubElement(target, f"{{{ns}}}content", {"src": href})
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
