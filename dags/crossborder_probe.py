"""The `probe` DAG: `crossborder probe` daily, one task per source, alerting on drift.

Each task requests its source's entry pages (changing nothing: no raw file, manifest line or
warehouse write), parses them with the real parsers and fails, naming what drifted, when a page
is blocked, no longer parses, or lost most of its links against the last good fetch. A failure
alerts through the same notifier as the other DAGs (crossborder.core.alerts).

Parse-time cost: Airflow and crossborder's support module only; the probe (requests, the
parsers) is imported inside the tasks.
"""

from __future__ import annotations

import inspect
from datetime import datetime

from airflow.sdk import dag, task

from crossborder.airflow_support import PROBE_DEFAULT_ARGS, run_context
from extractors import SOURCES


@dag(
    dag_id="probe",
    schedule="@daily",
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["crossborder", "probe"],
    default_args=PROBE_DEFAULT_ARGS,
)
def probe():
    """### Probe every source's entry pages (a live check that changes nothing)

    One task per source, as `crossborder probe --source SOURCE`: each entry page is requested once
    and parsed with the source's parser, and compared with the last successful fetch held in the
    landing zone. A blocked answer, a failed request, a page the parser no longer reads, or a count
    (links, feed items) fallen below half of the last good one fails the task with one line naming
    the source and what drifted, and the failure alerts. See docs/reliability-and-security.md.
    """
    for source in SOURCES:

        @task(task_id=f"probe_{source}", doc_md=f"Probe {source}'s entry pages; fail naming the drift.")
        def probe_one(name: str = source) -> str:
            from crossborder.pipeline.probe import probe_source, raise_on_drift

            ctx = run_context()
            result = probe_source(ctx.settings, name)
            ctx.progress.say(result.line())
            raise_on_drift(result)
            return result.line()

        probe_one()


probe_dag = probe()
probe_dag.doc_md = inspect.cleandoc(probe_dag.doc_md or "")
