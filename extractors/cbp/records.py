"""Deriving CBP's records: one Parquet records file per landed release, staged by DuckDB from
the raw CSV, re-derived only when the raw file or the parser changed (a release already staged is
not read again). Choosing which release wins each fiscal year is dbt's job."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from extractors.base import ExtractContext, ExtractReport
from extractors.cbp.discover import Release, release_from_url
from extractors.cbp.parse import header_refusal, stage_release_csv
from extractors.cbp.schema import PARSER_VERSION
from extractors.csv_files import RowLog, SchemaError
from extractors.derive import StagedWriter, derive_if_changed


def _parse(
    ctx: ExtractContext, raw_path: Path, release: Release, raw_sha256: str, log: RowLog
) -> dict[str, StagedWriter]:
    """The release's records, staged by DuckDB when derive_if_changed writes them; none, the file
    set aside with the reason, when it is taken by its header and the header is not the AOR schema."""
    name = f"{release.url} (raw copy {raw_path})"
    if release.taken_by_header:
        with raw_path.open("rb") as raw:
            log.set_aside = header_refusal(raw, release, name)
        if log.set_aside:
            return {}
    stage = partial(
        stage_release_csv, raw_path, release, raw_sha256, log=log, name=name, duckdb_config=ctx.settings.duckdb.config()
    )
    return {release.dataset: StagedWriter(stage)}


def refresh_records(ctx: ExtractContext, report: ExtractReport) -> None:
    """(Re)derive records for every landed release whose raw file or parser changed. Offline."""
    for url, entry in ctx.landing.latest_by_url(kind="file").items():
        release = release_from_url(url)
        if release is None:
            continue
        raw_path = ctx.landing.object_path(entry)
        log = RowLog()
        derived = derive_if_changed(
            ctx,
            report,
            dataset=release.dataset,
            name=release.slug,
            inputs_sha256=entry.sha256,
            parser_version=PARSER_VERSION,
            parse=partial(_parse, ctx, raw_path, release, entry.sha256, log),
            log=log,
            label=url,
            about={"release_id": release.release_id, "url": url},
            errors=(SchemaError,),
        )
        # A file refused by its header is a link not taken, said on every run (from its meta).
        refused = derived.meta.get("set_aside") if derived.meta else None
        if refused:
            report.links_not_taken.append(refused)
            ctx.progress.say(f"    WARNING {refused}")
