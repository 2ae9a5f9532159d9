"""What every section of the report is made of, and the wording helpers they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import duckdb

from crossborder.report.charts import Chart
from crossborder.report.models import ReportModel


class Skip(Exception):
    """A section (or part of one) has nothing to show; the message says why."""


@dataclass
class Table:
    """A small table shown in a section (cells are text, escaped by the template)."""

    caption: str
    header: list[str]
    rows: list[list[Any]]
    links: list[str | None] = field(default_factory=list)  # optional http(s) link for the first cell of each row


@dataclass
class SectionResult:
    key: str
    title: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None  # why the section is not shown
    error: str | None = None  # the section failed to draw


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    models: tuple[ReportModel, ...]  # every model it reads (the first one empty: the section is skipped)
    build: Callable[[duckdb.DuckDBPyConnection, SectionResult], None]


def month_name(d: date) -> str:
    return d.strftime("%B %Y")


def change_words(pct: float | None) -> str:
    """A percent change on a year earlier, in words (the models compute it; null: nothing to compare)."""
    return "no comparison" if pct is None else f"{pct:+.0f}% on a year earlier"


def safe_link(url: str | None) -> str | None:
    """Only http(s) links are kept: a `javascript:` or `data:` URL from a feed never becomes a link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None
