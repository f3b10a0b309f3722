"""Raw HTML in the Markdown, sanitised with nh3 before any edition sees it.

Scripts, event handlers, iframes, forms, ``style`` elements and attributes are
removed with a warning naming the line; what remains is HTML that is valid in an
EPUB 3 content document.
"""

from __future__ import annotations

import re

from ..document import Document, elements

#: Elements that are valid HTML5/XHTML in EPUB 3 and carry no behaviour.
SAFE_TAGS = {
    "a", "abbr", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite",
    "code", "col", "colgroup", "data", "dd", "del", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
    "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "var", "wbr",
}
_GLOBAL = {"id", "class", "lang", "title", "dir"}
SAFE_ATTRIBUTES = {tag: set(_GLOBAL) for tag in SAFE_TAGS}
for _tag, _extra in {"a": {"href"}, "img": {"src", "alt", "width", "height"},
                     "td": {"colspan", "rowspan", "headers"},
                     "th": {"colspan", "rowspan", "headers", "scope"}, "ol": {"start", "reversed"},
                     "time": {"datetime"}, "data": {"value"}, "q": {"cite"},
                     "blockquote": {"cite"}, "del": {"datetime"}, "ins": {"datetime"}}.items():
    SAFE_ATTRIBUTES[_tag] |= _extra

_SINGLE_TAG = re.compile(r"^\s*<(/?)([a-zA-Z][a-zA-Z0-9]*)\b([^<>]*?)(/?)>\s*$", re.S)
_TAG_NAMES = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9-]*)")
_HANDLERS = re.compile(r"\s(on[a-z]+|style)\s*=", re.I)
#: URLs inside raw HTML that the build would have to read: checked like Markdown images.
URL_ATTRIBUTES = re.compile(r"""\b(src|href|srcset|poster|data)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))""",
                            re.I)


#: Schemes are policed by ``references`` (with a clear error), not dropped silently here.
_ANY_SCHEME = {"http", "https", "mailto", "file", "ftp", "data", "resource", "javascript"}


def _clean(html: str) -> str:
    import nh3

    return nh3.clean(html, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, strip_comments=True,
                     link_rel=None, url_schemes=_ANY_SCHEME)


def _removed(original: str) -> list[str]:
    """What sanitising takes out, for the warning."""
    tags = sorted({t.lower() for t in _TAG_NAMES.findall(original)} - SAFE_TAGS)
    attrs = sorted({a.lower() for a in _HANDLERS.findall(original)})
    return [f"<{t}>" for t in tags] + [f"{a}=" for a in attrs]


_VOID = {"br", "hr", "img", "wbr", "col"}


def _lone_tag(html: str) -> str:
    """One opening tag rebuilt from its safe attributes. Pandoc hands a raw HTML table
    over tag by tag (``<table>``, ``<tr>``, Markdown, ``</td>`` ...); cleaned alone by an
    HTML5 parser, a ``<tr>`` outside its table would be dropped and the table broken."""
    from html import escape
    from html.parser import HTMLParser

    found: list = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

        handle_startendtag = handle_starttag

    Parser(convert_charrefs=True).feed(html)
    if not found or found[0][0] not in SAFE_TAGS:
        return ""
    tag, attrs = found[0]
    allowed = SAFE_ATTRIBUTES[tag]
    kept = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs
                   if name in allowed)
    return f"<{tag}{kept}/>" if tag in _VOID else f"<{tag}{kept}>"


def sanitize(html: str) -> str:
    """Safe HTML for one raw chunk; lone opening or closing tags keep their role."""
    single = _SINGLE_TAG.match(html)
    if single:
        closing, tag = single.group(1), single.group(2).lower()
        if tag not in SAFE_TAGS:
            return ""
        return f"</{tag}>" if closing else _lone_tag(html)
    return _clean(html)


#: Raw formats that are TeX of some kind (pandoc reads ``\cite``, ``\begin{tabular}``).
_TEX = {"tex", "latex", "context"}


def drop_foreign_raw(doc: Document) -> None:
    """Raw content for another output (TeX, ConTeXt, ``{=openxml}`` ...) means nothing in
    these editions: it is dropped with a warning naming its line."""
    import panflute as pf

    from .links import BodyFinder

    foreign = [e for e in elements(doc.ast) if isinstance(e, (pf.RawBlock, pf.RawInline))
               and e.format not in ("html", "html5", "html4")]
    if not foreign:
        return
    finder = BodyFinder(doc)
    for elem in foreign:
        kind = "TeX" if elem.format in _TEX else f"raw {elem.format}"
        text = " ".join(elem.text.split())
        shown = text if len(text) <= 40 else text[:37] + "..."
        doc.warnings.append(f"{finder.where(doc, elem.text.strip()[:30])}: {kind} '{shown}' "
                            "has no meaning in these editions and is left out")
    for elem in reversed(foreign):
        del elem.container[elem.index]


def sanitize_raw_html(doc: Document) -> None:
    """Sanitise every raw HTML block and inline of ``doc`` in place, warning per change
    (other raw formats are gone by now: ``drop_foreign_raw``)."""
    import panflute as pf

    from .links import BodyFinder

    finder = BodyFinder(doc)
    for elem in elements(doc.ast):
        if not isinstance(elem, (pf.RawBlock, pf.RawInline)):
            continue
        removed = _removed(elem.text)
        if removed:
            where = finder.where(doc, elem.text.strip()[:60])
            doc.warnings.append(f"{where}: removed unsafe HTML: {', '.join(removed)}")
        elem.text = sanitize(elem.text)
