"""DOCX edition: pandoc's docx writer with the reference template from ``styles/``.

The AST is adapted for Word before writing: images become embedded data, glossary
entries become bookmarks, their back-references PAGEREF fields, so Word shows
page numbers.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re

from ..document import RESOURCE_SCHEME, Document, walk_json
from ..pandoc import run_pandoc
from ..reproducible import normalize_zip
from . import RenderContext

EXTENSION = "docx"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
USES_HTML = False
LAYS_OUT_PAGES = False


def _with_reference(ctx: RenderContext, run):
    """``run(path)`` with the path of the reference document: the house style's, with
    its theme applied (typeface, base size) in a temporary copy when it has one."""
    import tempfile
    from pathlib import Path

    reference = ctx.styles.file("reference.docx")
    theme = ctx.styles.theme
    themed = theme.reference_docx(reference.read_bytes()) if theme is not None else None
    if themed is None or themed == reference.read_bytes():
        return run(reference)
    with tempfile.TemporaryDirectory(prefix="exporter-") as folder:
        path = Path(folder) / "reference.docx"
        path.write_bytes(themed)
        return run(path)


def _meta_string(text: str) -> dict:
    return {"t": "MetaInlines", "c": [{"t": "Str", "c": text}]}


def _pageref(bookmark: str, page: str) -> dict:
    """A raw OOXML PAGEREF field: Word fills in the page number of ``bookmark`` when it
    updates fields (``w:dirty``: on opening); until then, and where fields are never
    updated (Protected View, other readers), it shows ``page``, the estimate, written
    in the language's digits (``i18n.Words.folio``)."""
    xml = (f'<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
           f'<w:r><w:instrText xml:space="preserve"> PAGEREF {bookmark} \\h </w:instrText></w:r>'
           f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
           f'<w:r><w:t>{page}</w:t></w:r>'
           f'<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return {"t": "RawInline", "c": ["openxml", xml]}


#: Words on a page of the reference document (A4, 11 pt body, 2.5 cm margins), a
#: picture's share of a page in words, and the title block's: what ``estimated_pages``
#: counts with.
WORDS_PER_PAGE, PICTURE_WORDS, TITLE_WORDS = 520, 260, 60


def estimated_pages(blocks: list) -> dict[str, int]:
    """Identifier -> the page the element with that id is likely on in Word: the words
    before it in the document's flow (a picture counts ``PICTURE_WORDS``), over
    ``WORDS_PER_PAGE``, a page break starting a new page. A best estimate, given as
    the cached result of the PAGEREF fields, so that no reader sees "#"."""
    found: dict[str, int] = {}
    state = {"page": 1, "words": TITLE_WORDS}

    def visit(node: dict) -> None:
        kind = node.get("t")
        if kind == "Str":
            state["words"] += 1
        elif kind == "Image":
            state["words"] += PICTURE_WORDS
        elif node is _PAGE_BREAK or (kind == "RawBlock" and 'w:type="page"' in node["c"][1]):
            state["page"] += 1 + state["words"] // WORDS_PER_PAGE
            state["words"] = 0
        elif kind in ("Span", "Div", "Header", "Link") and isinstance(node.get("c"), list):
            ident = node["c"][1][0] if kind == "Header" else node["c"][0][0]
            if ident:
                found.setdefault(ident, state["page"] + state["words"] // WORDS_PER_PAGE)

    walk_json(blocks, visit)
    return found


#: The title pandoc writes into a picture's ``wp:docPr`` for an image its author marked
#: as ornament (``{.decorative}``); ``_picture_descriptions`` turns it into Word's mark.
_DECORATIVE_TITLE = "exporter:decorative"
#: Word's mark of a decorative picture (Office 2019 and later; older readers ignore it).
_WORD_DECORATIVE = (b'<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                    b'<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
                    b'<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/'
                    b'drawing/2017/decorative" val="1"/></a:ext></a:extLst>')


#: Word ignores bookmark names longer than this.
_BOOKMARK_MAX = 40


def bookmark(identifier: str) -> str:
    """The Word bookmark name for an identifier: itself, or a stable shortening."""
    if len(identifier) <= _BOOKMARK_MAX:
        return identifier
    return f"{identifier[:_BOOKMARK_MAX - 13]}-{hashlib.sha1(identifier.encode()).hexdigest()[:12]}"


_PAGE_BREAK = {"t": "RawBlock", "c": ["openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>']}


def _adapt_for_word(doc: Document, ast: dict) -> None:
    """Embed images, bookmark glossary uses and turn back-references into PAGEREF fields."""

    def visit(node: dict) -> None:
        _raw_images(node)
        kind = node.get("t")
        content = node.get("c")
        # Attr triples of blocks/inlines that carry ids; links to them.
        if kind in ("Header",):
            content[1][0] = bookmark(content[1][0])
        elif kind in ("Div", "Span", "Link", "Image", "CodeBlock", "Code"):
            content[0][0] = bookmark(content[0][0])
        if kind == "Link" and content[2][0].startswith("#"):
            content[2][0] = "#" + bookmark(content[2][0][1:])
        if kind == "Image":
            target = node["c"][2]
            url = target[0]
            if url.startswith(RESOURCE_SCHEME):
                resource = doc.resources[url[len(RESOURCE_SCHEME):]]
                media_type, data = _for_word(resource)
                if resource.pixels:
                    from ..read.images import for_print

                    data = for_print(data, media_type)
                target[0] = f"data:{media_type};base64," + base64.b64encode(data).decode()
                attrs = node["c"][0][2]
                if resource.width_mm and not any(k == "width" for k, _ in attrs):
                    attrs.append(["width", f"{resource.width_mm / 10:.2f}cm"])
            if "decorative" in node["c"][0][1]:
                target[1] = _DECORATIVE_TITLE

    walk_json(ast["blocks"], visit)
    # Each appendix (and a collection's chapter) starts on a new page, as in the PDF.
    blocks = ast["blocks"]
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if block.get("t") == "Div" and {"appendix", "chapter"} & set(block["c"][0][1]):
            blocks.insert(i, _PAGE_BREAK)
    pages = estimated_pages(blocks)
    from ..i18n import words

    folio = words(doc.meta.lang).folio

    def wrap_uses(blocks: list) -> None:
        for node_list in _lists(blocks):
            for i, node in enumerate(node_list):
                if not isinstance(node, dict) or node.get("t") != "Link":
                    continue
                (ident, classes, attrs), inlines, (url, title) = node["c"]
                if "glossary-backref" in classes and url.startswith("#"):
                    node_list[i] = {"t": "Link", "c": [["", classes, attrs],
                                                       [_pageref(url[1:], folio(pages.get(url[1:], 1)))],
                                                       [url, title]]}
                elif "glossref" in classes and ident:
                    # Word bookmarks come from Span ids, not Link ids.
                    node["c"][0][0] = ""
                    node_list[i] = {"t": "Span", "c": [[ident, [], []], [node]]}

    wrap_uses(ast["blocks"])

    def label_uses(node: dict) -> None:
        # "Used on page 3, 5": the numbers are PAGEREF fields Word fills in; the label
        # for screens ("Back to the text:") is left out.
        if node.get("t") == "Span" and "glossary-uses" in node["c"][0][1]:
            node["c"][1][:] = [n for n in node["c"][1]
                               if not (n.get("t") == "Span" and "uses-screen" in n["c"][0][1])]

    walk_json(ast["blocks"], label_uses)

    def drop_screen_keys(node: dict) -> None:
        # The map's key as text is for screens; Word gets the printed map, key included.
        if node.get("t") == "Figure":
            blocks = node["c"][2]
            blocks[:] = [b for b in blocks
                         if not (b.get("t") == "Div" and "map-key" in b["c"][0][1])]

    walk_json(ast["blocks"], drop_screen_keys)


_RAW_IMAGE = re.compile(r"<img\b[^>]*>", re.I)


def _raw_images(node: dict) -> None:
    """Raw HTML holding ``<img>`` (alone, or the image of a ``<figure>``, which pandoc
    hands over tag by tag) made pandoc images in place: Word is given nothing of raw
    HTML, and the image would be lost without a word. Its alt text, width and height
    go with it; the ``<figcaption>``'s text is a paragraph of its own already."""
    if node.get("t") not in ("RawInline", "RawBlock"):
        return
    fmt, text = node["c"]
    if fmt not in ("html", "html5", "html4") or "<img" not in text.lower():
        return
    from html.parser import HTMLParser

    images: list[dict] = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag != "img":
                return
            found = dict(attrs)
            src = found.get("src") or ""
            if not src:
                return
            alt = found.get("alt") or ""
            sizes = [[k, found[k]] for k in ("width", "height") if found.get(k)]
            images.append({"t": "Image", "c": [["", [], sizes],
                                               [{"t": "Str", "c": alt}] if alt else [],
                                               [src, ""]]})

        handle_startendtag = handle_starttag

    Images(convert_charrefs=True).feed(text)
    if not images:
        return
    if node["t"] == "RawBlock":
        replacement = {"t": "Plain", "c": images}
    elif len(images) == 1:
        replacement = images[0]
    else:
        replacement = {"t": "Span", "c": [["", [], []], images]}
    node.clear()
    node.update(replacement)


_DRAWING_NAMES = re.compile(rb"<wp:docPr\b[^>]*>|<pic:cNvPr\b[^>]*>")
_DESCR = re.compile(rb'\sdescr="([^"]*)"')


def _picture_descriptions(body: bytes) -> bytes:
    """Each picture described by its alt text only: pandoc puts the image's URL (for us
    a data: URI, the whole image in base64) in the picture's own ``descr``, which made
    document.xml several times the size of the images and too large for some readers.
    A picture its author marked as ornament gets Word's mark of a decorative one."""
    alt = b""

    def fix(match: re.Match) -> bytes:
        nonlocal alt
        tag = match.group(0)
        found = _DESCR.search(tag)
        if tag.startswith(b"<wp:docPr"):
            alt = found.group(1) if found else b""
            if f'title="{_DECORATIVE_TITLE}"'.encode() in tag and tag.endswith(b"/>"):
                tag = tag.replace(f' title="{_DECORATIVE_TITLE}"'.encode(), b' title=""')
                return tag[:-2].rstrip() + b">" + _WORD_DECORATIVE + b"</wp:docPr>"
            return tag
        if found is None:
            return tag
        return tag[:found.start(1)] + alt + tag[found.end(1):]

    return _DRAWING_NAMES.sub(fix, body)


#: The start of a numbered caption: "Map 1. ..." in the first run of a Caption paragraph.
#: A caption's first run: its label and number in any language ("Map 1", "Քարտեզ 1",
#: "نقشهٔ ۱"), matched on the decoded text so that \d is any script's digit.
_CAPTION_NUMBER = re.compile(
    r'(<w:pStyle w:val="(?:Caption|TableCaption)" ?/>(?:<w:bidi ?/>)?</w:pPr>)<w:r>(<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?'
    r'<w:t xml:space="preserve">(\S+) (\d+)([^<]*)</w:t></w:r>')


#: An SVG image is drawn for Word at this resolution (Word's support for SVG needs a
#: PNG fallback anyway, and LibreOffice shows that).
SVG_DPI = 300


def _for_word(resource) -> tuple[str, bytes]:
    """The image as Word takes it: PNG or JPEG; an SVG drawn to PNG (cairosvg, which
    reads no external file and expands no entity)."""
    try:
        return resource.best(("image/png", "image/jpeg"))
    except KeyError:
        if "image/svg+xml" not in resource.variants:
            raise
    import cairosvg

    from ..errors import BuildError

    _media, svg = resource.best(("image/svg+xml",))
    scale = SVG_DPI / 96
    try:
        return "image/png", cairosvg.svg2png(bytestring=svg, scale=scale, unsafe=False)
    except Exception as exc:  # noqa: BLE001 - any failure of a drawing is the image's
        raise BuildError(f"the SVG image {resource.key.removeprefix('img-')} cannot be drawn "
                         f"for the DOCX: {exc}",
                         hint="check that it opens in a browser, or give a PNG") from None


def _seq_fields(lang: str):
    """``re.sub``'s replacement for a caption: its label, its number as a SEQ field, the
    rest. The sequence is named "Map", "Figure" or "Table" in every language (an
    identifier: the label shown is the language's); a caption with another label is
    left as it is."""
    from ..i18n import words

    _ = words(lang)
    one = _.number(1)
    sequences = {}
    for name, text in (("Map", _("Map {number}. {title}", number=one, title="")),
                       ("Figure", _("Figure {number}", number=one)),
                       ("Table", _("Table {number}", number=one))):
        sequences.setdefault(text.split()[0], name)

    def replace(match: re.Match) -> str:
        ppr, rpr, label, number, rest = match.groups()
        if label not in sequences:
            return match.group(0)
        rpr = rpr or ""

        def run(text: str) -> str:
            return '<w:r>' + rpr + '<w:t xml:space="preserve">' + text + '</w:t></w:r>'

        # A complex field (begin, instruction, separate, result, end): its result is an
        # ordinary run, which every reader of the file sees as text.
        field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
                 f'xml:space="preserve"> SEQ {sequences[label]} \\* ARABIC </w:instrText></w:r>'
                 '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run(number)
                 + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        return ppr + run(label + " ") + field + (run(rest) if rest else "")

    return replace


_CROSSREF_TARGET = re.compile(r'<w:bookmarkStart w:id="(\d+)" w:name="((?:fig|tbl)-[^"]+)" ?/>')
_CAPTION_START = re.compile(r'<w:pStyle w:val="(?:Caption|TableCaption)" ?/>(?:<w:bidi ?/>)?</w:pPr>')
_FIELD_END = '<w:fldChar w:fldCharType="end"/></w:r>'


def _reference_fields(body: str) -> str:
    """Cross-references to figures and tables (read/crossrefs.py) as Word REF fields:
    each caption's label and SEQ number get a bookmark, and each link to the figure or
    table becomes a REF to it (its shown text unchanged), which Word updates with the
    numbers."""
    ids = [int(i) for i in re.findall(r'<w:bookmarkStart w:id="(\d+)"', body)]
    next_id = max(ids, default=0) + 1
    names: dict[str, str] = {}
    for target in list(_CROSSREF_TARGET.finditer(body)):
        bookmark_id, ident = target.groups()
        # The figure's or table's own bookmark spans its caption: find it in there.
        start = body.find(target.group(0))
        end = body.find(f'<w:bookmarkEnd w:id="{bookmark_id}"', start)
        caption = _CAPTION_START.search(body, start, end if end > 0 else len(body))
        if caption is None:
            continue
        paragraph_end = body.find("</w:p>", caption.end())
        field_end = body.find(_FIELD_END, caption.end(), paragraph_end)
        if field_end < 0:
            continue  # a caption without its SEQ number
        name = "_Ref" + hashlib.sha1(ident.encode("utf-8")).hexdigest()[:12]
        stop = field_end + len(_FIELD_END)
        body = (body[:caption.end()] + f'<w:bookmarkStart w:id="{next_id}" w:name="{name}"/>'
                + body[caption.end():stop] + f'<w:bookmarkEnd w:id="{next_id}"/>' + body[stop:])
        names[ident] = name
        next_id += 1
    if not names:
        return body

    def field(match: re.Match) -> str:
        name = names.get(match.group(1))
        if name is None:
            return match.group(0)
        return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
                f'xml:space="preserve"> REF {name} \\h </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + match.group(2)
                + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')

    return re.sub(r'<w:hyperlink w:anchor="((?:fig|tbl)-[^"]+)">(.*?)</w:hyperlink>', field,
                  body, flags=re.S)


def _lists(node):
    """Every list inside pandoc JSON (inline and block sequences), depth first."""
    if isinstance(node, list):
        yield node
        for item in node:
            yield from _lists(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _lists(value)


def render(doc: Document, ctx: RenderContext) -> bytes:
    """Write ``doc`` as DOCX with real Word styles and core properties."""
    from ..i18n import words

    meta = doc.meta
    ast = doc.ast.to_json()
    pandoc_meta = ast["meta"]
    if meta.authors:
        pandoc_meta["author"] = {"t": "MetaList", "c": [_meta_string(a) for a in meta.authors]}
    pandoc_meta["date"] = _meta_string(words(meta.lang).date(meta.date))
    pandoc_meta["lang"] = _meta_string(meta.lang)
    if meta.direction == "rtl":  # pandoc then writes w:bidi paragraphs and w:rtl runs
        pandoc_meta["dir"] = _meta_string("rtl")
    if meta.subjects:
        pandoc_meta["subject"] = _meta_string(meta.subjects[0])
        pandoc_meta["keywords"] = {"t": "MetaList",
                                   "c": [_meta_string(s) for s in meta.subjects]}
    if doc.description():
        pandoc_meta["description"] = _meta_string(doc.description())
    if meta.rights:
        pandoc_meta["rights"] = _meta_string(meta.rights)
    pandoc_meta["identifier"] = _meta_string(meta.stable_identifier(doc.slug))
    for key, value in meta.passed_through.items():  # custom document properties
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) \
                and key not in pandoc_meta:
            pandoc_meta[key] = _meta_string(str(value))
    _adapt_for_word(doc, ast)
    if doc.translations:
        ast["blocks"].insert(0, _translations_paragraph(doc))
    data = _with_reference(ctx, lambda reference: run_pandoc(
        ["--from", "json", "--to", "docx", "--reference-doc", str(reference), "--output", "-"],
        json.dumps(ast), timestamp=ctx.timestamp, files=(reference.read_bytes(),)))
    stamp = dt.datetime.fromtimestamp(ctx.timestamp, tz=dt.timezone.utc)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def dated(core: bytes) -> bytes:
        # Sandboxed pandoc has no clock and writes 1970; use the build timestamp.
        return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + iso, core)

    def captions(body: bytes) -> bytes:
        # Figure captions in Word's own Caption style (pandoc uses "Image Caption"),
        # numbered by SEQ fields ("Map 1"), so Word's table of figures finds them.
        body = body.replace(b'w:pStyle w:val="ImageCaption"', b'w:pStyle w:val="Caption"')
        body = _reference_fields(_CAPTION_NUMBER.sub(_seq_fields(meta.lang),
                                                     body.decode("utf-8"))).encode("utf-8")
        if meta.direction == "rtl":
            body = _right_to_left(body)
        body = _complex_script_runs(body)
        return _picture_descriptions(body)

    def styles(part: bytes) -> bytes:
        # Word's language for complex scripts: the edition's, not the template's ar-SA;
        # and a face that has the script for complex-script text (w:cs), not Georgia.
        if meta.direction != "rtl":
            return part
        from ..house.fonts import complex_script_face

        part = re.sub(rb'w:bidi="[^"]*"', b'w:bidi="' + _word_language(meta.lang) + b'"', part)
        face = complex_script_face(meta.lang)
        if face:
            part = re.sub(rb'(<w:rFonts [^>]*?)w:cs="[^"]*"', rb'\1w:cs="' + face.encode() + b'"',
                          part)
            part = re.sub(rb'w:cstheme="[^"]*"', b'w:cs="' + face.encode() + b'"', part)
        return part

    return normalize_zip(data, first=("[Content_Types].xml",),
                         rewrite={"docProps/core.xml": dated, "word/document.xml": captions,
                                  "word/styles.xml": styles})


def _translations_paragraph(doc: Document) -> dict:
    """Below the title block: the story's other languages, each named in its own language
    (a Span with its ``lang``, which pandoc writes as the run's ``w:lang``)."""
    from ..i18n import autonym, words

    _ = words(doc.meta.lang)
    before, _gap, after = _("Also published in {languages}", languages="\0").partition("\0")
    joined = _.join(["\0"] * len(doc.translations)).split("\0")
    inlines: list[dict] = [{"t": "Str", "c": before}] if before else []
    for i, other in enumerate(doc.translations):
        if joined[i]:
            inlines.append({"t": "Str", "c": joined[i]})
        inlines.append({"t": "Span", "c": [["", [], [["lang", other.lang],
                                                     ["dir", words(other.lang).direction]]],
                                           [{"t": "Str", "c": autonym(other.lang)}]]})
    if joined[-1] or after:
        inlines.append({"t": "Str", "c": joined[-1] + after})
    return {"t": "Div", "c": [["", [], [["custom-style", "Translations"]]],
                              [{"t": "Para", "c": inlines}]]}


def _word_language(tag: str) -> bytes:
    """A language tag as Word names languages: with its region ("fa" -> "fa-IR")."""
    import icu

    likely = icu.Locale.addLikelySubtags(icu.Locale.forLanguageTag(tag))
    region = likely.getCountry()
    return (f"{likely.getLanguage()}-{region}" if region else likely.getLanguage()).encode()


def _complex_script_runs(body: bytes) -> bytes:
    """A right-to-left run's language as Word reads it for complex scripts: ``w:bidi``
    (pandoc writes ``w:val``, Word's language for Latin text, beside ``w:rtl``)."""
    return re.sub(rb'(<w:rtl\s*/>)<w:lang w:val="([^"]+)"\s*/>',
                  lambda m: m.group(1) + b'<w:lang w:bidi="' + _word_language(
                      m.group(2).decode()) + b'" />', body)


def _right_to_left(body: bytes) -> bytes:
    """What pandoc's ``dir: rtl`` leaves out: tables laid out right to left
    (``w:bidiVisual``) and the section's right-to-left pages, gutter on the right."""
    # The schema's order: bidiVisual after tblStyle (and tblpPr, tblOverlap, which pandoc
    # does not write); bidi and rtlGutter after the page settings, before docGrid.
    body = re.sub(rb"(<w:tblPr>(?:<w:tblStyle [^>]*/>)?)", rb"\1<w:bidiVisual/>", body)

    def section(m: re.Match) -> bytes:
        inner = m[2]
        at = inner.find(b"<w:docGrid")
        at = len(inner) if at < 0 else at
        return m[1] + inner[:at] + b"<w:bidi/><w:rtlGutter/>" + inner[at:] + m[3]

    return re.sub(rb"(<w:sectPr>)((?:(?!</w:sectPr>).)*?)(</w:sectPr>)", section, body,
                  flags=re.S)
