"""Dated releases: what a release holds (warehouse, Parquet equal to the tables, dictionary,
SHA256SUMS), byte-identical Parquet for unchanged tables, `latest`, retention, and rollback
(byte for byte, refused for an altered release). On a copy of the shared demo run's warehouse."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess

import duckdb
import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main
from crossborder.core.config import load_settings
from crossborder.core.errors import CrossborderError
from crossborder.core.progress import Progress
from crossborder.pipeline.releases import list_releases, rollback, write_release

pytestmark = pytest.mark.e2e


@pytest.fixture
def settings(demo_data, tmp_path, monkeypatch):
    data = tmp_path / "data"
    for relative in (
        "warehouse.duckdb",
        "published.json",
        "DEMO_DATA",
        "gx/last_gate.json",
        "dbt/target/manifest.json",
    ):
        (data / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(demo_data / relative, data / relative)
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(data))
    monkeypatch.setenv("CROSSBORDER_RELEASES_KEEP", "2")
    return load_settings()


def _sums_ok(folder):
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_a_release_holds_the_warehouse_parquet_equal_to_its_tables_a_dictionary_and_checksums(settings):
    folder = write_release(settings, Progress(quiet=True))
    assert (folder / "warehouse.duckdb").read_bytes() == settings.warehouse_path.read_bytes()
    _sums_ok(folder)
    record = json.loads((folder / "release.json").read_text())
    assert record["sample_data"] is True and record["gate"]["passed"] is True
    assert record["build_info"]["is_sample_data"] is True and "cbp" in record["build_info"]["sources"]

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        for table in ("marts.fct_border_encounters", "marts.fct_tip_tier_placements", "main.build_info"):
            parquet = f"{folder}/tables/{table}.parquet"
            assert con.execute(f"select count(*) from '{parquet}'").fetchone()[0] == record["rows"][table] > 0
            # the same rows as the table: nothing in one that is not in the other
            for a, b in ((table, f"'{parquet}'"), (f"'{parquet}'", table)):
                assert (
                    con.execute(f"select count(*) from (select * from {a} except all select * from {b})").fetchone()[0]
                    == 0
                )
    finally:
        con.close()

    with (folder / "dictionary.csv").open(newline="") as handle:
        dictionary = list(csv.DictReader(handle))
    [count] = [
        r for r in dictionary if r["table"] == "marts.fct_border_encounters" and r["column"] == "encounter_count"
    ]
    assert count["type"] and count["description"] and count["source"] == "cbp"
    assert "## marts.fct_border_encounters" in (folder / "dictionary.md").read_text()


def test_unchanged_tables_give_identical_parquet_latest_follows_and_old_releases_go(settings, capsys):
    quiet = Progress(quiet=True)
    first, second, third = (write_release(settings, quiet) for _ in range(3))
    for parquet in (second / "tables").iterdir():
        assert parquet.read_bytes() == (third / "tables" / parquet.name).read_bytes(), parquet.name
    assert (settings.releases_dir / "latest").resolve() == third.resolve()
    assert [r["name"] for r in list_releases(settings)] == [second.name, third.name]  # keep = 2
    assert not first.exists()
    assert main(["releases"]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith(third.name) and "(latest, SAMPLE DATA)" in out[-1] and "gate passed" in out[-1]


def test_rollback_republishes_a_release_byte_for_byte_and_refuses_an_altered_one(settings, capsys):
    quiet = Progress(quiet=True)
    release = write_release(settings, quiet)
    good = settings.warehouse_path.read_bytes()
    settings.warehouse_path.write_bytes(b"a later warehouse")  # what a later publish put in place

    rollback(settings, release.name, quiet)
    assert settings.warehouse_path.read_bytes() == good
    published = json.loads(settings.published_info_path.read_text())
    assert published["warehouse_sha256"] == hashlib.sha256(good).hexdigest()

    parquet = next((release / "tables").iterdir())
    assert parquet.stat().st_mode & 0o222 == 0  # releases are read-only
    parquet.chmod(0o640)
    parquet.write_bytes(parquet.read_bytes()[:-10])
    settings.warehouse_path.write_bytes(b"another")
    capsys.readouterr()
    assert main(["rollback", release.name]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"release {release.name}: tables/{parquet.name} was altered" in err
    assert settings.warehouse_path.read_bytes() == b"another"  # untouched


def test_changes_name_a_cbp_revision_and_a_new_month_since_the_previous_release(settings):
    quiet = Progress(quiet=True)
    first = write_release(settings, quiet)
    assert "The first release: nothing to compare with." in (first / "CHANGES.md").read_text()
    assert "CHANGES.md" in (first / "SHA256SUMS").read_text()

    # What the next CBP release does: revise one earlier month's cell, add a month.
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        (month, aor, count) = con.execute(
            "select strftime(month_start, '%Y-%m'), aor_code, encounter_count from marts.fct_border_encounters "
            "order by month_start, aor_code, encounter_count desc limit 1"
        ).fetchall()[0]
        con.execute(
            "update marts.fct_border_encounters set encounter_count = encounter_count + 7 where rowid = (select rowid "
            "from marts.fct_border_encounters order by month_start, aor_code, encounter_count desc limit 1)"
        )
        (newest,) = con.execute("select max(month_start) from marts.fct_border_encounters").fetchall()[0]
        con.execute(
            "insert into marts.fct_border_encounters select * replace (month_start + interval 1 month as month_start) "
            "from marts.fct_border_encounters where month_start = ? limit 1",
            [newest],
        )
    finally:
        con.close()
    second = write_release(settings, quiet)
    changes = (second / "CHANGES.md").read_text()
    assert f"Compared with release {first.name}." in changes
    assert f"CBP revised 1 earlier cells (largest change: {month} {aor}: {count} -> {count + 7})" in changes
    next_month = f"{newest.year + newest.month // 12}-{newest.month % 12 + 1:02d}"
    assert f"new CBP months: {next_month}" in changes
    assert "| marts.fct_border_encounters | 1 | 0 | 1 |" in changes
    assert "marts.fct_tip_tier_placements" not in changes  # unchanged tables are not listed


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of its own (root only; skipped elsewhere), unmounted after the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_disk_full_during_a_release_leaves_the_warehouse_and_earlier_releases_intact(
    settings, small_disk, monkeypatch
):
    monkeypatch.setattr(type(settings), "releases_dir", property(lambda self: small_disk / "releases"))
    quiet = Progress(quiet=True)
    first = write_release(settings, quiet)
    published = settings.warehouse_path.read_bytes()
    # Room for the warehouse copy, not for the Parquet files as well.
    used = sum(p.stat().st_size for p in first.rglob("*") if p.is_file())
    size = used + settings.warehouse_path.stat().st_size + 256 * 1024
    subprocess.run(["mount", "-o", f"remount,size={size}", str(small_disk)], check=True)
    with pytest.raises(CrossborderError, match=r"not written \(.*[Ss]pace.*\); the published warehouse and earlier"):
        write_release(settings, quiet)
    assert settings.warehouse_path.read_bytes() == published
    assert [r["name"] for r in list_releases(settings)] == [first.name]
    assert (small_disk / "releases" / "latest").resolve() == first
    assert not [p for p in (small_disk / "releases").iterdir() if p.name.startswith(".")]  # no half release
    _sums_ok(first)
    # With room again, the same call succeeds.
    subprocess.run(["mount", "-o", "remount,size=256m", str(small_disk)], check=True)
    assert write_release(settings, quiet).parent == small_disk / "releases"
