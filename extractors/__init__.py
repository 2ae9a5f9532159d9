"""The sources: one package per source, each with the same modules (discover, fetch, parse,
records, schema) and exposing its Source (extractors.base) as `SOURCE`.

This registry stays cheap to import: the DAG files import it at parse time, where requests,
bs4 and DuckDB must not be loaded, so a source's package is imported only when asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from crossborder.core.errors import CrossborderError

if TYPE_CHECKING:
    from extractors.base import Source

# Source name -> its package.
SOURCES: dict[str, str] = {
    "cbp": "extractors.cbp",
    "tip": "extractors.tip",
    "news": "extractors.news",
    "statcan": "extractors.statcan",
    "ohss": "extractors.ohss",
}


def source(name: str) -> Source:
    """The source called name (its package is imported on first use)."""
    try:
        package = SOURCES[name]
    except KeyError:
        raise CrossborderError(f"unknown source {name!r} (known: {', '.join(sorted(SOURCES))})") from None
    found: Source = importlib.import_module(package).SOURCE
    return found
