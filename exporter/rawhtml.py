"""Raw HTML in the Markdown, sanitised with nh3 before any edition sees it.

Scripts, event handlers, iframes, forms, ``style`` elements and attributes are
removed with a warning naming the line; what remains is HTML that is valid in an
EPUB 3 content document.
"""

from __future__ import annotations

import re

from .document import Document, elements
from .source import line_of

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


def sanitize(html: str) -> str:
    """Safe HTML for one raw chunk; lone opening or closing tags keep their role."""
    single = _SINGLE_TAG.match(html)
    if single:
        closing, tag, _attrs, self_closing = single.groups()
        tag = tag.lower()
        if tag not in SAFE_TAGS:
            return ""
        if closing:
            return f"</{tag}>"
        cleaned = _clean(html if self_closing or tag in ("br", "hr", "img", "wbr", "col")
                         else html + f"</{tag}>")
        return cleaned.removesuffix(f"</{tag}>")
    return _clean(html)


def sanitize_raw_html(doc: Document) -> None:
    """Sanitise every raw HTML block and inline of ``doc`` in place, warning per change."""
    import panflute as pf

    def visit(elem, _doc):
        if not isinstance(elem, (pf.RawBlock, pf.RawInline)):
            return None
        if elem.format not in ("html", "html5", "html4"):
            return [] if isinstance(elem, pf.RawInline) else pf.Null()
        removed = _removed(elem.text)
        if removed:
            line = line_of(doc.body_text, elem.text.strip()[:60], doc.body_line)
            where = f"{doc.source}:{line}" if line else str(doc.source)
            doc.warnings.append(f"{where}: removed unsafe HTML: {', '.join(removed)}")
        elem.text = sanitize(elem.text)
        return None

    if any(isinstance(e, (pf.RawBlock, pf.RawInline)) for e in elements(doc.ast)):
        doc.ast.walk(visit)  # it may remove elements: panflute's walk, only when needed
