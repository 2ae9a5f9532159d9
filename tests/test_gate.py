"""The quality gate (expectations/): run against small DuckDB warehouses built here."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from expectations.gate import GateResult, run_gate
from expectations.suites import all_checks

ROOT = Path(__file__).resolve().parents[1]

ENC_OLD = "2023-10/nationwide-encounters-fy22-fy23-aor"  # Oct 2021 - Sep 2023, wins FY2022
ENC_NEW = "2024-04/nationwide-encounters-fy23-fy24-aor"  # Oct 2022 - Mar 2024, wins FY2023-24
DRUG_OLD = "2022-10/nationwide-drugs-fy22"  # Oct 2021 - Sep 2022, loses FY2022 to DRUG_NEW
DRUG_NEW = "2024-04/nationwide-drugs-fy22-fy24"  # Oct 2021 - Mar 2024
AMO = "2024-04/amo-drug-seizures-fy22-fy24"  # Oct 2021 - Mar 2024


def build_warehouse(path: Path, n_aor: int = 3, n_citizenship: int = 2) -> None:
    """A consistent warehouse: staging releases, the winners per fiscal year, marts built from them.

    Encounter mart rows = 30 months * 24 * n_aor * n_citizenship (n_aor=28, n_citizenship=10
    gives about 200k rows).
    """
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema staging; create schema intermediate; create schema marts;")
        con.execute(
            """
            create table releases (dataset varchar, series varchar, release_id varchar, first_month date, last_month date);
            insert into releases values
                ('encounters', 'nationwide-encounters', ?, date '2021-10-01', date '2023-09-01'),
                ('encounters', 'nationwide-encounters', ?, date '2022-10-01', date '2024-03-01'),
                ('drug_seizures', 'nationwide-drugs', ?, date '2021-10-01', date '2022-09-01'),
                ('drug_seizures', 'nationwide-drugs', ?, date '2021-10-01', date '2024-03-01'),
                ('drug_seizures', 'amo-drug-seizures', ?, date '2021-10-01', date '2024-03-01');
            """,
            [ENC_OLD, ENC_NEW, DRUG_OLD, DRUG_NEW, AMO],
        )
        con.execute(
            """
            create table months as
            select r.release_id, r.series, r.dataset, m::date as month_start,
                   (year(m) + case when month(m) >= 10 then 1 else 0 end)::integer as fiscal_year
            from releases r, generate_series(r.first_month, r.last_month, interval 1 month) t(m);
            """
        )
        con.execute(
            f"""
            create table aors as
            select i as aor_no,
                   case when i % 2 = 0 then 'Office of Field Operations' else 'U.S. Border Patrol' end as component,
                   case i % 3 when 0 then 'Northern Land Border' when 1 then 'Southwest Land Border' else 'Other' end
                       as land_border_region,
                   'Area ' || i || ' Sector' as area_of_responsibility,
                   'A' || lpad(i::varchar, 2, '0') as aor_code
            from range({n_aor}) t(i);
            create table enc_dims as
            select a.*, d.demographic, 'Country ' || c.i as citizenship, t.title_of_authority, e.encounter_type
            from aors a,
                 (values ('Single Adults'), ('Accompanied Minors'), ('FMUA'), ('UC / Single Minors')) d(demographic),
                 range({n_citizenship}) c(i),
                 (values ('Title 8'), ('Title 42')) t(title_of_authority),
                 (values ('Apprehensions'), ('Expulsions'), ('Inadmissibles')) e(encounter_type);
            create table staging.stg_cbp__encounters as
            select m.series, m.release_id, m.fiscal_year, m.month_start,
                   d.component, d.land_border_region, d.area_of_responsibility, d.aor_code,
                   d.demographic, d.citizenship, d.title_of_authority, d.encounter_type,
                   (hash(m.release_id, m.month_start, d.aor_code, d.demographic, d.citizenship,
                         d.title_of_authority, d.encounter_type) % 500)::bigint as encounter_count
            from months m, enc_dims d
            where m.dataset = 'encounters';

            create table drug_dims as
            select c.component, r.region, r.region || ' filter' as land_filter,
                   'AOR ' || c.component || ' ' || r.region as area_of_responsibility,
                   upper(left(c.component, 3)) || '-' || left(r.region, 2) as aor_code,
                   dt.drug_type
            from (values ('Office of Field Operations'), ('U.S. Border Patrol'), ('Air and Marine Operations')) c(component),
                 (values ('Coastal/Interior'), ('Northern Border'), ('Southwest Border')) r(region),
                 (values ('Cocaine'), ('Fentanyl'), ('Heroin'), ('Marijuana'), ('Methamphetamine'),
                         ('Other Drugs**'), ('Khat (Catha Edulis)'), ('Lsd')) dt(drug_type);
            create table staging.stg_cbp__drug_seizures as
            select m.series, m.release_id, m.fiscal_year, m.month_start,
                   d.component, d.region, d.land_filter, d.area_of_responsibility, d.aor_code, d.drug_type,
                   (hash(m.release_id, m.month_start, d.aor_code, d.drug_type) % 40)::bigint as event_count,
                   (hash(d.drug_type, m.month_start, d.aor_code, m.release_id) % 1000000) / 100.0 as quantity_lbs
            from months m, drug_dims d
            where m.dataset = 'drug_seizures'
              and (m.series = 'amo-drug-seizures') = (d.component = 'Air and Marine Operations');

            create table intermediate.int_cbp__fiscal_year_sources as
            select distinct dataset, series, fiscal_year, release_id
            from months
            where (release_id = '{ENC_OLD}' and fiscal_year = 2022)
               or (release_id = '{ENC_NEW}' and fiscal_year >= 2023)
               or release_id in ('{DRUG_NEW}', '{AMO}');

            -- CBP files can repeat a key (e.g. an AOR spelled two ways); the marts sum such rows
            insert into staging.stg_cbp__encounters
            select * replace (area_of_responsibility || ' (alt)' as area_of_responsibility, 3 as encounter_count)
            from staging.stg_cbp__encounters where aor_code = 'A01' and month_start = date '2023-05-01';
            insert into staging.stg_cbp__drug_seizures
            select * replace (1.25 as quantity_lbs, 2 as event_count)
            from staging.stg_cbp__drug_seizures where drug_type = 'Fentanyl' and month_start = date '2023-05-01';

            create table marts.fct_border_encounters as
            select s.month_start, s.fiscal_year, s.component, s.land_border_region,
                   min(s.area_of_responsibility) as area_of_responsibility,
                   s.aor_code, s.demographic, s.citizenship, s.title_of_authority, s.encounter_type,
                   s.release_id, sum(s.encounter_count)::bigint as encounter_count
            from staging.stg_cbp__encounters s
            join intermediate.int_cbp__fiscal_year_sources w
              on w.dataset = 'encounters' and w.release_id = s.release_id and w.fiscal_year = s.fiscal_year
            group by all;
            create table marts.fct_drug_seizures as
            select s.month_start, s.fiscal_year, s.component, s.region, s.land_filter,
                   min(s.area_of_responsibility) as area_of_responsibility,
                   s.aor_code, s.drug_type, s.release_id,
                   sum(s.event_count)::bigint as event_count, sum(s.quantity_lbs) as quantity_lbs
            from staging.stg_cbp__drug_seizures s
            join intermediate.int_cbp__fiscal_year_sources w
              on w.dataset = 'drug_seizures' and w.release_id = s.release_id and w.fiscal_year = s.fiscal_year
            group by all;

            drop table releases; drop table months; drop table aors; drop table enc_dims; drop table drug_dims;
            """
        )
        con.execute("checkpoint")
    finally:
        con.close()


@pytest.fixture(scope="session")
def good_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("good") / "warehouse.duckdb"
    build_warehouse(path)
    return path


@pytest.fixture
def warehouse(good_warehouse: Path, tmp_path: Path) -> Path:
    """A private copy of the good warehouse, for a test to damage."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(good_warehouse, path)
    return path


