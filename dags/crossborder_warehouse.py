"""The `warehouse` DAG: rebuilds the DuckDB warehouse when new raw data lands, gates it, publishes it.

prepare -> dbt (astronomer-cosmos: one task per model, building it and running its data tests)
        -> tests across models and dbt unit tests -> dbt docs -> quality gate (Great Expectations) -> publish

DuckDB has one writer: every task here runs in the one-slot `warehouse` pool and the DAG runs one
at a time. Parse-time cost: Airflow, cosmos and crossborder.config only. The dbt graph comes from
the manifest named by CROSSBORDER_DBT_MANIFEST (the Docker image builds one) or else from `dbt ls`
in a subprocess, which cosmos caches in an Airflow Variable keyed on the dbt project's files.
Great Expectations is imported inside the gate task.
"""

from __future__ import annotations

import inspect
import os
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import Asset, AssetAny, dag, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import DbtResourceType, ExecutionMode, InvocationMode, LoadMode, TestBehavior, TestIndirectSelection

from crossborder.config import load_settings
from extractors import SOURCES

OWNER = "crossborder"
POOL = "warehouse"  # one slot, created by the compose `airflow-init` service (docs/airflow.md)

WAREHOUSE_ASSET = Asset(name="crossborder_warehouse", uri="crossborder://warehouse", group="crossborder")


def raw_asset(source: str) -> Asset:
    """The raw-data Asset of one source (same definition as in crossborder_extract.py)."""
    return Asset(name=f"crossborder_raw_{source}", uri=f"crossborder://raw/{source}", group="crossborder")


RAW_ASSETS = [raw_asset(source) for source in SOURCES]


