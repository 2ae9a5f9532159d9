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
    # Parsing without a manifest runs `dbt ls` (cached afterwards): seconds alone, more beside other tests.
    "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "120",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
}
os.environ.update(AIRFLOW_ENV)

from extractors import SOURCES  # noqa: E402
from tests.samples.cbp import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, publish_cbp  # noqa: E402

EXTRACT_TASKS = ("discover", "download", "derive_records")
DAG_IDS = sorted([f"extract_{source}" for source in SOURCES] + ["probe", "warehouse"])
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


PRODUCER, PRODUCER_DONE = "dbt.dbt_producer_watcher", "dbt.dbt_producer_watcher_done"


def _dbt_sensors(dag) -> dict:
    return {
        t.task_id: t for t in dag.tasks if t.task_id.startswith("dbt.") and t.task_id not in (PRODUCER, PRODUCER_DONE)
    }


def test_one_dbt_build_writes_the_warehouse_and_one_sensor_per_model_reports_it(bag):
    """The default (watcher) mode: one `dbt build` of everything, every data and unit test included, is the one
    DuckDB writer; per model and seed one sensor reads its results, and its tests', once it has ended."""
    warehouse = bag.dags["warehouse"]
    assert warehouse.max_active_runs == 1
    sensors = _dbt_sensors(warehouse)
    assert set(sensors) == {f"dbt.{m}_run" for m in MODELS} | {f"dbt.{s}_seed" for s in SEEDS}
    producer = warehouse.get_task(PRODUCER)
    # Each node's sensor reports the tests attached to it; a model's test against a reference seed is the model's.
    tests = producer.tests_per_model
    assert sum(map(len, tests.values())) >= 400
    for node in tests:
        hook = warehouse.get_task(next(t for t, s in sensors.items() if s.model_unique_id == node))._post_execute_hook
        assert hook is not None, node  # the sensor fails when these tests fail
    # (parsed without a manifest here: a test reading a model and a seed counts for the model alone)
    assert any(
        ".in_reference_stg_cbp__encounters_component" in t for t in tests["model.crossborder.stg_cbp__encounters"]
    )
    assert not any(".in_reference_" in t for t in tests.get("seed.crossborder.cbp_components", []))
    assert producer.base_cmd == ["build"] and not producer.select and not producer.exclude
    assert "--resource-type" not in (producer.dbt_cmd_flags or [])  # every data test and unit test runs in it
    assert producer.invocation_mode.value == "subprocess"
    assert producer.env["CROSSBORDER_WAREHOUSE_PATH"].endswith("work/warehouse.duckdb")
    flags = producer.dbt_cmd_flags
    assert flags[flags.index("--target-path") + 1].endswith("dbt/target")  # where `crossborder build` writes
    assert {t for t in warehouse.get_task("prepare").downstream_task_ids if t.startswith("dbt.")} == {PRODUCER}
    for task_id, sensor in sensors.items():
        assert sensor.producer_task_id == PRODUCER, task_id  # reads the build's results, never the file
        assert PRODUCER in sensor.get_flat_relative_ids(upstream=True), f"{task_id} could start before the build"
        inside = sensor.upstream_task_ids & sensors.keys()
        assert (sensor.trigger_rule == "all_done") == (not inside), task_id  # a failed build still reports
        assert sensor.pool == "default_pool" and not sensor.deferrable and sensor.retries == 0, task_id
    for task in warehouse.tasks:  # everything else opens the warehouse: one slot
        if task.task_id not in sensors:
            assert task.pool == "warehouse", task.task_id
        assert task.retries == 0 or task.task_id == "prepare", task.task_id  # a sensor's retry would run dbt
    assert PRODUCER_DONE in warehouse.get_task("dbt_docs").upstream_task_ids
    assert "dbt_cross_model_tests" not in warehouse.task_dict
    assert [o.name for o in warehouse.get_task("publish").outlets] == ["crossborder_warehouse"]


def test_the_warehouse_dag_runs_the_pipelines_step_list(bag):
    """The DAG's task chain is the CLI's step list after extract: build (as prepare, one task per
    model, cross-model tests, docs), then one task per step; steps after publish hang off publish."""
    from crossborder.pipeline.steps import STEPS, WAREHOUSE_STEPS

    warehouse = bag.dags["warehouse"]
    assert [step.name for step in STEPS] == ["extract", *(step.name for step in WAREHOUSE_STEPS)]
    build_tasks = ["prepare", "dbt_docs"]
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


def test_the_probe_dag_probes_each_source_daily_and_fails_naming_the_drift(bag, settings, site):
    """One task per source, daily, alerting on failure; a task fails with the probe's line for its source."""
    from crossborder.airflow_support import ALERT_ON_FAILURE
    from crossborder.core.errors import CrossborderError

    dag = bag.dags["probe"]
    assert dag.schedule == "@daily"
    assert sorted(dag.task_dict) == sorted(f"probe_{source}" for source in SOURCES)
    assert all(
        task.on_failure_callback == [ALERT_ON_FAILURE] or task.on_failure_callback == ALERT_ON_FAILURE
        for task in dag.tasks
    )
    publish_cbp(site, encounters={}, drugs={})  # landing pages that link no release
    with pytest.raises(CrossborderError, match=r"probe: cbp: DRIFT: landing page .*release links: 0"):
        dag.get_task("probe_cbp").python_callable()


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