def alter(path: Path, *statements: str) -> None:
    con = duckdb.connect(str(path))
    try:
        for statement in statements:
            con.execute(statement)
        con.execute("checkpoint")
    finally:
        con.close()


def gate(path: Path, tmp_path: Path) -> GateResult:
    """The CBP suites over the hand-built CBP warehouse (other sources' tables are not in it)."""
    return run_gate(path, tmp_path / "docs", tmp_path / "gx" / "last_gate.json", checks=all_checks(["cbp"]))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def failed(result: GateResult) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(f.suite, f.expectation, f.columns) for f in result.failures}


def test_good_warehouse_passes_and_writes_docs_and_summary(warehouse: Path, tmp_path: Path, capfd) -> None:
    before = sha256(warehouse)
    result = gate(warehouse, tmp_path)
    out, err = capfd.readouterr()

    assert result.passed, result.summary()
    assert result.failures == []
    assert sha256(warehouse) == before
    assert out == "" and "Calculating Metrics" not in err  # no progress bars, no prints

    assert result.data_docs_index == tmp_path / "docs" / "index.html"
    assert result.data_docs_index.is_file()
    assert list((tmp_path / "docs" / "validations").rglob("*.html"))

    summary = json.loads((tmp_path / "gx" / "last_gate.json").read_text())
    assert summary["passed"] is True
    assert summary["timestamp"].endswith("+00:00")
    assert summary["data_docs_index"] == str(result.data_docs_index)
    assert summary["failures"] == []
    suites = {s["name"]: s for s in summary["suites"]}
    assert set(suites) == {
        "marts.fct_border_encounters",
        "marts.fct_drug_seizures",
        "completeness.stg_cbp__encounters",
        "completeness.stg_cbp__drug_seizures",
        "reconciliation.encounters",
        "reconciliation.drug_seizures",
        "anomaly.encounters_by_region",
        "anomaly.drug_seizure_events_by_region",
    }
    assert summary["warnings"] == []
    assert suites["marts.fct_border_encounters"]["rows_validated"] == 30 * 24 * 3 * 2
    assert suites["completeness.stg_cbp__drug_seizures"]["rows_validated"] == 3  # one row per release
    assert all(s["expectations_evaluated"] > 0 and s["expectations_failed"] == 0 for s in suites.values())
    assert "PASSED" in result.summary() and str(result.data_docs_index) in result.summary()


