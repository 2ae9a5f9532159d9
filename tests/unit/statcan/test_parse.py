"""The StatCan table parser (pure): the violation rule, typing and flags, bad rows, a changed
header, streaming from a zip and bad zips, and the records against the declared record schema."""

from __future__ import annotations

import io

import pytest

from extractors.csv_files import SchemaError
from extractors.schema import record_columns
from extractors.statcan.parse import TableLog, is_trafficking_violation, parse_table_csv, parse_zip
from tests.conftest import FIXTURES
from tests.samples.statcan import row, table, zipped


def parse(data: bytes) -> tuple[list[dict], TableLog]:
    stats = TableLog()
    records = list(parse_table_csv(io.BytesIO(data), table_id="35100177", source_url="u", raw_sha256="s", log=stats))
    return records, stats


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


def test_parse_keeps_trafficking_rows_with_flags():
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


def test_bad_rows_are_rejected_not_dropped():
    records, stats = parse(table(row(value="n/a"), row(year="twenty"), row()))
    assert len(records) == 1
    assert [r["reason"] for r in stats.rejects] == ["VALUE 'n/a' is not a number", "REF_DATE 'twenty' is not a year"]


def test_header_change_is_named():
    with pytest.raises(SchemaError, match=r"statcan: u: header lacks columns \['VALUE'\]"):
        parse(table().replace(b'"VALUE"', b'"AMOUNT"'))


def test_zip_is_streamed_and_bad_zips_are_named(tmp_path):
    good = tmp_path / "t.zip"
    good.write_bytes(zipped(table(row(), row(year="2020"))))
    stats = TableLog()
    assert len(list(parse_zip(good, table_id="35100177", source_url="u", raw_sha256="s", log=stats))) == 2
    html = tmp_path / "h.zip"
    html.write_bytes(b"<!DOCTYPE html><html>Access denied</html>")
    with pytest.raises(SchemaError, match="HTML page, not a zip"):
        list(parse_zip(html, table_id="35100177", source_url="u", raw_sha256="s", log=stats))
    other = tmp_path / "o.zip"
    other.write_bytes(zipped(table(row()), name="a.csv")[:-40])
    with pytest.raises(SchemaError, match="not a zip file"):
        list(parse_zip(other, table_id="35100177", source_url="u", raw_sha256="s", log=stats))


def test_records_have_exactly_the_declared_fields():
    with (FIXTURES / "statcan" / "35100177.csv").open("rb") as stream:
        log = TableLog()
        records = list(parse_table_csv(stream, table_id="35100177", source_url="u", raw_sha256="s", log=log))
    assert (log.rows, len(records)) == (4, 3) and not log.rejects
    declared = record_columns("statcan", "incidents")
    assert all(record.keys() == declared.keys() for record in records)


def test_a_table_without_trafficking_rows_fails_naming_the_file():
    with pytest.raises(SchemaError, match=r"statcan: u: 1 rows read, none of a trafficking-in-persons violation"):
        parse(table(row(violation="Total, all violations [0]")))
