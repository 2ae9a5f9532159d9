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

from airflow.sdk import Asset, BaseNotifier, task

from crossborder.core.alerts import build_alert, send_alert
from crossborder.core.config import Settings, load_settings
from crossborder.core.dbt import DBT_PROFILE, DBT_TARGET, dbt_executable, dbt_vars
from crossborder.core.errors import GateFailed
from crossborder.core.progress import Progress
from crossborder.pipeline.steps import RunContext, Step

OWNER = "crossborder"
POOL = "warehouse"  # one slot, created by the compose `airflow-init` service (docs/airflow.md)
DEFAULT_POOL = "default_pool"  # Airflow's own

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


# How the warehouse DAG runs dbt (docs/airflow.md compares them):
#   watcher  (the default) one `dbt build` of the whole project (cosmos' producer task, the one DuckDB
#            writer), then one sensor per model and seed that reports its result from the producer's
#            XCom, the node's own data tests included (it never opens the warehouse); every test, unit
#            tests included, runs in that build.
#   local    one `dbt build --select <node>` process per model and seed, the cross-model and unit
#            tests after all of them in `dbt_cross_model_tests`: several times slower.
DBT_MODES = ("local", "watcher")


def dbt_mode() -> str:
    """The dbt execution mode of the warehouse DAG: CROSSBORDER_AIRFLOW_DBT_MODE, default `watcher`."""
    mode = os.environ.get("CROSSBORDER_AIRFLOW_DBT_MODE", "watcher").strip().lower()
    if mode not in DBT_MODES:
        raise ValueError(f"CROSSBORDER_AIRFLOW_DBT_MODE={mode!r}: expected one of {', '.join(DBT_MODES)}")
    return mode


def dbt_task_group(settings: Settings, group_id: str = "dbt", mode: str | None = None):
    """One task per dbt model and seed, as cosmos renders them in `mode` (default `dbt_mode()`)."""
    # Imported here: only the warehouse DAG needs cosmos, and it is slow to import.
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior, TestIndirectSelection

    mode = mode or dbt_mode()
    watcher = mode == "watcher"
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
            profile_name=DBT_PROFILE,
            target_name=DBT_TARGET,
            profiles_yml_filepath=settings.dbt_project_dir / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER if watcher else ExecutionMode.LOCAL,
            # dbt in a subprocess: an in-process dbt keeps its DuckDB connection open.
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=dbt_executable(),
            # local: a model's task runs only the tests that read nothing but that model; tests across
            # models (relationships, reconciliations) run in `dbt_cross_model_tests`, after all.
            test_indirect_selection=TestIndirectSelection.CAUTIOUS,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST if manifest else LoadMode.DBT_LS,
            invocation_mode=InvocationMode.SUBPROCESS,  # `dbt ls` at parse time: never import dbt here
            dbt_executable_path=dbt_executable(),
            # watcher: one sensor per model and seed (cosmos renders no test sensors under NONE; the node's
            # sensor reports its tests too, `_one_sensor_per_node`); local: one `dbt build --select <model>`
            # task per model, the model and its tests.
            test_behavior=TestBehavior.NONE if watcher else TestBehavior.BUILD,
            emit_datasets=False,
            enable_owner_inheritance=False,
        ),
        operator_args={
            "pool": POOL,
            "append_env": True,
            **({"dbt_cmd_flags": _cli_paths(settings)} if watcher else {}),
        },
        # retries 0: a watcher sensor's retry would run dbt itself (cosmos' documented retry path),
        # a second DuckDB writer; a failed build is fixed and the DAG re-run instead.
        default_args={"owner": OWNER, "pool": POOL, "retries": 0},
        tooltip=(
            "one dbt build (the producer task), one sensor per model reporting its result (astronomer-cosmos)"
            if watcher
            else "dbt build, one task per model (astronomer-cosmos)"
        ),
    )
    if watcher:
        _sense_after_the_build(group)
        _one_sensor_per_node(group)
    _document_dbt_tasks(group, watcher)
    return group


def _cli_paths(settings: Settings) -> list[str]:
    """The producer's `dbt build` writes its target (manifest, partial-parse file) and log where
    `crossborder build` does, not into cosmos' throw-away copy of the project: `dbt_docs` then parses
    nothing again, and the CLI and the DAG find each other's dbt artifacts."""
    return ["--target-path", str(settings.dbt_target_dir), "--log-path", str(settings.dbt_log_dir)]


