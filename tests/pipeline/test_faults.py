"""Fault and bad-input cases: each failure is clear, names the source and URL, and loses nothing."""

from __future__ import annotations

import errno
import json
import os
from datetime import UTC

import pytest

from crossborder.cli import EXIT_FAILED, main
from crossborder.core.config import load_settings
from crossborder.core.errors import CrossborderError
from crossborder.core.files import file_lock
from crossborder.core.landing import LandingZone
from crossborder.pipeline.build import warehouse_lock
from crossborder.pipeline.extract import extract
from tests.samples.cbp import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, publish_cbp
from tests.warehouse_utils import records_files

FILES = "/sites/default/files"
ENC = f"{FILES}/2024-10/nationwide-encounters-fy23-fy24-aor.csv"
DRUGS = f"{FILES}/2024-10/nationwide-drugs-fy23-fy24.csv"


def serve_good_cbp(site):
    publish_cbp(
        site,
        encounters={ENC: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2023, 2024]))},
        drugs={DRUGS: csv_bytes(DRUG_HEADER, drug_rows([2023, 2024]))},
    )


def records_of(settings, dataset):
    return records_files(settings.raw_dir / "cbp" / "records" / dataset)


@pytest.mark.parametrize(
    "bad_body, message",
    [
        (b"<!DOCTYPE html><html><body>Access Denied</body></html>", "sent an HTML page, not a CSV file"),
        (
            csv_bytes(ENCOUNTER_HEADER.replace("Citizenship", "Nationality"), encounter_rows([2024])),
            r"missing columns \['Citizenship'\]; unexpected columns \['Nationality'\]",
        ),
        (
            csv_bytes(",".join(reversed(ENCOUNTER_HEADER.split(",")))[: -len(",Fiscal Year")], []),
            r"missing columns \['Fiscal Year'\]",
        ),
        (b"", "the file is empty"),
    ],
)
def test_a_bad_new_version_of_a_file_fails_the_extract_and_keeps_raw_and_earlier_records(
    settings, site, quiet, bad_body, message
):
    serve_good_cbp(site)
    extract(settings, ["cbp"], quiet)
    good_records = records_of(settings, "encounters")
    assert good_records

    site.put(ENC, bad_body)
    with pytest.raises(CrossborderError, match=rf"cbp: http://localhost:\d+{ENC} \(raw copy .*\): .*{message}"):
        extract(load_settings(), ["cbp"], quiet)
    landing = LandingZone(settings.raw_dir, "cbp")
    latest = landing.latest_by_url()[site.httpserver.url_for(ENC)]
    assert landing.object_path(latest).read_bytes() == bad_body  # the raw copy stays for inspection
    assert records_of(settings, "encounters") == good_records  # earlier good records untouched


def test_disk_full_while_landing_fails_cleanly_and_promotes_nothing(settings, site, quiet, monkeypatch):
    serve_good_cbp(site)
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

    def fdopen(fd, mode="r", *args, **kwargs):
        handle = real_fdopen(fd, mode, *args, **kwargs)
        return FullDisk(handle) if "w" in mode else handle

    monkeypatch.setattr("crossborder.core.http.os.fdopen", fdopen)
    with pytest.raises(
        CrossborderError,
        match=r"cbp: GET http://localhost:\d+/document/stats/nationwide-encounters: "
        r"could not write the download to .*No space left on device",
    ):
        extract(settings, ["cbp"], quiet)
    landing = LandingZone(settings.raw_dir, "cbp")
    assert not (landing.root / "objects").exists()
    assert not list(landing.tmp_dir.glob("*"))
    assert not list(landing.entries())


def test_a_download_killed_half_way_leaves_no_object_and_the_rerun_cleans_up(settings, site, quiet):
    serve_good_cbp(site)
    landing = LandingZone(settings.raw_dir, "cbp")
    landing.tmp_dir.mkdir(parents=True)
    leftover = landing.tmp_dir / ".download-killed.part"
    leftover.write_bytes(b"Fiscal Year,Month Grouping,Mo")  # what a killed process leaves
    extract(settings, ["cbp"], quiet)
    assert not leftover.exists()
    for entry in landing.entries():
        assert landing.object_path(entry).stat().st_size == entry.bytes or entry.status == 304


