"""What `crossborder status` shows (fetches per source, freshness by fetch time and by data coverage,
published tables, the last gate) and what `status --check` fails on."""

from __future__ import annotations

from datetime import UTC, datetime

from crossborder.core.config import Settings
from crossborder.core.fetch_health import SourceHealth, read_attempts, source_health
from crossborder.core.files import is_sample_data
from crossborder.core.landing import LandingZone
from crossborder.core.warehouse import last_gate_result as gate_status
from crossborder.core.warehouse import open_published
from crossborder.pipeline.freshness import coverage, freshness
from extractors import SOURCES


def landing_status(settings: Settings) -> list[dict]:
    rows = []
    for source in SOURCES:
        landing = LandingZone(settings.raw_dir, source)
        entries = list(landing.entries())
        files = {url: e for url, e in landing.latest_by_url().items() if e.kind != "page"}  # data, not index pages
        rows.append(
            {
                "source": source,
                "fetches": len(entries),
                "last_fetch": max((e.fetched_at for e in entries), default=None),
                "files_held": len(files),
                "bytes_held": sum(
                    (landing.object_path(e).stat().st_size for e in files.values() if landing.object_path(e).exists()),
                    0,
                ),
            }
        )
    return rows


def fetch_health_states(settings: Settings) -> list[SourceHealth]:
    """Per source, the verdict over its fetch ledger (crossborder.core.fetch_health)."""
    return [source_health(source, read_attempts(LandingZone(settings.raw_dir, source).root)) for source in SOURCES]


def freshness_states(settings: Settings):
    return [freshness(settings, source) for source in SOURCES]


def coverage_states(settings: Settings):
    return coverage(settings, SOURCES)


def table_status(settings: Settings) -> list[dict]:
    if not settings.warehouse_path.exists():
        return []
    con = open_published(settings)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema = 'marts' order by table_name"
        ).fetchall()
        rows = []
        for schema, table in tables:
            columns = {
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                    [schema, table],
                ).fetchall()
            }
            count = con.execute(f'select count(*) from "{schema}"."{table}"').fetchall()[0][0]
            latest = None
            if "month_start" in columns:
                latest = con.execute(f'select max(month_start) from "{schema}"."{table}"').fetchall()[0][0]
            rows.append(
                {"table": f"{schema}.{table}", "rows": count, "latest_month": str(latest)[:7] if latest else None}
            )
        return rows
    finally:
        con.close()


def render_status(settings: Settings) -> str:
    lines = [f"data directory: {settings.data_dir}"]
    if is_sample_data(settings.data_dir):
        lines.append("  (holds the offline demo's SAMPLE DATA)")
    lines.append("")
    lines.append("landing zone:")
    for row in landing_status(settings):
        lines.append(
            f"  {row['source']}: {row['fetches']} fetches, last {row['last_fetch'] or 'never'}; "
            f"{row['files_held']} files held ({row['bytes_held']} bytes)"
        )
    lines.append("")
    lines.append("fetch health (every request, failures included: raw/<source>/fetch_ledger.jsonl):")
    for health in fetch_health_states(settings):
        lines.append(f"  [{health.state}] {health.describe()}")
    lines.append("")
    lines.append("freshness (by fetch time: when new content last landed):")
    for state in freshness_states(settings):
        lines.append(f"  [{state.state}] {state.describe()}")
    lines.append("freshness (by data coverage: the newest period the published warehouse holds):")
    for state in coverage_states(settings):
        lines.append(f"  [{state.state}] {state.describe()}")
    lines.append("")
    path = settings.warehouse_path
    if path.exists():
        published = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
        lines.append(f"published warehouse: {path} (published {published})")
        width = max((len(r["table"]) for r in table_status(settings)), default=10)
        for row in table_status(settings):
            latest = f", latest month {row['latest_month']}" if row["latest_month"] else ""
            lines.append(f"  {row['table']:<{width}}  {row['rows']:>9} rows{latest}")
    else:
        lines.append(f"published warehouse: none yet ({path})")
    lines.append("")
    gate = gate_status(settings)
    if gate is None:
        lines.append("last quality gate: never run")
    else:
        verdict = "PASSED" if gate.get("passed") else "FAILED"
        lines.append(
            f"last quality gate: {verdict} at {gate.get('run_at') or gate.get('timestamp')}; "
            f"Data Docs: {gate.get('data_docs_index')}"
        )
    return "\n".join(lines)


def problems(settings: Settings) -> list[str]:
    """What `status --check` fails on: a source that never landed anything, is past an error threshold
    by fetch time or by data coverage, or blocks this client; no published warehouse; a quality gate
    that never ran or failed."""
    fetched = freshness_states(settings)
    never = [f.source for f in fetched if f.state == "never"]
    found = [f"never landed anything: {', '.join(never)} (run `crossborder run`)"] if never else []
    found += [f"stale source: {f.describe()}" for f in fetched if f.state == "error"]
    found += [f"blocked: {h.describe()}" for h in fetch_health_states(settings) if h.state == "blocked"]
    found += [f"stale data: {c.describe()}" for c in coverage_states(settings) if c.state == "error"]
    if not settings.warehouse_path.exists():
        found.append(f"no published warehouse at {settings.warehouse_path}")
    gate = gate_status(settings)
    if gate is None:
        found.append(f"no quality gate ever ran (no {settings.gate_result_path})")
    elif not gate.get("passed"):
        found.append(f"the last quality gate failed (Data Docs: {gate.get('data_docs_index')})")
    return found
