"""Finding the full-table zip: the Web Data Service (WDS) answer names it, and plan lands that
answer (the zip URL is the one work item)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

from crossborder.core.http import FetchError
from extractors.base import ExtractContext, ExtractReport
from extractors.csv_files import SchemaError


def table_id(ctx: ExtractContext) -> str:
    return str(ctx.source.option("table_id"))


def wds_url(ctx: ExtractContext) -> str:
    return ctx.source.url(ctx.source.option("wds_path").format(table_id=table_id(ctx)))


def zip_url_from_wds(body: bytes, wds_url: str) -> str:
    """The zip URL a getFullTableDownloadCSV answer names (pure). Raises naming the URL."""
    try:
        answer = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        head = body[:80].decode("utf-8", errors="replace")
        raise SchemaError(f"statcan: {wds_url}: the answer is not JSON ({exc}); it starts {head!r}") from None
    if not isinstance(answer, dict) or answer.get("status") != "SUCCESS" or not isinstance(answer.get("object"), str):
        raise SchemaError(
            f"statcan: {wds_url}: the answer is not a successful WDS reply with a zip URL: {str(answer)[:200]}"
        )
    url = str(answer["object"]).strip()
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).path.lower().endswith(".zip"):
        raise SchemaError(f"statcan: {wds_url}: the WDS reply names {url!r}, not an http(s) URL of a .zip file")
    return url


def onto_base_url(url: str, base_url: str, official_hosts: tuple[str, ...]) -> str:
    """url unchanged, or, when it is on an official host and base_url is another host (a
    mirror), the same path on base_url: a mirror's WDS answer written for the real site still
    leads to the mirror."""
    parts, base = urlsplit(url), urlsplit(base_url)
    official = {h.lower() for h in official_hosts}
    if (parts.hostname or "").lower() in official and (base.hostname or "").lower() not in official:
        prefix = base.path.rstrip("/")
        return urlunsplit((base.scheme, base.netloc, prefix + parts.path, parts.query, ""))
    return url


def plan(ctx: ExtractContext, report: ExtractReport) -> list[str]:
    """Ask the WDS where the full-table zip is; the zip URL is the one work item."""
    url = wds_url(ctx)
    try:
        entry = ctx.fetch(url, kind="page", suffix=".json", report=report)
        zip_url = zip_url_from_wds(ctx.landing.object_path(entry).read_bytes(), url)
    except (FetchError, SchemaError) as exc:
        report.failures.append(str(exc))
        return []
    zip_url = onto_base_url(zip_url, ctx.source.base_url, ctx.source.official_hosts)
    try:
        ctx.client.check_url(zip_url)
    except FetchError as exc:
        report.failures.append(f"statcan: {url}: the WDS reply names a zip on a host that is not allowed: {exc.reason}")
        return []
    return [zip_url]
