"""The one step list: `crossborder run` iterates it in order, and a failure after publish never
stops the steps after it nor un-publishes (the DAG side: tests/dags/test_dags.py)."""

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
    assert recorded[-3:] == ["freshness", "fetch_health", "quarantine"]  # still ran after the failed report
    assert "the report broke" in capsys.readouterr().err


def test_a_failure_before_publish_stops_the_run(recorded, monkeypatch):
    def broken(ctx):
        raise CrossborderError("the gate broke")

    patched = tuple(replace(s, run=broken) if s.name == "validate" else s for s in steps.STEPS)
    monkeypatch.setattr(steps, "STEPS", patched)
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_FAILED
    assert recorded == ["extract", "build"]


def test_a_run_with_nothing_new_skips_build_validate_and_publish_unless_told_to_rebuild(recorded, monkeypatch):
    def unchanged(settings, progress):
        recorded.append("unchanged?")
        return True

    monkeypatch.setattr(steps, "_unchanged_since_published", unchanged)
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_OK
    # Asked once, after the extract (which may land something new), before the first step it skips.
    assert recorded == ["extract", "unchanged?", "report", "freshness", "fetch_health", "quarantine"]

    recorded.clear()
    assert main(["--quiet", "run", "--source", "cbp", "--rebuild"]) == EXIT_OK
    assert recorded == [step.name for step in steps.STEPS]


def _landed_long_ago(data_dir, source: str, days: int) -> None:
    """One file fetch of `source`, `days` ago, in its manifest."""
    import json
    from dataclasses import asdict
    from datetime import UTC, datetime, timedelta

    from crossborder.core.landing import ManifestEntry

    when = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    entry = ManifestEntry(source, "http://x/f.csv", "http://x/f.csv", "file", when, 200, 3, "ab" * 32, "objects/ab/x")
    manifest = data_dir / "raw" / source / "manifest.jsonl"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps(asdict(entry)) + "\n")


def test_the_dags_freshness_step_checks_every_source_and_fails_on_a_stale_one(tmp_path, monkeypatch):
    """The warehouse DAG builds its context with RunContext.for_data_dir: every source is checked."""
    from crossborder.core.config import load_settings
    from crossborder.core.errors import StaleSource
    from crossborder.core.progress import Progress
    from extractors import SOURCES

    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    ctx = steps.RunContext.for_data_dir(settings, Progress(quiet=True))
    assert ctx.sources == list(SOURCES) and ctx.demo is False
    steps.FRESHNESS.run(ctx)  # nothing landed anywhere: nothing is stale
    _landed_long_ago(settings.data_dir, "cbp", days=400)
    with pytest.raises(StaleSource, match="cbp"):
        steps.FRESHNESS.run(ctx)
