"""`crossborder tables --all` lists the views too, and `crossborder describe TABLE` shows a table's columns,
types, descriptions, grain and row count (on the shared demo run)."""

from __future__ import annotations

import json

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main
from tests.warehouse_utils import query

pytestmark = pytest.mark.e2e


@pytest.fixture
def in_demo(demo_data, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(demo_data))
    return demo_data


def _views(warehouse, schema):
    return {
        name
        for (name,) in query(
            warehouse, f"select view_name from duckdb_views() where not internal and schema_name = '{schema}'"
        )
    }


def test_tables_all_lists_the_intermediate_and_report_views(in_demo, capsys):
    assert main(["tables", "--all"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["table", "kind", "rows", "description"]
    listed = {line.split()[0]: line.split()[1] for line in lines[1:]}
    warehouse = in_demo / "warehouse.duckdb"
    for schema in ("intermediate", "report"):
        views = _views(warehouse, schema)
        assert views and {f"{schema}.{v}" for v in views} <= set(listed), schema
        assert {listed[f"{schema}.{v}"] for v in views} == {"view"}
    assert listed["marts.fct_border_encounters"] == "table"
    current = next(line for line in lines if line.startswith("intermediate.int_cbp__encounters_current "))
    assert "winning release" in current
    assert main(["tables"]) == EXIT_OK
    assert "intermediate." not in capsys.readouterr().out


def test_describe_shows_columns_types_descriptions_grain_and_rows(in_demo, capsys):
    assert main(["describe", "fct_border_encounters"]) == EXIT_OK
    out = capsys.readouterr().out
    (rows,) = query(in_demo / "warehouse.duckdb", "select count(*) from marts.fct_border_encounters")[0]
    assert out.splitlines()[0] == f"marts.fct_border_encounters (table, {rows:,} rows)"
    manifest = json.loads((in_demo / "dbt" / "target" / "manifest.json").read_text())
    grain = manifest["nodes"]["model.crossborder.fct_border_encounters"]["config"]["meta"]["grain"]
    assert f"grain: {' x '.join(grain)}" in out
    month = next(line for line in out.splitlines() if line.startswith("month_start "))
    assert month.split()[1] == "DATE" and "First calendar day of the month" in month
    assert main(["describe", "report.rpt_tip_editions"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("report.rpt_tip_editions (view, ")


def test_describe_an_unknown_table_suggests_close_names(in_demo, capsys):
    assert main(["describe", "fct_border_encounter"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "no table or view 'fct_border_encounter'" in err and "marts.fct_border_encounters" in err
