"""Reading the published warehouse and the record of the last quality gate (never writing them)."""

from __future__ import annotations

import json

import duckdb

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only: an analyst's query never blocks or changes a build."""
    path = settings.warehouse_path
    if not path.exists():
        raise CrossborderError(f"no published warehouse at {path}: run `crossborder run` (or `make warehouse`) first")
    return duckdb.connect(str(path), read_only=True)


def last_gate_result(settings: Settings) -> dict | None:
    """The summary the last quality gate wrote (None when no gate ever ran)."""
    try:
        return json.loads(settings.gate_result_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
