"""Join the PDFs of a book's units (``chapter_layout``) into one tagged PDF.

What one WeasyPrint document would have, the joined file has too:

- the pages in order, with blank pages where a chapter waits for a right-hand page,
  and the folios (page numbers) laid over them as artifacts;
- one structure tree: the units' ``Document`` elements' children under one
  ``Document``, the parent tree renumbered (pages' ``StructParents``, annotations'
  ``StructParent``);
- one set of named destinations, so links between chapters resolve (a unit's links to
  other units carry stand-in destinations, dropped here);
- the bookmarks of every unit, one outline; page labels; the first unit's catalogue
  entries (language, viewer preferences, XMP metadata with the PDF/UA id) and info;
- one copy of each font: WeasyPrint subsets fonts keeping their glyph ids, so the
  units' subsets of one face are joined glyph by glyph into one (``_join_fonts``).

The bytes depend only on the inputs (``deterministic_id``; fonts without timestamps).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Collection, Mapping, Sequence

from .. import cache


def merge(units: Sequence[bytes], firsts: Sequence[int], total: int, folios: bytes | None,
          stand_ins: Sequence[Collection[str]],
          variations: Mapping[str, Mapping[str, float]] | None = None) -> bytes:
    """The book: ``units`` (PDF bytes) placed from pages ``firsts`` (numbered from 1) in
    ``total`` pages, the pages between them blank; ``folios`` laid over every page.
    ``stand_ins``: for each unit, the destinations it was given for other units' ids.
    ``variations``: the axis values of fonts embedded as variable subsets (by font
    name), made static here."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    sources = [pikepdf.open(io.BytesIO(data)) for data in units]
    out = pikepdf.new()
    first = sources[0]
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    nums: list = []
    dests: dict[str, object] = {}
    outline: list = []
    key_offset = 0
    for source, start, borrowed in zip(sources, firsts, stand_ins):
        while len(out.pages) < start - 1:  # blank pages before this unit
            box = source.pages[0].mediabox
            _blank_page(out, source.pages[0], box)
        at = len(out.pages)
        with warnings.catch_warnings():
            # pikepdf warns that extend() loses named destinations: they are joined below.
            warnings.simplefilter("ignore")
            out.pages.extend(source.pages)
        page_index = {page.objgen: at + i for i, page in enumerate(source.pages)}
        root = source.Root.get("/StructTreeRoot")
        if root is not None:
            copied = _copy(out, source, root)
            kids = copied.K
            for element in (kids if isinstance(kids, Array) else [kids]):
                for kid in _as_list(element.get("/K")):
                    if isinstance(kid, Dictionary):
                        kid.P = document
                    document.K.append(kid)
            pairs = [(int(k), v) for k, v in _tree(copied.ParentTree, "/Nums")]
            for key, value in pairs:
                nums += [key + key_offset, value]
            for page in out.pages[at:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + key_offset
                for annot in page.obj.get("/Annots", []):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + key_offset
            key_offset += (max((k for k, _ in pairs), default=-1) + 1)
        names = source.Root.get("/Names")
        if names is not None and "/Dests" in names:
            for name, dest in ((str(k), v) for k, v in _tree(names.Dests, "/Names")):
                if name not in borrowed and name not in dests:
                    dests[name] = _copy_dest(out, dest, page_index)
        outline += _outline_of(source, page_index)
    while len(out.pages) < total:
        _blank_page(out, out.pages[-1], out.pages[-1].mediabox)

    structure = out.make_indirect(Dictionary(
        Type=Name.StructTreeRoot, K=Array([document]),
        ParentTree=out.make_indirect(Dictionary(Nums=Array(nums))),
        ParentTreeNextKey=key_offset))
    document.P = structure
    out.Root.StructTreeRoot = structure
    for key in ("/MarkInfo", "/Lang", "/ViewerPreferences", "/Metadata", "/OutputIntents"):
        if key in first.Root:
            out.Root[key] = _copy(out, first, first.Root[key])
    if "/Info" in first.trailer:
        out.trailer.Info = _copy(out, first, first.trailer.Info)
    flat = Array()
    for name in sorted(dests, key=lambda n: n.encode("utf-8")):
        flat.append(pikepdf.String(name))
        flat.append(dests[name])
    out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(Names=flat)))
    out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
    if outline:
        _write_outline(out, outline)
    if folios:
        _lay_folios(out, pikepdf.open(io.BytesIO(folios)))
    _join_fonts(out, variations or {})
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate,
             min_version=str(first.pdf_version), fix_metadata_version=False)
    for source in sources:
        source.close()
    return buffer.getvalue()


