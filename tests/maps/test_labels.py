"""Greedy label placement on rectangles."""

from __future__ import annotations

import numpy as np

from exporter.maps.labels import LabelRequest, Obstacles, Size, place_labels


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_crowded_points_get_labels_that_do_not_overlap():
    frame = (0, 0, 400, 300)
    points = [(60 + 45 * i, 150 + (i % 2) * 12) for i in range(7)]
    obstacles = Obstacles(frame=frame, rects=[(f"p{i}", (x - 3, y - 3, x + 3, y + 3))
                                              for i, (x, y) in enumerate(points)])
    requests = [LabelRequest(f"p{i}", x, y, True, (Size(40, 10, 2),), radius=3)
                for i, (x, y) in enumerate(points)]
    placed = place_labels(requests, obstacles, gap=2, padding=1, frame_padding=2)
    assert len(placed) == len(points)
    boxes = [p.box for p in placed if p.clean]
    assert len(boxes) == len(points)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not _overlap(a, b)
        for _, rect in obstacles.rects:
            assert not _overlap(a, rect)


def test_a_label_prefers_the_right_and_avoids_lines_and_frame():
    frame = (0, 0, 200, 200)
    point = LabelRequest("a", 100, 100, True, (Size(40, 10, 2),), radius=3)
    (p,) = place_labels([point], Obstacles(frame=frame), gap=2, padding=1, frame_padding=2)
    assert p.ha == "left" and p.box[0] > 100
    # A vertical line right of the point pushes the label to the left.
    line = np.array([[[110, 0], [110, 200]]], dtype=float)
    (p,) = place_labels([point], Obstacles(frame=frame, lines=[(1.0, line)]), gap=2,
                        padding=1, frame_padding=2)
    assert p.box[2] < 100
    # Near the right edge the label cannot go right.
    edge = LabelRequest("b", 190, 100, True, (Size(40, 10, 2),), radius=3)
    (p,) = place_labels([edge], Obstacles(frame=frame), gap=2, padding=1, frame_padding=2)
    assert p.box[2] <= 198


def test_label_along_a_line_is_rotated_with_it():
    frame = (0, 0, 300, 300)
    req = LabelRequest("road", 150, 150, False, (Size(60, 10, 2),),
                       along=(50.0, 50.0, 250.0, 250.0), offset=3)
    (p,) = place_labels([req], Obstacles(frame=frame), gap=2, padding=1, frame_padding=2)
    assert abs(p.angle - 45) < 1e-6


def test_the_grid_finds_what_a_scan_of_every_rect_finds():
    """Labels are tested against the placed ones and the obstacles near them, found in a
    grid (linear work for n labels): the same rects, in the same order, as a scan."""
    import random

    from exporter.maps.labels import _Grid, _overlaps

    rng = random.Random(28)
    rects = []
    for _ in range(400):
        x, y = rng.uniform(-50, 500), rng.uniform(-50, 300)
        rects.append((x, y, x + rng.uniform(0.5, 80), y + rng.uniform(0.5, 20)))
    owners = [rng.choice("abcde") for _ in rects]
    grid = _Grid(12.0)
    for rect, owner in zip(rects, owners):
        grid.add(rect, owner)
    for _ in range(300):
        x, y = rng.uniform(-60, 520), rng.uniform(-60, 320)
        box, pad = (x, y, x + rng.uniform(1, 60), y + rng.uniform(1, 15)), rng.uniform(0, 6)
        scanned = [r for r in rects if _overlaps(box, r, pad)]
        assert [r for r in grid.near(box, pad) if _overlaps(box, r, pad)] == scanned
        skip = rng.choice("abcde")
        scanned = [r for r, o in zip(rects, owners) if o != skip and _overlaps(box, r, pad)]
        assert [r for r in grid.without(skip).near(box, pad) if _overlaps(box, r, pad)] \
            == scanned
