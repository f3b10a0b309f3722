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
