"""The StatCan table staging (a CSV or zip file in, a Parquet records file out, by DuckDB): the
violation rule, typing and flags, bad rows with their lines, a changed header, the zip and bad
zips, and the records against the declared record schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.csv_files import SchemaError
from extractors.schema import record_columns
from extractors.statcan.parse import TableLog, is_trafficking_violation, stage_table_csv, stage_zip
from tests.conftest import FIXTURES
from tests.samples.statcan import row, table, zipped
from tests.warehouse_utils import staged_records


@pytest.fixture
def parse(tmp_path):
    """Stage a table CSV given as bytes; its records as dbt reads them, and the log."""

    def staged(data: bytes) -> tuple[list[dict], TableLog]:
        raw = tmp_path / "table.csv"
        raw.write_bytes(data)
        stats = TableLog()
        out = tmp_path / "35100177.parquet"
        stage_table_csv(raw, out, table_id="35100177", source_url="u", raw_sha256="s", log=stats)
        return staged_records(out), stats

    return staged


@pytest.mark.parametrize(
    "violation, kept",
    [
        ("Trafficking in persons [1525]", True),
        ("Trafficking in persons under the age of eighteen years [1526]", True),
        ("Material benefit - trafficking in persons [1527]", True),
        ("Material benefit from trafficking [1528]", True),
        ("Withholding or destroying documents - trafficking [1529]", True),
        ("Human trafficking [7110]", True),
        ("Material benefit from sexual services [1631]", False),
        ("Possession, trafficking, production, distribution or importation of cocaine [4220]", False),
        ("Trafficking, cannabis [4310]", False),
        ("Weapons trafficking [3360]", False),
        ("Total, all violations [0]", False),
    ],
)
def test_violation_rule(violation, kept):
    assert is_trafficking_violation(violation) is kept


def test_parse_keeps_trafficking_rows_with_flags(parse):
    records, stats = parse(
        table(
            row(),
            row(violation="Total, all violations [0]", value="9999"),
            row(geo="Canada", statistic="Rate per 100,000 population", value="0.52", decimals="2"),
            row(year="2022", value="", status=".."),
            row(symbol="r", value="40", statistic="Total, persons charged"),
        )
    )
    assert stats.rows == 5 and len(records) == 4 and not stats.rejects
    assert [r["source_row"] for r in records] == [2, 4, 5, 6]  # their lines, the total's (3) passed over
    assert stats.violations_kept == {"Trafficking in persons [1525]"}
    first = records[0]
    assert (
        first["ref_year"],
        first["geography_name"],
        first["geography_code"],
        first["violation_code"],
        first["value"],
    ) == (2021, "Alberta", "48", "1525", 38.0)
    assert records[1]["geography_code"] is None and records[1]["value"] == 0.52
    assert records[2]["value"] is None and records[2]["status"] == ".."
    assert records[3]["symbol"] == "r"


def test_bad_rows_are_rejected_not_dropped(parse):
    records, stats = parse(
        table(
            row(value="n/a"),
            row(year="twenty"),
            row(violation="Total, all violations [0]", value="n/a"),  # not kept: no reject either
            row(decimals="two"),
            row(geo=""),
            row(),
        )
    )
    assert [r["source_row"] for r in records] == [7]
    assert [(r["line"], r["reason"]) for r in stats.rejects] == [
        (2, "VALUE 'n/a' is not a number"),
        (3, "REF_DATE 'twenty' is not a year"),
        (5, "DECIMALS 'two' is not a whole number"),
        (6, "geography is empty"),
    ]


@pytest.mark.parametrize("value", ["inf", "-Infinity", "nan", "1e309"])
def test_a_value_that_is_not_a_finite_number_is_rejected(parse, value):
    # DuckDB would read these as doubles; a count of incidents cannot be infinite.
    records, stats = parse(table(row(value=value), row()))
    assert [r["source_row"] for r in records] == [3]
    assert [(r["line"], r["reason"]) for r in stats.rejects] == [(2, f"VALUE '{value}' is not a number")]


def test_a_short_row_is_rejected_only_when_it_names_a_trafficking_violation(parse):
    short_trafficking = '"2021","Alberta [48]","2016A000248","Trafficking in persons [1525]"\n'
    short_other = '"2021","Alberta [48]","2016A000248","Total, all violations [0]"\n'
    records, stats = parse(table(short_other, row(), short_trafficking, row(year="2020")))
    assert [(r["source_row"], r["ref_year"]) for r in records] == [(3, 2021), (5, 2020)]
    assert [(r["line"], r["reason"]) for r in stats.rejects] == [(4, "expected 16 fields, found 4")]
    assert stats.rows == 4


def test_header_change_is_named(parse):
    with pytest.raises(SchemaError, match=r"statcan: u: header lacks columns \['VALUE'\]"):
        parse(table().replace(b'"VALUE"', b'"AMOUNT"'))


def _stage_zip(path: Path, out: Path, stats: TableLog) -> int:
    return stage_zip(path, out, table_id="35100177", source_url="u", raw_sha256="s", log=stats)


def test_the_zip_member_is_staged_and_bad_zips_are_named(tmp_path):
    out = tmp_path / "records" / "35100177.parquet"
    out.parent.mkdir()
    good = tmp_path / "t.zip"
    good.write_bytes(zipped(table(row(), row(year="2020"))))
    stats = TableLog()
    assert _stage_zip(good, out, stats) == 2 and len(staged_records(out)) == 2
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # the member's copy is gone
    html = tmp_path / "h.zip"
    html.write_bytes(b"<!DOCTYPE html><html>Access denied</html>")
    with pytest.raises(SchemaError, match="HTML page, not a zip"):
        _stage_zip(html, out, stats)
    other = tmp_path / "o.zip"
    other.write_bytes(zipped(table(row()), name="a.csv")[:-40])
    with pytest.raises(SchemaError, match="not a zip file"):
        _stage_zip(other, out, stats)
    assert len(staged_records(out)) == 2 and [p.name for p in out.parent.iterdir()] == [out.name]


def test_records_have_exactly_the_declared_fields(parse, tmp_path):
    records, log = parse((FIXTURES / "statcan" / "35100177.csv").read_bytes())
    assert (log.rows, len(records)) == (4, 3) and not log.rejects
    declared = record_columns("statcan", "incidents")
    assert all(set(record) == set(declared) for record in records)


def test_a_table_without_trafficking_rows_fails_naming_the_file(parse):
    with pytest.raises(SchemaError, match=r"statcan: u: 1 rows read, none of a trafficking-in-persons violation"):
        parse(table(row(violation="Total, all violations [0]")))
