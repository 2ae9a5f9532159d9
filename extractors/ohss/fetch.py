"""Landing one OHSS workbook (a work item of plan)."""

from __future__ import annotations

from urllib.parse import urlsplit

from crossborder.core.errors import CrossborderError
from extractors.base import ExtractContext, ExtractReport
from extractors.ohss.discover import workbook_name


def fetch(ctx: ExtractContext, item: str, report: ExtractReport) -> None:
    """Land the workbook (conditional GET), its file name as the release in the manifest."""
    if not urlsplit(item).path.lower().endswith(".xlsx"):
        raise CrossborderError(f"ohss: {item} is not an Excel workbook URL")
    ctx.fetch(item, kind="file", suffix=".xlsx", release_id=workbook_name(item), report=report)