def _dbt_executable() -> str:
    """The dbt next to this Python (the venv's or the image's), else the one on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def _dbt_env(settings) -> dict[str, str]:
    """What dbt's profile and sources read (crossborder.dbt.dbt_env without the inherited environment).

    Kept small on purpose: cosmos keys its `dbt ls` cache on these values.
    """
    return {
        "CROSSBORDER_DATA_DIR": str(settings.data_dir),
        "CROSSBORDER_WAREHOUSE_PATH": str(settings.work_warehouse_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_USE_COLORS": "false",
    }


def _manifest() -> Path | None:
    """A dbt manifest made for this very project (the Docker image makes one at build time), if any.

    With it cosmos renders the task group from the file (fast, no subprocess); without it cosmos
    runs `dbt ls` once per change of the project and caches the result in an Airflow Variable.
    """
    path = os.environ.get("CROSSBORDER_DBT_MANIFEST")
    return Path(path) if path and Path(path).is_file() else None


def _project_config(settings) -> ProjectConfig:
    return ProjectConfig(
        dbt_project_path=settings.dbt_project_dir,
        manifest_path=_manifest(),
        env_vars=_dbt_env(settings),
        install_dbt_deps=False,  # the project has no packages
        partial_parse=True,
    )


def _settings_and_progress():
    from crossborder.progress import Progress

    return load_settings(), Progress()


def _document_dbt_tasks(group: DbtTaskGroup) -> None:
    """Give every cosmos task a doc_md naming the dbt node it builds (cosmos sets none)."""
    for task_id, operator in group.children.items():
        if getattr(operator, "doc_md", None):
            continue
        select = getattr(operator, "select", None) or getattr(operator, "models", None) or task_id
        what = select if isinstance(select, str) else " ".join(select)
        operator.doc_md = (
            f"`dbt build --select {what}`: builds the model into the working warehouse and runs the data "
            f"tests of that model alone (dbt_project/); tests across models run in `dbt_cross_model_tests`. "
            f"A failing test fails this task and stops the run before the gate."
        )


def _cross_model_tests(group: DbtTaskGroup) -> list[str]:
    """The dbt data tests no model task runs: those reading more than one model (or a source)."""
    return sorted(
        node.resource_name
        for node in group.dbt_graph.filtered_nodes.values()
        if node.resource_type == DbtResourceType.TEST
        and not (len(node.depends_on) == 1 and node.depends_on[0].startswith("model."))
    )


_settings = load_settings()  # reads config/crossborder.toml and the environment: no I/O beyond that


@dag(
    dag_id="warehouse",
    schedule=AssetAny(*RAW_ASSETS),  # new raw data of any source
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
    },
)
def warehouse():
    """### Build, gate and publish the warehouse

    Scheduled on the raw-data Assets of every source (`crossborder_raw_cbp`, ...): runs when an
    extract DAG landed something new; trigger it by hand to rebuild from what is landed.

    1. `prepare` re-derives records from the raw files (offline), checks which sources have
       records, and deletes the stale working warehouse (`<data>/work/warehouse.duckdb`).
    2. `dbt` (astronomer-cosmos task group): one task per model running
       `dbt build --select <model>` (the model and the data tests of that model alone) into the
       working warehouse.
    3. `dbt_cross_model_tests` runs the tests that read several models (relationships,
       reconciliations) once all are built, and the dbt unit tests (cosmos renders none).
    4. `dbt_docs` writes dbt's docs site to `<data>/dbt/target/index.html` and records the
       sources the build read (the gate checks those).
    5. `quality_gate` runs the Great Expectations suites; a failure fails the run, lists the
       failing expectations in the task log and names the Data Docs page.
    6. `publish` atomically renames the validated file to `<data>/warehouse.duckdb` and updates
       the `crossborder_warehouse` Asset. Nothing before it touches the published file.

    Every task uses the one-slot `warehouse` pool; one run at a time. Same library functions
    as `crossborder build/validate/publish` (crossborder.pipeline).
    """

    @task(retries=2, retry_delay=timedelta(minutes=1))
    def prepare() -> list[str]:
        """Re-derive records (offline), check what dbt will read, delete the stale working warehouse.

        Returns the sources with records (the gate checks those). Retried: it fails when an
        extract holds a source's lock (they may run at the same time). The start of
        `crossborder.pipeline.build`.
        """
        from crossborder import pipeline

        settings, progress = _settings_and_progress()
        return pipeline.prepare_build(settings, progress)

    dbt = DbtTaskGroup(
        group_id="dbt",
        project_config=_project_config(_settings),
        profile_config=ProfileConfig(
            profile_name="crossborder",
            target_name="warehouse",
            profiles_yml_filepath=_settings.dbt_project_dir / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            # dbt in a subprocess: an in-process dbt keeps its DuckDB connection open.
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=_dbt_executable(),
            # A model's task runs only the tests that read nothing but that model; tests across
            # models (relationships, reconciliations) run in `dbt_cross_model_tests`, after all.
            test_indirect_selection=TestIndirectSelection.CAUTIOUS,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST if _manifest() else LoadMode.DBT_LS,
            invocation_mode=InvocationMode.SUBPROCESS,  # `dbt ls` at parse time: never import dbt here
            dbt_executable_path=_dbt_executable(),
            test_behavior=TestBehavior.BUILD,  # one task per model: the model and its tests
            emit_datasets=False,
            enable_owner_inheritance=False,
        ),
        operator_args={
            "pool": POOL,
            "append_env": True,
        },
        default_args={"owner": OWNER, "pool": POOL, "retries": 0},
        tooltip="dbt build, one task per model (astronomer-cosmos)",
    )
    _document_dbt_tasks(dbt)
    cross_model = _cross_model_tests(dbt)

    @task
    def dbt_cross_model_tests(tests: list[str]) -> None:
        """Run, in one `dbt test`, the data tests that read several models and the dbt unit tests.

        A model's cosmos task runs only the tests of that model alone (cautious indirect
        selection): a relationships or reconciliation test needs every model it reads built
        first. cosmos renders no task for unit tests.
        """
        from crossborder.dbt import run_dbt

        settings, progress = _settings_and_progress()
        run_dbt(settings, settings.work_warehouse_path, progress, "test", "--select", "test_type:unit", *tests)

    @task
    def dbt_docs(sources: list[str]) -> str:
        """Generate dbt's docs site under `<data>/dbt/target/` and record which sources the build read.

        The record (`work_build_info_path`) is what `crossborder build` writes last; the gate reads it.
        """
        from crossborder import pipeline

        settings, progress = _settings_and_progress()
        return str(pipeline.finish_build(settings, sources, progress))

    @task
    def quality_gate() -> dict:
        """Run the Great Expectations gate over the working warehouse; fail (no retry) when it fails.

        The log lists every failing expectation and the path of the Data Docs page.
        """
        from airflow.sdk.exceptions import AirflowFailException

        from crossborder import pipeline

        settings, progress = _settings_and_progress()
        try:
            result = pipeline.validate(settings, progress)
        except pipeline.GateFailed as exc:
            progress.say(str(exc))
            raise AirflowFailException(str(exc)) from exc
        return {"passed": True, "data_docs": str(result.data_docs_index), "summary": str(settings.gate_result_path)}

    @task(outlets=[WAREHOUSE_ASSET])
    def publish() -> str:
        """Atomically replace the published warehouse with the validated working one."""
        from crossborder import pipeline

        settings, progress = _settings_and_progress()
        return str(pipeline.publish(settings, progress))

    sources = prepare()
    sources >> dbt >> dbt_cross_model_tests(cross_model) >> dbt_docs(sources) >> quality_gate() >> publish()


warehouse_dag = warehouse()
warehouse_dag.doc_md = inspect.cleandoc(warehouse_dag.doc_md or "")  # dedented so it renders as Markdown
