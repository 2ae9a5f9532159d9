"""The Airflow DAGs in dags/: they import cleanly and quickly, follow the house rules (owner, tags,
docs, retries, the warehouse pool), and run end to end in-process with `dag.test()`.

Airflow reads its configuration when first imported, so this module points it at a temporary
AIRFLOW_HOME with a SQLite metadata database before importing it; the database is migrated once
per test session (`airflow db migrate`, ~12 s) and the one-slot `warehouse` pool created with
the same command the compose init service runs. Skipped when the `airflow` extra is not installed.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DAGS = ROOT / "dags"
BIN = Path(sys.executable).parent

if importlib.util.find_spec("airflow") is None or importlib.util.find_spec("cosmos") is None:
    pytest.skip("the airflow extra (apache-airflow, astronomer-cosmos) is not installed", allow_module_level=True)
if "airflow" in sys.modules:  # configured already, by something else: its AIRFLOW_HOME is not ours
    pytest.skip("airflow was imported before tests/dags/test_dags.py could configure it", allow_module_level=True)

_HOME = Path(tempfile.mkdtemp(prefix="crossborder-airflow-"))
atexit.register(shutil.rmtree, _HOME, True)
AIRFLOW_ENV = {
    "AIRFLOW_HOME": str(_HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_HOME / 'airflow.db'}",
    "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
}
os.environ.update(AIRFLOW_ENV)

from extractors import SOURCES  # noqa: E402
from tests.samples.cbp import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, publish_cbp  # noqa: E402

EXTRACT_TASKS = ("discover", "download", "derive_records")
DAG_IDS = sorted([f"extract_{source}" for source in SOURCES] + ["warehouse"])
MODELS = sorted(p.stem for p in (ROOT / "dbt_project" / "models").rglob("*.sql"))
SEEDS = sorted(p.stem for p in (ROOT / "dbt_project" / "seeds").rglob("*.csv"))
FILES = "/sites/default/files"
ENC = f"{FILES}/2024-10/nationwide-encounters-fy23-fy24-aor.csv"
DRUG = f"{FILES}/2024-10/nationwide-drugs-fy23-fy24.csv"


def _airflow(*args: str) -> None:
    executable = BIN / "airflow"
    result = subprocess.run(
        [str(executable if executable.exists() else "airflow"), *args],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"airflow {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


@pytest.fixture(scope="session")
def airflow_db():
    """A migrated SQLite metadata database with the `warehouse` pool, once per session."""
    started = time.perf_counter()
    _airflow("db", "migrate")
    _airflow("pools", "set", "warehouse", "1", "DuckDB has one writer: every warehouse task runs in this pool")
    print(f"\n[airflow db migrate + pool: {time.perf_counter() - started:.1f}s]")
    return _HOME


def _dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="module")
def parsed(airflow_db, tmp_path_factory):
    """The dags folder parsed twice (the first parse may run `dbt ls` and fill cosmos' cache)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CROSSBORDER_DATA_DIR", str(tmp_path_factory.mktemp("dagbag-data")))
        mp.delenv("CROSSBORDER_DBT_MANIFEST", raising=False)
        started = time.perf_counter()
        _dagbag()
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        bag = _dagbag()
        warm_s = time.perf_counter() - started
    print(f"\n[DagBag parse of dags/: first {cold_s:.2f}s (dbt ls unless cached), then {warm_s:.2f}s]")
    return bag, cold_s, warm_s


@pytest.fixture
def bag(parsed):
    return parsed[0]


def _all_tasks(bag):
    for dag in bag.dags.values():
        for task in dag.tasks:
            yield dag, task


def _task_doc(task) -> str | None:
    return task.doc_md or getattr(task, "partial_kwargs", {}).get("doc_md")


# -- structure -----------------------------------------------------------------------------------
def test_the_dags_folder_imports_without_errors(bag):
    assert bag.import_errors == {}
    assert sorted(bag.dags) == DAG_IDS  # one extract DAG per source, and the warehouse


def test_every_dag_and_task_has_an_owner_tags_and_docs(bag):
    for dag in bag.dags.values():
        assert dag.tags and "crossborder" in dag.tags, dag.dag_id
        assert dag.doc_md and dag.doc_md.strip(), dag.dag_id
        assert not dag.doc_md.startswith(" "), f"{dag.dag_id}: doc_md must be dedented Markdown"
        assert dag.catchup is False, dag.dag_id
        assert dag.owner == "crossborder", dag.dag_id
    for dag, task in _all_tasks(bag):
        assert task.owner == "crossborder", f"{dag.dag_id}.{task.task_id}"
        assert _task_doc(task), f"{dag.dag_id}.{task.task_id} has no doc_md"


def test_extract_tasks_retry_with_exponential_backoff(bag):
    dag = bag.dags["extract_cbp"]
    assert dag.schedule == "@daily"
    for task_id in EXTRACT_TASKS:
        task = dag.get_task(task_id)
        assert task.retries >= 2, task_id
        assert task.retry_exponential_backoff >= 2, task_id
    download = dag.get_task("download")
    assert download.is_mapped if hasattr(download, "is_mapped") else type(download).__name__.endswith("MappedOperator")
    assert [o.name for o in dag.get_task("announce").outlets] == ["crossborder_raw_cbp"]


def _asset_names(condition):
    """The names of the Assets in a schedule condition (an Asset, or AssetAny/AssetAll of them)."""
    if hasattr(condition, "objects"):
        for part in condition.objects:
            yield from _asset_names(part)
    else:
        yield condition.name


def test_the_warehouse_is_scheduled_on_every_sources_raw_asset(bag):
    warehouse = bag.dags["warehouse"]
    produced = {
        o.name
        for dag in bag.dags.values()
        if dag.dag_id.startswith("extract_")
        for task in dag.tasks
        for o in task.outlets
    }
    scheduled = set(_asset_names(warehouse.timetable.asset_condition))
    assert produced == {f"crossborder_raw_{source}" for source in SOURCES}
    assert produced <= scheduled


def test_warehouse_writers_share_the_one_slot_pool_and_run_one_at_a_time(bag):
    warehouse = bag.dags["warehouse"]
    assert warehouse.max_active_runs == 1
    for task in warehouse.tasks:
        assert task.pool == "warehouse", task.task_id
        assert task.retries == 0 or task.task_id == "prepare", task.task_id
    dbt_tasks = {t.task_id for t in warehouse.tasks if t.task_id.startswith("dbt.")}
    # One task per model (and its tests), and per seed.
    assert dbt_tasks == {f"dbt.{m}_model_build" for m in MODELS} | {f"dbt.{s}_seed_build" for s in SEEDS}
    for task_id in dbt_tasks:
        task = warehouse.get_task(task_id)
        assert task.invocation_mode.value == "subprocess", task_id
        assert task.indirect_selection == "cautious", task_id
        assert task.env["CROSSBORDER_WAREHOUSE_PATH"].endswith("work/warehouse.duckdb")
    # The tests no model task can run (they read several models) and the unit tests run after the group.
    cross = warehouse.get_task("dbt_cross_model_tests")
    selected = list(cross.op_args[0])
    assert any(name.startswith("relationships_") for name in selected)
    assert "assert_revisions_current_rows_match_facts" in selected
    assert cross.upstream_task_ids and cross.upstream_task_ids <= dbt_tasks  # after the leaf models
    assert [o.name for o in warehouse.get_task("publish").outlets] == ["crossborder_warehouse"]


def test_the_warehouse_dag_runs_the_pipelines_step_list(bag):
    """The DAG's task chain is the CLI's step list after extract: build (as prepare, one task per
    model, cross-model tests, docs), then one task per step; steps after publish hang off publish."""
    from crossborder.pipeline.steps import STEPS, WAREHOUSE_STEPS

    warehouse = bag.dags["warehouse"]
    assert [step.name for step in STEPS] == ["extract", *(step.name for step in WAREHOUSE_STEPS)]
    build_tasks = ["prepare", "dbt_cross_model_tests", "dbt_docs"]
    before, after = [s for s in WAREHOUSE_STEPS if not s.after_publish], [s for s in WAREHOUSE_STEPS if s.after_publish]
    assert [s.name for s in before][0] == "build" and {"report", "freshness"} <= {s.name for s in after}
    previous = "dbt_docs"  # the build step's last task
    for step in before[1:]:
        assert warehouse.get_task(step.name).upstream_task_ids == {previous}, step.name
        previous = step.name
    for step in after:
        assert warehouse.get_task(step.name).upstream_task_ids == {previous}, step.name
    step_tasks = {s.name for s in WAREHOUSE_STEPS if s.name != "build"}
    other = {t for t in warehouse.task_dict if not t.startswith("dbt.")} - step_tasks - set(build_tasks)
    assert other == set(), f"tasks that are no pipeline step: {other}"


# -- parse time ----------------------------------------------------------------------------------
PARSE_PROBE = """
import json, sys, time
started = time.perf_counter()
from airflow.dag_processing.dagbag import DagBag
imported = time.perf_counter()
bag = DagBag(dag_folder=sys.argv[1])
done = time.perf_counter()
heavy = sorted(m for m in ("dbt", "great_expectations", "requests", "duckdb", "bs4") if m in sys.modules)
print(json.dumps({"parse_s": done - imported, "import_airflow_s": imported - started,
                  "errors": {str(k): v for k, v in bag.import_errors.items()},
                  "heavy": heavy, "dags": sorted(bag.dags)}))
"""


def _probe(env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PARSE_PROBE, str(DAGS)], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_parsing_the_dags_folder_is_fast_and_imports_nothing_heavy(parsed, tmp_path_factory):
    """A fresh process, as the dag-processor parses: no dbt, GX, requests or DuckDB at import time.

    The issue's target is < 2 s; a generous bound here keeps the test stable on slow machines.
    """
    _, cold_s, warm_s = parsed
    env = {**os.environ, "CROSSBORDER_DATA_DIR": str(tmp_path_factory.getbasetemp() / "dagbag-data0")}
    env.pop("CROSSBORDER_DBT_MANIFEST", None)
    probe = _probe(env)
    print(
        f"\n[parse in a fresh process: {probe['parse_s']:.2f}s (+{probe['import_airflow_s']:.1f}s to import "
        f"Airflow); in-process: first {cold_s:.2f}s, cached {warm_s:.2f}s]"
    )
    assert probe["errors"] == {} and probe["dags"] == DAG_IDS
    assert probe["heavy"] == []
    assert probe["parse_s"] < 10
    assert warm_s < 10


def test_a_prebuilt_manifest_renders_the_same_tasks(bag, tmp_path):
    """The Docker image renders the dbt graph from a manifest made at build time (CROSSBORDER_DBT_MANIFEST)."""
    target = tmp_path / "manifest"
    env = {
        **os.environ,
        "CROSSBORDER_WAREHOUSE_PATH": str(tmp_path / "unused.duckdb"),
        "CROSSBORDER_DATA_DIR": str(tmp_path / "data"),
    }
    dbt = BIN / "dbt"
    subprocess.run(
        [
            str(dbt if dbt.exists() else "dbt"),
            "parse",
            "--project-dir",
            str(ROOT / "dbt_project"),
            "--profiles-dir",
            str(ROOT / "dbt_project"),
            "--target-path",
            str(target),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    probe_env = {
        **os.environ,
        "CROSSBORDER_DBT_MANIFEST": str(target / "manifest.json"),
        "CROSSBORDER_DATA_DIR": str(tmp_path / "data"),
    }
    probe = _probe(probe_env)
    print(f"\n[parse with a prebuilt manifest, fresh process: {probe['parse_s']:.2f}s]")
    assert probe["errors"] == {} and probe["heavy"] == []
    assert probe["parse_s"] < 10

    with pytest.MonkeyPatch.context() as mp:
        for key in ("CROSSBORDER_DBT_MANIFEST", "CROSSBORDER_DATA_DIR"):
            mp.setenv(key, probe_env[key])
        from_manifest = _dagbag().dags["warehouse"]
    assert sorted(from_manifest.task_dict) == sorted(bag.dags["warehouse"].task_dict)


# -- end to end ----------------------------------------------------------------------------------
def _asset_events(name: str) -> int:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        return session.scalar(
            select(func.count())
            .select_from(AssetEvent)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.name == name)
        )


def _states(run) -> dict[str, str]:
    return {ti.task_id: str(ti.state) for ti in run.get_task_instances()}


@pytest.mark.e2e
def test_dags_extract_build_gate_and_publish_end_to_end(airflow_db, env, settings, site, capfd):
    """extract_cbp lands the files and updates its Asset; warehouse builds, gates and publishes;
    a release with a negative count fails the gate and leaves the published file byte for byte."""
    from tests.warehouse_utils import query

    publish_cbp(
        site,
        encounters={ENC: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2023, 2024]))},
        drugs={DRUG: csv_bytes(DRUG_HEADER, drug_rows([2023, 2024], fytd=2024))},
    )
    started = time.perf_counter()
    bag = _dagbag()  # parsed now: the DAGs read CROSSBORDER_DATA_DIR of this test
    assert bag.import_errors == {}
    extract, warehouse = bag.dags["extract_cbp"], bag.dags["warehouse"]

    run = extract.test()
    assert str(run.state) == "success", _states(run)
    assert _states(run)["announce"] == "success"
    assert any(path.endswith(".csv") for path, status in site.hits if status == 200)
    assert any((settings.raw_dir / "cbp" / "records" / "encounters").glob("*.jsonl.gz"))
    assert _asset_events("crossborder_raw_cbp") == 1
    t_extract = time.perf_counter()

    run = warehouse.test()
    assert str(run.state) == "success", _states(run)
    assert query(settings.warehouse_path, "select count(*) from marts.fct_border_encounters") == [(48,)]
    assert (settings.data_docs_dir / "index.html").exists()
    assert (settings.dbt_target_dir / "index.html").exists()
    assert not settings.work_warehouse_path.exists()  # moved into place
    assert _asset_events("crossborder_warehouse") == 1
    assert _states(run)["report"] == "success" and _states(run)["freshness"] == "success"
    assert (settings.data_dir / "reports" / "briefing.html").exists()  # the report step ran in Airflow
    published = settings.warehouse_path.read_bytes()
    t_warehouse = time.perf_counter()

    # Nothing changed upstream: 304s only, no Asset event, so no rebuild.
    site.hits.clear()
    run = extract.test()
    assert str(run.state) == "success", _states(run)
    assert {status for _, status in site.hits} == {304}
    assert _states(run)["announce"] == "skipped"
    assert _asset_events("crossborder_raw_cbp") == 1

    # A new release with a negative count: dbt builds it, the gate stops it.
    bad = f"{FILES}/2025-01/nationwide-encounters-fy24-fy25-dec-aor.csv"
    rows = encounter_rows([2024]) + encounter_rows(
        [2025], months=["OCT", "NOV", "DEC"], count=lambda fy, m, i: -5 if m == "NOV" and i == 0 else 10 + i
    )
    site.put(bad, csv_bytes(ENCOUNTER_HEADER, rows))
    site.put("/document/stats/nationwide-encounters", f'<a href="{ENC}">a</a><a href="{bad}">b</a>', "text/html")
    run = extract.test()
    assert str(run.state) == "success", _states(run)
    assert _asset_events("crossborder_raw_cbp") == 2
    capfd.readouterr()

    run = warehouse.test()
    states = _states(run)
    assert str(run.state) == "failed", states
    assert states["validate"] == "failed" and states["publish"] == "upstream_failed", states
    assert states["report"] == "upstream_failed" and states["freshness"] == "upstream_failed", states
    log = "".join(capfd.readouterr())
    assert "quality gate failed" in log and "encounter_count" in log, log[-3000:]
    assert str(settings.data_docs_dir) in log
    assert settings.warehouse_path.read_bytes() == published
    assert json.loads(settings.gate_result_path.read_text())["passed"] is False
    assert _asset_events("crossborder_warehouse") == 1
    done = time.perf_counter()
    print(
        f"\n[e2e: parse+extract {t_extract - started:.1f}s, warehouse {t_warehouse - t_extract:.1f}s, "
        f"failing round {done - t_warehouse:.1f}s, total {done - started:.1f}s]"
    )


