"""Landing the full-table zip (the work item of plan)."""

from __future__ import annotations

from urllib.parse import urlsplit

from crossborder.core.errors import CrossborderError
from extractors.base import ExtractContext, ExtractReport
from extractors.statcan.discover import table_id


def fetch(ctx: ExtractContext, item: str, report: ExtractReport) -> None:
    """Land the full-table zip (conditional GET), the table id as its release in the manifest."""
    if not urlsplit(item).path.lower().endswith(".zip"):
        raise CrossborderError(f"statcan: {item} is not a full-table zip URL")
    ctx.fetch(item, kind="file", suffix=".zip", release_id=table_id(ctx), report=report)
