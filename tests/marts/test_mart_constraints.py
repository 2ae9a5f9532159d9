"""The contracted models' never-null columns are NOT NULL constraints of the built tables (DuckDB
refuses a null as dbt builds the table, naming table and column), declared once in the models'
YAML: the demo warehouse's columns are NOT NULL exactly where the YAML says so."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

MODELS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "models"


def _contracted() -> dict[str, dict]:
    models = {}
    for path in sorted(MODELS_DIR.rglob("_*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            if model.get("config", {}).get("contract", {}).get("enforced"):
                models[model["name"]] = model
    return models


CONTRACTED = _contracted()


def _never_null(model: dict) -> set[str]:
    return {
        column["name"]
        for column in model["columns"]
        if any(constraint.get("type") == "not_null" for constraint in column.get("constraints", []))
    }


def test_contracted_models_declare_never_null_keys_as_constraints_not_tests():
    assert len(CONTRACTED) > 20
    for name, model in CONTRACTED.items():
        assert _never_null(model), f"{name}: no column declared never null"
        tests = [t if isinstance(t, str) else next(iter(t)) for c in model["columns"] for t in c.get("data_tests", [])]
        assert "not_null" not in tests, f"{name}: a not_null test beside the constraint runs a second scan"


def test_the_built_tables_are_not_null_exactly_where_declared(demo_data):
    con = duckdb.connect(str(demo_data / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select table_name, column_name from information_schema.columns where is_nullable = 'NO'"
        ).fetchall()
    finally:
        con.close()
    built: dict[str, set[str]] = {}
    for table, column in rows:
        built.setdefault(table, set()).add(column)
    assert {name: _never_null(model) for name, model in CONTRACTED.items()} == {
        name: built.get(name, set()) for name in CONTRACTED
    }


def test_a_null_key_is_refused_naming_the_table_and_column(demo_data, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes((demo_data / "warehouse.duckdb").read_bytes())
    con = duckdb.connect(str(copy))
    try:
        with pytest.raises(
            duckdb.ConstraintException, match=r"NOT NULL constraint failed: fct_border_encounters\.aor_code"
        ):
            con.execute(
                "insert into marts.fct_border_encounters "
                "select * replace (null as aor_code) from marts.fct_border_encounters limit 1"
            )
    finally:
        con.close()