def _sense_after_the_build(group) -> None:
    """Start the sensors only once the producer's `dbt build` has ended, whatever its outcome.

    cosmos hangs the root sensors of a task group off nothing inside it, so a sensor can take the one
    `warehouse` pool slot (or, under `dag.test()`, the one thread) before the producer starts, and wait
    for a build that never runs. After the producer every sensor finds its node's result at once; the
    root ones run on `all_done`, so a failed build still fails the model's own task with dbt's event,
    and the sensors below a failed one are `upstream_failed` as in `local` mode.
    """
    from airflow.task.trigger_rule import TriggerRule

    tasks = {task.task_id: task for task in _tasks_in(group)}
    producer = tasks.pop(f"{group.group_id}.dbt_producer_watcher")
    tasks.pop(f"{group.group_id}.dbt_producer_watcher_done")
    for sensor in tasks.values():
        if not sensor.upstream_task_ids & tasks.keys():
            producer >> sensor
            sensor.trigger_rule = TriggerRule.ALL_DONE
        # A sensor polls only for a result the build has already written; no waiting, no deferral, and
        # no slot of the one-writer pool: it reads XCom, never the DuckDB file.
        sensor.pool = DEFAULT_POOL
        sensor.deferrable = False
        sensor.poke_interval = 1
        sensor.timeout = 60
        # cosmos re-runs dbt for the node itself when the build failed before reporting it: a second
        # writer of the working warehouse. Counting the first poke as done turns that into a failure.
        sensor.poke_retry_number = 1


def _one_sensor_per_node(group) -> None:
    """Each model's and seed's one sensor reports the node's data tests as well as its build.

    cosmos' watcher renders a second (`.test`) sensor per node, about half of the DAG's tasks and so
    of its per-task overhead, and counts a test that reads several nodes against each of them: a
    failing `in_reference` test of a model turned its reference seed red. Here, rendered with no
    test tasks, the producer still runs every test (cosmos' `--resource-type` filter for that mode
    is taken off), it aggregates each test under the node dbt attaches it to (`tests_by_node`), and
    the node's sensor fails, after its own status, when those tests failed, naming them.
    """
    from cosmos.operators._watcher.aggregation import get_tests_status_xcom_key

    tasks = {task.task_id: task for task in _tasks_in(group)}
    producer = tasks.pop(f"{group.group_id}.dbt_producer_watcher")
    tasks.pop(f"{group.group_id}.dbt_producer_watcher_done")
    producer.dbt_cmd_flags = _without_resource_type_filter(producer.dbt_cmd_flags or [])
    tests = tests_by_node(group.dbt_graph.nodes, dbt_manifest_nodes())
    producer.tests_per_model = tests
    for sensor in tasks.values():
        node = sensor.model_unique_id
        if node in tests:
            sensor._post_execute_hook = _fail_on_failed_tests(
                producer.task_id, node, get_tests_status_xcom_key(node), tests[node]
            )


def _without_resource_type_filter(flags: list[str]) -> list[str]:
    kept: list[str] = []
    pairs = iter(flags)
    for flag in pairs:
        if flag == "--resource-type":
            next(pairs, None)
        else:
            kept.append(flag)
    return kept


def dbt_manifest_nodes() -> dict[str, dict[str, Any]]:
    """The nodes of dbt's manifest (the prebuilt one, else the last build's), or {} when there is none."""
    import json

    candidates = [dbt_manifest(), load_settings().dbt_target_dir / "manifest.json"]
    for path in candidates:
        if path is not None and path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8")).get("nodes", {})
            except (OSError, ValueError):
                continue
    return {}


