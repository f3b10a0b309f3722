"""Greedy label placement: each label takes the best free spot among a few candidates.

Works in display units (pixels, y up) on plain rectangles, so it knows nothing
about SVG. A point label sits beside its symbol (right, upper right,
lower right, left, ... in the cartographers' usual order of preference); an area
label sits on its label point or shifted a little around it. A candidate is
refused if it leaves the frame or touches a symbol, the legend or a label
already placed; among the rest, the one crossing the fewest lines wins.
"""

from __future__ import annotations

import math

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Size:
    """A label's box, and where its baseline sits above the box's bottom."""

    width: float
    height: float
    descent: float


@dataclass(frozen=True)
class LabelRequest:
    """One label to place: its anchor, whether it sits beside a symbol, its sizes.

    ``sizes`` are alternative layouts (one line, two lines), best first.
    """

    key: str
    x: float
    y: float
    point: bool
    sizes: tuple[Size, ...]
    radius: float = 0.0
    #: A segment (x0, y0, x1, y1) to write the label along, at ``offset`` from it.
    along: tuple[float, float, float, float] | None = None
    offset: float = 0.0


@dataclass(frozen=True)
class Placement:
    """Where a label went: text anchor (x, baseline y) and alignment, plus its box."""

    key: str
    x: float
    y: float
    ha: str
    box: Rect
    clean: bool
    variant: int = 0
    angle: float = 0.0


@dataclass
class Obstacles:
    """What labels must avoid (``rects``) and what they should rather not cross (lines)."""

    frame: Rect
    #: (owner key, rect): a label may touch its own symbol's rect, no other.
    rects: list[tuple[str, Rect]] = field(default_factory=list)
    #: (weight, segments[n, 2, 2]) line groups in display units.
    lines: list[tuple[float, np.ndarray]] = field(default_factory=list)
    #: Areas (shapely, display units) the legend should rather not cover.
    areas: list = field(default_factory=list)
    _trees: list | None = None

    def line_cost(self, box: Rect, corners: list[tuple[float, float]] | None = None) -> float:
        """Weighted length of line inside ``box`` (or inside the polygon ``corners``)."""
        import shapely

        if self._trees is None:
            self._trees = []
            for weight, segments in self.lines:
                geoms = shapely.linestrings(segments) if len(segments) else []
                self._trees.append((weight, geoms, shapely.STRtree(geoms)))
        cost = 0.0
        rect = shapely.Polygon(corners) if corners else shapely.box(*box)
        for weight, geoms, tree in self._trees:
            hits = tree.query(rect)
            if len(hits):
                inside = shapely.intersection(geoms[hits], rect)
                cost += weight * float(shapely.length(inside).sum())
        return cost


