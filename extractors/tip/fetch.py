"""Landing TIP pages politely: a copy or a 404 checked recently enough is reused, a 404 is an
answer (the country was not evaluated that edition) kept in `not_found.jsonl`, not a failure."""

from __future__ import annotations

import fcntl
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crossborder.core.errors import CrossborderError
from crossborder.core.files import utc_now
from crossborder.core.http import NotFound
from crossborder.core.landing import ManifestEntry
from extractors.base import ExtractContext, ExtractReport
from extractors.tip.urls import locate


def _not_found_path(ctx: ExtractContext) -> Path:
    return ctx.landing.root / "not_found.jsonl"


def not_found_log(ctx: ExtractContext) -> dict[str, str]:
    """URL -> when it last answered 404."""
    path = _not_found_path(ctx)
    seen: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                seen[entry["url"]] = entry["checked_at"]
    return seen


def _log_not_found(ctx: ExtractContext, url: str, status: int | None) -> None:
    path = _not_found_path(ctx)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)  # fetch tasks may run in parallel
        out.write(json.dumps({"url": url, "checked_at": utc_now(), "status": status}, sort_keys=True) + "\n")


def _recent(timestamp: str, hours: float) -> bool:
    if hours <= 0:
        return False
    return datetime.now(UTC) - datetime.fromisoformat(timestamp) < timedelta(hours=hours)


def land(
    ctx: ExtractContext, url: str, year: int, report: ExtractReport, *, kind: str = "file"
) -> ManifestEntry | None:
    """Land url (None: it answered 404). A copy or a 404 younger than recheck_after_hours is reused.

    kind: "page" for an edition's index, "file" for a country page (the data)."""
    hours = float(ctx.source.option("recheck_after_hours"))
    held = ctx.landing.latest_by_url().get(url)
    missing_at = not_found_log(ctx).get(url)
    if missing_at and (held is None or missing_at > held.fetched_at) and _recent(missing_at, hours):
        report.reused += 1
        return None
    if held and ctx.landing.object_path(held).exists() and _recent(held.fetched_at, hours):
        report.reused += 1
        return held
    try:
        return ctx.fetch(url, kind=kind, suffix=".html", release_id=str(year), report=report)
    except NotFound as exc:
        report.checked += 1
        report.not_found += 1
        _log_not_found(ctx, url, exc.status)
        ctx.progress.say(f"    {url}: HTTP {exc.status} (not in this edition)")
        return None


def fetch(ctx: ExtractContext, item: str, report: ExtractReport) -> None:
    """Land one country page (a work item from plan); a 404 is recorded, not raised."""
    where = locate(ctx.source, item)
    if where is None or where["page"] is None:
        raise CrossborderError(f"tip: {item} is not a TIP country page URL")
    land(ctx, item, where["year"], report)