def tests_by_node(nodes: dict[str, Any], manifest_nodes: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Each model's and seed's data tests: a test counts for the node dbt attaches it to (the model whose
    YAML declares it), else for each model it reads (a singular test), else for each node it reads."""
    by_node: dict[str, list[str]] = {}
    for unique_id, node in nodes.items():
        if node.resource_type.value != "test":
            continue
        attached = (manifest_nodes.get(unique_id) or {}).get("attached_node")
        parents = [attached] if attached in nodes else [p for p in node.depends_on if p in nodes]
        models = [p for p in parents if p.startswith("model.")]
        for parent in models or parents:
            by_node.setdefault(parent, []).append(unique_id)
    return by_node


def _fail_on_failed_tests(producer_id: str, node: str, status_key: str, tests: list[str]):
    """The check a node's sensor runs after its own status: its tests' aggregated result from the build."""

    def check(context: Any, result: Any = None) -> None:
        status = context["ti"].xcom_pull(task_ids=producer_id, key=status_key)
        if status == "pass":
            return
        if status is None:
            raise RuntimeError(
                f"dbt reported no result for the {len(tests)} data tests of {node}: see the producer's log"
            )
        failed = _failed_tests(tests) or [f"one or more of {', '.join(t.split('.')[2] for t in tests)}"]
        raise RuntimeError(f"dbt tests of {node} failed: {'; '.join(failed)}")

    return check


def _failed_tests(tests: list[str]) -> list[str]:
    """`name: dbt's message` for each of `tests` that failed in the build's run_results.json (best effort)."""
    import json

    try:
        results = json.loads((load_settings().dbt_target_dir / "run_results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    wanted = set(tests)
    return [
        f"{r['unique_id'].split('.')[2]}: {r.get('message') or r.get('status')}"
        for r in results.get("results", [])
        if r.get("unique_id") in wanted and r.get("status") in ("fail", "error")
    ]


def _document_dbt_tasks(group, watcher: bool) -> None:
    """Give every cosmos task a doc_md naming the dbt node it builds (cosmos sets none)."""
    for operator in _tasks_in(group):
        if getattr(operator, "doc_md", None):
            continue
        if operator.task_id.endswith("dbt_producer_watcher"):
            operator.doc_md = (
                "The one `dbt build` of the whole project (models, seeds, every data test and unit test) into "
                "the working warehouse: the only writer of the DuckDB file. Each model's task reports its part."
            )
            continue
        if operator.task_id.endswith("dbt_producer_watcher_done"):
            operator.doc_md = "cosmos' gate after the `dbt build`: fails (upstream) when the build failed."
            continue
        select = getattr(operator, "select", None) or getattr(operator, "models", None) or operator.task_id
        what = select if isinstance(select, str) else " ".join(select)
        if watcher:
            node = getattr(operator, "model_unique_id", None) or operator.task_id
            operator.doc_md = (
                f"`{node}`: the build of this dbt node and its data tests in the producer's one `dbt build`, as it "
                f"reports them; fails with dbt's message when either failed. Reads the build's results (XCom and "
                f"run_results.json), never the warehouse."
            )
        else:
            operator.doc_md = (
                f"`dbt build --select {what}`: builds the model into the working warehouse and runs the data "
                f"tests of that model alone (dbt_project/); tests across models run in `dbt_cross_model_tests`. "
                f"A failing test fails this task and stops the run before the gate."
            )


def _tasks_in(group):
    """Every task of a task group, in nested groups too."""
    for child in group.children.values():
        if hasattr(child, "children"):
            yield from _tasks_in(child)
        else:
            yield child


def cross_model_tests(group) -> list[str]:
    """The dbt data tests no model task runs: those reading more than one model (or a source)."""
    from cosmos.constants import DbtResourceType

    return sorted(
        node.resource_name
        for node in group.dbt_graph.filtered_nodes.values()
        if node.resource_type == DbtResourceType.TEST
        and not (len(node.depends_on) == 1 and node.depends_on[0].startswith("model."))
    )


# -- alerts --------------------------------------------------------------------------------------
class FailureAlert(BaseNotifier):
    """`on_failure_callback` of every crossborder task: the DAG, the task, the run and the first line
    of the error, sent by crossborder.core.alerts (the log; a webhook or e-mail when configured)."""

    def notify(self, context: Any) -> None:
        # Never raise from here: Airflow would log a second failure over the first.
        try:
            ti = context.get("ti") or context.get("task_instance")
            dag_run = context.get("dag_run")
            alert = build_alert(
                dag_id=str(getattr(ti, "dag_id", None) or getattr(context.get("dag"), "dag_id", "unknown DAG")),
                task_id=str(getattr(ti, "task_id", "unknown task")),
                run_id=str(context.get("run_id") or getattr(dag_run, "run_id", "unknown run")),
                error=context.get("exception"),
            )
        except Exception as exc:  # a context of an unexpected shape must still yield an alert
            alert = build_alert("unknown DAG", "unknown task", "unknown run", f"alert context unreadable: {exc}")
        send_alert(alert)


ALERT_ON_FAILURE = FailureAlert()

EXTRACT_DEFAULT_ARGS = {
    "owner": OWNER,
    "on_failure_callback": ALERT_ON_FAILURE,
    # HTTP errors are already retried inside the client (backoff, Retry-After); these retries
    # cover longer outages, e.g. the site down for maintenance.
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=1),
}

PROBE_DEFAULT_ARGS = {
    "owner": OWNER,
    "on_failure_callback": ALERT_ON_FAILURE,
    # One retry covers a passing network blip; a block or a layout change stays, and must alert.
    "retries": 1,
    "retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(minutes=30),
}
