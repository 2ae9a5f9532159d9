"""Data integrity against an adversary (a server or a disk that lies): a truncated CSV, a number
that is infinity, a raw object whose bytes changed, and a page that stops parsing. Each is caught
naming the file, and earlier good data stays."""

from __future__ import annotations

import gzip
import json
import os

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main
from crossborder.core.config import load_settings
from crossborder.core.errors import CrossborderError
from crossborder.core.landing import LandingZone
from crossborder.pipeline import steps
from crossborder.pipeline.extract import extract, refresh
from tests.samples.cbp import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, publish_cbp
from tests.samples.tip import country_page, publish_edition
from tests.warehouse_utils import records_files, staged_records

FILES = "/sites/default/files"
ENC = f"{FILES}/2024-10/nationwide-encounters-fy23-fy24-aor.csv"
DRUGS = f"{FILES}/2024-10/nationwide-drugs-fy23-fy24.csv"


def serve_cbp(site, encounters: bytes | None = None, drugs: bytes | None = None) -> None:
    publish_cbp(
        site,
        encounters={ENC: encounters or csv_bytes(ENCOUNTER_HEADER, encounter_rows([2023, 2024]))},
        drugs={DRUGS: drugs or csv_bytes(DRUG_HEADER, drug_rows([2023, 2024]))},
    )


def records_of(settings, source: str, dataset: str, name: str | None = None) -> dict[str, bytes]:
    return records_files(settings.raw_dir / source / "records" / dataset, name or "*")


def read_records(path) -> list[dict]:
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).decode().splitlines()]


# -- 1 (a): a file cut short in transfer ------------------------------------------------------------


def test_a_csv_cut_short_in_the_last_line_fails_naming_url_and_raw_copy_and_keeps_earlier_records(
    settings, site, quiet
):
    serve_cbp(site)
    extract(settings, ["cbp"], quiet)
    good = records_of(settings, "cbp", "encounters")

    full = csv_bytes(ENCOUNTER_HEADER, encounter_rows([2023, 2024, 2025]))
    truncated = full[: int(len(full) * 0.99)]
    assert not truncated.endswith(b"\n")  # cut inside a line: every line before it is whole
    site.put(ENC, truncated)  # served with a matching Content-Length: the download itself succeeds
    with pytest.raises(CrossborderError) as error:
        extract(load_settings(), ["cbp"], quiet)

    message = str(error.value)
    landing = LandingZone(settings.raw_dir, "cbp")
    latest = landing.latest_by_url()[site.httpserver.url_for(ENC)]
    raw_copy = landing.object_path(latest)
    assert site.httpserver.url_for(ENC) in message and str(raw_copy) in message
    assert "not terminated by a newline" in message and "truncated" in message
    assert raw_copy.read_bytes() == truncated  # the raw file is kept for inspection
    assert records_of(settings, "cbp", "encounters") == good  # nothing taken from it


# -- 4: a number that float() reads as infinity ------------------------------------------------------


def test_a_quantity_of_1e309_is_rejected_at_parse_time_with_the_file_and_line(settings, site, quiet, capsys):
    rows = drug_rows([2023, 2024])
    rows[5] = rows[5].replace(",40.5", ",1e309")  # line 7 of the file (the header is line 1)
    serve_cbp(site, drugs=csv_bytes(DRUG_HEADER, rows))
    extract(settings, ["cbp"], quiet)

    [rejects_path] = (settings.raw_dir / "cbp" / "records" / "drug_seizures").glob("*.rejected.jsonl")
    [reject] = [json.loads(line) for line in rejects_path.read_text().splitlines()]
    assert reject["line"] == 7 and "1e309" in reject["reason"]
    kept = staged_records(settings.raw_dir / "cbp" / "records" / "drug_seizures" / "*.parquet")
    assert all(r["quantity_lbs"] not in (float("inf"), float("-inf")) for r in kept)
    assert len(kept) == len(rows) - 1


# -- 3: a raw object whose bytes changed after landing -------------------------------------------------


def tamper(path, data: bytes) -> None:
    os.chmod(path, 0o600)
    path.write_bytes(data)
    os.chmod(path, 0o400)


def test_a_raw_object_that_no_longer_matches_its_sha256_is_never_parsed(settings, site, quiet):
    serve_cbp(site)
    extract(settings, ["cbp"], quiet)
    landing = LandingZone(settings.raw_dir, "cbp")
    entry = landing.latest_by_url()[site.httpserver.url_for(ENC)]
    raw = landing.object_path(entry)
    good = records_of(settings, "cbp", "encounters")
    # Rows changed on disk under the old name, and the records due for re-deriving (parser changed).
    tamper(raw, csv_bytes(ENCOUNTER_HEADER, encounter_rows([2023, 2024], count=lambda fy, m, i: 999)))
    for meta in (settings.raw_dir / "cbp" / "records" / "encounters").glob("*.meta.json"):
        meta.write_text(json.dumps({**json.loads(meta.read_text()), "parser_version": -1}))

    with pytest.raises(CrossborderError) as error:
        refresh(settings, ["cbp"], quiet)
    message = str(error.value)
    assert str(raw) in message and "does not match the sha256 it is named by" in message
    assert records_of(settings, "cbp", "encounters") == good  # the records held (from the good bytes) stay