def _copy(out, source, obj):
    """``obj`` of PDF ``source`` copied into ``out`` (a direct object made indirect)."""
    return out.copy_foreign(obj if obj.is_indirect else source.make_indirect(obj))


def _as_list(value) -> list:
    import pikepdf

    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _tree(node, leaves: str) -> list[tuple[object, object]]:
    """(key, value) of a number tree (``leaves`` "/Nums") or a name tree ("/Names"):
    the leaves' pairs, ``Kids`` nodes followed."""
    out = []
    pairs = node.get(leaves)
    if pairs is not None:
        out += [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    for kid in node.get("/Kids", []):
        out += _tree(kid, leaves)
    return out


def _copy_dest(out, dest, page_index: dict) -> object:
    """A destination array (``[page /XYZ x y z]``) pointing at the page in ``out``."""
    import pikepdf

    if dest.is_indirect:
        dest = dest.get("/D", dest) if isinstance(dest, pikepdf.Dictionary) else dest
    items = list(dest)
    page = out.pages[page_index[items[0].objgen]].obj
    return pikepdf.Array([page] + [pikepdf.Name(str(i)) if isinstance(i, pikepdf.Name)
                                   else float(i) for i in items[1:]])


def _blank_page(out, like, box) -> None:
    """A blank page the size of page ``like`` (with its trim and bleed boxes)."""
    import pikepdf
    from pikepdf import Dictionary, Name

    page = Dictionary(Type=Name.Page, MediaBox=pikepdf.Array(list(box)),
                      Resources=Dictionary(), Contents=out.make_stream(b""))
    for key in ("/TrimBox", "/BleedBox", "/ArtBox", "/CropBox"):
        if key in like.obj:
            page[key] = pikepdf.Array(list(like.obj[key]))
    out.pages.append(pikepdf.Page(page))


def _outline_of(source, page_index: dict) -> list:
    """A unit's bookmarks: [(title, page in the book, x, y, children)]."""
    outlines = source.Root.get("/Outlines")
    if outlines is None:
        return []

    def walk(item) -> list:
        found = []
        while item is not None:
            dest = item.get("/Dest")
            children = walk(item.get("/First"))
            if dest is not None and dest[0].objgen in page_index:
                found.append((str(item.Title), page_index[dest[0].objgen],
                              float(dest[2]), float(dest[3]), children,
                              int(item.get("/Count", 0)) < 0))
            item = item.get("/Next")
        return found

    return walk(outlines.get("/First"))


def _write_outline(out, items: list) -> None:
    """The bookmarks as WeasyPrint writes them: /XYZ destinations, counts of open items."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    def build(entries, parent) -> tuple[list, int]:
        made = []
        count = len(entries)
        for title, page, x, y, children, closed in entries:
            node = out.make_indirect(Dictionary(
                Title=pikepdf.String(title), Parent=parent,
                Dest=Array([out.pages[page].obj, Name.XYZ, x, y, 0])))
            kids, kid_count = build(children, node)
            if kids:
                node.First, node.Last = kids[0], kids[-1]
                node.Count = -kid_count if closed else kid_count
                if not closed:
                    count += kid_count
            else:
                node.Count = 0
            if made:
                node.Prev = made[-1]
                made[-1].Next = node
            made.append(node)
        return made, count

    root = out.make_indirect(Dictionary(Type=Name.Outlines))
    made, count = build(items, root)
    root.First, root.Last, root.Count = made[0], made[-1], count
    out.Root.Outlines = root


def _lay_folios(out, folios) -> None:
    """Draw each folio page over the book's page of the same number, as an artifact."""
    import pikepdf
    from pikepdf import Name

    for index, (page, folio) in enumerate(zip(out.pages, folios.pages)):
        contents = folio.obj.get("/Contents")
        if contents is None:
            continue
        data = b"".join(c.read_bytes() for c in _as_list(contents))
        if not data.strip():
            continue
        form = out.copy_foreign(folio.as_form_xobject())
        name = Name(f"/Folio{index}")
        resources = page.obj.get("/Resources")
        if resources is None:
            page.obj.Resources = resources = pikepdf.Dictionary()
        if "/XObject" not in resources:
            resources.XObject = pikepdf.Dictionary()
        resources.XObject[name] = form
        # The page's own content may leave its transformation set (WeasyPrint's pages
        # start by flipping the y axis): it is closed in q/Q before the folio is drawn.
        page.contents_add(out.make_stream(b"q\n"), prepend=True)
        page.contents_add(out.make_stream(
            b"Q\n/Artifact <</Type /Pagination>> BDC q " + bytes(name.unparse()) +
            b" Do Q EMC\n"), prepend=False)


# -- fonts ------------------------------------------------------------------------------

_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")


def _widths(array) -> dict[int, float]:
    """A CIDFont's ``W`` array as {glyph id: width}."""
    import pikepdf

    out: dict[int, float] = {}
    items = list(array)
    i = 0
    while i < len(items):
        first = int(items[i])
        nxt = items[i + 1]
        if isinstance(nxt, pikepdf.Array):
            for offset, width in enumerate(nxt):
                out[first + offset] = float(width)
            i += 2
        else:
            for gid in range(first, int(nxt) + 1):
                out[gid] = float(items[i + 2])
            i += 3
    return out


def _w_array(widths: dict[int, float]):
    import pikepdf

    array = pikepdf.Array()
    run = None
    previous = None
    for gid in sorted(widths):
        if previous is None or gid != previous + 1:
            array.append(gid)
            run = pikepdf.Array()
            array.append(run)
        width = widths[gid]
        run.append(int(width) if float(width).is_integer() else round(width, 3))
        previous = gid
    return array


def _to_unicode_map(stream) -> dict[int, bytes]:
    return {int(g, 16): u for g, u in _BFCHAR.findall(stream.read_bytes())}


def _to_unicode_stream(out, mapping: dict[int, bytes]):
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)",
             b"/Supplement 0", b">> def", b"/CMapName /Adobe-Identity-UCS def",
             b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>",
             b"endcodespacerange"]
    items = sorted(mapping.items())
    for i in range(0, len(items), 100):
        batch = items[i:i + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (gid, text) for gid, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return out.make_stream(b"\n".join(lines))


def _joined_font_file(files: list[bytes], used: list[set[int] | None],
                      axes: Mapping[str, float] | None = None) -> bytes:
    """One TrueType font from subsets of one font that kept their glyph ids (glyph names
    may differ between subsets; ids do not), made static at ``axes`` if it is variable."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    fonts = [TTFont(io.BytesIO(data), recalcTimestamp=False) for data in files]
    widest = max(range(len(fonts)), key=lambda i: len(fonts[i].getGlyphOrder()))
    base = fonts[widest]
    order = base.getGlyphOrder()
    glyf, hmtx = base["glyf"], base["hmtx"]
    have = set(used[widest] or ())
    for i, other in enumerate(fonts):
        if i == widest:
            continue
        missing = set(used[i] or ()) - have
        if not missing:
            continue
        names = other.getGlyphOrder()
        oglyf, ohmtx = other["glyf"], other["hmtx"]
        deltas = base["gvar"].variations if "gvar" in base and "gvar" in other else None
        todo = sorted(missing)
        while todo:
            gid = todo.pop()
            if gid >= len(order) or gid >= len(names):
                raise ValueError(f"glyph {gid} beyond the font")
            glyph = oglyf[names[gid]]
            if glyph.isComposite():
                for component in glyph.components:
                    part = other.getGlyphID(component.glyphName)
                    component.glyphName = order[part]
                    if part not in have:
                        todo.append(part)
                        have.add(part)
            glyf[order[gid]] = glyph
            hmtx[order[gid]] = ohmtx[names[gid]]
            if deltas is not None:
                deltas[order[gid]] = other["gvar"].variations.get(names[gid], [])
            have.add(gid)
    if axes and "fvar" in base:
        # Advances come from the glyphs' phantom points: a subset's HVAR covers only
        # its own glyphs (the PDF's widths are in /W anyway).
        for table in ("HVAR", "VVAR"):
            if table in base:
                del base[table]
        base = instantiateVariableFont(base, dict(axes), static=True)
    buffer = io.BytesIO()
    base.save(buffer)
    return buffer.getvalue()


def _cached_join(descriptors: list, widths: list, axes) -> bytes | None:
    """The fonts of ``descriptors`` joined (``_joined_font_file``; ``widths`` None: all
    of the font's glyphs), cached; None when they are not subsets of one font."""
    files = [d.FontFile2.read_bytes() for d in descriptors]
    used = [set(w) if w is not None else None for w in widths]
    from ..house.fonts import font_tools_identity

    key = cache.digest("joined-font", font_tools_identity(), *files,
                       *(",".join(map(str, sorted(u))) if u is not None else "*" for u in used),
                       repr(sorted((axes or {}).items())))
    joined = cache.get("joined-fonts", key)
    if joined is None:
        try:
            joined = _joined_font_file(files, used, axes)
        except (ValueError, KeyError):
            return None
        cache.put("joined-fonts", key, joined)
    return joined


def _join_fonts(out, variations: Mapping[str, Mapping[str, float]]) -> None:
    """Join the subsets of each face (same ``BaseFont``) into one font, and point every
    resource at it: one copy of each font in the book."""
    import pikepdf
    from pikepdf import Dictionary

    groups: dict[str, list] = {}
    resources = _font_resources(out)
    seen: set = set()
    for fonts in resources:
        for name in fonts.keys():
            font = fonts[name]
            if font.get("/Subtype") == "/Type0" and font.objgen not in seen:
                seen.add(font.objgen)
                groups.setdefault(str(font.BaseFont), []).append(font)
    replace: dict = {}
    for fonts in groups.values():
        axes = variations.get(str(fonts[0].BaseFont)[1:])
        descriptors = [f.DescendantFonts[0].FontDescriptor for f in fonts]
        if any("/FontFile2" not in d for d in descriptors):
            continue
        joined = None
        if len(fonts) > 1 and all(f.get("/Encoding") == "/Identity-H" for f in fonts):
            joined = _cached_join(descriptors, [_widths(f.DescendantFonts[0].get("/W", []))
                                                for f in fonts], axes)
        if joined is None:  # one subset, or subsets that cannot be joined: each made static
            if axes:
                for descriptor in descriptors:
                    data = _cached_join([descriptor], [None], axes)
                    descriptor.FontFile2 = out.make_stream(data, Length1=len(data))
            continue
        descendants = [f.DescendantFonts[0] for f in fonts]
        widths = [_widths(d.get("/W", [])) for d in descendants]
        keep, descendant, descriptor = fonts[0], descendants[0], descriptors[0]
        descriptor.FontFile2 = out.make_stream(joined, Length1=len(joined))
        if "/CIDSet" in descriptor:
            del descriptor["/CIDSet"]
        boxes = [list(map(float, d.FontBBox)) for d in descriptors]
        descriptor.FontBBox = pikepdf.Array([min(b[0] for b in boxes), min(b[1] for b in boxes),
                                             max(b[2] for b in boxes), max(b[3] for b in boxes)])
        merged: dict[int, float] = {}
        for w in widths:
            merged.update(w)
        descendant.W = _w_array(merged)
        unicode: dict[int, bytes] = {}
        for f in fonts:
            if "/ToUnicode" in f:
                for gid, text in _to_unicode_map(f.ToUnicode).items():
                    unicode.setdefault(gid, text)
        keep.ToUnicode = _to_unicode_stream(out, unicode)
        for other in fonts[1:]:
            replace[other.objgen] = keep
    if not replace:
        return
    for fonts in resources:
        for name in list(fonts.keys()):
            target = fonts[name]
            if target.objgen in replace:
                fonts[name] = replace[target.objgen]


def _font_resources(out) -> list:
    """Every ``/Font`` resource dictionary of the pages and of the forms they draw."""
    import pikepdf

    found: list = []
    seen: set = set()

    def visit(resources) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        fonts = resources.get("/Font")
        if isinstance(fonts, pikepdf.Dictionary):
            found.append(fonts)
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.objgen != (0, 0):
                if xobject.objgen in seen:
                    continue
                seen.add(xobject.objgen)
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in out.pages:
        visit(page.obj.get("/Resources"))
    return found