def _overlaps(a: Rect, b: Rect, pad: float = 0.0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _overlap_area(a: Rect, b: Rect) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _inside(a: Rect, frame: Rect, pad: float) -> bool:
    return (a[0] >= frame[0] + pad and a[1] >= frame[1] + pad
            and a[2] <= frame[2] - pad and a[3] <= frame[3] - pad)


def _point_candidates(req: LabelRequest, size: Size, gap: float):
    """(rank, x, baseline, ha) beside a symbol, best first."""
    h, d, r = size.height, size.descent, req.radius
    x, y = req.x, req.y
    side = r + gap
    diag = r * 0.7 + gap * 0.6
    mid = y - h / 2 + d  # baseline that centres the text on the symbol
    return [
        (0.0, x + side, mid, "left"),
        (1.0, x + diag, y + diag * 0.6 + d, "left"),
        (1.5, x + diag, y - diag * 0.6 - h + d, "left"),
        (2.0, x - side, mid, "right"),
        (2.5, x - diag, y + diag * 0.6 + d, "right"),
        (3.0, x - diag, y - diag * 0.6 - h + d, "right"),
        (3.5, x, y + side + d, "center"),
        (4.0, x, y - side - h + d, "center"),
    ]


def _area_candidates(req: LabelRequest, size: Size):
    """(rank, x, baseline, ha) on and around an area's label point, nearest first."""
    w, h, d = size.width, size.height, size.descent
    line = req.sizes[0].height  # shift by about one line of text
    out = []
    # Shifts stay small: an area's name must stay over the area it names.
    for dy in (0, 0.5, -0.5, 1, -1, 1.5, -1.5):
        for dx in (0, 0.1, -0.1, 0.2, -0.2, 0.3, -0.3):
            rank = abs(dy) * 2.0 + abs(dx) * 4.0
            out.append((rank, req.x + dx * w, req.y - h / 2 + d + dy * line, "center"))
    return sorted(out, key=lambda c: c[0])


def _line_candidates(req: LabelRequest, size: Size):
    """(rank, x, baseline, angle, corners) parallel to a line, on either side of it."""
    import math

    x0, y0, x1, y1 = req.along
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    if ux < 0:  # keep the text upright
        ux, uy = -ux, -uy
    nx, ny = -uy, ux
    # Foot of the label point on the segment; positions along it as distances from there.
    foot = (req.x - x0) * ux + (req.y - y0) * uy
    px, py = x0 + foot * ux, y0 + foot * uy
    ends = sorted(((x0 - px) * ux + (y0 - py) * uy, (x1 - px) * ux + (y1 - py) * uy))
    w, h, d = size.width, size.height, size.descent
    out = []
    for shift in (0.0, 0.3, -0.3, 0.6, -0.6, 1.0, -1.0, 1.5, -1.5):
        t = shift * w
        if ends[1] - ends[0] > w and not (ends[0] + w / 2 <= t <= ends[1] - w / 2):
            continue  # keep the label beside the segment
        for side, extra in ((1, 0.0), (-1, 0.5)):
            dist = req.offset + (d if side > 0 else h - d)
            ax, ay = px + t * ux + side * nx * dist, py + t * uy + side * ny * dist
            corners = [(ax + a * ux + b * nx, ay + a * uy + b * ny)
                       for a, b in ((-w / 2, -d), (w / 2, -d), (w / 2, h - d), (-w / 2, h - d))]
            out.append((abs(shift) * 2 + extra, ax, ay, math.degrees(math.atan2(uy, ux)),
                        corners))
    return sorted(out, key=lambda c: c[0])


def _box(size: Size, x: float, baseline: float, ha: str) -> Rect:
    left = {"left": x, "right": x - size.width, "center": x - size.width / 2}[ha]
    bottom = baseline - size.descent
    return left, bottom, left + size.width, bottom + size.height


class _Grid:
    """Rectangles bucketed by the cells of a square grid: the ones near a box are found
    among those in its cells, not among all (a map of n labels would cost n² tests).
    ``near`` gives them in the order they were added, as a scan of a list would, less
    those of the owner ``skip`` (a label may touch its own symbol)."""

    def __init__(self, cell: float) -> None:
        self.cell = cell if cell > 0 else 1.0
        self.rects: list[Rect] = []
        self.owners: list[str | None] = []
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.skip: str | None = None

    def _keys(self, box: Rect, pad: float):
        c = self.cell
        for i in range(math.floor((box[0] - pad) / c), math.floor((box[2] + pad) / c) + 1):
            for j in range(math.floor((box[1] - pad) / c), math.floor((box[3] + pad) / c) + 1):
                yield i, j

    def add(self, rect: Rect, owner: str | None = None) -> None:
        index = len(self.rects)
        self.rects.append(rect)
        self.owners.append(owner)
        for key in self._keys(rect, 0.0):
            self.cells.setdefault(key, []).append(index)

    def without(self, owner: str) -> _Grid:
        """This grid, leaving out ``owner``'s rects (shares the index)."""
        view = _Grid.__new__(_Grid)
        view.__dict__.update(self.__dict__)
        view.skip = owner
        return view

    def near(self, box: Rect, pad: float) -> list[Rect]:
        found = {i for key in self._keys(box, pad) for i in self.cells.get(key, ())}
        return [self.rects[i] for i in sorted(found)
                if self.skip is None or self.owners[i] != self.skip]


def _clash(box: Rect, shape, rects: list[Rect] | _Grid, padding: float) -> tuple[bool, float]:
    """Whether a label touches any of ``rects`` (with ``padding``), and by how much area.

    A rotated label (``shape``: its corners) is tested as the polygon it is, not as
    its much larger bounding box.
    """
    if isinstance(rects, _Grid):
        rects = rects.near(box, padding)
    near = [r for r in rects if _overlaps(box, r, padding)]
    if not near:
        return False, 0.0
    if shape is None:
        return True, sum(_overlap_area(box, r) for r in near)
    import shapely

    label = shapely.Polygon(shape)
    grown = label.buffer(padding, join_style="mitre")
    hits = [r for r in near if grown.intersects(shapely.box(*r))]
    return bool(hits), sum(label.intersection(shapely.box(*r)).area for r in hits)


def place_labels(requests: list[LabelRequest], obstacles: Obstacles, *, gap: float,
                 padding: float, frame_padding: float, line_weight: float = 2.0
                 ) -> list[Placement]:
    """Place ``requests`` in order (most important first); the placed boxes become obstacles.

    ``padding`` is kept free between labels (room for their halos); a third of it
    between a label and a symbol or the key.

    A point label with no free spot still goes where it overlaps least (``clean``
    False); an area label with no free spot is left out.
    """
    placed: list[Placement] = []
    # The placed labels and the obstacles, each in a grid of cells about four label
    # heights wide (any size gives the same answer; this one is quick).
    height = next((size.height for req in requests for size in req.sizes[:1]), 10.0)
    taken = _Grid(4 * height)
    everything = _Grid(4 * height)
    for owner, rect in obstacles.rects:
        everything.add(rect, owner)
    for req in requests:
        best, best_cost, fallback, fallback_cost = None, float("inf"), None, float("inf")
        others = everything.without(req.key)
        candidates = []
        for variant, size in enumerate(req.sizes):
            if req.along is not None:
                candidates += [(rank + variant, x, y, "center", variant, angle, corners)
                               for rank, x, y, angle, corners in _line_candidates(req, size)]
                continue
            found = (_point_candidates(req, size, gap) if req.point
                     else _area_candidates(req, size))
            candidates += [(rank + variant, x, y, ha, variant, 0.0, None)
                           for rank, x, y, ha in found]
        for rank, x, baseline, ha, variant, angle, corners in candidates:
            if corners is None:
                box, shape = _box(req.sizes[variant], x, baseline, ha), None
            else:
                xs, ys = [c[0] for c in corners], [c[1] for c in corners]
                box, shape = (min(xs), min(ys), max(xs), max(ys)), corners
            if not _inside(box, obstacles.frame, frame_padding):
                continue
            hard, clash = _clash(box, shape, taken, padding)
            hard_too, clash_too = _clash(box, shape, others, padding / 3)
            hard, clash = hard or hard_too, clash + clash_too
            unit = req.sizes[0].height * (0.6 if req.point else 1.0)
            # Crossing lines hurts an area name more: it blurs which area it names.
            weight = line_weight * (1.0 if req.point else 3.0)
            cost = rank * unit + weight * obstacles.line_cost(box, shape)
            chosen = (x, baseline, ha, box, variant, angle)
            if not hard and cost < best_cost:
                best, best_cost = chosen, cost
            soft = clash * 10 + cost
            if soft < fallback_cost:
                fallback, fallback_cost = chosen, soft
        clean = best is not None
        chosen = best or (fallback if req.point else None)
        if chosen is None:
            continue
        x, baseline, ha, box, variant, angle = chosen
        placed.append(Placement(req.key, x, baseline, ha, box, clean, variant, angle))
        taken.add(box)
    return placed


def choose_corner(boxes: list[Rect], points: list[tuple[float, float]],
                  obstacles: Obstacles) -> int:
    """Index of the box (legend position) that covers the fewest places, lines and areas."""
    import shapely

    costs = []
    for box in boxes:
        covered = sum(1 for x, y in points if box[0] - 8 <= x <= box[2] + 8
                      and box[1] - 8 <= y <= box[3] + 8)
        rect = shapely.box(*box)
        hidden = sum(area.intersection(rect).area for area in obstacles.areas)
        costs.append(covered * 1e6 + obstacles.line_cost(box) + hidden * 0.05)
    return min(range(len(boxes)), key=costs.__getitem__)
