"""Imposition and print-shop finishing of laid-out PDFs (pikepdf).

``saddle_stitch`` puts the pages of a booklet two-up on sheets in the order that, printed
double-sided, folded and stapled, reads from first to last page (the order of pdfly's
``booklet``). ``add_crop_marks`` widens each page beyond its bleed and draws crop marks
there, outside the trim and outside the bleed.
"""

from __future__ import annotations

import io

MM = 72 / 25.4


def saddle_stitch_order(pages: int, rtl: bool = False) -> list[tuple[int | None, int | None]]:
    """(left, right) page indexes (0-based; None: a blank) of each sheet side in order.

    The count is padded to a multiple of 4 with blanks at the end. Sheet ``s`` carries
    (n-1-2s, 2s) on its front and (2s+1, n-2-2s) on its back, so the first side holds
    the last and the first page. A right-to-left booklet (``rtl``) binds on the right:
    each side is mirrored, the first page on the left half of the first side.
    """
    n = max(4, -(-pages // 4) * 4)

    def real(i: int) -> int | None:
        return i if i < pages else None

    sides = []
    for s in range(n // 4):
        sides.append((real(n - 1 - 2 * s), real(2 * s)))
        sides.append((real(2 * s + 1), real(n - 2 - 2 * s)))
    return [(b, a) for a, b in sides] if rtl else sides


def _save(pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def saddle_stitch(data: bytes, sheet_mm: tuple[float, float], rtl: bool = False) -> bytes:
    """The PDF ``data`` (pages of one size) imposed 2-up on landscape sheets of
    ``sheet_mm`` (width, height), in saddle-stitch order (bound on the right when
    ``rtl``); bookmarks lead to the sheet side that shows their page."""
    import pikepdf

    sheet_w, sheet_h = sheet_mm[0] * MM, sheet_mm[1] * MM
    with pikepdf.open(io.BytesIO(data)) as pdf:
        originals = list(pdf.pages)
        count = len(originals)
        forms = [page.as_form_xobject() for page in originals]
        side_of: dict[int, int] = {}
        sides = saddle_stitch_order(count, rtl)
        for number, pair in enumerate(sides):
            sheet = pdf.add_blank_page(page_size=(sheet_w, sheet_h))
            commands = []
            for slot, index in enumerate(pair):
                if index is None:
                    continue
                side_of[index] = number
                # A fixed name (pikepdf's default is random): same inputs, same bytes.
                name = sheet.add_resource(forms[index], pikepdf.Name.XObject,
                                          name=pikepdf.Name(f"/P{index}"))
                box = pikepdf.Rectangle(slot * sheet_w / 2, 0, (slot + 1) * sheet_w / 2, sheet_h)
                commands.append(sheet.calc_form_xobject_placement(forms[index], name, box))
            sheet.contents_add(pikepdf.Stream(pdf, b"".join(commands)))
        _retarget_outline(pdf, originals, side_of, count)
        for _ in range(count):
            del pdf.pages[0]
        for key in ("/StructTreeRoot", "/MarkInfo", "/PageLabels"):
            if key in pdf.Root:
                del pdf.Root[key]
        return _save(pdf)


def _retarget_outline(pdf, originals, side_of: dict[int, int], count: int) -> None:
    """Point each bookmark at the sheet side that shows its page."""
    import pikepdf

    index_of = {page.objgen: i for i, page in enumerate(originals)}
    with pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            stack.extend(item.children)
            dest = item.destination
            if dest is None and item.action is not None and "/D" in item.action:
                dest = item.action.D
            target = None
            if isinstance(dest, pikepdf.Array) and len(dest) and hasattr(dest[0], "objgen"):
                target = index_of.get(dest[0].objgen)
            if target is not None and target in side_of:
                item.action = None
                item.destination = pikepdf.make_page_destination(
                    pdf, count + side_of[target], "Fit")


def add_crop_marks(data: bytes, bleed_mm: float, offset_mm: float = 1.0,
                   length_mm: float = 5.0) -> bytes:
    """Widen each page ``offset_mm + length_mm + 1`` beyond its BleedBox and draw crop
    marks there: short lines in line with the TrimBox's edges, starting outside the bleed.
    The TrimBox and BleedBox stay as they were."""
    import pikepdf

    gap = bleed_mm * MM + offset_mm * MM  # from the trim to the start of a mark
    length = length_mm * MM
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.obj.TrimBox)
            edge = gap + length + 1 * MM
            media = pikepdf.Array([x0 - edge, y0 - edge, x1 + edge, y1 + edge])
            page.obj.MediaBox = media
            page.obj.CropBox = media
            if "/ArtBox" in page.obj:
                del page.obj.ArtBox
            lines = []
            for x in (x0, x1):
                for y, sign in ((y0, -1), (y1, 1)):
                    lines.append(f"{x:.3f} {y + sign * gap:.3f} m {x:.3f} "
                                 f"{y + sign * (gap + length):.3f} l S")
            for y in (y0, y1):
                for x, sign in ((x0, -1), (x1, 1)):
                    lines.append(f"{x + sign * gap:.3f} {y:.3f} m "
                                 f"{x + sign * (gap + length):.3f} {y:.3f} l S")
            # Registration: every separation gets the mark (0.25 pt, CMYK 100%).
            marks = ("q 0.25 w 1 1 1 1 K\n" + "\n".join(lines) + "\nQ\n").encode()
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"\nQ\n" + marks))
        return _save(pdf)
