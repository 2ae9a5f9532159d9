"""The CBP suites of the quality gate (expectations/suites/cbp.py) and the gate's own behaviour
(summary, Data Docs, missing tables), on copies of the dbt-built demo warehouse."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from crossborder.core import reference
from expectations.dbt_models import grain
from expectations.gate import GateResult, run_gate
from expectations.suites import cbp
from expectations.suites.base import Check, in_set
from tests.gate.conftest import Demo, failed

ROOT = Path(__file__).resolve().parents[2]


def gate(demo: Demo) -> GateResult:
    """The CBP suites over the demo warehouse."""
    return demo.gate(cbp.checks(demo.settings))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def winner(demo: Demo, dataset: str, fiscal_year: int) -> str:
    ((release_id,),) = demo.query(
        "select release_id from intermediate.int_cbp__fiscal_year_sources "
        f"where dataset = '{dataset}' and fiscal_year = {fiscal_year}"
        + (" and series <> 'amo-drug-seizures'" if dataset == "drug_seizures" else "")
    )
    return release_id


def test_good_warehouse_passes_and_writes_docs_and_summary(demo: Demo, capfd) -> None:
    before = sha256(demo.warehouse)
    result = gate(demo)
    out, err = capfd.readouterr()

    assert result.passed, result.summary()
    assert result.failures == []
    assert sha256(demo.warehouse) == before
    assert out == "" and "Calculating Metrics" not in err  # no progress bars, no prints

    assert result.data_docs_index == demo.docs_dir / "index.html"
    assert result.data_docs_index.is_file()
    assert list((demo.docs_dir / "validations").rglob("*.html"))

    summary = json.loads(demo.summary_path.read_text())
    assert summary["passed"] is True
    assert summary["timestamp"].endswith("+00:00")
    assert summary["data_docs_index"] == str(result.data_docs_index)
    assert summary["failures"] == []
    suites = {s["name"]: s for s in summary["suites"]}
    assert set(suites) == {
        "marts.fct_border_encounters",
        "marts.fct_drug_seizures",
        "non_negative.fct_border_encounters",
        "non_negative.fct_drug_seizures",
        "completeness.stg_cbp__encounters",
        "completeness.stg_cbp__drug_seizures",
        "reconciliation.encounters",
        "reconciliation.drug_seizures",
        "revision_drop.encounters",
        "revision_drop.drug_seizures",
        "anomaly.encounters_by_region",
        "anomaly.drug_seizure_events_by_region",
    }
    assert summary["warnings"] == []
    ((mart_rows,),) = demo.query("select count(*) from marts.fct_border_encounters")
    ((drug_releases,),) = demo.query("select count(distinct release_id) from staging.stg_cbp__drug_seizures")
    # the marts' rows are counted by DuckDB, not read: one row of metrics, and no violating row
    assert suites["marts.fct_border_encounters"]["rows_validated"] == 1 < mart_rows
    assert suites["non_negative.fct_border_encounters"]["rows_validated"] == 0
    assert suites["completeness.stg_cbp__drug_seizures"]["rows_validated"] == drug_releases  # one row per release
    assert all(s["expectations_evaluated"] > 0 and s["expectations_failed"] == 0 for s in suites.values())
    assert "PASSED" in result.summary() and str(result.data_docs_index) in result.summary()


def test_negative_encounter_count_fails(demo: Demo) -> None:
    demo.alter(
        "update marts.fct_border_encounters set encounter_count = -7 "
        "where rowid = (select min(rowid) from marts.fct_border_encounters)",
    )
    before = sha256(demo.warehouse)
    result = gate(demo)

    assert not result.passed
    assert sha256(demo.warehouse) == before
    assert (
        "non_negative.fct_border_encounters",
        "expect_column_values_to_be_between",
        ("encounter_count",),
    ) in failed(result)
    failure = next(f for f in result.failures if f.columns == ("encounter_count",))
    assert failure.unexpected_count == 1
    assert failure.examples[0]["encounter_count"] == -7 and "release_id" in failure.examples[0]
    text = result.summary()
    assert "FAILED" in text and "fct_border_encounters" in text and "encounter_count" in text
    assert str(demo.docs_dir / "index.html") in text

    summary = json.loads(demo.summary_path.read_text())
    assert summary["passed"] is False
    entry = next(f for f in summary["failures"] if f["columns"] == ["encounter_count"])
    assert entry["suite"] == "non_negative.fct_border_encounters"
    assert entry["expectation"] == "expect_column_values_to_be_between"
    assert entry["unexpected_count"] == 1 and entry["unexpected_examples"]
    stats = {s["name"]: s for s in summary["suites"]}["non_negative.fct_border_encounters"]
    assert stats["expectations_failed"] == 1


def test_missing_month_inside_release_fails_completeness(demo: Demo) -> None:
    # remove a month from staging and from the mart alike: totals still reconcile
    ((first_year,),) = demo.query(
        "select min(fiscal_year) from intermediate.int_cbp__fiscal_year_sources where dataset = 'encounters'"
    )
    release = winner(demo, "encounters", first_year)
    month = f"date '{first_year}-03-01'"  # inside the fiscal year the release wins, not at its edge
    demo.alter(
        f"delete from staging.stg_cbp__encounters where release_id = '{release}' and month_start = {month}",
        f"delete from marts.fct_border_encounters where month_start = {month}",
    )
    result = gate(demo)

    assert not result.passed
    assert failed(result) == {
        ("completeness.stg_cbp__encounters", "expect_column_values_to_be_between", ("missing_months",))
    }
    (failure,) = result.failures
    assert failure.examples == ({"missing_months": 1, "release_id": release},)
    assert "missing_months" in result.summary()


def test_mart_total_differing_from_staging_fails_reconciliation(demo: Demo) -> None:
    demo.alter(
        "update marts.fct_border_encounters set encounter_count = encounter_count + 1 "
        "where rowid = (select min(rowid) from marts.fct_border_encounters)",
        "update marts.fct_drug_seizures set quantity_lbs = quantity_lbs + 0.5 "
        "where rowid = (select max(rowid) from marts.fct_drug_seizures)",
    )
    result = gate(demo)

    assert not result.passed
    assert failed(result) == {
        (
            "reconciliation.encounters",
            "expect_column_pair_values_to_be_equal",
            ("staging_encounter_count", "mart_encounter_count"),
        ),
        ("reconciliation.drug_seizures", "expect_column_values_to_be_between", ("quantity_lbs_difference",)),
    }
    drugs = next(f for f in result.failures if f.suite == "reconciliation.drug_seizures")
    (example,) = drugs.examples
    assert example["quantity_lbs_difference"] == pytest.approx(0.5)
    assert "fiscal_year" in example


def test_mart_row_missing_fails_reconciliation_row_counts(demo: Demo) -> None:
    # a key with zeros in staging that the mart lacks: totals agree, key and row counts do not.
    # The key is the mart's grain as its dbt YAML declares it.
    columns = grain("fct_drug_seizures")
    release = winner(demo, "drug_seizures", 2023)
    key = f"release_id = '{release}' and fiscal_year = 2023 and component <> 'Air and Marine Operations'"
    row = demo.query(f"select {', '.join(columns)} from marts.fct_drug_seizures where {key} order by all limit 1")[0]
    match = " and ".join(f"{column} = ?" for column in columns)
    demo.alter(
        (
            "update staging.stg_cbp__drug_seizures set event_count = 0, quantity_lbs = 0 "
            f"where release_id = ? and {match}",
            [release, *row],
        ),
        (f"delete from marts.fct_drug_seizures where release_id = ? and {match}", [release, *row]),
    )
    result = gate(demo)

    assert failed(result) == {
        ("reconciliation.drug_seizures", "expect_column_pair_values_to_be_equal", ("staging_keys", "mart_rows"))
    }
    (failure,) = result.failures
    assert failure.examples[0]["fiscal_year"] == 2023
    assert failure.examples[0]["staging_keys"] == failure.examples[0]["mart_rows"] + 1


def test_mart_rows_from_a_superseded_release_fail_reconciliation(demo: Demo) -> None:
    # (was dbt's assert_fct_*_match_winning_releases: every mart row comes from its year's winner)
    superseded = demo.query(
        "select r.release_id from marts.dim_cbp_release as r where r.dataset = 'encounters' "
        "and len(r.is_current_for_fiscal_years) < r.max_fiscal_year - r.min_fiscal_year + 1 order by 1 limit 1"
    )[0][0]
    demo.alter(
        f"update marts.fct_border_encounters set release_id = '{superseded}' "
        "where rowid = (select min(rowid) from marts.fct_border_encounters where fiscal_year not in "
        f"(select unnest(is_current_for_fiscal_years) from marts.dim_cbp_release where release_id = '{superseded}'))"
    )
    result = gate(demo)

    assert (
        "reconciliation.encounters",
        "expect_column_values_to_be_between",
        ("mart_rows_not_from_winners",),
    ) in failed(result)


def test_a_90_percent_drop_in_a_month_is_a_warning_not_a_failure(demo: Demo) -> None:
    # The same drop in staging and mart (a consistent build): only the anomaly check notices it.
    southwest = reference.cbp_region("encounters", "southwest")
    for table in ("staging.stg_cbp__encounters", "marts.fct_border_encounters"):
        demo.alter(
            f"update {table} set encounter_count = 0 "
            f"where month_start = date '2023-06-01' and land_border_region = '{southwest}'",
        )
    result = gate(demo)

    assert result.passed, result.summary()
    assert [w.suite for w in result.warnings] == ["anomaly.encounters_by_region"]
    example = result.warnings[0].examples[0]
    assert str(example["month"]).startswith("2023-06-01") and example["land_border_region"] == southwest
    assert "WARNING anomaly.encounters_by_region" in result.summary()
    summary = json.loads(demo.summary_path.read_text())
    assert summary["passed"] is True and summary["warnings"][0]["suite"] == "anomaly.encounters_by_region"


def test_missing_table_fails_with_its_name(demo: Demo) -> None:
    demo.alter("drop view intermediate.int_cbp__fiscal_year_sources")
    result = gate(demo)

    assert not result.passed
    assert {(f.suite, f.expectation) for f in result.failures} == {
        ("reconciliation.encounters", "missing_table"),
        ("reconciliation.drug_seizures", "missing_table"),
    }
    assert "intermediate.int_cbp__fiscal_year_sources" in result.summary()
    summary = json.loads(demo.summary_path.read_text())
    assert all("intermediate.int_cbp__fiscal_year_sources" in f["message"] for f in summary["failures"])
    # the other suites still ran
    assert result.data_docs_index is not None and result.data_docs_index.is_file()


def test_missing_warehouse_is_a_failure_not_a_crash(demo: Demo, tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    result = run_gate(missing, tmp_path / "docs", tmp_path / "gx" / "last_gate.json", checks=cbp.checks(demo.settings))
    assert not result.passed
    assert not missing.exists()
    assert all(f.expectation == "warehouse_error" for f in result.failures)
    assert str(missing) in result.summary()
    assert json.loads((tmp_path / "gx" / "last_gate.json").read_text())["passed"] is False


def test_data_docs_escape_values_from_the_data(demo: Demo) -> None:
    # Accepted values are dbt's now, so the gate's suites judge no text column; the escaping is the
    # gate's own (expectations/gate.py), exercised here with a check over a text column.
    payload = "<script>alert(1)</script>"
    demo.alter(
        f"update marts.fct_border_encounters set component = '{payload}' "
        "where rowid = (select min(rowid) from marts.fct_border_encounters)",
    )
    check = Check(
        name="escaping.component",
        sql="select * from marts.fct_border_encounters",
        tables=("marts.fct_border_encounters",),
        expectations=lambda: in_set("component", reference.cbp_component_names()),
        id_columns=cbp.MART_ID_COLUMNS,
    )
    result = demo.gate([check])

    assert ("escaping.component", "expect_column_values_to_be_in_set", ("component",)) in failed(result)
    failure = next(f for f in result.failures if f.columns == ("component",))
    assert failure.examples[0]["component"] == payload  # the summary keeps the raw value
    pages = [p.read_text(encoding="utf-8") for p in demo.docs_dir.rglob("*.html")]
    assert pages
    assert not any(payload in page for page in pages)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in page for page in pages)


def test_a_component_outside_the_reference_fails_dbt_naming_the_column(demo: Demo) -> None:
    # (was the gate's accepted-values check: now dbt's in_reference test against seeds/cbp_components.csv)
    demo.alter(
        "update marts.fct_border_encounters set component = 'Coast Guard' "
        "where rowid = (select min(rowid) from marts.fct_border_encounters)",
    )
    run = demo.dbt_test("fct_border_encounters")
    assert run.returncode != 0
    assert "FAIL" in run.stdout and "in_reference_fct_border_encounters_component" in run.stdout


def test_importing_the_gate_does_not_import_great_expectations() -> None:
    code = (
        "import sys, expectations, expectations.gate, expectations.suites; print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_release_losing_rows_of_a_closed_fiscal_year_blocks_the_publish(demo: Demo) -> None:
    # The newest release re-publishes a closed fiscal year with 2 % of its keys gone (a file cut
    # short at a line end): its revisions show them "removed" against the release it supersedes.
    ((release, fiscal_year, previous, present),) = demo.query(
        """
        select r.release_id, r.fiscal_year, any_value(r.previous_release_id), count(r.encounter_count)
        from marts.fct_border_encounter_revisions as r
        join marts.dim_cbp_release as d on d.release_id = r.release_id
        where r.previous_release_id is not null and r.fiscal_year < d.release_last_fy
        group by all
        order by max(d.release_order) desc, r.fiscal_year desc
        limit 1
        """
    )
    lost = max(1, present // 50)
    demo.alter(
        (
            "update marts.fct_border_encounter_revisions set encounter_count = null where rowid in ("
            "select rowid from marts.fct_border_encounter_revisions "
            "where release_id = ? and fiscal_year = ? and encounter_count is not null order by rowid limit ?)",
            [release, fiscal_year, lost],
        )
    )
    result = gate(demo)

    assert not result.passed
    assert ("revision_drop.encounters", "expect_column_values_to_be_between", ("rows_drop_share",)) in failed(result)
    [failure] = [f for f in result.failures if f.suite == "revision_drop.encounters" and "rows" in f.columns[0]]
    [example] = failure.examples
    assert (example["release_id"], example["fiscal_year"], example["previous_release_id"]) == (
        release,
        fiscal_year,
        previous,
    )
    assert f"rows {present} -> {present - lost}" in example["dropped"]
    assert "revision_drop.encounters" in result.summary() and release in result.summary()


def test_a_small_revision_of_a_closed_fiscal_year_passes(demo: Demo) -> None:
    # Revisions move closed years a little: below max_release_drop_share, not an anomaly.
    demo.alter(
        "update marts.fct_border_encounter_revisions set encounter_count = encounter_count - 1 "
        "where rowid = (select min(rowid) from marts.fct_border_encounter_revisions "
        "where previous_release_id is not null and encounter_count > 100)"
    )
    result = gate(demo)
    assert not [f for f in result.failures if f.suite.startswith("revision_drop")], result.summary()
