"""`crossborder status --check` fails when nothing ran, naming what is missing, and when the published data
is old however recently it was fetched; `status` shows freshness by data coverage beside fetch time."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main
from crossborder.core.landing import ManifestEntry
from extractors import SOURCES


def _landed(data_dir, source: str, days: float = 1) -> None:
    """A manifest holding one data file fetched `days` ago."""
    when = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    entry = ManifestEntry(source, "http://x/f.csv", "http://x/f.csv", "file", when, 200, 3, "ab" * 32, "objects/ab/x")
    manifest = data_dir / "raw" / source / "manifest.jsonl"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps(asdict(entry)) + "\n")


def test_check_fails_on_a_data_dir_where_nothing_ever_ran(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(tmp_path / "data"))
    assert main(["status", "--check"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"never landed anything: {', '.join(SOURCES)}" in err
    assert "no published warehouse" in err and "no quality gate ever ran" in err


def test_check_names_the_sources_that_never_landed_and_the_missing_gate(tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(data))
    for source in SOURCES:
        if source != "statcan":
            _landed(data, source)
    assert main(["status", "--check"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "never landed anything: statcan (" in err and "no quality gate ever ran" in err
    assert "stale source" not in err


@pytest.mark.e2e
def test_demo_data_fetched_today_is_stale_by_its_coverage(demo_data, monkeypatch, capsys):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(demo_data))
    assert main(["status"]) == EXIT_OK
    out = capsys.readouterr().out
    assert re.search(r"\[ok\] cbp: new content last landed .* \(0 days ago\)", out)  # fetched by the demo run
    newest_month = re.search(r"\[error\] cbp: newest month (\d{4}-\d{2}), ended ", out)
    assert newest_month, out
    assert re.search(r"\[error\] tip: newest edition \d{4}, its reporting period ended", out)
    assert "[error] news: newest article" in out and "[error] statcan: newest year" in out
    assert main(["status", "--check"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"stale data: cbp: newest month {newest_month[1]}" in err and "older than 100 days" in err
    assert "never landed" not in err and "quality gate" not in err
