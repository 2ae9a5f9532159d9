"""The CSV helpers CBP and StatCan share: the HTML sniff, the header check and the strict row reader."""

from __future__ import annotations

import io

import pytest

from extractors.csv_files import CsvTable, RowLog, SchemaError, header_problems, refuse_html


@pytest.mark.parametrize(
    "head",
    [
        b"<!DOCTYPE html><html>",
        b"\xef\xbb\xbf<html><body>",
        b"\n  <HEAD><title>x</title>",
        b"<!-- a proxy's error page --><p>denied</p>",
        b'<?xml version="1.0"?><Error>AccessDenied</Error>',
    ],
)
def test_html_and_markup_answers_are_refused_naming_the_file(head):
    with pytest.raises(SchemaError, match=r"^f\.csv: the server sent an HTML page, not a CSV file"):
        refuse_html(head, "f.csv", "a CSV file")


def test_a_csv_is_not_html():
    refuse_html(b'\xef\xbb\xbf"REF_DATE","GEO"\n', "f.csv", "a CSV file")


def test_header_problems_name_the_columns():
    columns = ["A", "B", "C"]
    assert header_problems(["A", "B", "C"], columns) == []
    assert header_problems(["C", "A", "B"], columns) == []  # order is free: columns are read by name
    assert header_problems(["A", "B", "D"], columns) == ["missing columns ['C']", "unexpected columns ['D']"]
    assert header_problems(["A", "B", "C", "B"], columns) == ["duplicate columns ['B']"]
    assert header_problems(["A", "B", "C", "EXTRA"], columns, unexpected_ok=True) == []


def table(text: str) -> tuple[CsvTable, RowLog]:
    log = RowLog()
    return CsvTable(io.StringIO(text, newline=""), name="src: f.csv", log=log), log


def test_rows_skip_blank_lines_and_reject_other_widths_with_their_line():
    reader, log = table("a,b\n1,2\n\n , \n3\n4,5\n")
    assert reader.header() == ["a", "b"]
    assert list(reader.rows(2)) == [(2, ["1", "2"]), (6, ["4", "5"])]
    assert log.rows == 3 and log.rejects == [{"line": 5, "reason": "expected 2 fields, found 1", "row": ["3"]}]


def test_records_are_typed_and_rows_that_cannot_be_typed_rejected():
    reader, log = table("n,label\n1,x\nz,y\n")
    reader.header()

    def type_rule(record):
        if not record["n"].isdigit():
            return f"n {record['n']!r} is not a number"
        record["n"] = int(record["n"])
        return None

    assert list(reader.records({"n": 0, "label": 1}, type_rule, width=2)) == [(2, {"n": 1, "label": "x"})]
    assert (log.kept, [r["reason"] for r in log.rejects]) == (1, ["n 'z' is not a number"])


def test_an_empty_file_or_one_without_rows_fails_naming_it():
    reader, _ = table("")
    with pytest.raises(SchemaError, match=r"^src: f.csv: the file is empty \(no header row\)"):
        reader.header()
    reader, _ = table("a,b\n\n")
    reader.header()
    with pytest.raises(SchemaError, match=r"^src: f.csv: no data rows after the header"):
        list(reader.rows(2))


def test_a_broken_quote_rejects_the_rest():
    reader, log = table('a,b\n1,2\n"3,4\n5,6\n')
    reader.header()
    assert list(reader.rows(2)) == [(2, ["1", "2"])]
    assert len(log.rejects) == 1 and log.rejects[0]["reason"].startswith("malformed CSV")
