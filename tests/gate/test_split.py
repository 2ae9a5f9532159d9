"""The split between dbt (structure) and the gate (judgements), docs/quality-gate.md: every mart
has an enforced contract typing every column, fact grains are declared once in the YAML, and no
gate suite repeats a structural check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from crossborder.core.config import PROJECT_ROOT
from crossborder.core.files import sha256_of
from expectations import gate as gate_module
from expectations.dbt_models import grain
from expectations.gate import run_gate
from expectations.suites import all_checks, cbp

MARTS = PROJECT_ROOT / "dbt_project" / "models" / "marts"
FACTS_WITH_GRAIN = (
    "fct_border_encounters",
    "fct_drug_seizures",
    "fct_border_encounter_revisions",
    "fct_drug_seizure_revisions",
    "fct_news_mentions_daily",
    "bridge_news_article_country",
    "fct_statcan_trafficking_incidents",
    "fct_tip_tier_placements",
    "fct_tip_narrative_sections",
    "fct_tip_enforcement_figures",
    "mart_country_year",
    "mart_northern_border_monthly",
    "mart_canada_us_year",
)


def mart_models() -> dict[str, dict]:
    models = {}
    for path in MARTS.glob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            models[model["name"]] = model
    return models


def test_every_mart_has_an_enforced_contract_typing_every_column():
    models = mart_models()
    assert set(models) == {p.stem for p in MARTS.glob("*.sql")}
    for name, model in models.items():
        assert (model.get("config") or {}).get("contract") == {"enforced": True}, name
        untyped = [c["name"] for c in model["columns"] if not c.get("data_type")]
        assert not untyped, (name, untyped)


def test_fact_grains_are_declared_once_and_tested_by_dbt():
    models = mart_models()
    for name in FACTS_WITH_GRAIN:
        columns = {c["name"] for c in models[name]["columns"]}
        assert set(grain(name)) <= columns, name
        assert "unique_grain" in (models[name].get("data_tests") or []), name
        text = yaml.safe_dump(models[name])
        assert "unique_combination_of_columns" not in text, name
    assert grain("fct_border_encounter_revisions") == (*grain("fct_border_encounters"), "release_id")
    # The reconciliation against the winning releases is the gate's; a singular test naming grain
    # columns reads them from the YAML.
    singular = PROJECT_ROOT / "dbt_project" / "tests"
    assert not list(singular.glob("*winning_releases*.sql"))
    for path in singular.glob("assert_*.sql"):
        text = path.read_text(encoding="utf-8")
        assert "title_of_authority" not in text and "land_filter" not in text, path.name


def test_no_gate_suite_repeats_a_structural_check(settings):
    import great_expectations.expectations as gxe

    structural = (
        gxe.ExpectColumnValuesToNotBeNull,
        gxe.ExpectColumnValuesToBeUnique,
        gxe.ExpectCompoundColumnsToBeUnique,
        gxe.ExpectSelectColumnValuesToBeUniqueWithinRecord,
    )
    for check in all_checks(None, settings):
        for expectation in check.build_expectations():
            assert not isinstance(expectation, structural), (check.name, type(expectation).__name__)
            if isinstance(expectation, gxe.ExpectColumnValuesToBeInSet):  # only over computed columns
                assert check.sql.lstrip().lower().startswith("with"), check.name


def test_the_summary_and_its_stamp_are_written_once_atomically(demo_data: Path, tmp_path: Path, monkeypatch, settings):
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes((demo_data / "warehouse.duckdb").read_bytes())
    writes = []
    real = gate_module.atomic_write
    monkeypatch.setattr(
        gate_module, "atomic_write", lambda path, content, **kw: (writes.append(path), real(path, content, **kw))
    )
    result_path = tmp_path / "gx" / "last_gate.json"
    stamp = {"warehouse_sha256": sha256_of(warehouse)}
    result = run_gate(warehouse, tmp_path / "docs", result_path, checks=cbp.checks(settings), stamp=stamp)
    assert result.passed, result.summary()
    assert writes == [result_path]
    summary = json.loads(result_path.read_text())
    assert summary["passed"] is True and summary["warehouse_sha256"] == sha256_of(warehouse)
    assert not list(result_path.parent.glob(".*.tmp"))


@pytest.mark.parametrize("path", ["crossborder/pipeline/validate.py", "expectations/gate.py"])
def test_the_gate_result_is_never_written_in_place(path):
    text = (PROJECT_ROOT / path).read_text(encoding="utf-8")
    assert ".write_text(" not in text and "open(" not in text.replace("fdopen(", "")
