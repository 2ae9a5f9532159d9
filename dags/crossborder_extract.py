"""Extract DAGs: one per crossborder source (`extract_cbp`, ...), built from the extractor library.

Each DAG discovers the source's releases, downloads them one mapped task per file (conditional
GET: an unchanged file costs a 304 and no download), derives the records, and, only when something
new landed, updates the source's raw-data Asset, which schedules the `warehouse` DAG.

Parse-time cost: Airflow and crossborder's pipeline modules (no network, no parsing); each
source's extractor package is imported inside the tasks.
"""

from __future__ import annotations

import inspect
from datetime import datetime

from airflow.sdk import dag, task

from crossborder.airflow_support import EXTRACT_DEFAULT_ARGS, raw_asset, run_context
from crossborder.pipeline.extract import fetch_item, finish_extract, plan_extract
from extractors import SOURCES

# Per source: when to look for new releases. CBP publishes monthly, mid-month, at no fixed date;
# a daily check costs one conditional GET per page and per file and downloads nothing when
# nothing changed. A source missing here is checked daily too.
SCHEDULES: dict[str, str] = {
    "cbp": "@daily",  # monthly releases; a daily check costs a few 304s
    "statcan": "@weekly",  # an annual table
    "ohss": "@weekly",  # a workbook restated every month or two
}


def build_extract_dag(source: str):
    """Build the extract DAG of one source."""

    @dag(
        dag_id=f"extract_{source}",
        schedule=SCHEDULES.get(source, "@daily"),
        start_date=datetime(2025, 1, 1),
        catchup=False,
        max_active_runs=1,
        tags=["crossborder", "extract", source],
        default_args=EXTRACT_DEFAULT_ARGS,
    )
    def extract():
        """### Extract one source into the landing zone

        `discover` fetches the source's landing pages and lists the release files they link;
        `download` fetches each file (one mapped task per file, conditional GET); `derive_records`
        turns the raw files into records (a schema change fails it, naming the file and the
        columns); `announce` updates this source's raw-data Asset when something new landed,
        which schedules the `warehouse` DAG. Every step is idempotent: re-running lands nothing
        twice (raw files are content-addressed, records are rewritten only when their raw file or
        the parser changed).

        Same functions as `crossborder extract --source SOURCE` (crossborder.pipeline.extract).
        """

        @task
        def discover() -> list[str]:
            """Fetch the landing pages and return the URL of every release file they link."""
            ctx = run_context()
            urls = plan_extract(ctx.settings, source, ctx.progress)
            ctx.progress.say(f"{source}: {len(urls)} release files listed")
            return urls

        # Politeness: at most two downloads from one source at a time (the HTTP client's
        # per-host rate limit is per process).
        @task(
            max_active_tis_per_dag=2,
            map_index_template="{{ release_file }}",
            doc_md="Land one release file (conditional GET: a 304 downloads nothing). One mapped task per file.",
        )
        def download(url: str) -> dict:
            """Land one release file (conditional GET: a 304 downloads nothing). One mapped task per file."""
            from airflow.sdk import get_current_context

            get_current_context()["release_file"] = url.rsplit("/", 1)[-1]  # names the mapped task in the UI

            ctx = run_context()
            return fetch_item(ctx.settings, source, url, ctx.progress)

        @task
        def derive_records(fetched: list[dict]) -> dict:
            """Derive records from the landed raw files; fails naming the file and columns on a schema change."""
            ctx = run_context()
            report = finish_extract(ctx.settings, source, ctx.progress)
            downloaded = [f["item"] for f in fetched if f["downloaded"]]
            ctx.progress.say(f"{source}: {len(downloaded)} of {len(fetched)} files new or changed; {report.summary()}")
            return {"downloaded": downloaded, "records": report.records, "rejected_rows": report.rejected_rows}

        @task(outlets=[raw_asset(source)], retries=0)
        def announce(result: dict) -> dict:
            """Update the raw-data Asset (scheduling the warehouse) when new data landed; skip otherwise."""
            from airflow.sdk.exceptions import AirflowSkipException

            if not result["downloaded"] and not result["records"]:
                raise AirflowSkipException(f"nothing new from {source}: the warehouse is not rebuilt")
            return result

        announce(derive_records(download.expand(url=discover())))

    built = extract()
    built.doc_md = inspect.cleandoc(built.doc_md or "")  # the docstring, dedented so it renders as Markdown
    return built


for _source in SOURCES:
    globals()[f"extract_{_source}"] = build_extract_dag(_source)
