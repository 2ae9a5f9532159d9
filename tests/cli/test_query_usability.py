"""`crossborder query` at the shell: DuckDB's hints kept, marts on the search path, SQL from a file or
standard input, cut results said so, usage errors exit 2 (on the shared demo run)."""

from __future__ import annotations

import io
import re

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from tests.warehouse_utils import query

pytestmark = pytest.mark.e2e

COUNT_SQL = "select count(*) as n from fct_drug_seizures"


@pytest.fixture
def in_demo(demo_data, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(demo_data))
    return demo_data


def _usage_error(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("usage: crossborder query"), err
    return err


def _count(capsys) -> int:
    return int(capsys.readouterr().out.strip().splitlines()[-1])


def test_errors_keep_duckdbs_hints(in_demo, capsys):
    assert main(["query", "select * from marts.fct_border_encounter"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "does not exist" in err and re.search(r'Did you mean "(marts\.)?fct_border_encounters"', err), err
    assert main(["query", "select * from stg_cbp__encounters"]) == EXIT_FAILED
    assert 'Did you mean "staging.stg_cbp__encounters"' in capsys.readouterr().err


def test_unqualified_names_find_the_marts_then_the_report_models(in_demo, capsys):
    assert main(["query", "--format", "csv", "select count(*) as n from fct_border_encounters"]) == EXIT_OK
    assert _count(capsys) > 0
    assert main(["query", "--format", "csv", "select count(*) as n from rpt_tip_editions"]) == EXIT_OK
    assert _count(capsys) > 0


def test_sql_from_a_file_or_standard_input(in_demo, tmp_path, monkeypatch, capsys):
    assert main(["query", "--format", "csv", COUNT_SQL]) == EXIT_OK
    expected = _count(capsys)
    script = tmp_path / "count.sql"
    script.write_text(f"-- seizures\n{COUNT_SQL};\n")
    assert main(["query", "--format", "csv", "--file", str(script)]) == EXIT_OK
    assert _count(capsys) == expected
    monkeypatch.setattr("sys.stdin", io.StringIO(COUNT_SQL))
    assert main(["query", "--format", "csv", "-"]) == EXIT_OK
    assert _count(capsys) == expected


def test_sql_source_mistakes_are_usage_errors(in_demo, tmp_path, capsys):
    assert "give the SQL" in _usage_error(["query"], capsys)
    assert "one of them" in _usage_error(["query", "--file", str(tmp_path / "q.sql"), "select 1"], capsys)
    assert "cannot read" in _usage_error(["query", "--file", str(tmp_path / "missing.sql")], capsys)
    (tmp_path / "empty.sql").write_text("\n")
    assert "is empty" in _usage_error(["query", "--file", str(tmp_path / "empty.sql")], capsys)


def test_a_cut_table_says_what_it_left_out(in_demo, capsys):
    assert main(["query", "--max-rows", "5", "select * from marts.fct_border_encounters"]) == EXIT_OK
    out = capsys.readouterr().out
    rows = re.search(r"\(([\d,]+) of ([\d,]+) rows not shown", out)
    assert rows and int(rows[2].replace(",", "")) - int(rows[1].replace(",", "")) == 5
    width = len(query(in_demo / "warehouse.duckdb", "describe marts.fct_border_encounters"))
    columns = re.search(rf"\((\d+) of {width} columns not shown: ([a-z0-9_, ]+);", out)
    assert columns, out
    hidden = columns[2].split(", ")
    shown = {cell.strip() for cell in out.splitlines()[1].split("│")}  # the header row of names
    assert len(hidden) == int(columns[1]) and not shown & set(hidden) and len(shown - {"", "…"}) == width - len(hidden)
    assert main(["query", "select 1 as one"]) == EXIT_OK
    assert "not shown" not in capsys.readouterr().out


@pytest.mark.parametrize("value", ["-1", "0"])
def test_max_rows_must_be_a_positive_number(in_demo, capsys, value):
    assert "--max-rows" in _usage_error(["query", "--max-rows", value, "select 1"], capsys)


def test_parquet_without_output_is_a_usage_error(in_demo, capsys):
    assert "--output FILE" in _usage_error(["query", "--format", "parquet", "select 1"], capsys)