def test_negative_encounter_count_fails(warehouse: Path, tmp_path: Path) -> None:
    alter(
        warehouse,
        "update marts.fct_border_encounters set encounter_count = -7 "
        "where rowid = (select min(rowid) from marts.fct_border_encounters)",
    )
    before = sha256(warehouse)
    result = gate(warehouse, tmp_path)

    assert not result.passed
    assert sha256(warehouse) == before
    assert (
        "marts.fct_border_encounters",
        "expect_column_values_to_be_between",
        ("encounter_count",),
    ) in failed(result)
    failure = next(f for f in result.failures if f.columns == ("encounter_count",))
    assert failure.unexpected_count == 1
    assert failure.examples[0]["encounter_count"] == -7 and "release_id" in failure.examples[0]
    text = result.summary()
    assert "FAILED" in text and "fct_border_encounters" in text and "encounter_count" in text
    assert str(tmp_path / "docs" / "index.html") in text

    summary = json.loads((tmp_path / "gx" / "last_gate.json").read_text())
    assert summary["passed"] is False
    entry = next(f for f in summary["failures"] if f["columns"] == ["encounter_count"])
    assert entry["suite"] == "marts.fct_border_encounters"
    assert entry["expectation"] == "expect_column_values_to_be_between"
    assert entry["unexpected_count"] == 1 and entry["unexpected_examples"]
    stats = {s["name"]: s for s in summary["suites"]}["marts.fct_border_encounters"]
    assert stats["expectations_failed"] == 1


def test_missing_month_inside_release_fails_completeness(warehouse: Path, tmp_path: Path) -> None:
    # remove a month from staging and from the mart alike: totals still reconcile
    alter(
        warehouse,
        f"delete from staging.stg_cbp__encounters where release_id = '{ENC_OLD}' and month_start = date '2022-03-01'",
        "delete from marts.fct_border_encounters where month_start = date '2022-03-01'",
    )
    result = gate(warehouse, tmp_path)

    assert not result.passed
    assert failed(result) == {
        ("completeness.stg_cbp__encounters", "expect_column_values_to_be_between", ("missing_months",))
    }
    (failure,) = result.failures
    assert failure.examples == ({"missing_months": 1, "release_id": ENC_OLD},)
    assert "missing_months" in result.summary()


def test_mart_total_differing_from_staging_fails_reconciliation(warehouse: Path, tmp_path: Path) -> None:
    alter(
        warehouse,
        "update marts.fct_border_encounters set encounter_count = encounter_count + 1 "
        "where rowid = (select min(rowid) from marts.fct_border_encounters)",
        "update marts.fct_drug_seizures set quantity_lbs = quantity_lbs + 0.5 "
        "where rowid = (select max(rowid) from marts.fct_drug_seizures)",
    )
    result = gate(warehouse, tmp_path)

    assert not result.passed
    assert failed(result) == {
        (
            "reconciliation.encounters",
            "expect_column_pair_values_to_be_equal",
            ("staging_encounter_count", "mart_encounter_count"),
        ),
        (
            "reconciliation.drug_seizures",
            "expect_column_pair_values_to_be_equal",
            ("staging_quantity_lbs", "mart_quantity_lbs"),
        ),
    }
    drugs = next(f for f in result.failures if f.suite == "reconciliation.drug_seizures")
    (example,) = drugs.examples
    assert example["mart_quantity_lbs"] - example["staging_quantity_lbs"] == pytest.approx(0.5)
    assert "fiscal_year" in example


