"""The report's header: what went in (landing manifests, and what the warehouse made of each
input), what was set aside (quarantine), and the quality gate's verdict."""

from __future__ import annotations

import json
import os
from pathlib import Path

from crossborder.core.config import Settings
from crossborder.core.fetch_health import read_attempts, source_health
from crossborder.core.landing import LandingZone
from crossborder.core.warehouse import last_gate_result
from crossborder.report.models import ReportModel, read
from extractors import SOURCES

WAREHOUSE_INPUTS = ReportModel(
    "rpt_warehouse_inputs", ("source_name", "input_key", "note"), order_by="source_name, input_key"
)
QUARANTINE_PATTERNS = ("*/quarantine/*.jsonl", "*/records/**/*.rejected.jsonl")


def inputs(settings: Settings, con) -> list[dict]:
    """Every release / edition / feed landed, with its last fetch (landing manifests) and what the
    warehouse made of it (report.rpt_warehouse_inputs)."""
    notes = {(row.source_name, row.input_key): row.note for row in read(con, WAREHOUSE_INPUTS)}
    rows = []
    for source in SOURCES:
        groups: dict[str, dict] = {}
        for entry in LandingZone(settings.raw_dir, source).entries():
            key = entry.release_id or ("index pages" if entry.kind == "page" else f"{entry.kind} pages")
            group = groups.setdefault(
                key,
                {
                    "source": source,
                    "input": key,
                    "fetches": 0,
                    "objects": set(),
                    "last_fetched": "",
                    "last_status": None,
                    "url": entry.url,
                },
            )
            group["fetches"] += 1
            group["objects"].add(entry.sha256)
            if entry.fetched_at >= group["last_fetched"]:
                group["last_fetched"], group["last_status"] = entry.fetched_at, entry.status
        for key, group in groups.items():
            group["objects"] = len(group["objects"])
            group["note"] = notes.get((source, key), "")
            group["url"] = group["url"] if group["fetches"] == 1 or key.startswith("http") else ""
            rows.append(group)
    return rows


def fetch_health(settings: Settings) -> list[dict]:
    """Per source, the verdict over its fetch ledger, and the URLs whose last attempt did not succeed."""
    rows = []
    for source in SOURCES:
        health = source_health(source, read_attempts(LandingZone(settings.raw_dir, source).root))
        failing = [u for u in health.urls if u.last_outcome in {"failed", "blocked"}]
        rows.append(
            {
                "source": source,
                "state": health.state,
                "description": health.describe(),
                "urls": len(health.urls),
                "failing": [
                    {
                        "url": u.url,
                        "outcome": u.last_outcome,
                        "since_success": u.last_success or "never",
                        "failures": u.consecutive_failures,
                        "reason": u.last_reason or "",
                    }
                    for u in failing[:20]
                ],
            }
        )
    return rows


def quarantined(settings: Settings, limit: int = 50) -> tuple[list[dict], int]:
    """Inputs set aside with a reason: quarantined pages (raw/<source>/quarantine/, with the landing
    time of the last good copy kept in use, if any) and rejected news items/feeds."""
    found = []
    for pattern in QUARANTINE_PATTERNS:
        for path in sorted(settings.raw_dir.glob(pattern)):
            source = path.relative_to(settings.raw_dir).parts[0]
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            for line in lines:
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                if isinstance(item, dict):
                    what = item.get("url") or item.get("item_url") or item.get("link") or item.get("title") or path.name
                    found.append(
                        {
                            "source": source,
                            "what": str(what),
                            "reason": str(item.get("reason", "")),
                            "when": str(item.get("quarantined_at", "")),
                            # a page that read before: its last good copy is what the warehouse holds
                            "kept": str(item["kept_fetched_at"]) if item.get("kept_raw_sha256") else "",
                        }
                    )
    return found[:limit], len(found)


def gate(settings: Settings, report_dir: Path) -> dict | None:
    """The last quality gate's verdict, with a link to its Data Docs relative to the report."""
    result = last_gate_result(settings)
    if result is None:
        return None
    docs = result.get("data_docs_index")
    link = None
    if docs:
        path = Path(docs)
        link = os.path.relpath(path, report_dir) if path.is_relative_to(settings.data_dir) else path.as_uri()
    return {
        "passed": bool(result.get("passed")),
        "when": result.get("timestamp") or result.get("run_at"),
        "suites": len(result.get("suites", [])),
        "expectations": sum(s.get("expectations_evaluated") or 0 for s in result.get("suites", [])),
        "failures": [f.get("suite", "") + ": " + f.get("expectation", "") for f in result.get("failures", [])],
        "warnings": [f.get("suite", "") + ": " + f.get("expectation", "") for f in result.get("warnings", [])],
        "docs_path": docs,
        "docs_link": link,
    }
