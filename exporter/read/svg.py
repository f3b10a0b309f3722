"""The author's SVG images made safe to ship: no script, no entities, nothing outside.

An SVG is a program as much as a picture: it may run script, declare entities that
expand a kilobyte into gigabytes ("billion laughs"), or draw files from the reader's
disk or the network (``<image href="file:///...">``). Every edition embeds what this
module gives back: the drawing re-serialised from a parse that expands no entity and
fetches nothing, with script, event handlers and foreign (HTML) content removed.
References to anything but the image itself (``#id``) or an embedded raster image
(``data:image/png;base64,...``) stop the build with the reason.
"""

from __future__ import annotations

import re

from .images import ImageProblem

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: Larger SVG files are refused (a drawing for an article is a few hundred kilobytes).
MAX_SVG_BYTES = 2_000_000
#: More elements than this are refused: the layout engines walk every one.
MAX_SVG_ELEMENTS = 50_000

_SAFE_REFERENCE = re.compile(r"^\s*(#|data:image/(png|jpeg|gif|webp)[;,])", re.I)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.I)
_REMOVED = {"script", "foreignObject", "handler", "listener"}


def clean_svg(data: bytes) -> tuple[bytes, list[str]]:
    """``data`` as a safe SVG and what was removed from it (for a warning); raises
    ``ImageProblem`` for what cannot be made safe."""
    from lxml import etree

    if len(data) > MAX_SVG_BYTES:
        raise ImageProblem(f"is an SVG of {len(data) / 1e6:.1f} MB; the limit is "
                           f"{MAX_SVG_BYTES / 1e6:.0f} MB")
    if b"<!ENTITY" in data or b"<!entity" in data:
        raise ImageProblem("declares XML entities, which can expand without bound; save it "
                           "again without a DOCTYPE (any drawing program's 'plain SVG')")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImageProblem(f"is not a well-formed SVG file ({exc})") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ImageProblem("is not an SVG drawing (its root element is not <svg> in the "
                           "SVG namespace)")
    removed: list[str] = []
    count = 0
    for element in list(root.iter()):
        count += 1
        if count > MAX_SVG_ELEMENTS:
            raise ImageProblem(f"has more than {MAX_SVG_ELEMENTS:,} elements")
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in _REMOVED:
            removed.append(f"<{local}>")
            element.getparent().remove(element)
            continue
        for name, value in list(element.attrib.items()):
            attr = etree.QName(name).localname
            if attr.lower().startswith("on"):
                removed.append(f"the {attr} handler")
                del element.attrib[name]
            elif attr == "href" and not _SAFE_REFERENCE.match(value):
                raise ImageProblem(f"refers to '{value[:80]}' (an <{local}>); an image may "
                                   "only use what it holds itself: embed the picture in "
                                   "the SVG or save it as PNG")
            elif attr == "style":
                _check_css(value, local)
        if local == "style" and element.text:
            _check_css(element.text, local)
    out = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return out, sorted(set(removed))


def _check_css(css: str, where: str) -> None:
    for target in _CSS_URL.findall(css):
        if target and not _SAFE_REFERENCE.match(target):
            raise ImageProblem(f"refers to '{target[:80]}' in its CSS (in a <{where}>); an "
                               "image may only use what it holds itself")
    if "@import" in css:
        raise ImageProblem(f"imports a stylesheet in its CSS (in a <{where}>)")
