"""End to end: a local server plays cbp.gov; `crossborder run --source cbp` extracts, builds with
dbt, validates with the gate and publishes. Slow (dbt and GX run for real): marked e2e."""

from __future__ import annotations

import json

import pytest

from crossborder.cli import EXIT_GATE_FAILED, EXIT_OK, main
from crossborder.core.landing import LandingZone
from crossborder.pipeline.releases import list_releases
from tests.samples.cbp import DRUG_HEADER, ENCOUNTER_HEADER, csv_bytes, drug_rows, encounter_rows, publish_cbp
from tests.warehouse_utils import query

pytestmark = pytest.mark.e2e

FILES = "/sites/default/files"
ENC_OLD = f"{FILES}/2023-11/nationwide-encounters-fy22-fy23-aor.csv"
ENC_NEW = f"{FILES}/2024-10/nationwide-encounters-fy23-fy24-aor.csv"
DRUG_OLD = f"{FILES}/2023-11/nationwide-drugs-fy22-fy23.csv"
DRUG_NEW = f"{FILES}/2024-10/nationwide-drugs-fy23-fy24.csv"


def revised(fy, month, i):
    """The newer release revises FY2023 January at the Buffalo field office from 10 to 99."""
    return 99 if (fy, month, i) == (2023, "JAN", 0) else 10 + i


def two_overlapping_releases(site):
    publish_cbp(
        site,
        encounters={
            ENC_OLD: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2022, 2023]), bom=False, crlf=False),
            ENC_NEW: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2023, 2024], count=revised)),
        },
        drugs={
            DRUG_OLD: csv_bytes(DRUG_HEADER, drug_rows([2022, 2023])),
            DRUG_NEW: csv_bytes(
                DRUG_HEADER,
                drug_rows([2023, 2024], fytd=2024, events=lambda fy, m: 7 if (fy, m) == (2023, "MAR") else 3),
            ),
        },
    )


def test_overlapping_releases_count_each_month_once_with_the_revised_value(settings, site, capsys):
    two_overlapping_releases(site)
    assert main(["run", "--source", "cbp"]) == EXIT_OK
    warehouse = settings.warehouse_path
    assert warehouse.exists()

    # Each month once: 3 fiscal years x 12 months x 2 cells, never the overlap twice.
    assert query(
        warehouse, "select count(*), count(distinct (month_start, aor_code)) from marts.fct_border_encounters"
    ) == [(72, 72)]
    assert query(
        warehouse, "select min(month_start)::varchar, max(month_start)::varchar from marts.fct_border_encounters"
    ) == [("2021-10-01", "2024-09-01")]
    # FY2023 comes from the newer release, with its revised value; FY2022 only the old one has.
    assert query(
        warehouse,
        """
        select encounter_count, release_id from marts.fct_border_encounters
        where month_start = date '2023-01-01' and area_of_responsibility = 'Buffalo Field Office'""",
    ) == [(99, "2024-10/nationwide-encounters-fy23-fy24-aor")]
    assert query(warehouse, "select distinct release_id from marts.fct_border_encounters where fiscal_year = 2022") == [
        ("2023-11/nationwide-encounters-fy22-fy23-aor",)
    ]
    # Totals equal the sum of the source rows that should count.
    months = [
        (fy, m)
        for fy in (2022, 2023, 2024)
        for m in ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP")
    ]
    expected = sum(revised(fy, m, i) for fy, m in months for i in (0, 1))
    assert query(warehouse, "select sum(encounter_count) from marts.fct_border_encounters") == [(expected,)]

    # The revisions table keeps every release and shows what changed.
    changes = query(
        warehouse,
        """
        select month_start::varchar, aor_code, previous_release_id, release_id,
               previous_encounter_count, encounter_count, change_type
        from marts.fct_border_encounter_revisions where change_type <> 'unchanged' and change_type <> 'first'""",
    )
    assert changes == [
        (
            "2023-01-01",
            "ofo-buffalo-field-office",
            "2023-11/nationwide-encounters-fy22-fy23-aor",
            "2024-10/nationwide-encounters-fy23-fy24-aor",
            10,
            99,
            "revised",
        )
    ]
    drug_changes = query(
        warehouse,
        """
        select month_start::varchar, previous_event_count, event_count from marts.fct_drug_seizure_revisions
        where change_type = 'revised'""",
    )
    assert drug_changes == [("2023-03-01", 3, 7)]
    assert query(
        warehouse,
        """select sum(event_count) from marts.fct_drug_seizures
                               where month_start = date '2023-03-01' and drug_type = 'Fentanyl'""",
    ) == [(7,)]

    # Areas of responsibility reconcile the two files' spellings.
    assert query(
        warehouse,
        """select area_of_responsibility, list_sort(datasets) from marts.dim_area_of_responsibility
                               where area_of_responsibility ilike 'buffalo field office'""",
    ) == [("Buffalo Field Office", ["drug_seizures", "encounters"])]

    gate = json.loads(settings.gate_result_path.read_text())
    assert gate["passed"] is True
    assert (settings.data_docs_dir / "index.html").exists()
    assert "SAMPLE DATA" not in (settings.data_docs_dir / "index.html").read_text(encoding="utf-8")  # live data
    assert (settings.dbt_target_dir / "index.html").exists()

    # Raw data is owner-only; the warehouse and the reports are readable by the group, not others.
    mode = lambda path: path.stat().st_mode & 0o777  # noqa: E731
    raw_files = [p for p in settings.raw_dir.rglob("*") if p.is_file()]
    assert raw_files and all(mode(p) & 0o077 == 0 for p in raw_files)
    assert mode(warehouse) == 0o640
    assert mode(settings.data_docs_dir / "index.html") == 0o640
    assert mode(settings.dbt_target_dir / "index.html") == 0o640

    # A second run downloads nothing (conditional GET), so nothing a build reads changed: it skips
    # build, validate and publish and leaves the published warehouse as it was, byte for byte.
    published, published_at = warehouse.read_bytes(), warehouse.stat().st_mtime_ns
    gate_result = settings.gate_result_path.read_bytes()
    fetches_before = len(list(LandingZone(settings.raw_dir, "cbp").entries()))
    site.hits.clear()
    capsys.readouterr()
    assert main(["run", "--source", "cbp"]) == EXIT_OK
    assert {status for _, status in site.hits} == {304}
    second_run = list(LandingZone(settings.raw_dir, "cbp").entries())[fetches_before:]
    assert len(second_run) == 6 and all(e.status == 304 and e.bytes == 0 for e in second_run)
    said = capsys.readouterr().err
    assert "nothing changed since" in said and "build, validate and publish skipped" in said
    assert "build (dbt)" not in said and "validate (Great Expectations)" not in said
    assert (warehouse.read_bytes(), warehouse.stat().st_mtime_ns) == (published, published_at)
    assert settings.gate_result_path.read_bytes() == gate_result
    assert settings.report_path.stat().st_mtime_ns > published_at  # the report is written on every run


