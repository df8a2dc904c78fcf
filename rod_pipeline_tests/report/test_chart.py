from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from rod_pipeline.report.chart import (
    LEFT,
    RIGHT,
    WIDTH,
    X_LABEL_GAP,
    Marker,
    Series,
    line_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
DAYS = (date(2025, 2, 8), date(2025, 2, 18), date(2025, 2, 28))
MARKERS = (
    Marker("Registratiedeadline", date(2025, 3, 3)),
    Marker("Einde bezwaartermijn", date(2025, 4, 14)),
)


def _series(label: str, counts: tuple[int, ...], colour: str = "#0072b2") -> Series:
    return Series(label, tuple(zip(DAYS, counts, strict=True)), colour)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also proves the SVG is well-formed XML


def test_one_polyline_and_one_dot_per_point_for_each_series() -> None:
    series = [_series("SBO", (1, 2, 3)), _series("SO/VSO laag", (0, 5, 4))]
    svg = _parse(line_chart(series, [], "t"))
    groups = svg.findall(f"{SVG}g[@class='reeks']")
    assert [g.get("data-reeks") for g in groups] == ["SBO", "SO/VSO laag"]
    for group in groups:
        points = group.find(f"{SVG}polyline").get("points").split()
        assert len(points) == 3
        assert len(group.findall(f"{SVG}circle[@class='punt']")) == 3


def test_markers_are_vertical_lines_with_their_label_and_date() -> None:
    svg = _parse(line_chart([_series("SBO", (1, 2, 3))], MARKERS, "t"))
    markers = svg.findall(f"{SVG}g[@class='markering']")
    assert [m.find(f"{SVG}text").text for m in markers] == [
        "Registratiedeadline 3-3-2025",
        "Einde bezwaartermijn 14-4-2025",
    ]
    for marker in markers:
        line = marker.find(f"{SVG}line")
        assert line.get("x1") == line.get("x2")


def test_a_deadline_still_to_come_lies_right_of_the_data() -> None:
    svg = _parse(line_chart([_series("SBO", (1, 2, 3))], MARKERS, "t"))
    last_point = max(float(c.get("cx")) for c in svg.iter(f"{SVG}circle"))
    deadline, einde = (
        float(m.find(f"{SVG}line").get("x1")) for m in svg.findall(f"{SVG}g[@class='markering']")
    )
    assert last_point < deadline < einde


def test_counts_rise_upwards_from_a_zero_baseline() -> None:
    svg = _parse(line_chart([_series("SBO", (0, 7, 10))], [], "t"))
    heights = [float(c.get("cy")) for c in svg.iter(f"{SVG}circle")]
    assert heights[0] > heights[1] > heights[2]


@pytest.mark.parametrize(
    ("counts", "ticks"),
    [
        ((0, 0, 0), ["0", "1"]),
        ((0, 7, 10), ["0", "2", "4", "6", "8", "10"]),
        ((3, 4, 7), ["0", "2", "4", "6", "8"]),
        ((150, 420, 598), ["0", "200", "400", "600"]),
    ],
)
def test_gridlines_fall_on_round_numbers(counts: tuple[int, ...], ticks: list[str]) -> None:
    svg = _parse(line_chart([_series("SBO", counts)], [], "t"))
    assert [t.text for t in svg.findall(f"{SVG}text[@class='as-y']")] == ticks


def test_date_labels_of_close_peildata_do_not_overlap() -> None:
    days = tuple(date(2025, 2, day) for day in range(3, 28, 3))
    series = Series("SBO", tuple((day, 1) for day in days), "#000")
    svg = _parse(line_chart([series], MARKERS, "t"))
    labels = [float(t.get("x")) for t in svg.findall(f"{SVG}text[@class='as-x']")]
    assert 1 < len(labels) < len(days)
    assert all(b - a >= X_LABEL_GAP for a, b in itertools.pairwise(labels))


def test_a_single_peildatum_is_drawn_in_the_middle() -> None:
    svg = _parse(line_chart([Series("SBO", ((DAYS[0], 4),), "#000")], [], "t"))
    (dot,) = svg.iter(f"{SVG}circle")
    assert float(dot.get("cx")) == pytest.approx((LEFT + WIDTH - RIGHT) / 2)


def test_labels_are_escaped() -> None:
    svg = line_chart([_series("<b>&", (1, 2, 3))], [Marker("a<b", DAYS[0])], "x<y")
    assert "<b>" not in svg and "a<b" not in svg
    assert "&lt;b&gt;&amp;" in svg
    _parse(svg)


def test_the_same_series_give_the_same_svg() -> None:
    def chart() -> str:
        return line_chart([_series("SBO", (1, 2, 3))], MARKERS, "t")

    assert chart() == chart()
    assert not re.search(r"\d\.\d{2,}", chart())  # coordinates rounded to one decimal


def test_nothing_to_draw_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one point"):
        line_chart([], [], "t")
