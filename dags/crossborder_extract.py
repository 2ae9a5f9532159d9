"""Extract DAGs: one per crossborder source (`extract_cbp`, ...), built from the extractor library.

Each DAG discovers the source's releases, downloads them one mapped task per file (conditional
GET: an unchanged file costs a 304 and no download), derives the records, and, only when something
new landed, updates the source's raw-data Asset, which schedules the `warehouse` DAG.

Parse-time cost: this file imports only Airflow and `extractors` (a dict of module names); the
HTTP client, the parsers and the landing zone are imported inside the tasks.
"""

from __future__ import annotations

import inspect
from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, task

from extractors import SOURCES

OWNER = "crossborder"

# Per source: when to look for new releases. CBP publishes monthly, mid-month, at no fixed date;
# a daily check costs one conditional GET per page and per file and downloads nothing when
# nothing changed. A source missing here is checked daily too.
SCHEDULES: dict[str, str] = {
    "cbp": "@daily",  # monthly releases; a daily check costs a few 304s
    "statcan": "@weekly",  # an annual table
}


def raw_asset(source: str) -> Asset:
    """The Asset updated when new raw data of `source` landed.

    crossborder_warehouse.py defines the same function: the warehouse DAG is scheduled on it
    (tests/test_dags.py checks that every extract DAG's Asset schedules the warehouse).
    """
    return Asset(name=f"crossborder_raw_{source}", uri=f"crossborder://raw/{source}", group="crossborder")


def _settings_and_progress():
    from crossborder.config import load_settings
    from crossborder.progress import Progress

    return load_settings(), Progress()


def build_extract_dag(source: str):
    """Build the extract DAG of one source."""

    @dag(
        dag_id=f"extract_{source}",
        schedule=SCHEDULES.get(source, "@daily"),
        start_date=datetime(2025, 1, 1),
        catchup=False,
        max_active_runs=1,
        tags=["crossborder", "extract", source],
        default_args={
            "owner": OWNER,
            # HTTP errors are already retried inside the client (backoff, Retry-After); these
            # retries cover longer outages, e.g. the site down for maintenance.
            "retries": 3,
            "retry_delay": timedelta(minutes=2),
            "retry_exponential_backoff": 2.0,
            "max_retry_delay": timedelta(minutes=30),
            "execution_timeout": timedelta(hours=1),
        },
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

        Same functions as `crossborder extract --source SOURCE` (crossborder.pipeline).
        """

        @task
        def discover() -> list[str]:
            """Fetch the landing pages and return the URL of every release file they link."""
            from crossborder import pipeline

            settings, progress = _settings_and_progress()
            urls = pipeline.plan_extract(settings, source, progress)
            progress.say(f"{source}: {len(urls)} release files listed")
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

            from crossborder import pipeline

            get_current_context()["release_file"] = url.rsplit("/", 1)[-1]  # names the mapped task in the UI

            settings, progress = _settings_and_progress()
            return pipeline.fetch_item(settings, source, url, progress)

        @task
        def derive_records(fetched: list[dict]) -> dict:
            """Derive records from the landed raw files; fails naming the file and columns on a schema change."""
            from crossborder import pipeline

            settings, progress = _settings_and_progress()
            report = pipeline.finish_extract(settings, source, progress)
            downloaded = [f["item"] for f in fetched if f["downloaded"]]
            progress.say(f"{source}: {len(downloaded)} of {len(fetched)} files new or changed; {report.summary()}")
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