@pytest.fixture(scope="module")
def dbt_manifest(tmp_path_factory) -> Path:
    """The manifest the Docker image makes at build time (`dbt parse`, Dockerfile), made once here."""
    work = tmp_path_factory.mktemp("dbt-manifest")
    env = {**os.environ, "CROSSBORDER_WAREHOUSE_PATH": str(work / "unused.duckdb"), "CROSSBORDER_DATA_DIR": str(work)}
    dbt = BIN / "dbt"
    project = str(ROOT / "dbt_project")
    subprocess.run(
        [
            str(dbt if dbt.exists() else "dbt"),
            "parse",
            "--project-dir",
            project,
            "--profiles-dir",
            project,
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return work / "target" / "manifest.json"


def test_a_prebuilt_manifest_renders_the_same_tasks(bag, dbt_manifest, tmp_path):
    """The Docker image renders the dbt graph from a manifest made at build time (CROSSBORDER_DBT_MANIFEST)."""
    probe_env = {
        **os.environ,
        "CROSSBORDER_DBT_MANIFEST": str(dbt_manifest),
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
    # With the manifest a test counts for the node dbt attaches it to: dim_country's sensor does not fail
    # because a fact's relationships test to it failed (without one, it counts for both models).
    by_node = from_manifest.get_task(PRODUCER).tests_per_model
    assert not any(".relationships_" in t for t in by_node["model.crossborder.dim_country"]), by_node[
        "model.crossborder.dim_country"
    ]
    assert any(
        ".relationships_" in t
        for t in bag.dags["warehouse"].get_task(PRODUCER).tests_per_model["model.crossborder.dim_country"]
    )
    assert any(
        ".relationships_fct_border_encounters_iso3" in t for t in by_node["model.crossborder.fct_border_encounters"]
    )


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
def test_dags_extract_build_gate_and_publish_end_to_end(
    airflow_db, dbt_manifest, env, settings, site, capfd, monkeypatch
):
    """extract_cbp lands the files and updates its Asset; warehouse builds (one `dbt build`, a sensor per
    model), gates, publishes, reports; a warehouse the gate stops leaves the published file byte for byte."""
    import duckdb

    from tests.warehouse_utils import query, records_files

    publish_cbp(
        site,
        encounters={ENC: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2023, 2024]))},
        drugs={DRUG: csv_bytes(DRUG_HEADER, drug_rows([2023, 2024], fytd=2024))},
    )
    monkeypatch.setenv("CROSSBORDER_DBT_MANIFEST", str(dbt_manifest))  # as in the Docker image
    started = time.perf_counter()
    bag = _dagbag()  # parsed now: the DAGs read CROSSBORDER_DATA_DIR of this test
    assert bag.import_errors == {}
    extract, warehouse = bag.dags["extract_cbp"], bag.dags["warehouse"]

    run = extract.test()
    assert str(run.state) == "success", _states(run)
    assert _states(run)["announce"] == "success"
    assert any(path.endswith(".csv") for path, status in site.hits if status == 200)
    assert records_files(settings.raw_dir / "cbp" / "records" / "encounters")
    assert _asset_events("crossborder_raw_cbp") == 1
    t_extract = time.perf_counter()

    run = warehouse.test()
    assert str(run.state) == "success", _states(run)
    assert query(settings.warehouse_path, "select count(*) from marts.fct_border_encounters") == [(48,)]
    assert (settings.data_docs_dir / "index.html").exists()
    assert (settings.dbt_target_dir / "index.html").exists()
    assert not settings.work_warehouse_path.exists()  # moved into place
    assert _asset_events("crossborder_warehouse") == 1
    states = _states(run)
    assert states["report"] == "success" and states["freshness"] == "success", states
    assert states["dbt.fct_border_encounters_run"] == states["dbt.dim_country_run"] == "success", states
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

    # A new release lands: the Asset is updated again (the warehouse DAG would run).
    newer = f"{FILES}/2025-01/nationwide-encounters-fy24-fy25-dec-aor.csv"
    site.put(newer, csv_bytes(ENCOUNTER_HEADER, encounter_rows([2024]) + encounter_rows([2025], months=["OCT"])))
    site.put("/document/stats/nationwide-encounters", f'<a href="{ENC}">a</a><a href="{newer}">b</a>', "text/html")
    run = extract.test()
    assert str(run.state) == "success", _states(run)
    assert _asset_events("crossborder_raw_cbp") == 2

    # A working warehouse the gate must stop (dbt building such data is tests/e2e/test_cbp_e2e.py's part):
    # validate fails, nothing after it runs, the published file stays byte for byte.
    shutil.copyfile(settings.warehouse_path, settings.work_warehouse_path)
    with duckdb.connect(str(settings.work_warehouse_path)) as con:
        con.execute(
            "update marts.fct_border_encounters set encounter_count = -5 "
            "where rowid = (select min(rowid) from marts.fct_border_encounters)"
        )
    capfd.readouterr()
    run = warehouse.partial_subset(task_ids=["validate"], include_downstream=True, include_upstream=False).test()
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


