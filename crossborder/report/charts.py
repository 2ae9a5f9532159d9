"""Charts for the briefing report: matplotlib figures rendered to inline SVG (no JavaScript,
nothing loaded from anywhere).

Every chart carries its title, axis units and a footer naming the source and the "data as of"
date inside the SVG itself, so a chart copied out of the report still says what it shows.
Text from the sources is never parsed as markup or mathtext (`text.parse_math` is off), and the
SVG writer escapes it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from cycler import cycler
from matplotlib import rc_context
from matplotlib.dates import DateFormatter, MonthLocator, YearLocator
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

# One palette for every chart: colour-blind-safe (Okabe-Ito).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

RC = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, small
    "text.parse_math": False,  # a `$` in a scraped name is a dollar sign, not mathtext
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": cycler(color=PALETTE),
    "legend.frameon": False,
    "legend.fontsize": 8,
}


@dataclass
class Chart:
    """One chart of the report: an inline SVG and the words around it."""

    key: str  # stable id, e.g. "encounters" (the HTML element is #chart-<key>)
    title: str
    svg: str
    reading: str  # one line: what the chart says
    source: str
    as_of: str


def thousands(value: float, _pos=None) -> str:
    return f"{value:,.0f}"


def render(
    key: str,
    title: str,
    source: str,
    as_of: str,
    reading: str,
    draw: Callable[[Figure], None],
    *,
    height: float = 3.4,
    width: float = 9.0,
) -> Chart:
    """Draw a figure with `draw(fig)` and return it as a Chart holding inline SVG."""
    # The salt makes matplotlib's generated ids (clip paths, markers) distinct per chart, so
    # several SVGs share one HTML document without clashing ids.
    with rc_context({**RC, "svg.hashsalt": f"crossborder-{key}"}):
        fig = Figure(figsize=(width, height), layout="constrained")
        fig.suptitle(title, x=0.0, ha="left", fontsize=11, fontweight="bold")
        draw(fig)
        fig.text(
            0.0,
            0.0,
            f"Source: {source}  ·  Data as of: {as_of}",
            fontsize=7.5,
            color="#555555",
            ha="left",
            va="top",
            transform=fig.transFigure,
        )
        buffer = io.StringIO()
        fig.savefig(
            buffer,
            format="svg",
            bbox_inches="tight",
            pad_inches=0.15,
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE (not valid inside HTML)
    if re.search(r"<\s*(script|foreignObject)|\son\w+\s*=|javascript:", svg, re.IGNORECASE):
        raise ValueError(f"chart {key}: the SVG holds active content")  # never expected; never shipped
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1)
    return Chart(key=key, title=title, svg=svg, reading=reading, source=source, as_of=as_of)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def month_axis(ax, months: Sequence[date]) -> None:
    span = (max(months) - min(months)).days if months else 0
    if span > 3 * 366:
        ax.xaxis.set_major_locator(YearLocator())
        ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    else:
        ax.xaxis.set_major_locator(MonthLocator(bymonth=(1, 4, 7, 10)))
        ax.xaxis.set_major_formatter(DateFormatter("%b %Y"))


def count_axis(ax, label: str) -> None:
    """A count y-axis from 0. Call it after the data are drawn: it fixes the limits, and limits
    fixed on an empty axis stay at 0-1, so every line drawn afterwards is off the chart."""
    if not ax.has_data():
        raise ValueError(f"count_axis({label!r}) on an axis with no data yet: draw the data first")
    ax.set_ylabel(label)
    ax.yaxis.set_major_formatter(FuncFormatter(thousands))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.set_ylim(bottom=0)


def fiscal_year_label(fiscal_year: int, months_covered: int | None = None) -> str:
    """'FY2024', or 'FY2025 (5 of 12 months)' for a fiscal year the data cover only in part."""
    if months_covered is None or months_covered >= 12:
        return f"FY{fiscal_year}"
    return f"FY{fiscal_year} ({months_covered} of 12 months)"


def mark_fiscal_years(axes, first: date, last: date, label_axis=None, months_covered=None) -> None:
    """Dotted lines at each October 1 (the US fiscal year starts) and FY labels on label_axis;
    months_covered ({fiscal year: months in the data}) labels a partial year as such."""
    starts = [date(y, 10, 1) for y in range(first.year - 1, last.year + 1) if first < date(y, 10, 1) <= last]
    for ax in axes:
        for start in starts:
            ax.axvline(start, color="#888888", linewidth=0.8, linestyle=":", zorder=0)
    if label_axis is None:
        return
    for fy in range(first.year, last.year + 2):
        begin, end = max(date(fy - 1, 10, 1), first), min(date(fy, 9, 30), last)
        if (end - begin).days < 45:
            continue
        middle = begin + (end - begin) / 2
        label_axis.text(
            middle,
            1.01,
            fiscal_year_label(fy, (months_covered or {}).get(fy)),
            transform=label_axis.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7.5,
            color="#555555",
        )
