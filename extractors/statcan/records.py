"""Deriving StatCan's records: one Parquet records file per table, staged by DuckDB from the
newest zip landed for it, re-derived only when the zip or the parser changed."""

from __future__ import annotations

from functools import partial

from extractors.base import ExtractContext, ExtractReport
from extractors.csv_files import SchemaError
from extractors.derive import StagedWriter, derive_if_changed
from extractors.statcan.discover import table_id
from extractors.statcan.parse import TableLog, stage_zip
from extractors.statcan.schema import PARSER_VERSION


def refresh_records(ctx: ExtractContext, report: ExtractReport) -> None:
    """(Re)derive the records of the newest zip landed for the table, if it or the parser changed. Offline.

    A zip that cannot be read, or holds no trafficking row, fails and leaves the records of an
    earlier zip as they were (records files are replaced atomically)."""
    table = table_id(ctx)
    zips = [(url, entry) for url, entry in ctx.landing.latest_by_url(kind="file").items() if entry.release_id == table]
    if not zips:
        return
    url, entry = max(zips, key=lambda pair: pair[1].fetched_at)
    raw_path = ctx.landing.object_path(entry)
    log = TableLog()
    result = derive_if_changed(
        ctx,
        report,
        dataset="incidents",
        name=table,
        inputs_sha256=entry.sha256,
        parser_version=PARSER_VERSION,
        parse=lambda: {
            "incidents": StagedWriter(
                partial(
                    stage_zip,
                    raw_path,
                    table_id=table,
                    source_url=url,
                    raw_sha256=entry.sha256,
                    log=log,
                    name=f"{url} (raw copy {raw_path})",
                    duckdb_config=ctx.settings.duckdb.config(),
                )
            )
        },
        log=log,
        label=url,
        about={"table_id": table, "url": url},
        errors=(SchemaError,),
    )
    if result.written:
        kept = ", ".join(sorted(log.violations_kept))
        ctx.progress.say(f"    {url}: {log.rows} rows read, {log.kept} kept ({kept})")
