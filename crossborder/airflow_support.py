"""What the DAG files in dags/ share: assets, the run context, one task per pipeline step, and
the dbt task group (astronomer-cosmos) configured from crossborder.core.dbt.

Parse-time cost: Airflow and crossborder's own modules; cosmos only where the dbt task group is
built (the warehouse DAG); Great Expectations, matplotlib and dbt only inside tasks.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from airflow.sdk import Asset, task

from crossborder.core.config import Settings, load_settings
from crossborder.core.dbt import dbt_executable, dbt_vars
from crossborder.core.errors import GateFailed
from crossborder.core.progress import Progress
from crossborder.pipeline.steps import RunContext, Step

OWNER = "crossborder"
POOL = "warehouse"  # one slot, created by the compose `airflow-init` service (docs/airflow.md)

WAREHOUSE_ASSET = Asset(name="crossborder_warehouse", uri="crossborder://warehouse", group="crossborder")


def raw_asset(source: str) -> Asset:
    """The Asset an extract DAG updates when new raw data of `source` landed; the warehouse DAG is
    scheduled on them."""
    return Asset(name=f"crossborder_raw_{source}", uri=f"crossborder://raw/{source}", group="crossborder")


def run_context() -> RunContext:
    """A task's run context: settings from the config file and environment, every source."""
    return RunContext.for_data_dir(load_settings(), Progress())


def step_task(step: Step, **task_args: Any):
    """An Airflow task that runs one pipeline step (the same function `crossborder run` calls).

    A failed quality gate fails the task for good (no retry): rerunning gives the same answer."""

    doc = f"`{step.name}`: {step.summary}. The same function `crossborder run` calls (crossborder.pipeline.steps)."

    @task(task_id=step.name, doc_md=doc, **task_args)
    def run_step() -> str | None:
        from airflow.sdk.exceptions import AirflowFailException

        try:
            result = step.run(run_context())
        except GateFailed as exc:
            raise AirflowFailException(str(exc)) from exc
        return str(result) if isinstance(result, Path) else None

    return run_step


# -- dbt through astronomer-cosmos --------------------------------------------------------------
def dbt_manifest() -> Path | None:
    """A dbt manifest made for this very project (the Docker image makes one at build time), if any.

    With it cosmos renders the task group from the file (fast, no subprocess); without it cosmos
    runs `dbt ls` once per change of the project and caches the result in an Airflow Variable.
    """
    path = os.environ.get("CROSSBORDER_DBT_MANIFEST")
    return Path(path) if path and Path(path).is_file() else None


def dbt_task_group(settings: Settings, group_id: str = "dbt"):
    """One task per dbt model: `dbt build --select <model>` (the model and its own data tests)."""
    # Imported here: only the warehouse DAG needs cosmos, and it is slow to import.
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior, TestIndirectSelection

    manifest = dbt_manifest()
    group = DbtTaskGroup(
        group_id=group_id,
        project_config=ProjectConfig(
            dbt_project_path=settings.dbt_project_dir,
            manifest_path=manifest,
            env_vars=dbt_vars(settings, settings.work_warehouse_path),
            install_dbt_deps=False,  # the project has no packages
            partial_parse=True,
        ),
        profile_config=ProfileConfig(
            profile_name="crossborder",
            target_name="warehouse",
            profiles_yml_filepath=settings.dbt_project_dir / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            # dbt in a subprocess: an in-process dbt keeps its DuckDB connection open.
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=dbt_executable(),
            # A model's task runs only the tests that read nothing but that model; tests across
            # models (relationships, reconciliations) run in `dbt_cross_model_tests`, after all.
            test_indirect_selection=TestIndirectSelection.CAUTIOUS,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST if manifest else LoadMode.DBT_LS,
            invocation_mode=InvocationMode.SUBPROCESS,  # `dbt ls` at parse time: never import dbt here
            dbt_executable_path=dbt_executable(),
            test_behavior=TestBehavior.BUILD,  # one task per model: the model and its tests
            emit_datasets=False,
            enable_owner_inheritance=False,
        ),
        operator_args={"pool": POOL, "append_env": True},
        default_args={"owner": OWNER, "pool": POOL, "retries": 0},
        tooltip="dbt build, one task per model (astronomer-cosmos)",
    )
    _document_dbt_tasks(group)
    return group


def _document_dbt_tasks(group) -> None:
    """Give every cosmos task a doc_md naming the dbt node it builds (cosmos sets none)."""
    for operator in group.children.values():
        if getattr(operator, "doc_md", None):
            continue
        select = getattr(operator, "select", None) or getattr(operator, "models", None) or operator.task_id
        what = select if isinstance(select, str) else " ".join(select)
        operator.doc_md = (
            f"`dbt build --select {what}`: builds the model into the working warehouse and runs the data "
            f"tests of that model alone (dbt_project/); tests across models run in `dbt_cross_model_tests`. "
            f"A failing test fails this task and stops the run before the gate."
        )


def cross_model_tests(group) -> list[str]:
    """The dbt data tests no model task runs: those reading more than one model (or a source)."""
    from cosmos.constants import DbtResourceType

    return sorted(
        node.resource_name
        for node in group.dbt_graph.filtered_nodes.values()
        if node.resource_type == DbtResourceType.TEST
        and not (len(node.depends_on) == 1 and node.depends_on[0].startswith("model."))
    )


EXTRACT_DEFAULT_ARGS = {
    "owner": OWNER,
    # HTTP errors are already retried inside the client (backoff, Retry-After); these retries
    # cover longer outages, e.g. the site down for maintenance.
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=1),
}
