"""The singular dbt test that the revisions facts' current rows are exactly the facts
(dbt_project/tests/assert_revisions_current_rows_match_facts.sql), run as dbt compiled it for the
demo build: it passes there and names the dataset when a fact row is changed, added or lost, even
when the change leaves the row count and the column total as they were."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest


@pytest.fixture
def tampered(demo_data: Path, tmp_path: Path):
    """A copy of the demo warehouse, and the compiled test's SQL."""
    compiled = next((demo_data / "dbt" / "target" / "compiled").rglob("assert_revisions_current_rows_match_facts.sql"))
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_data / "warehouse.duckdb", copy)
    con = duckdb.connect(str(copy))
    yield con, compiled.read_text(encoding="utf-8")
    con.close()


def _failing(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [row[0] for row in con.execute(sql).fetchall()]


def test_it_passes_on_the_demo_build(tampered):
    con, sql = tampered
    assert _failing(con, sql) == []


def test_two_facts_swapping_their_counts_fail_it(tampered):
    """Row count and total unchanged: only comparing the rows themselves notices."""
    con, sql = tampered
    (first, a), (second, b) = con.execute(
        "select rowid, encounter_count from marts.fct_border_encounters "
        "qualify count(*) over (partition by encounter_count) = 1 order by encounter_count limit 2"
    ).fetchall()
    con.execute(
        "update marts.fct_border_encounters set encounter_count = if(rowid = ?, ?, ?) where rowid in (?, ?)",
        [first, b, a, first, second],
    )
    assert _failing(con, sql) == ["encounters"]


def test_a_lost_drug_seizure_revision_fails_it(tampered):
    con, sql = tampered
    con.execute("""
        delete from marts.fct_drug_seizure_revisions
        where rowid = (select min(rowid) from marts.fct_drug_seizure_revisions
                       where is_current and change_type <> 'removed' and event_count is not null)
    """)
    assert _failing(con, sql) == ["drug seizures"]


def test_a_duplicated_fact_fails_it(tampered):
    con, sql = tampered
    con.execute("insert into marts.fct_border_encounters select * from marts.fct_border_encounters limit 1")
    assert _failing(con, sql) == ["encounters"]
