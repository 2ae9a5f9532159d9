"""Extractors: one module per source, each writing only into the landing zone.

Every module exposes `extract(ctx: ExtractContext) -> ExtractReport` (fetch what is new, then
derive records) and `refresh_records(ctx, report)` (derive records from raw files alone, offline).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from crossborder import CrossborderError

# Source name -> module. Modules are imported on demand so the CLI and DAGs start fast.
SOURCES: dict[str, str] = {
    "cbp": "extractors.cbp",
}


def extractor_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(SOURCES[name])
    except KeyError:
        raise CrossborderError(f"unknown source {name!r} (known: {', '.join(sorted(SOURCES))})") from None
