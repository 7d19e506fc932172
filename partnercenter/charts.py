"""Bar charts as server-rendered SVG (the partner home's money and activity charts): geometry and accessible
labels computed here, drawn by a template."""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

CHART_WIDTH, CHART_HEIGHT = 640, 220
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 72, 16, 184


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str     # the <title> of the bar, for pointer and screen-reader users


@dataclass
class Chart:
    title: str
    description: str
    bars: list[Bar]
    ticks: list[tuple[float, str]]        # (x, label) under the plot
    grid: list[tuple[float, str]]         # (y, label) on the left
    legend: list[tuple[str, str]]         # (css class, label)
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    plot_left: int = PLOT_LEFT
    plot_bottom: int = PLOT_BOTTOM
    plot_right: int = CHART_WIDTH - 8

    @property
    def bars_svg(self) -> SafeString:
        """The bars as SVG, built here rather than in the template (~200 bars x 6 variables, each resolved and
        escaped, was most of the page's rendering time). Numbers are Python floats (72.5 in every language), the
        class is one of ours, and the label, the one text that comes from data, is escaped."""
        return mark_safe("".join(  # noqa: S308 - every interpolated value is a float, our CSS class or escaped
            f'<rect class="{b.css}" x="{b.x}" y="{b.y}" width="{b.width}" height="{b.height}">'
            f"<title>{html.escape(b.label)}</title></rect>" for b in self.bars))


def _scale_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(value)


def grouped_bar_chart(*, title: str, description: str, labels: list[str], tick_every: int,
                      series: list[tuple[str, str, list[float]]], value_label: Callable[[float], str]) -> Chart:
    """series: (css class, legend label, values); bars of one group side by side."""
    top = _scale_max(max((v for _css, _name, values in series for v in values), default=0))
    plot_width = CHART_WIDTH - 8 - PLOT_LEFT
    plot_height = PLOT_BOTTOM - PLOT_TOP
    group = plot_width / max(len(labels), 1)
    bar_width = group * 0.8 / max(len(series), 1)
    bars = []
    for index, label in enumerate(labels):
        for position, (css, name, values) in enumerate(series):
            value = values[index]
            height = plot_height * value / top
            x = PLOT_LEFT + index * group + group * 0.1 + position * bar_width
            bars.append(Bar(round(x, 1), round(PLOT_BOTTOM - height, 1), round(bar_width, 1), round(height, 1),
                            css, f"{label}: {name} {value_label(value)}"))
    ticks = [(round(PLOT_LEFT + i * group + group / 2, 1), label)
             for i, label in enumerate(labels) if i % tick_every == 0]
    grid = [(round(PLOT_BOTTOM - plot_height * f, 1), value_label(top * f)) for f in (0, 0.5, 1)]
    return Chart(title, description, bars, ticks, grid, [(css, name) for css, name, _values in series])


