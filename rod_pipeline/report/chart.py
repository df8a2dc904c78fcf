"""A line chart as inline SVG: the report must open from a file share, without scripts."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

from rod_pipeline.report.labels import datum

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 40, 40, 64
# Room for a date label ("28-12-2025") on the x axis; closer labels are left out.
X_LABEL_GAP = 64


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[date, int], ...]
    colour: str
    dash: str = ""


@dataclass(frozen=True)
class Marker:
    """A vertical line at a date, such as the registration deadline."""

    label: str
    day: date


def _y_ticks(largest: int) -> list[int]:
    """0 up to the largest count, in at most five steps of 1, 2 or 5 times a power of ten, so
    the gridlines fall on round numbers."""
    step = next(
        mantissa * 10**power
        for power in itertools.count()
        for mantissa in (1, 2, 5)
        if largest <= 5 * mantissa * 10**power
    )
    top = max(step, -(-largest // step) * step)
    return list(range(0, top + 1, step))


def _coordinate(value: float) -> str:
    return f"{value:.1f}"


def line_chart(series: Sequence[Series], markers: Sequence[Marker], title: str) -> Markup:
    """One polyline with a dot per point for each series, x = date, y = count from 0.

    Markers widen the date axis when they lie outside the points, so a deadline still to come
    shows as a line to the right of the data.
    """
    days = sorted({day for s in series for day, _ in s.points} | {m.day for m in markers})
    if not days:
        raise ValueError("a chart needs at least one point or marker")
    first, last = days[0].toordinal(), days[-1].toordinal()
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    ticks = _y_ticks(max((count for s in series for _, count in s.points), default=0))

    def x(day: date) -> float:
        if first == last:
            return LEFT + plot_width / 2
        return LEFT + plot_width * (day.toordinal() - first) / (last - first)

    def y(count: int) -> float:
        return TOP + plot_height * (1 - count / ticks[-1])

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="grafiek" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for count in ticks:
        parts.append(
            f'<line class="raster" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{_coordinate(y(count))}" y2="{_coordinate(y(count))}"/>'
            f'<text class="as-y" x="{LEFT - 6}" y="{_coordinate(y(count) + 4)}">{count}</text>'
        )
    labelled = -float(X_LABEL_GAP)
    for day in sorted({day for s in series for day, _ in s.points}):
        if x(day) - labelled >= X_LABEL_GAP:
            labelled = x(day)
            parts.append(
                f'<text class="as-x" x="{_coordinate(labelled)}" y="{HEIGHT - BOTTOM + 16}">'
                f"{datum(day)}</text>"
            )
    for index, marker in enumerate(markers):
        at = _coordinate(x(marker.day))
        # Labels on alternate heights, anchored away from the nearer edge, so two close
        # markers stay readable.
        anchor, shift = ("end", -4) if x(marker.day) > LEFT + plot_width / 2 else ("start", 4)
        parts.append(
            f'<g class="markering"><line x1="{at}" x2="{at}" y1="{TOP - 8 - 12 * (index % 2)}" '
            f'y2="{HEIGHT - BOTTOM}"/><text x="{_coordinate(x(marker.day) + shift)}" '
            f'y="{TOP - 10 - 12 * (index % 2)}" text-anchor="{anchor}">'
            f"{escape(marker.label)} {datum(marker.day)}</text></g>"
        )
    for index, s in enumerate(series):
        style = f'stroke="{escape(s.colour)}"' + (f' stroke-dasharray="{s.dash}"' if s.dash else "")
        points = " ".join(f"{_coordinate(x(d))},{_coordinate(y(c))}" for d, c in s.points)
        parts.append(
            f'<g class="reeks" data-reeks="{escape(s.label)}">'
            f'<polyline class="lijn" fill="none" {style} points="{points}"/>'
        )
        parts.extend(
            f'<circle class="punt" cx="{_coordinate(x(d))}" cy="{_coordinate(y(c))}" r="3" '
            f'fill="{escape(s.colour)}"><title>{escape(s.label)}, {datum(d)}: {c}</title></circle>'
            for d, c in s.points
        )
        legend_x = LEFT + index * 150
        parts.append(
            f'<line class="legenda" x1="{legend_x}" x2="{legend_x + 24}" y1="{HEIGHT - 14}" '
            f'y2="{HEIGHT - 14}" {style}/><text class="legenda" x="{legend_x + 30}" '
            f'y="{HEIGHT - 10}">{escape(s.label)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
