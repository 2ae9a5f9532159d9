"""Landing one CBP release file (a work item of plan)."""

from __future__ import annotations

from crossborder.core.errors import CrossborderError
from extractors.base import ExtractContext, ExtractReport
from extractors.cbp.discover import release_from_url


def fetch(ctx: ExtractContext, item: str, report: ExtractReport) -> None:
    """Land one release file (conditional GET), its release id in the manifest."""
    release = release_from_url(item)
    if release is None:
        raise CrossborderError(f"cbp: {item} is not a CBP release URL")
    ctx.fetch(item, kind="file", suffix=".csv", release_id=release.release_id, report=report)
