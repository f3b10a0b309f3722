"""The tagged PDF's structure finished where WeasyPrint leaves it short of PDF/UA.

WeasyPrint (70) tags the page's content from the box tree (``weasyprint/pdf/tags.py``),
but:

- the running heads and folios (page margin boxes) are marked as content (``/Span``
  with an MCID) whose structure elements hang outside the tree: a reader finds tagged
  content that belongs to nothing, and some read it aloud on every page. Here they
  become pagination artifacts (``/Artifact <</Type /Pagination /Subtype /Header>>``);
- an image its author marked as ornament (``role="presentation"``) is a Figure with no
  alternative text; here it becomes a layout artifact, out of the structure tree;
- header cells (TH) carry no ``/Scope``; here a header cell in a table's head row, or
  in a row that is not the table's first column, is a column header, one that starts a
  body row a row header;
- the contents page is a list (L/LI); here it becomes a table of contents (TOC/TOCI).

One pass with pikepdf over the bytes WeasyPrint wrote, in the stage that writes them.
"""

from __future__ import annotations

import io

#: The alternative text that the print HTML gives an ornament (``print_html``), so that
#: its Figure can be found here and made an artifact. Never left in a written PDF.
ORNAMENT_ALT = "exporter:ornament"


def finish_tags(data: bytes, contents_pages: frozenset[int] = frozenset()) -> bytes:
    """``data`` (a tagged PDF from WeasyPrint) with margin boxes and ornaments as
    artifacts, header cells scoped and the list on ``contents_pages`` (page indices)
    tagged as a table of contents."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return data
        ornaments = _drop_ornaments(tree)
        reachable = _reachable(tree)
        parents = _parent_tree(tree)
        for index, page in enumerate(pdf.pages):
            row = parents.get(index)
            if row is None:
                continue
            _artifacts_on(pdf, page, row, reachable, ornaments)
        _scope_header_cells(tree)
        if contents_pages:
            _contents_as_toc(pdf, tree, contents_pages)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True, fix_metadata_version=False)
        return out.getvalue()


def _kids(element) -> list:
    """The children of a structure element (its ``/K``, one or an array)."""
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _reachable(tree) -> set[tuple[int, int]]:
    """The object ids of every structure element reachable from the tree's root."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = _kids(tree)
    while stack:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary) or "/S" not in item:
            continue
        if item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        stack.extend(_kids(item))
    return seen


def _parent_tree(tree) -> dict[int, object]:
    """Page index (its ``/StructParents``, which WeasyPrint numbers as the page index)
    -> the array that maps each MCID of the page to its structure element."""
    import pikepdf

    found: dict[int, object] = {}
    stack = [tree.get("/ParentTree")]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        nums = node.get("/Nums")
        if nums is not None:
            for i in range(0, len(nums) - 1, 2):
                if isinstance(nums[i + 1], pikepdf.Array):
                    found[int(nums[i])] = nums[i + 1]
        stack.extend(node.get("/Kids") or [])
    return found


def _drop_ornaments(tree) -> set[tuple[int, int]]:
    """Take the Figures marked as ornaments out of the tree; return their object ids."""
    import pikepdf

    dropped: set[tuple[int, int]] = set()
    stack = [tree]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        if not isinstance(kids, pikepdf.Array):
            continue
        keep = []
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Figure" \
                    and str(kid.get("/Alt", "")) == ORNAMENT_ALT:
                dropped.add(kid.objgen)
                continue
            keep.append(kid)
            if isinstance(kid, pikepdf.Dictionary):
                stack.append(kid)
        if len(keep) != len(kids):
            element.K = pikepdf.Array(keep)
    return dropped


def _multiply(a, b):
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _artifacts_on(pdf, page, row, reachable, ornaments) -> None:
    """Mark the page's content whose structure element is outside the tree (margin boxes)
    as pagination artifacts, header or footer by where it is drawn, and the ornaments'
    as layout artifacts; their entries in the parent tree become null."""
    import pikepdf

    ops = pikepdf.parse_content_stream(page)
    height = float(page.mediabox[3]) + float(page.mediabox[1])
    changed = False
    ctm, saved = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
    pending = None  # the index of an artifact's BDC still waiting for its position
    for index, (operands, operator) in enumerate(ops):
        op = str(operator)
        if op == "q":
            saved.append(ctm)
        elif op == "Q" and saved:
            ctm = saved.pop()
        elif op == "cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op in ("Tm", "Td") and pending is not None:
            y = float(operands[-1])
            drawn = ctm[1] * float(operands[-2]) + ctm[3] * y + ctm[5]
            subtype = "/Header" if drawn > height / 2 else "/Footer"
            ops[pending][0][1].Subtype = pikepdf.Name(subtype)
            pending = None
        elif op == "EMC":
            pending = None
        elif op == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
            mcid = operands[1].get("/MCID")
            if mcid is None or int(mcid) >= len(row):
                continue
            owner = row[int(mcid)]
            objgen = owner.objgen if isinstance(owner, pikepdf.Dictionary) else None
            if objgen in ornaments:
                kind = pikepdf.Dictionary(Type=pikepdf.Name.Layout)
            elif objgen is not None and objgen not in reachable:
                kind = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)
                pending = index
            else:
                continue
            ops[index] = pikepdf.ContentStreamInstruction(
                [pikepdf.Name.Artifact, kind], pikepdf.Operator("BDC"))
            row[int(mcid)] = None
            changed = True
    if changed:
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


def _scope_header_cells(tree) -> None:
    """A ``/Scope`` on every TH: /Column in a table's head (THead) or past a row's first
    cell, /Row for the first cell of a body row that holds data cells too."""
    import pikepdf

    stack = [(tree, None)]
    while stack:
        element, parent = stack.pop()
        kids = [k for k in _kids(element) if isinstance(k, pikepdf.Dictionary)]
        if element.get("/S") == "/TR":
            cells = [k for k in kids if k.get("/S") in ("/TH", "/TD")]
            in_head = parent is not None and parent.get("/S") == "/THead"
            has_data = any(c.get("/S") == "/TD" for c in cells)
            for position, cell in enumerate(cells):
                if cell.get("/S") != "/TH":
                    continue
                scope = "/Row" if (position == 0 and has_data and not in_head) else "/Column"
                attributes = cell.get("/A")
                if not isinstance(attributes, pikepdf.Dictionary):
                    attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
                    cell.A = attributes
                if "/Scope" not in attributes:
                    attributes.Scope = pikepdf.Name(scope)
        stack.extend((k, element) for k in kids if "/S" in k)


def _contents_as_toc(pdf, tree, pages: frozenset[int]) -> None:
    """The outermost lists on the contents pages become TOC, their items TOCI (and the
    lists nested in them TOC too)."""
    import pikepdf

    page_index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}

    def on_contents(element) -> bool:
        page = element.get("/Pg")
        return page is not None and page_index.get(page.objgen) in pages

    def retag(element) -> None:
        kind = element.get("/S")
        if kind == "/L":
            element.S = pikepdf.Name.TOC
        elif kind == "/LI":
            element.S = pikepdf.Name.TOCI
        elif kind == "/LBody":
            element.S = pikepdf.Name.NonStruct
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                retag(kid)

    stack = list(_kids(tree))
    while stack:
        element = stack.pop()
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            continue
        if element.get("/S") == "/L" and on_contents(element):
            retag(element)
            continue
        stack.extend(_kids(element))
