"""Server-side SVG charts: pure geometry that templates draw, so the page needs no script and no CDN."""

from __future__ import annotations

from dataclasses import dataclass

ROW_HEIGHT, BAR_HEIGHT, LABEL_WIDTH, CHART_WIDTH = 30, 18, 236, 560


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    axis_y: float = 0


def _scale(values: list[int], room: float) -> float:
    top = max(values, default=0)
    return room / top if top else 0.0


def horizontal(title: str, data: list[tuple[str, int]]) -> Chart:
    """One bar per row, labels on the left, values after the bar."""
    room = CHART_WIDTH - LABEL_WIDTH - 50
    factor = _scale([value for _, value in data], room)
    bars = [Bar(label, value, LABEL_WIDTH, i * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                max(value * factor, 1 if value else 0), BAR_HEIGHT) for i, (label, value) in enumerate(data)]
    return Chart(title, CHART_WIDTH, max(len(data), 1) * ROW_HEIGHT, bars)


def columns(title: str, data: list[tuple[str, int]], height: int = 200) -> Chart:
    """One column per item (months), labels underneath, values on top."""
    bottom = height - 30
    slot = CHART_WIDTH / max(len(data), 1)
    factor = _scale([value for _, value in data], bottom - 24)
    bars = []
    for i, (label, value) in enumerate(data):
        bar_height = max(value * factor, 1 if value else 0)
        bars.append(Bar(label, value, i * slot + slot * 0.18, bottom - bar_height, slot * 0.64, bar_height))
    return Chart(title, CHART_WIDTH, height, bars, axis_y=bottom)