@pytest.mark.e2e
def test_a_failing_dbt_test_fails_the_build_and_nothing_is_published(
    airflow_db, dbt_manifest, env, settings, site, capfd, caplog, monkeypatch
):
    """In the one `dbt build`, a data test fails: the producer fails with dbt's message naming the test, the task
    of the model the test belongs to fails naming it, and neither the gate nor publish runs."""
    rows = encounter_rows([2024], months=["OCT", "NOV"])
    rows[0] = rows[0].replace("Office of Field Operations", "Office of Made-Up Operations")  # no such component
    publish_cbp(
        site,
        encounters={ENC: csv_bytes(ENCOUNTER_HEADER, rows)},
        drugs={DRUG: csv_bytes(DRUG_HEADER, drug_rows([2024]))},
    )
    monkeypatch.setenv("CROSSBORDER_DBT_MANIFEST", str(dbt_manifest))
    bag = _dagbag()
    run = bag.dags["extract_cbp"].test()
    assert str(run.state) == "success", _states(run)
    capfd.readouterr()

    run = bag.dags["warehouse"].test()
    states = _states(run)
    assert str(run.state) == "failed", states
    assert states[PRODUCER] == "failed", states  # the build itself failed, with dbt's whole output
    # The model whose test failed, and only it, fails; not the reference seed the test reads; below it, nothing runs.
    failed = {task_id for task_id, state in states.items() if state == "failed"} - {PRODUCER}
    assert failed == {"dbt.stg_cbp__encounters_run"}, failed
    assert states["dbt.cbp_components_seed"] == "success", states
    assert states["dbt.fct_border_encounters_run"] == "upstream_failed", states
    for task_id in ("dbt_docs", "validate", "publish", "report", "freshness"):
        assert states[task_id] == "upstream_failed", (task_id, states)
    log = "".join(capfd.readouterr()) + caplog.text
    assert (
        "dbt tests of model.crossborder.stg_cbp__encounters failed: in_reference_stg_cbp__encounters_component" in log
    ), log[-3000:]
    dbt_log = (settings.dbt_log_dir / "dbt.log").read_text(encoding="utf-8")  # the producer logs where the CLI does
    assert "in_reference_stg_cbp__encounters_component" in dbt_log
    assert not settings.warehouse_path.exists()


LOCAL_PROBE = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
dag = bag.dags["warehouse"]
cross = dag.get_task("dbt_cross_model_tests")
print(json.dumps({
    "errors": {str(k): v for k, v in bag.import_errors.items()},
    "tasks": {t.task_id: {"upstream": sorted(t.upstream_task_ids), "pool": t.pool, "retries": t.retries,
                          "invocation": getattr(getattr(t, "invocation_mode", None), "value", None),
                          "indirect": getattr(t, "indirect_selection", None),
                          "warehouse": getattr(t, "env", {}).get("CROSSBORDER_WAREHOUSE_PATH")} for t in dag.tasks},
    "cross_model_tests": list(cross.op_args[0]),
}))
"""


def test_the_local_mode_runs_one_dbt_process_per_model_then_the_cross_model_tests(airflow_db, tmp_path):
    """CROSSBORDER_AIRFLOW_DBT_MODE=local (docs/airflow.md): one `dbt build --select <node>` per model and seed, all
    in the one-slot pool, then one `dbt test` of the tests that read several models and of the unit tests."""
    env = {**os.environ, "CROSSBORDER_AIRFLOW_DBT_MODE": "local", "CROSSBORDER_DATA_DIR": str(tmp_path / "data")}
    env.pop("CROSSBORDER_DBT_MANIFEST", None)
    result = subprocess.run(
        [sys.executable, "-c", LOCAL_PROBE, str(DAGS)], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["errors"] == {}
    tasks = probe["tasks"]
    dbt_tasks = {t for t in tasks if t.startswith("dbt.")}
    assert dbt_tasks == {f"dbt.{m}_model_build" for m in MODELS} | {f"dbt.{s}_seed_build" for s in SEEDS}
    for task_id in dbt_tasks:
        assert tasks[task_id]["invocation"] == "subprocess" and tasks[task_id]["indirect"] == "cautious", task_id
        assert tasks[task_id]["warehouse"].endswith("work/warehouse.duckdb"), task_id
    for task_id, task in tasks.items():
        assert task["pool"] == "warehouse", task_id
        assert task["retries"] == 0 or task_id == "prepare", task_id
    selected = probe["cross_model_tests"]
    assert any(name.startswith("relationships_") for name in selected)
    assert "assert_revisions_current_rows_match_facts" in selected
    cross_upstream = set(tasks["dbt_cross_model_tests"]["upstream"])
    assert cross_upstream and cross_upstream <= dbt_tasks  # after the leaf models
    assert "dbt_cross_model_tests" in tasks["dbt_docs"]["upstream"]
