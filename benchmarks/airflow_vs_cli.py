"""Benchmark: the `warehouse` DAG against the CLI's build + validate + publish, on the same demo data.

    .venv/bin/python benchmarks/airflow_vs_cli.py [--mode local|watcher] [--rounds N] [--keep]

1. lands the demo mirror's raw data once (the pipeline's extract step against demo/mirror) into a
   temporary data directory marked as sample data;
2. per round: times `crossborder build`, `validate`, `publish`, `report` (one process each), deletes
   the published warehouse, then times `airflow dags test warehouse` in a subprocess with a
   temporary AIRFLOW_HOME (SQLite, migrated and given the `warehouse` pool first) and the dbt
   manifest made beforehand as the Docker image does (`dbt parse`; none of that is timed);
3. prints each round, then the medians and the DAG/CLI ratios (the target of docs/airflow.md is
   <= 1.3): of the whole `airflow dags test` command, and of the run itself (first task start to
   the run's end: what a deployment, whose scheduler and API server are already up, pays per run).
   Rounds alternate the two sides, so a slow spell of the machine hits both.

Both sides do the same work; the DAG's `freshness` task (milliseconds, no command of its own) is
counted on its side only. A benchmark, not a test: it takes a few minutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from crossborder.core.config import load_settings
from crossborder.core.progress import Progress
from crossborder.pipeline import demo, steps

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUIET_ENV = {
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
}


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else name


def _run(args: list[str], env: dict[str, str], log: Path) -> float:
    """Run a command, its output into log; return its wall time; exit on failure."""
    started = time.perf_counter()
    with log.open("ab") as out:
        result = subprocess.run(args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed (exit {result.returncode}); see {log}")
    return elapsed


# The DAG's work after extract, as commands: the DAG's `freshness` task (a few milliseconds) has no
# command of its own and is counted on the DAG's side only.
CLI_STEPS = ("build", "validate", "publish", "report")


def dbt_parse_command(target: Path) -> list[str]:
    """`dbt parse` into target, the manifest the Docker image makes at build time (Dockerfile)."""
    project = str(ROOT / "dbt_project")
    return [
        _tool("dbt"),
        "parse",
        "--project-dir",
        project,
        "--profiles-dir",
        project,
        "--target-path",
        str(target),
        "--log-path",
        str(target / "logs"),
    ]


def land_demo_data(data_dir: Path) -> None:
    """The extract step of `crossborder run --demo`, alone: the demo mirror's raw data into data_dir."""
    settings = load_settings({**os.environ, "CROSSBORDER_DATA_DIR": str(data_dir)})
    demo.check_data_dir_kind(settings, demo=True)
    steps.run_steps(steps.RunContext(settings, Progress(quiet=True), demo=True), [steps.EXTRACT])


def dag_run_seconds(log: str) -> float:
    """Seconds from the first task's start to the run's end, from the timestamps of `airflow dags test`'s log."""
    stamps = [
        line.split(" ", 1)[0] for line in log.splitlines() if "[DAG TEST] starting" in line or "DagRun Finished" in line
    ]
    if len(stamps) < 2:
        return float("nan")
    first, last = (datetime.fromisoformat(stamp.replace("Z", "+00:00")) for stamp in (stamps[0], stamps[-1]))
    return (last - first).total_seconds()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (data, logs, AIRFLOW_HOME)")
    parser.add_argument(
        "--mode",
        choices=("local", "watcher"),
        default=os.environ.get("CROSSBORDER_AIRFLOW_DBT_MODE", "watcher"),
        help="how the DAG runs dbt (CROSSBORDER_AIRFLOW_DBT_MODE; default: the DAG's, watcher)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both sides; medians are reported (default 3)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="crossborder-bench-"))
    data, home, log = work / "data", work / "airflow", work / "bench.log"
    env = {
        **os.environ,
        **QUIET_ENV,
        "CROSSBORDER_DATA_DIR": str(data),
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "CROSSBORDER_AIRFLOW_DBT_MODE": args.mode,
    }
    # cosmos renders the task group from a manifest made beforehand, as in the Docker image (not timed).
    env["CROSSBORDER_DBT_MANIFEST"] = str(work / "dbt-manifest" / "manifest.json")
    try:
        started = time.perf_counter()
        land_demo_data(data)
        print(f"landed the demo data in {time.perf_counter() - started:.1f}s ({data})", flush=True)
        airflow = _tool("airflow")
        _run([airflow, "db", "migrate"], env, log)
        _run([airflow, "pools", "set", "warehouse", "1", "DuckDB has one writer"], env, log)
        _run(
            dbt_parse_command(work / "dbt-manifest"),
            {**env, "CROSSBORDER_WAREHOUSE_PATH": str(work / "parse.duckdb")},
            log,
        )
        crossborder = _tool("crossborder")
        rounds: list[tuple[float, float, float]] = []
        for number in range(1, args.rounds + 1):
            cli = {step: _run([crossborder, "--quiet", step], env, log) for step in CLI_STEPS}
            cli_s = sum(cli.values())
            print(
                f"round {number}: CLI " + ", ".join(f"{k} {v:.1f}s" for k, v in cli.items()) + f"; total {cli_s:.1f}s"
            )
            (data / "warehouse.duckdb").unlink()  # the DAG builds and publishes afresh
            dag_log = work / f"dags-test-{number}.log"
            dag_s = _run([airflow, "dags", "test", "warehouse"], env, dag_log)
            if not (data / "warehouse.duckdb").exists():
                sys.exit(f"the warehouse DAG published nothing; see {dag_log}")
            run_s = dag_run_seconds(dag_log.read_text(encoding="utf-8", errors="replace"))
            print(
                f"round {number}: DAG ({args.mode}) airflow dags test warehouse {dag_s:.1f}s, "
                f"the run itself {run_s:.1f}s"
            )
            rounds.append((cli_s, dag_s, run_s))
        cli_s, dag_s, run_s = (statistics.median(side) for side in zip(*rounds, strict=True))
        print(f"median of {len(rounds)}: CLI {cli_s:.1f}s (build, validate, publish, report)")
        print(
            f"median of {len(rounds)}: DAG ({args.mode}) airflow dags test warehouse {dag_s:.1f}s "
            "(build, validate, publish, report, freshness)"
        )
        print(f"     of which the run itself (first task start to run end, no start-up or parse): {run_s:.1f}s")
        print(f"ratio DAG/CLI: {dag_s / cli_s:.2f} (target <= 1.3); run only: {run_s / cli_s:.2f}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
