"""The CSV helpers CBP and StatCan share: the HTML sniff, the header and its check (the rows are
DuckDB's: tests/unit/cbp/test_parse.py, tests/unit/statcan/test_parse.py)."""

from __future__ import annotations

import io

import pytest

from extractors.csv_files import SchemaError, header_problems, read_header, refuse_html


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


def test_the_header_is_read_trimmed_and_an_empty_or_unreadable_one_fails_naming_the_file():
    assert read_header(io.StringIO('"a", b \n1,2\n', newline=""), "src: f.csv") == ["a", "b"]
    with pytest.raises(SchemaError, match=r"^src: f.csv: the file is empty \(no header row\)"):
        read_header(io.StringIO("", newline=""), "src: f.csv")
    with pytest.raises(SchemaError, match=r"^src: f.csv: unreadable header"):
        read_header(io.StringIO('a,"b\n', newline=""), "src: f.csv")
