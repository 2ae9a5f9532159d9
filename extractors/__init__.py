"""Extractors: one module per source, each writing only into the landing zone.

Every module declares `DATASETS` (the records folders it writes under raw/<source>/records/, which
dbt reads) and exposes the same four functions, so the CLI runs them in one go and an Airflow DAG
can map the fetches over tasks:
- `plan(ctx, report) -> list[str]`: discover the work items (e.g. file URLs), landing what it read;
- `fetch(ctx, item, report)`: land one work item;
- `refresh_records(ctx, report)`: derive records from the raw files held (offline);
- `extract(ctx) -> ExtractReport`: all three.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from crossborder.core.errors import CrossborderError

# Source name -> module. Modules are imported on demand so the CLI and DAGs start fast.
SOURCES: dict[str, str] = {
    "cbp": "extractors.cbp",
    "tip": "extractors.tip",
    "news": "extractors.news",
    "statcan": "extractors.statcan",
}


def extractor_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(SOURCES[name])
    except KeyError:
        raise CrossborderError(f"unknown source {name!r} (known: {', '.join(sorted(SOURCES))})") from None