def test_two_warehouse_writers_at_once_the_second_refuses_clearly(settings, capsys):
    with warehouse_lock(settings):
        assert main(["build"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "another crossborder process is running a warehouse build, validation or publish" in err
    assert "retry" in err


def test_two_extracts_of_one_source_at_once_the_second_refuses(settings, site, quiet):
    serve_good_cbp(site)
    with (
        file_lock(settings.raw_dir / "cbp" / ".lock", "an extract of cbp"),
        pytest.raises(CrossborderError, match="another crossborder process is running an extract of cbp"),
    ):
        extract(settings, ["cbp"], quiet)
    assert not list(LandingZone(settings.raw_dir, "cbp").entries())


def test_a_landing_page_without_release_links_fails_loudly(settings, site, quiet):
    site.put("/document/stats/nationwide-encounters", "<html><body>We moved things around.</body></html>", "text/html")
    site.put("/document/stats/nationwide-drug-seizures", "<html><body>Nothing here.</body></html>", "text/html")
    with pytest.raises(
        CrossborderError,
        match=r"cbp: http://localhost:\d+/document/stats/nationwide-encounters: no release CSV links found",
    ):
        extract(settings, ["cbp"], quiet)


def _backdate_manifest(settings, days):
    from datetime import datetime, timedelta

    manifest = settings.raw_dir / "cbp" / "manifest.jsonl"
    old = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    lines = [json.loads(line) for line in manifest.read_text().splitlines()]
    manifest.write_text("".join(json.dumps({**line, "fetched_at": old}) + "\n" for line in lines))


@pytest.mark.parametrize("days, state, exit_code", [(10, "ok", 0), (50, "warning", 0), (90, "error", EXIT_FAILED)])
def test_freshness_warns_then_errors_and_status_shows_it(settings, site, quiet, capsys, days, state, exit_code):
    from crossborder.core.errors import StaleSource
    from crossborder.pipeline.freshness import check_freshness, freshness

    serve_good_cbp(site)
    extract(settings, ["cbp"], quiet)
    _backdate_manifest(settings, days)
    assert freshness(settings, "cbp").state == state
    assert main(["status", "--check"]) == EXIT_FAILED  # also: the other sources never landed, no gate ran
    captured = capsys.readouterr()
    assert f"[{state}] cbp: new content last landed" in captured.out
    assert ("stale source: cbp" in captured.err) == (exit_code == EXIT_FAILED)
    if state == "error":
        with pytest.raises(StaleSource, match="older than 75 days"):
            check_freshness(settings, ["cbp"], quiet)


def test_unchanged_files_do_not_count_as_new_content(settings, site, quiet):
    from crossborder.pipeline.freshness import freshness

    serve_good_cbp(site)
    extract(settings, ["cbp"], quiet)
    _backdate_manifest(settings, 90)
    extract(load_settings(), ["cbp"], quiet)  # everything answers 304
    assert freshness(settings, "cbp").state == "error"


def test_a_crash_at_publish_never_leaves_a_partial_warehouse(settings, quiet, monkeypatch):
    from crossborder.core.files import sha256_of
    from crossborder.pipeline import publish as pipeline

    settings.data_dir.mkdir(parents=True)
    settings.warehouse_path.write_bytes(b"the last good warehouse")
    settings.work_dir.mkdir()
    settings.work_warehouse_path.write_bytes(b"the validated new warehouse")
    settings.gx_dir.mkdir()
    settings.gate_result_path.write_text(
        json.dumps({"passed": True, "warehouse_sha256": sha256_of(settings.work_warehouse_path)})
    )

    def killed(*args):
        raise KeyboardInterrupt  # the process dies just before the rename

    monkeypatch.setattr(pipeline.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        pipeline.publish(settings, quiet)
    assert settings.warehouse_path.read_bytes() == b"the last good warehouse"
    monkeypatch.undo()
    pipeline.publish(settings, quiet)  # the rerun publishes the validated file whole
    assert settings.warehouse_path.read_bytes() == b"the validated new warehouse"
