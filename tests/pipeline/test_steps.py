"""The one step list: `crossborder run` iterates it in order, and a failure after publish never
stops the steps after it nor un-publishes (the DAG side: tests/test_dags.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main
from crossborder.core.errors import CrossborderError
from crossborder.pipeline import steps


@pytest.fixture
def recorded(monkeypatch, tmp_path):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(tmp_path / "data"))
    calls: list[str] = []

    def recorder(name):
        def run(ctx):
            calls.append(name)

        return run

    monkeypatch.setattr(steps, "STEPS", tuple(replace(s, run=recorder(s.name)) for s in steps.STEPS))
    return calls


def test_crossborder_run_runs_every_step_of_the_list_in_order(recorded):
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_OK
    assert recorded == [step.name for step in steps.STEPS]
    assert recorded[:4] == ["extract", "build", "validate", "publish"]


def test_a_failure_after_publish_runs_the_rest_and_fails_the_run(recorded, monkeypatch, capsys):
    def broken(ctx):
        recorded.append("report")
        raise CrossborderError("the report broke")

    patched = tuple(replace(s, run=broken) if s.name == "report" else s for s in steps.STEPS)
    monkeypatch.setattr(steps, "STEPS", patched)
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_FAILED
    assert recorded[-1] == "freshness"  # still ran after the failed report
    assert "the report broke" in capsys.readouterr().err


def test_a_failure_before_publish_stops_the_run(recorded, monkeypatch):
    def broken(ctx):
        raise CrossborderError("the gate broke")

    patched = tuple(replace(s, run=broken) if s.name == "validate" else s for s in steps.STEPS)
    monkeypatch.setattr(steps, "STEPS", patched)
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_FAILED
    assert recorded == ["extract", "build"]
