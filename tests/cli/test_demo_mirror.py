"""`crossborder demo-mirror`: serves demo/mirror and prints the exports that point the DAGs at it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from crossborder.cli import EXIT_FAILED, _parser, main
from crossborder.core.config import load_settings
from crossborder.core.files import is_sample_data

ROOT = Path(__file__).resolve().parents[2]


def _exports(process: subprocess.Popen) -> dict[str, str]:
    """The `export KEY=VALUE` lines the command prints before it blocks (it flushes after the last)."""
    exports: dict[str, str] = {}
    for line in process.stdout:
        if line.startswith("export "):
            key, _, value = line.removeprefix("export ").strip().partition("=")
            exports[key] = value
        if "CROSSBORDER_STATCAN_BASE_URL" in exports:  # the last one
            return exports
    raise AssertionError(f"the command ended without printing the exports: {exports}")


def test_demo_mirror_serves_the_mirror_and_prints_working_exports(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "CROSSBORDER_DATA_DIR": str(data)}
    process = subprocess.Popen(
        [sys.executable, "-m", "crossborder.cli", "demo-mirror", "--port", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        exports = _exports(process)
        assert exports["CROSSBORDER_DATA_DIR"] == str(data)
        assert is_sample_data(data)  # the DAGs read it as the demo's sample data
        assert exports["CROSSBORDER_HTTP_REQUESTS_PER_SECOND_PER_HOST"] == "0"
        assert exports["CROSSBORDER_TIP_EDITIONS"]  # the demo_overrides the mirror needs
        base_urls = {key: value for key, value in exports.items() if key.endswith("BASE_URL")}
        assert {"CROSSBORDER_CBP_BASE_URL", "CROSSBORDER_TIP_ARCHIVE_BASE_URL"} <= set(base_urls)
        assert len(set(base_urls.values())) == 1  # one mirror plays every host
        with urllib.request.urlopen(f"{exports['CROSSBORDER_CBP_BASE_URL']}/document/stats/nationwide-encounters") as r:
            assert r.status == 200 and b"sites/default/files" in r.read()

        # The settings the DAGs load from these exports fetch from the mirror.
        settings = load_settings({**os.environ, **exports})
        assert {settings.source(name).base_url for name in ("cbp", "tip", "news", "statcan")} == set(base_urls.values())
        assert settings.source("tip").options["editions"] == exports["CROSSBORDER_TIP_EDITIONS"].split(",")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
            pytest.fail(f"demo-mirror did not stop within 30 s of Ctrl-C; its stderr:\n{err[-3000:]}")
    assert process.returncode == 0, err


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_demo_mirror_stops_on_ctrl_c_or_sigterm_even_when_started_with_them_blocked(tmp_path, stop):
    # A parent's signal mask survives exec (seen: a pytest worker that had run Airflow left SIGINT blocked).
    process = subprocess.Popen(
        [sys.executable, "-m", "crossborder.cli", "demo-mirror", "--port", "0"],
        env={**os.environ, "CROSSBORDER_DATA_DIR": str(tmp_path / "data")},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}),
    )
    try:
        _exports(process)
        process.send_signal(stop)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0 and "demo mirror stopped" in err, err


def test_demo_mirror_refuses_a_data_dir_of_live_data(tmp_path, monkeypatch, capsys):
    (tmp_path / "data" / "raw" / "cbp").mkdir(parents=True)
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(tmp_path / "data"))
    assert main(["demo-mirror", "--port", "0"]) == EXIT_FAILED
    assert "holds live data" in capsys.readouterr().err


def test_demo_mirror_help_names_the_port_and_the_exports():
    commands = next(a for a in _parser()._actions if a.dest == "command")
    text = commands.choices["demo-mirror"].format_help()
    assert "--port" in text and "CROSSBORDER_" in text and "SAMPLE DATA" in text