def test_mart_row_missing_fails_reconciliation_row_counts(warehouse: Path, tmp_path: Path) -> None:
    # a key with zeros in staging that the mart lacks: totals agree, key and row counts do not
    key = (
        f"release_id = '{DRUG_NEW}' and month_start = date '2023-01-01' "
        "and aor_code = 'OFF-So' and drug_type = 'Fentanyl'"
    )
    alter(
        warehouse,
        f"update staging.stg_cbp__drug_seizures set event_count = 0, quantity_lbs = 0 where {key}",
        f"delete from marts.fct_drug_seizures where {key}",
    )
    result = gate(warehouse, tmp_path)

    assert failed(result) == {
        ("reconciliation.drug_seizures", "expect_column_pair_values_to_be_equal", ("staging_keys", "mart_rows"))
    }
    (failure,) = result.failures
    assert failure.examples[0]["fiscal_year"] == 2023
    assert failure.examples[0]["staging_keys"] == failure.examples[0]["mart_rows"] + 1


def test_a_90_percent_drop_in_a_month_is_a_warning_not_a_failure(warehouse: Path, tmp_path: Path) -> None:
    # The same drop in staging and mart (a consistent build): only the anomaly check notices it.
    for table in ("staging.stg_cbp__encounters", "marts.fct_border_encounters"):
        alter(
            warehouse,
            f"update {table} set encounter_count = 0 "
            "where month_start = date '2023-06-01' and land_border_region = 'Southwest Land Border'",
        )
    result = gate(warehouse, tmp_path)

    assert result.passed, result.summary()
    assert [w.suite for w in result.warnings] == ["anomaly.encounters_by_region"]
    example = result.warnings[0].examples[0]
    assert str(example["month"]).startswith("2023-06-01") and example["land_border_region"] == "Southwest Land Border"
    assert "WARNING anomaly.encounters_by_region" in result.summary()
    summary = json.loads((tmp_path / "gx" / "last_gate.json").read_text())
    assert summary["passed"] is True and summary["warnings"][0]["suite"] == "anomaly.encounters_by_region"


def test_missing_table_fails_with_its_name(warehouse: Path, tmp_path: Path) -> None:
    alter(warehouse, "drop table intermediate.int_cbp__fiscal_year_sources")
    result = gate(warehouse, tmp_path)

    assert not result.passed
    assert {(f.suite, f.expectation) for f in result.failures} == {
        ("reconciliation.encounters", "missing_table"),
        ("reconciliation.drug_seizures", "missing_table"),
    }
    assert "intermediate.int_cbp__fiscal_year_sources" in result.summary()
    summary = json.loads((tmp_path / "gx" / "last_gate.json").read_text())
    assert all("intermediate.int_cbp__fiscal_year_sources" in f["message"] for f in summary["failures"])
    # the other suites still ran
    assert result.data_docs_index is not None and result.data_docs_index.is_file()


def test_missing_warehouse_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    result = gate(missing, tmp_path)
    assert not result.passed
    assert not missing.exists()
    assert all(f.expectation == "warehouse_error" for f in result.failures)
    assert str(missing) in result.summary()
    assert json.loads((tmp_path / "gx" / "last_gate.json").read_text())["passed"] is False


def test_data_docs_escape_values_from_the_data(warehouse: Path, tmp_path: Path) -> None:
    payload = "<script>alert(1)</script>"
    alter(
        warehouse,
        f"update marts.fct_border_encounters set component = '{payload}' "
        "where rowid = (select min(rowid) from marts.fct_border_encounters)",
    )
    result = gate(warehouse, tmp_path)

    assert ("marts.fct_border_encounters", "expect_column_values_to_be_in_set", ("component",)) in failed(result)
    failure = next(f for f in result.failures if f.columns == ("component",))
    assert failure.examples[0]["component"] == payload  # the summary keeps the raw value
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "docs").rglob("*.html")]
    assert pages
    assert not any(payload in page for page in pages)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in page for page in pages)


def test_importing_the_gate_does_not_import_great_expectations() -> None:
    code = (
        "import sys, expectations, expectations.gate, expectations.suites; print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