def test_verify_checks_every_raw_object_and_manifest_line(settings, site, quiet, capsys):
    serve_cbp(site)
    extract(settings, ["cbp"], quiet)
    capsys.readouterr()
    assert main(["verify"]) == EXIT_OK
    assert capsys.readouterr().out == ""

    landing = LandingZone(settings.raw_dir, "cbp")
    entries = landing.latest_by_url(kind="file")
    damaged = landing.object_path(entries[site.httpserver.url_for(ENC)])
    missing = landing.object_path(entries[site.httpserver.url_for(DRUGS)])
    tamper(damaged, b"changed")
    os.chmod(missing.parent, 0o700)
    missing.unlink()

    assert main(["verify"]) == EXIT_FAILED
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3, lines
    assert f"cbp: raw object {damaged} does not match the sha256 it is named by" in lines[0]
    manifest = f"cbp: {landing.manifest_path}:"
    assert any(line.startswith(manifest) and f"points at {missing}, which is missing" in line for line in lines)
    assert any(
        line.startswith(manifest) and f"points at {damaged}, whose bytes no longer match" in line for line in lines
    )


# -- 2: a page that stops parsing --------------------------------------------------------------------


@pytest.fixture
def tip_env(env, httpserver, monkeypatch):
    values = {
        "CROSSBORDER_TIP_BASE_URL": httpserver.url_for("/").rstrip("/"),
        "CROSSBORDER_TIP_ARCHIVE_BASE_URL": httpserver.url_for("/archive").rstrip("/"),
        "CROSSBORDER_TIP_EDITIONS": "2022",
        "CROSSBORDER_TIP_RECHECK_AFTER_HOURS": "0",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return {**env, **values}


EDITION_2022 = {
    "canada": ("Canada", "Tier 1"),
    "mexico": ("Mexico", "Tier 2"),
    "burma": ("Burma", "Tier 3"),
    "libya": ("Libya", "Special Case"),
}


def publish_2022(site, **pages: str) -> None:
    publish_edition(
        site,
        2022,
        {slug: pages.get(slug) or country_page(name, tier, 2022) for slug, (name, tier) in EDITION_2022.items()},
    )


def test_a_page_that_stops_parsing_keeps_its_last_good_parse_and_the_run_fails_naming_it(
    tip_env, site, settings, quiet
):
    publish_2022(site)
    extract(settings, ["tip"], quiet)
    landing = LandingZone(settings.raw_dir, "tip")
    canada_url = next(url for url in landing.latest_by_url() if url.endswith("/canada/"))
    good_sha = landing.latest_by_url()[canada_url].sha256

    publish_2022(site, canada=country_page("Canada", "Tier 4", 2022))  # no tier any more
    [report] = extract(load_settings(), ["tip"], quiet)  # quarantine is not an extract failure
    assert (report.quarantined, report.kept_last_good) == (1, 1)

    pages = read_records(settings.raw_dir / "tip" / "records" / "country_pages" / "2022.jsonl.gz")
    canada = [p for p in pages if p["page_url"] == canada_url]
    assert [(p["placement"], p["raw_sha256"]) for p in canada] == [("Tier 1", good_sha)]  # the last good parse
    [item] = [json.loads(line) for line in (landing.root / "quarantine" / "2022.jsonl").read_text().splitlines()]
    assert item["url"] == canada_url and item["kept_raw_sha256"] == good_sha and item["raw_sha256"] != good_sha

    with pytest.raises(CrossborderError) as error:
        steps.check_quarantine(settings, ["tip"], quiet)
    assert canada_url in str(error.value) and "last good copy stays in use" in str(error.value)
    assert steps.QUARANTINE in steps.WAREHOUSE_STEPS and steps.QUARANTINE.after_publish


def test_a_page_that_never_parsed_is_quarantined_without_failing_the_run(tip_env, site, settings, quiet):
    publish_2022(site, canada=country_page("Canada", "Tier 4", 2022))
    [report] = extract(settings, ["tip"], quiet)
    assert (report.quarantined, report.kept_last_good) == (1, 0)
    steps.check_quarantine(settings, ["tip"], quiet)  # nothing published was lost: no failure
