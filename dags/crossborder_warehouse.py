"""The `warehouse` DAG: the pipeline's warehouse steps (crossborder.pipeline.steps.WAREHOUSE_STEPS)
as tasks, run when new raw data lands.

build      -> prepare -> dbt (astronomer-cosmos watcher: one `dbt build`, then one sensor per model) -> dbt_docs
             (CROSSBORDER_AIRFLOW_DBT_MODE=local: one dbt process per model, then dbt_cross_model_tests)
validate   -> quality gate (Great Expectations)
publish    -> atomic swap; updates the `crossborder_warehouse` Asset
report     -> the briefing report        } after publish: each runs once publish succeeded,
freshness  -> quiet sources warn or fail } and neither un-publishes anything

DuckDB has one writer: every task here runs in the one-slot `warehouse` pool and the DAG runs one
at a time. Parse-time cost: Airflow, cosmos and crossborder's own modules. The dbt graph comes
from the manifest named by CROSSBORDER_DBT_MANIFEST (the Docker image builds one) or else from
`dbt ls` in a subprocess, which cosmos caches in an Airflow Variable keyed on the project's files.
"""

from __future__ import annotations

import inspect
from datetime import datetime, timedelta

from airflow.sdk import AssetAny, dag, task

from crossborder.airflow_support import (
    ALERT_ON_FAILURE,
    OWNER,
    POOL,
    WAREHOUSE_ASSET,
    cross_model_tests,
    dbt_mode,
    dbt_task_group,
    raw_asset,
    run_context,
    step_task,
)
from crossborder.core.config import load_settings
from crossborder.core.dbt import run_dbt
from crossborder.pipeline.build import finish_build, prepare_build
from crossborder.pipeline.steps import BUILD, PUBLISH, WAREHOUSE_STEPS
from extractors import SOURCES

_settings = load_settings()  # reads config/crossborder.toml and the environment: no I/O beyond that
_dbt_mode = dbt_mode()  # `watcher` (one `dbt build`) unless CROSSBORDER_AIRFLOW_DBT_MODE=local


@dag(
    dag_id="warehouse",
    schedule=AssetAny(*(raw_asset(source) for source in SOURCES)),  # new raw data of any source
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,  # DuckDB has one writer
    tags=["crossborder", "warehouse", "dbt", "great-expectations"],
    default_args={
        "owner": OWNER,
        "pool": POOL,
        # Rebuilding a model or re-running the gate gives the same answer: no retries, fail loudly.
        "retries": 0,
        "execution_timeout": timedelta(hours=2),
        "on_failure_callback": ALERT_ON_FAILURE,
    },
)
def warehouse():
    """### Build, gate, publish and report on the warehouse

    Scheduled on the raw-data Assets of every source (`crossborder_raw_cbp`, ...): runs when an
    extract DAG landed something new; trigger it by hand to rebuild from what is landed. The
    tasks are the steps of `crossborder run` after extract, from the same step list.

    1. **build**: `prepare` re-derives records from the raw files (offline), checks which sources
       have records and deletes the stale working warehouse; `dbt` (astronomer-cosmos) runs one
       `dbt build` of everything, every test included, in `dbt.dbt_producer_watcher`, then each
       model's group `dbt.<model>` reports that model's result (`run`) and its tests' (`test`);
       `dbt_docs` writes the docs site and records the sources the build read (the gate checks
       those). (With CROSSBORDER_AIRFLOW_DBT_MODE=local: one `dbt build --select <model>` per
       model, then `dbt_cross_model_tests`; see docs/airflow.md.)
    2. **validate**: the Great Expectations gate; a failure fails the run, lists the failing
       expectations in the task log and names the Data Docs page.
    3. **publish**: atomically renames the validated file to `<data>/warehouse.duckdb` and
       updates the `crossborder_warehouse` Asset. Nothing before it touches the published file.
    4. **report** writes `<data>/reports/briefing.html`; **freshness** warns about sources quiet
       past their cadence and fails on those past the error threshold. Both run after publish
       and never un-publish.

    Every task that opens the warehouse uses the one-slot `warehouse` pool; one run at a time.
    """

    @task(retries=2, retry_delay=timedelta(minutes=1))
    def prepare() -> list[str]:
        """Re-derive records (offline), check what dbt will read, delete the stale working warehouse.

        Returns the sources with records. Retried: it fails when an extract holds a source's lock
        (they may run at the same time). The start of `crossborder build`.
        """
        ctx = run_context()
        return prepare_build(ctx.settings, ctx.progress)

    @task
    def dbt_cross_model_tests(tests: list[str]) -> None:
        """Run, in one `dbt test`, the data tests that read several models and the dbt unit tests.

        A model's cosmos task runs only the tests of that model alone (cautious indirect
        selection): a relationships or reconciliation test needs every model it reads built
        first. cosmos renders no task for unit tests.
        """
        ctx = run_context()
        run_dbt(
            ctx.settings, ctx.settings.work_warehouse_path, ctx.progress, "test", "--select", "test_type:unit", *tests
        )

    @task
    def dbt_docs(sources: list[str]) -> str:
        """Generate dbt's docs site under `<data>/dbt/target/` and record which sources the build read."""
        ctx = run_context()
        return str(finish_build(ctx.settings, sources, ctx.progress))

    def build_tasks():
        """The build step as tasks: the dbt part one task per model, so an operator sees which failed."""
        sources = prepare()
        dbt = dbt_task_group(_settings, mode=_dbt_mode)
        docs = dbt_docs(sources)
        if _dbt_mode == "watcher":  # the producer's one `dbt build` ran every test, unit tests included
            sources >> dbt >> docs
        else:
            sources >> dbt >> dbt_cross_model_tests(cross_model_tests(dbt)) >> docs
        return sources, docs

    last_before_publish = None
    for step in WAREHOUSE_STEPS:
        if step is BUILD:
            first, last = build_tasks()
        else:
            first = last = step_task(step, **({"outlets": [WAREHOUSE_ASSET]} if step is PUBLISH else {}))()
        if step.after_publish:
            last_before_publish >> first  # after publish, each on its own: one failing never skips another
        else:
            if last_before_publish is not None:
                last_before_publish >> first
            last_before_publish = last


warehouse_dag = warehouse()
warehouse_dag.doc_md = inspect.cleandoc(warehouse_dag.doc_md or "")  # dedented so it renders as Markdown
