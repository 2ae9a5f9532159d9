"""The README's main command path: `crossborder run --demo`, then status and query on its warehouse."""

from __future__ import annotations

import html

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from crossborder.core.files import SAMPLE_RUN_NAME
from tests.warehouse_utils import query

pytestmark = pytest.mark.e2e


@pytest.fixture
def in_demo(demo_data, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(demo_data))
    return demo_data


def test_demo_builds_every_mart_from_the_sample_mirror(in_demo):
    warehouse = in_demo / "warehouse.duckdb"
    tables = {
        t for (t,) in query(warehouse, "select table_name from information_schema.tables where table_schema = 'marts'")
    }
    assert {
        "fct_border_encounters",
        "fct_drug_seizures",
        "dim_date",
        "dim_area_of_responsibility",
        "dim_cbp_release",
        "fct_border_encounter_revisions",
        "fct_drug_seizure_revisions",
    } <= tables
    # The in-year release (FY2025 to February) is the newest month; every release is listed.
    assert query(warehouse, "select max(month_start)::varchar from marts.fct_border_encounters") == [("2025-02-01",)]
    assert query(warehouse, "select count(*) from marts.dim_cbp_release") == [(6,)]
    assert (
        query(warehouse, "select count(*) from marts.fct_drug_seizures where component = 'Air and Marine Operations'")[
            0
        ][0]
        > 0
    )
    assert (in_demo / "DEMO_DATA").exists()


def test_the_gates_data_docs_say_sample_data_on_every_page(in_demo):
    # The Data Docs travel on their own (served, copied, attached): each page names its run as sample data.
    docs = in_demo / "gx" / "data_docs"
    pages = [docs / "index.html", *sorted((docs / "validations").rglob("*.html"))]
    assert len(pages) > 1
    for page in pages:
        assert SAMPLE_RUN_NAME in html.unescape(page.read_text(encoding="utf-8")), page
    assert not any(":" in p.name or "'" in p.name for p in docs.rglob("*"))  # folders any file system takes


def test_status_reports_fetches_tables_and_gate(in_demo, capsys):
    assert main(["status"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "SAMPLE DATA" in out
    assert "cbp: 8 fetches" in out
    assert "marts.fct_border_encounters" in out and "latest month 2025-02" in out
    assert "last quality gate: PASSED" in out


def test_query_prints_a_table(in_demo, capsys):
    assert (
        main(
            [
                "query",
                "select land_border_region, sum(encounter_count) as encounters from marts.fct_border_encounters "
                "group by 1 order by 1",
            ]
        )
        == EXIT_OK
    )
    out = capsys.readouterr().out
    assert "Northern Land Border" in out and "encounters" in out


def test_query_cannot_write_and_says_why(in_demo, capsys):
    assert main(["query", "drop table marts.fct_border_encounters"]) == EXIT_FAILED
    assert "read-only" in capsys.readouterr().err
    assert query(in_demo / "warehouse.duckdb", "select count(*) > 0 from marts.fct_border_encounters") == [(True,)]


def test_live_run_refuses_a_data_dir_holding_demo_data(in_demo, capsys):
    assert main(["extract", "--source", "cbp"]) == EXIT_FAILED
    assert "holds the offline demo's sample data" in capsys.readouterr().err


def test_demo_refuses_a_data_dir_holding_live_data(tmp_path, monkeypatch, capsys):
    (tmp_path / "raw" / "cbp").mkdir(parents=True)
    (tmp_path / "raw" / "cbp" / "manifest.jsonl").write_text("")
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(tmp_path))
    assert main(["run", "--demo"]) == EXIT_FAILED
    assert "holds live data" in capsys.readouterr().err


def test_unknown_source_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["extract", "--source", "nowhere"])
    assert exit_info.value.code == EXIT_USAGE


def test_build_without_landed_data_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(tmp_path))
    assert main(["build"]) == EXIT_FAILED
    assert "run `crossborder extract --source NAME` first" in capsys.readouterr().err