WATCHER_PROBE = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
dag = bag.dags["warehouse"]
producer = dag.get_task("dbt.dbt_producer_watcher")
print(json.dumps({
    "errors": {str(k): v for k, v in bag.import_errors.items()},
    "tasks": {t.task_id: {"upstream": sorted(t.upstream_task_ids), "pool": t.pool, "retries": t.retries,
                          "producer": getattr(t, "producer_task_id", None), "doc": bool(t.doc_md)} for t in dag.tasks},
    "producer": {"cmd": producer.base_cmd, "select": producer.select, "exclude": producer.exclude,
                 "flags": producer.dbt_cmd_flags or [], "warehouse": producer.env["CROSSBORDER_WAREHOUSE_PATH"]},
}))
"""


def test_the_watcher_mode_renders_one_build_and_a_group_per_model(airflow_db, tmp_path):
    """CROSSBORDER_AIRFLOW_DBT_MODE=watcher (opt-in, docs/airflow.md): one `dbt build` of everything (the one
    DuckDB writer), per model and seed a group of sensors reading its results, no retries, no cross-model task."""
    env = {**os.environ, "CROSSBORDER_AIRFLOW_DBT_MODE": "watcher", "CROSSBORDER_DATA_DIR": str(tmp_path / "data")}
    env.pop("CROSSBORDER_DBT_MANIFEST", None)
    result = subprocess.run(
        [sys.executable, "-c", WATCHER_PROBE, str(DAGS)], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["errors"] == {}
    tasks, producer_id, done_id = probe["tasks"], "dbt.dbt_producer_watcher", "dbt.dbt_producer_watcher_done"
    dbt_tasks = {t for t in tasks if t.startswith("dbt.")}
    per_node = {f"dbt.{m}.run" for m in MODELS} | {f"dbt.{s}.seed" for s in SEEDS}
    node_tests = {t for t in dbt_tasks if t.endswith(".test")}
    assert dbt_tasks == per_node | node_tests | {producer_id, done_id}
    assert (
        probe["producer"]["cmd"] == ["build"] and not probe["producer"]["select"] and not probe["producer"]["exclude"]
    )
    assert "--resource-type" not in probe["producer"]["flags"]  # every data test and unit test runs in the build
    assert probe["producer"]["warehouse"].endswith("work/warehouse.duckdb")
    for task_id in dbt_tasks - {producer_id, done_id}:
        assert tasks[task_id]["producer"] == producer_id, task_id  # reads the build's results, never the file
    for task_id, task in tasks.items():
        assert task["pool"] == "warehouse" and task["doc"], task_id
        assert task["retries"] == 0 or task_id == "prepare", task_id  # a sensor's retry would run dbt itself
    assert "dbt_cross_model_tests" not in tasks
    assert done_id in tasks["dbt_docs"]["upstream"] and tasks["validate"]["upstream"] == ["dbt_docs"]
