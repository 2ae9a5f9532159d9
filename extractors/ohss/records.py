"""Deriving OHSS's records: one records file per landed workbook, re-derived when its raw file or
the parser changed. Which workbook the marts use (the newest) is dbt's choice."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from crossborder.core.landing import ManifestEntry
from extractors.base import ExtractContext, ExtractReport
from extractors.csv_files import SchemaError
from extractors.derive import derive_if_changed, first_landings
from extractors.ohss.discover import workbook_name
from extractors.ohss.parse import WorkbookLog, parse_workbook
from extractors.ohss.schema import PARSER_VERSION


def records_name(workbook: str) -> str:
    """The records file name of a workbook: 'KHSM Encounters (USBP) fy25m11' -> 'khsm-encounters-usbp-fy25m11'."""
    return re.sub(r"[^a-z0-9]+", "-", workbook.lower()).strip("-")


def _parse(raw_path: Path, url: str, workbook: str, landed: ManifestEntry, log: WorkbookLog) -> dict:
    return parse_workbook(
        raw_path.read_bytes(),
        workbook=workbook,
        source_url=url,
        raw_sha256=landed.sha256,
        fetched_at=landed.fetched_at,
        log=log,
        name=f"{url} (raw copy {raw_path})",
    )


def refresh_records(ctx: ExtractContext, report: ExtractReport) -> None:
    """(Re)derive the records of every landed workbook whose raw file or the parser changed. Offline.

    A workbook that cannot be read fails, named, and leaves its earlier records as they were."""
    first = first_landings(ctx.landing, kinds={"file"})
    for url, entry in ctx.landing.latest_by_url(kind="file").items():
        if not entry.sha256:
            continue
        raw_path = ctx.landing.object_path(entry)
        workbook = workbook_name(url)
        landed = first.get(entry.sha256, [entry])[0]
        log = WorkbookLog()
        result = derive_if_changed(
            ctx,
            report,
            dataset="monthly",
            name=records_name(workbook),
            inputs_sha256=entry.sha256,
            parser_version=PARSER_VERSION,
            parse=partial(_parse, raw_path, url, workbook, landed, log),
            log=log,
            label=url,
            about={"workbook": workbook, "url": url},
            errors=(SchemaError,),
        )
        if result.written:
            ctx.progress.say(f"    {url}: {len(log.kept)} sheets, {sum(log.kept.values())} rows kept")
