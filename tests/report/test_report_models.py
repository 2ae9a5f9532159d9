"""The report's dbt models (dbt_project/models/report/rpt_*) and what the Python code reads from
them agree: every model and column the report reads is declared, described and built; every
model has tests on its key and a dbt unit test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from crossborder.report import SECTIONS
from crossborder.report.models import REPORT_SCHEMA
from crossborder.report.provenance import WAREHOUSE_INPUTS
from tests.warehouse_utils import query

MODELS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "report"
READ = {model.name: model for section in SECTIONS for model in section.models} | {
    WAREHOUSE_INPUTS.name: WAREHOUSE_INPUTS
}


def _declared() -> tuple[dict[str, dict], list[dict]]:
    models, unit_tests = {}, []
    for path in sorted(MODELS_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        models |= {m["name"]: m for m in document.get("models", [])}
        unit_tests += document.get("unit_tests", [])
    return models, unit_tests


MODELS, UNIT_TESTS = _declared()


def test_every_rpt_model_has_its_yaml_and_the_report_reads_them_all():
    files = {p.stem for p in MODELS_DIR.glob("*.sql")}
    assert files == set(MODELS) and all(name.startswith("rpt_") for name in files)
    assert set(READ) == files, "a report model nobody reads, or one the report reads that dbt does not build"


@pytest.mark.parametrize("name", sorted(READ))
def test_the_report_reads_declared_columns_only(name):
    declared = {c["name"] for c in MODELS[name]["columns"]}
    model = READ[name]
    assert set(model.columns) <= declared, set(model.columns) - declared
    ordered = {re.split(r"\s+", part.strip())[0] for part in model.order_by.split(",")}
    assert ordered <= declared, ordered - declared


@pytest.mark.parametrize("name", sorted(MODELS))
def test_each_model_is_described_keyed_and_unit_tested(name):
    model = MODELS[name]
    assert len(model.get("description", "")) > 40, name
    assert all(c.get("description") for c in model["columns"]), name
    tests = [t if isinstance(t, str) else next(iter(t)) for c in model["columns"] for t in c.get("data_tests", [])]
    combined = [next(iter(t)) for t in model.get("data_tests", []) if isinstance(t, dict)]
    assert "unique" in tests or "unique_combination_of_columns" in combined, f"{name}: no test on its key"
    assert "not_null" in tests, name
    assert any(t["model"] == name for t in UNIT_TESTS), f"{name}: no dbt unit test"


def test_the_built_views_have_exactly_the_declared_columns(demo_data):
    built: dict[str, list[str]] = {}
    for table, column in query(
        demo_data / "warehouse.duckdb",
        "select table_name, column_name from information_schema.columns where table_schema = ? "
        "order by table_name, ordinal_position",
        [REPORT_SCHEMA],
    ):
        built.setdefault(table, []).append(column)
    assert set(built) == set(MODELS)
    for name, columns in built.items():
        assert columns == [c["name"] for c in MODELS[name]["columns"]], name
