"""WeasyPrint's work per page made independent of the document's length.

Three places in WeasyPrint (version 70) cost, for each page, time in proportion to the
whole document, so a book of n top-level headings (a page or two each) costs about n²:
5,000 headings took 530 s in the EPUB's page-numbering layout alone.

- ``set_page_type_computed_styles`` looks for the page's margin boxes among the
  cascaded styles of every element of the document. The margin boxes of a page type
  are the pseudo-elements of the ``@page`` rules that match it, a short list: read it.
- ``make_page`` gathers the anchors and counter lookups of every earlier page into
  lists, one Python step per page, and then tests membership in those lists. Gathered
  here into sets kept from one page to the next (``_seen_before``), the same values.
- ``layout_document`` walks every other page for ``position: fixed`` boxes, twice per
  page; a document without any (the editions have none) is now seen to have none once.

``install`` replaces each only where WeasyPrint's code is the code this was written
against (the replaced text is checked), so a newer WeasyPrint runs its own.
"""

from __future__ import annotations

_installed = False


def _page_pseudo_types(style_for, page_type) -> list:
    """The margin boxes (pseudo-types) the ``@page`` rules give ``page_type``, in the
    order ``add_page_declarations`` adds them to the cascaded styles."""
    found: dict = {}
    for _sheet, _origin, _specificity in style_for._sheets:
        for _rule, selector_list, _declarations in _sheet.page_rules:
            for _spec, pseudo_type, page_selector_type in selector_list:
                if pseudo_type and style_for._page_type_match(page_selector_type, page_type):
                    found.setdefault(pseudo_type, None)
    return list(found)


def set_page_type_computed_styles(page_type, html, style_for) -> None:
    """WeasyPrint's function of the same name, without the walk over every element."""
    style_for.add_page_declarations(page_type)
    style_for.set_computed_styles(page_type, root=html.etree_element,
                                  parent=html.etree_element, base_url=html.base_url)
    cascaded = style_for.get_cascaded_styles()
    for pseudo_type in _page_pseudo_types(style_for, page_type):
        if (page_type, pseudo_type) in cascaded:
            style_for.set_computed_styles(page_type, pseudo_type=pseudo_type,
                                          root=html.etree_element, parent=page_type,
                                          base_url=html.base_url)


class _Seen:
    """What ``make_page`` gathered into a list and tests with ``in``: the earlier pages'
    values (shared, not copied) and those it ``append``s for its own page."""

    __slots__ = ("before", "own")

    def __init__(self, before: set) -> None:
        self.before = before
        self.own: set = set()

    def __contains__(self, value) -> bool:
        return value in self.own or value in self.before

    def append(self, value) -> None:
        self.own.add(value)


#: What the last call gathered: how many pages, the state of the last of them, and the
#: sets. WeasyPrint makes pages in order, and a page's state changes only when that page
#: (or the one before it) is made again, which is a call for fewer pages: so a call for
#: as many pages or more, whose last known state is still in place, needs only the
#: states of the pages made since.
_last: dict = {"pages": 0, "state": None, "seen": (set(), set())}


def _seen_before(page_maker, page_number) -> tuple[_Seen, _Seen]:
    """The anchors and counter lookups of the pages before ``page_number`` (what
    WeasyPrint's ``make_page`` gathers into lists, one Python step per earlier page)."""
    pages = page_number - 1
    known = _last["pages"]
    if known <= pages and (known == 0 or page_maker[known - 1][-1] is _last["state"]):
        anchors, lookups = _last["seen"]
        start = known
    else:  # another document, or pages made again: gathered afresh
        anchors, lookups = set(), set()
        start = 0
    for _resume, _next, _right, _state, remake_state in page_maker[start:pages]:
        anchors.update(remake_state.get("anchors", ()))
        lookups.update(remake_state.get("content_lookups", ()))
    _last.update(pages=pages, state=page_maker[pages - 1][-1] if pages else None,
                 seen=(anchors, lookups))
    return _Seen(anchors), _Seen(lookups)


_GATHER = """\
    cached_anchors = []
    cached_lookups = []
    for (_, _, _, _, x_remake_state) in page_maker[:page_number - 1]:
        cached_anchors.extend(x_remake_state.get('anchors', []))
        cached_lookups.extend(x_remake_state.get('content_lookups', []))
"""
_GATHERED = """\
    cached_anchors, cached_lookups = _exporter_seen_before(page_maker, page_number)
"""

_FIXED_EACH = """\
    for i, page in enumerate(pages):
        root_children = []
        root, footnote_area, note_area = page.children
        root_children.extend(layout_fixed_boxes(context, pages[:i], page))
        root_children.extend(root.children)
        root_children.extend(layout_fixed_boxes(context, pages[i + 1:], page))
"""
_FIXED_IF_ANY = """\
    _exporter_fixed = any(page.fixed_boxes for page in pages)
    for i, page in enumerate(pages):
        root_children = []
        root, footnote_area, note_area = page.children
        if _exporter_fixed:
            root_children.extend(layout_fixed_boxes(context, pages[:i], page))
        root_children.extend(root.children)
        if _exporter_fixed:
            root_children.extend(layout_fixed_boxes(context, pages[i + 1:], page))
"""


def _recompiled(module, name: str, old: str, new: str, **names) -> None:
    """``module.name`` compiled again from its source with ``new`` for ``old`` (and
    ``names`` added to the module), if its source holds ``old`` exactly once."""
    import inspect
    import textwrap

    function = getattr(module, name, None)
    try:
        source = textwrap.dedent(inspect.getsource(function))
        filename = inspect.getsourcefile(function)
    except (OSError, TypeError):
        return
    if source.count(old) != 1:
        return  # another WeasyPrint: left as it is
    namespace = module.__dict__
    namespace.update(names)
    scope: dict = {}
    exec(compile(source.replace(old, new), filename, "exec"), namespace, scope)  # noqa: S102
    setattr(module, name, scope[name])


def install() -> None:
    """Replace the three in WeasyPrint's page layout (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    import weasyprint.layout as layout
    from weasyprint.css import StyleFor
    from weasyprint.layout import page

    if all(hasattr(StyleFor, name) for name in ("add_page_declarations",
                                                "get_cascaded_styles", "_page_type_match")):
        page.set_page_type_computed_styles = set_page_type_computed_styles
    _recompiled(page, "make_page", _GATHER, _GATHERED, _exporter_seen_before=_seen_before)
    original = getattr(layout, "layout_document", None)
    _recompiled(layout, "layout_document", _FIXED_EACH, _FIXED_IF_ANY)
    import weasyprint.document as document

    if getattr(document, "layout_document", None) is original:  # imported by name there
        document.layout_document = layout.layout_document