def test_a_failed_gate_keeps_the_published_warehouse_byte_for_byte(settings, site, capsys):
    two_overlapping_releases(site)
    assert main(["run", "--source", "cbp"]) == EXIT_OK
    published = settings.warehouse_path.read_bytes()

    # A newer release with a negative count: dbt builds it, the gate must stop it.
    bad = f"{FILES}/2025-01/nationwide-encounters-fy24-fy25-dec-aor.csv"
    rows = encounter_rows([2024]) + encounter_rows(
        [2025], months=["OCT", "NOV", "DEC"], count=lambda fy, m, i: -5 if m == "NOV" and i == 0 else 10 + i
    )
    site.put(bad, csv_bytes(ENCOUNTER_HEADER, rows))
    site.put(
        "/document/stats/nationwide-encounters",
        f'<a href="{ENC_OLD}">a</a><a href="{ENC_NEW}">b</a><a href="{bad}">c</a>',
        "text/html",
    )
    capsys.readouterr()
    assert main(["run", "--source", "cbp"]) == EXIT_GATE_FAILED
    err = capsys.readouterr().err
    assert "quality gate failed" in err and "encounter_count" in err and "fct_border_encounters" in err
    assert str(settings.data_docs_dir) in err
    assert settings.warehouse_path.read_bytes() == published
    assert json.loads(settings.gate_result_path.read_text())["passed"] is False
    # The raw file of the bad release stays in the landing zone for inspection.
    assert any(e.url.endswith("fy24-fy25-dec-aor.csv") for e in LandingZone(settings.raw_dir, "cbp").entries())


def test_two_runs_with_a_revision_between_them_give_two_releases_whose_changes_name_it(settings, site, capsys):
    """Run, then CBP publishes a newer release revising one earlier month: the second run's release
    says so in CHANGES.md, and rollback returns the first warehouse byte for byte."""
    publish_cbp(
        site,
        encounters={ENC_OLD: csv_bytes(ENCOUNTER_HEADER, encounter_rows([2022, 2023]))},
        drugs={DRUG_OLD: csv_bytes(DRUG_HEADER, drug_rows([2022, 2023]))},
    )
    assert main(["run", "--source", "cbp"]) == EXIT_OK
    first_warehouse = settings.warehouse_path.read_bytes()
    two_overlapping_releases(site)
    assert main(["run", "--source", "cbp"]) == EXIT_OK
    first, second = (r["path"] for r in list_releases(settings))
    changes = (second / "CHANGES.md").read_text(encoding="utf-8")
    assert f"Compared with release {first.name}." in changes
    assert "CBP revised 1 earlier cells (largest change: 2023-01 ofo-buffalo-field-office: 10 -> 99)" in changes
    new_months = ", ".join(f"{2023 + (m > 3)}-{(m + 8) % 12 + 1:02d}" for m in range(1, 13))
    assert f"new CBP months: {new_months}" in changes
    capsys.readouterr()
    assert main(["rollback", first.name]) == EXIT_OK
    assert settings.warehouse_path.read_bytes() == first_warehouse
