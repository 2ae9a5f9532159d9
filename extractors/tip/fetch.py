"""Landing TIP pages politely: a copy or a 404 checked recently enough is reused, a 404 is an
answer (the country was not evaluated that edition) kept in `not_found.jsonl`, not a failure.

A 404 is reused only once its edition has been accepted with it (its records derived since): the
404s of an edition that was refused (most pages 404 during an outage, or no host had the index)
are asked again by the next run, not trusted for recheck_after_hours."""

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
from extractors.tip.schema import DATASETS
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


def _accepted_since(ctx: ExtractContext, url: str, timestamp: str) -> bool:
    """Whether url's edition had its records derived after timestamp (the edition was accepted).

    The records' meta is written only when an edition is derived and not refused, so its time says
    when the edition was last accepted; an edition refused since keeps the older time."""
    where = locate(ctx.source, url)
    if where is None:
        return False
    meta = ctx.landing.meta_path(DATASETS[0], str(where["year"]))
    try:
        derived = datetime.fromtimestamp(meta.stat().st_mtime, UTC)
    except FileNotFoundError:
        return False
    return derived >= datetime.fromisoformat(timestamp)


def land(
    ctx: ExtractContext, url: str, year: int, report: ExtractReport, *, kind: str = "file"
) -> ManifestEntry | None:
    """Land url (None: it answered 404). A copy younger than recheck_after_hours is reused, and so is
    a 404 that young which its edition was accepted with (see the module's docstring).

    kind: "page" for an edition's index, "file" for a country page (the data)."""
    hours = float(ctx.source.option("recheck_after_hours"))
    held = ctx.landing.latest_by_url().get(url)
    missing_at = not_found_log(ctx).get(url)
    if missing_at and (held is None or missing_at > held.fetched_at) and _recent(missing_at, hours):
        if _accepted_since(ctx, url, missing_at):
            report.reused += 1
            return None
        held = None  # answered 404 since that copy was landed: asked again, not served from the copy
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
