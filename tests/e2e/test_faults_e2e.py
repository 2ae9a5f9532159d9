"""Faults after a good publish: the published warehouse is never touched, and a rerun after a
killed build gives the same tables as a clean run. Runs the whole pipeline: marked e2e."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main
from tests.samples.cbp import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, publish_cbp
from tests.warehouse_utils import table_contents

pytestmark = pytest.mark.e2e

ENC = "/sites/default/files/2024-10/nationwide-encounters-fy23-fy24-aor.csv"
DRUGS = "/sites/default/files/2024-10/nationwide-drugs-fy23-fy24.csv"


def test_failures_after_a_good_publish_leave_it_untouched_and_reruns_converge(settings, site, env, capsys):
    publish_cbp(
        site,
        encounters={ENC: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2023, 2024]))},
        drugs={DRUGS: csv_bytes(DRUG_HEADER, drug_rows([2023, 2024]))},
    )
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_OK
    published = settings.warehouse_path.read_bytes()
    clean_tables = table_contents(settings.warehouse_path)

    # The source answers 503 every time: the extract fails after its retries, naming the URL.
    site.httpserver.clear()
    site.httpserver.expect_request("/robots.txt").respond_with_data("")
    site.httpserver.expect_request("/document/stats/nationwide-encounters").respond_with_data("down", status=503)
    site.httpserver.expect_request("/document/stats/nationwide-drug-seizures").respond_with_data("down", status=503)
    capsys.readouterr()
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "extract failed" in err and "/document/stats/nationwide-encounters" in err and "HTTP 503" in err
    assert settings.warehouse_path.read_bytes() == published

    # A build killed while dbt writes: the published file is untouched, the lock is released.
    build = subprocess.Popen(
        [sys.executable, "-m", "crossborder.cli", "--quiet", "build"],
        env={**os.environ, **env},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not settings.work_warehouse_path.exists() and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.05)
    assert build.poll() is None, "the build finished before it could be killed"
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert settings.warehouse_path.read_bytes() == published

    # The rerun (offline: build, validate, publish) gives the same tables as the clean run.
    for step in ("build", "validate", "publish"):
        assert main(["--quiet", step]) == EXIT_OK
    assert table_contents(settings.warehouse_path) == clean_tables
