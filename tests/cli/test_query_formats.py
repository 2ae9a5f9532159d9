"""`crossborder query --format/--output`, `crossborder tables` and `crossborder docs --output`
on the demo warehouse (the suite's one shared demo run), and the demo run's last line."""

from __future__ import annotations

import csv
import io
import json
import threading
import urllib.request

import duckdb
import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from crossborder.core.files import SAMPLE_NOTICE

pytestmark = pytest.mark.e2e

SQL = (
    "select land_border_region, sum(encounter_count) as encounters from marts.fct_border_encounters "
    "group by 1 order by 1"
)


@pytest.fixture
def in_demo(demo_data, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(demo_data))
    return demo_data


def _expected(demo_data):
    con = duckdb.connect(str(demo_data / "warehouse.duckdb"), read_only=True)
    try:
        return [(r, int(n)) for r, n in con.execute(SQL).fetchall()]
    finally:
        con.close()


def test_demo_run_ends_with_the_report_path(demo_data):
    last = (demo_data.parent / "run-stdout.txt").read_text().strip().splitlines()[-1]
    assert last == f"report: {demo_data / 'reports' / 'briefing.html'}"
    assert (demo_data / "reports" / "briefing.html").stat().st_size > 10_000


def test_table_is_the_default(in_demo, capsys):
    assert main(["query", SQL]) == EXIT_OK
    out = capsys.readouterr().out
    assert "land_border_region" in out and "Northern Land Border" in out and "┌" in out


def _without_sample_notice(text: str) -> str:
    first, rest = text.split("\n", 1)
    assert first == f"# {SAMPLE_NOTICE}"  # the demo's data is sample data, and its exports say so
    return rest


def test_csv_to_stdout(in_demo, capsys):
    assert main(["query", "--format", "csv", SQL]) == EXIT_OK
    rows = list(csv.reader(io.StringIO(_without_sample_notice(capsys.readouterr().out))))
    assert rows[0] == ["land_border_region", "encounters"]
    assert [(r, int(n)) for r, n in rows[1:]] == _expected(in_demo)


def test_json_to_stdout_and_file(in_demo, capsys, tmp_path):
    assert main(["query", "--format", "json", SQL + ";"]) == EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    assert [(r["land_border_region"], r["encounters"]) for r in printed] == _expected(in_demo)
    target = tmp_path / "out.json"
    assert main(["--quiet", "query", "--format", "json", "--output", str(target), SQL]) == EXIT_OK
    assert json.loads(target.read_text()) == printed
    assert capsys.readouterr().out == ""


def test_parquet_needs_output_and_reads_back(in_demo, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "--format", "parquet", SQL])
    assert exit_info.value.code == EXIT_USAGE
    assert "--output FILE" in capsys.readouterr().err
    target = tmp_path / "out.parquet"
    assert main(["query", "--format", "parquet", "--output", str(target), SQL]) == EXIT_OK
    rows = duckdb.connect().execute(f"select * from read_parquet('{target}') order by 1").fetchall()
    assert [(r, int(n)) for r, n in rows] == _expected(in_demo)
    metadata = duckdb.connect().execute(f"select key::varchar, value::varchar from parquet_kv_metadata('{target}')")
    assert ("crossborder_sample_data", "true") in metadata.fetchall()
    assert SAMPLE_NOTICE in capsys.readouterr().err


def test_csv_and_table_to_a_file(in_demo, tmp_path):
    target = tmp_path / "out.csv"
    assert main(["query", "--format", "csv", "--output", str(target), SQL]) == EXIT_OK
    assert _without_sample_notice(target.read_text()).splitlines()[0] == "land_border_region,encounters"
    text = tmp_path / "out.txt"
    assert main(["query", "--output", str(text), SQL]) == EXIT_OK
    assert "Northern Land Border" in text.read_text()


def test_statements_without_a_plain_select_export_too(in_demo, capsys):
    assert main(["query", "--format", "csv", "describe marts.dim_date"]) == EXIT_OK
    assert _without_sample_notice(capsys.readouterr().out).startswith("column_name,column_type")


def test_a_failed_export_leaves_no_file_and_cannot_write(in_demo, capsys, tmp_path):
    target = tmp_path / "out.csv"
    assert main(["query", "--format", "csv", "--output", str(target), "select nope from marts.dim_date"]) == EXIT_FAILED
    assert "query failed" in capsys.readouterr().err
    assert main(["query", "--format", "csv", "drop table marts.dim_date"]) == EXIT_FAILED
    assert "read-only" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_tables_lists_descriptions_and_row_counts(in_demo, capsys):
    assert main(["tables"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["table", "rows", "description"]
    encounters = next(line for line in lines if line.startswith("marts.fct_border_encounters "))
    count = (
        _expected(in_demo)
        and duckdb.connect(str(in_demo / "warehouse.duckdb"), read_only=True)
        .execute("select count(*) from marts.fct_border_encounters")
        .fetchall()[0][0]
    )
    assert f"{count:,}" in encounters and "CBP encounters per month" in encounters
    assert not any(line.startswith("staging.") for line in lines)
    assert main(["tables", "--all"]) == EXIT_OK
    assert "staging.stg_cbp__encounters" in capsys.readouterr().out


def test_docs_writes_one_self_contained_page(in_demo, tmp_path, capsys):
    assert main(["docs", "--output", str(tmp_path / "site")]) == EXIT_OK
    page = (tmp_path / "site" / "index.html").read_text()
    assert capsys.readouterr().out.strip() == str(tmp_path / "site" / "index.html")
    assert "MANIFEST.JSON INLINE DATA" not in page and "CATALOG.JSON INLINE DATA" not in page
    assert "model.crossborder.fct_border_encounters" in page and "each fiscal year's rows come from" in page


def test_docs_server_serves_the_site(in_demo, capsys):
    from crossborder.core.config import load_settings
    from crossborder.core.progress import Progress
    from crossborder.docs_site import serve_docs

    stop = threading.Event()
    thread = threading.Thread(target=serve_docs, args=(load_settings(), 0, Progress(quiet=True), stop))
    thread.start()
    try:
        for _ in range(100):
            out = capsys.readouterr().out
            if "http://" in out:
                break
            threading.Event().wait(0.05)
        url = out.split("dbt docs at ", 1)[1].split(" ", 1)[0]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b"model.crossborder.fct_border_encounters" in response.read()
    finally:
        stop.set()
        thread.join(10)
    assert (in_demo / "docs" / "dbt" / "index.html").exists()
