"""Horizontal stacked bar charts, laid out here and drawn as inline SVG by
templates/components/bar_chart.html.

The chart is drawn on the server with SVG presentation attributes only (x, y,
width, height, fill): no script and no style attribute, so the page's Content
Security Policy (style-src 'self') allows it. Every chart sits beside a table
with the same figures, which is what a screen reader user reads; the SVG itself
is one image with a title and a description.
"""

from __future__ import annotations

from dataclasses import dataclass

# GOV.UK colours: blue, green and red, with text in GOV.UK black.
BLUE = "#1d70b8"
GREEN = "#00703c"
RED = "#d4351c"
TEXT = "#0b0c0c"

WIDTH = 960
BAR_AREA = 640  # the longest bar; its figures are written after it
LABEL_HEIGHT = 24
BAR_HEIGHT = 24
ROW_GAP = 16
LEGEND_HEIGHT = 40


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    fill: str


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    fill: str


@dataclass(frozen=True)
class Row:
    label: str
    label_y: float
    bar_y: float
    segments: list[Segment]
    figures: str  # written after the bar
    figures_x: float


@dataclass(frozen=True)
class LegendItem:
    label: str
    fill: str
    x: float


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bar_height: int
    legend_y: float
    legend: list[LegendItem]
    rows: list[Row]


def stacked_bars(
    id: str,
    title: str,
    description: str,
    series: list[Series],
    rows: list[tuple[str, dict[str, int], str]],
) -> Chart:
    """`rows` are (label, value per series key, figures written after the bar).
    Bars share one scale, so the longest is BAR_AREA wide."""
    longest = max((sum(values.values()) for _label, values, _figures in rows), default=0)
    scale = BAR_AREA / longest if longest else 0.0
    laid_out = []
    y = float(LEGEND_HEIGHT)
    for label, values, figures in rows:
        x = 0.0
        segments = []
        for item in series:
            width = values.get(item.key, 0) * scale
            if width:
                segments.append(Segment(round(x, 1), round(width, 1), item.fill))
            x += width
        bar_y = y + LABEL_HEIGHT
        laid_out.append(Row(label, y + 17, bar_y, segments, figures, round(x + 8, 1)))
        y = bar_y + BAR_HEIGHT + ROW_GAP
    legend = [LegendItem(item.label, item.fill, index * 200.0) for index, item in enumerate(series)]
    return Chart(
        id=id,
        title=title,
        description=description,
        width=WIDTH,
        height=int(y),
        bar_height=BAR_HEIGHT,
        legend_y=8,
        legend=legend,
        rows=laid_out,
    )
