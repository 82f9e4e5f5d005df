"""Small inline SVG charts for the HTML report, written by hand so the report loads nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

MIN_LABEL_WIDTH = 120
MAX_LABEL_WIDTH = 380
CHARACTER_WIDTH = 6.6  # an estimate of the average width of a 12px sans-serif character
PLOT_WIDTH = 360
ROW_HEIGHT = 26
TOP = 34
BOTTOM = 34
FONT = "font-family:sans-serif;font-size:12px"


@dataclass(frozen=True)
class RangeRow:
    """One row of a range chart: a whisker from low to high, a box from mid to upper."""

    label: str
    low: float
    mid: float
    upper: float
    high: float


@dataclass(frozen=True)
class BarRow:
    label: str
    value: float


def nice_maximum(value: float) -> float:
    """Return the smallest 1, 2 or 5 times a power of ten that is at least the value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def label_width(labels: list[str]) -> float:
    """Return a label column wide enough for the longest label, within fixed bounds."""
    longest = max((len(label) for label in labels), default=0)
    return min(max(longest * CHARACTER_WIDTH + 16, MIN_LABEL_WIDTH), MAX_LABEL_WIDTH)


def _frame(title: str, unit: str, rows: int, maximum: float, kind: str,
           left: float) -> list[str]:
    height = TOP + rows * ROW_HEIGHT + BOTTOM
    width = left + PLOT_WIDTH + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mirrorcheck-chart" '
        f'data-chart="{escape(kind)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<title>{escape(title)}</title>',
        f'<text x="4" y="18" style="{FONT};font-weight:bold">{escape(title)}</text>',
    ]
    for tick in range(0, 6):
        value = maximum * tick / 5
        x = left + PLOT_WIDTH * tick / 5
        bottom = TOP + rows * ROW_HEIGHT
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" '
                     f'style="{FONT}">{value:g}</text>')
    parts.append(f'<text x="{left + PLOT_WIDTH / 2:.1f}" y="{height - 4}" '
                 f'text-anchor="middle" style="{FONT}">{escape(unit)}</text>')
    return parts


def _scale(value: float, maximum: float, left: float) -> float:
    return left + PLOT_WIDTH * max(value, 0.0) / maximum


def _label(row_index: int, text: str, left: float) -> str:
    y = TOP + row_index * ROW_HEIGHT + ROW_HEIGHT / 2 + 4
    fits = int((left - 16) / CHARACTER_WIDTH)
    if len(text) > fits:
        # The full label stays in the bar's tooltip.
        text = text[: fits - 1] + "\u2026"
    return (f'<text x="{left - 8:.1f}" y="{y:.1f}" text-anchor="end" '
            f'style="{FONT}">{escape(text)}</text>')


def range_chart(title: str, unit: str, rows: list[RangeRow]) -> str:
    """Draw min to max as a whisker and median to p90 as a box, one row per benchmark."""
    if not rows:
        return ""
    maximum = nice_maximum(max(row.high for row in rows))
    left = label_width([row.label for row in rows])
    parts = _frame(title, unit, len(rows), maximum, "range", left)

    for index, row in enumerate(rows):
        middle = TOP + index * ROW_HEIGHT + ROW_HEIGHT / 2
        low, mid = _scale(row.low, maximum, left), _scale(row.mid, maximum, left)
        upper, high = _scale(row.upper, maximum, left), _scale(row.high, maximum, left)
        parts.append(_label(index, row.label, left))
        parts.append(f'<line x1="{low:.1f}" y1="{middle:.1f}" x2="{high:.1f}" '
                     f'y2="{middle:.1f}" stroke="#555" stroke-width="1.5"/>')
        parts.append(f'<rect x="{mid:.1f}" y="{middle - 7:.1f}" '
                     f'width="{max(upper - mid, 2):.1f}" height="14" fill="#4a7ebb">'
                     f'<title>{escape(row.label)}: min {row.low:g}, median {row.mid:g}, '
                     f'p90 {row.upper:g}, max {row.high:g} {escape(unit)}</title></rect>')
        parts.append(f'<line x1="{mid:.1f}" y1="{middle - 9:.1f}" x2="{mid:.1f}" '
                     f'y2="{middle + 9:.1f}" stroke="#1b3a5c" stroke-width="2.5"/>')

    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, unit: str, rows: list[BarRow]) -> str:
    """Draw one horizontal bar per row, labelled with its value."""
    if not rows:
        return ""
    maximum = nice_maximum(max(row.value for row in rows))
    left = label_width([row.label for row in rows])
    parts = _frame(title, unit, len(rows), maximum, "bar", left)

    for index, row in enumerate(rows):
        top = TOP + index * ROW_HEIGHT + 5
        end = _scale(row.value, maximum, left)
        parts.append(_label(index, row.label, left))
        parts.append(f'<rect x="{left:.1f}" y="{top:.1f}" '
                     f'width="{max(end - left, 1):.1f}" height="{ROW_HEIGHT - 10}" '
                     f'fill="#5a9e6f"><title>{escape(row.label)}: {row.value:g} '
                     f'{escape(unit)}</title></rect>')
        parts.append(f'<text x="{end + 4:.1f}" y="{top + 12:.1f}" '
                     f'style="{FONT}">{row.value:.1f}</text>')

    parts.append("</svg>")
    return "".join(parts)
