"""What the CSV sources (CBP, StatCan) share: SchemaError, the HTML sniff, the header check, the
strict row reader with its reject log, and number patterns. Each source keeps its own column
map and typing rules."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from crossborder.core.errors import CrossborderError
from extractors.derive import ParseLog


class FiniteNumberPattern:
    """A number pattern whose match() also refuses what float() reads as infinite (`1e309`): such a
    value would reach dbt as inf and fail there without naming the row. inf and nan never match."""

    def __init__(self, pattern: str) -> None:
        self._pattern = re.compile(pattern)

    def match(self, text: str) -> re.Match[str] | None:
        found = self._pattern.match(text)
        return found if found and math.isfinite(float(text)) else None


# A decimal number as published (no thousands separator), as Python and DuckDB (RE2) read it.
DECIMAL_SQL = r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?"
DECIMAL = FiniteNumberPattern(f"^{DECIMAL_SQL}$")
# The start of an HTML (or XML) document, comments included: never the start of a CSV or a zip.
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml|<!--)", re.IGNORECASE)

# A type rule: types a record's fields in place; returns why the row is unreadable, or None.
TypeRule = Callable[[dict[str, Any]], str | None]


class SchemaError(CrossborderError):
    """A file that is not the table its parser knows (an HTML page, a changed header, no rows):
    the file fails, named, and the records held from earlier files stay."""


def refuse_html(head: bytes, name: str, expected: str) -> None:
    """SchemaError when a file starts like an HTML page: a 200 answer that is an error, login or
    "access denied" page instead of the file. head: the file's first bytes."""
    if _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")):
        raise SchemaError(f"{name}: the server sent an HTML page, not {expected} (an error or access-denied page?)")


def header_problems(header: Sequence[str], columns: Collection[str], *, unexpected_ok: bool = False) -> list[str]:
    """What keeps a header from matching the columns: missing, unexpected (unless unexpected_ok)
    and duplicate column names, each naming the columns; empty when it matches."""
    problems = []
    if missing := [c for c in columns if c not in header]:
        problems.append(f"missing columns {missing}")
    if not unexpected_ok and (unexpected := [c for c in header if c not in columns]):
        problems.append(f"unexpected columns {unexpected}")
    if duplicates := sorted({c for c in header if header.count(c) > 1}):
        problems.append(f"duplicate columns {duplicates}")
    return problems


@dataclass
class RowLog(ParseLog):
    """The reject log of a CSV parse: data rows read and kept, and each rejected row with its
    line number and the reason."""

    rows: int = 0  # data rows read (blank lines not counted)
    kept: int = 0  # rows that became records

    def reject(self, line: int, reason: str, row: list[str] | dict[str, Any]) -> None:
        self.rejects.append({"line": line, "reason": reason, "row": row})

    def meta(self) -> dict[str, Any]:
        return {"rows_read": self.rows}


class CsvTable:
    """A CSV file read strictly, naming the file in every error: its header, then its data rows
    as records, one row in memory at a time."""

    def __init__(self, text: TextIO, *, name: str, log: RowLog) -> None:
        self.name = name
        self.log = log
        self._last_line = ""
        self._reader = csv.reader(self._lines(text), strict=True)

    def _lines(self, text: Iterable[str]) -> Iterator[str]:
        """The file's lines, remembering the last one: whether the file ends with a newline."""
        for line in text:
            self._last_line = line
            yield line

    def _check_complete(self) -> None:
        """SchemaError when the last line has no newline: a download cut short (a server that sent a
        short body with a matching Content-Length) would otherwise be read as a smaller table."""
        if self._last_line and not self._last_line.endswith(("\n", "\r")):
            raise SchemaError(
                f"{self.name}: the last line is not terminated by a newline: the file looks truncated "
                f"(cut short in transfer?); nothing is taken from it"
            )

    def header(self) -> list[str]:
        """The header row, cells trimmed (SchemaError when the file is empty or unreadable)."""
        try:
            return [column.strip() for column in next(self._reader)]
        except StopIteration:
            raise SchemaError(f"{self.name}: the file is empty (no header row)") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise SchemaError(f"{self.name}: unreadable header: {exc}") from None

    def rows(
        self, width: int, *, report_width: Callable[[list[str]], bool] | None = None
    ) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of every data row: blank lines skipped; a row of another width rejected
        (unless report_width(row) says it is of no interest); a broken quote rejects the rest,
        from which the reader cannot resynchronise. SchemaError when there is no data row at all."""
        reader, log = self._reader, self.log
        while True:
            try:
                row = next(reader)
            except StopIteration:
                self._check_complete()
                break
            except csv.Error as exc:
                log.reject(reader.line_num, f"malformed CSV: {exc}", [])
                break
            except UnicodeDecodeError as exc:
                raise SchemaError(f"{self.name}: not valid UTF-8 after line {reader.line_num}: {exc}") from None
            if not row or all(not cell.strip() for cell in row):
                continue
            log.rows += 1
            if len(row) != width:
                if report_width is None or report_width(row):
                    log.reject(reader.line_num, f"expected {width} fields, found {len(row)}", row)
                continue
            yield reader.line_num, row
        if log.rows == 0 and not log.rejects:
            raise SchemaError(f"{self.name}: no data rows after the header")

    def records(
        self,
        fields: Mapping[str, int],
        type_rule: TypeRule,
        *,
        width: int,
        wanted: Callable[[list[str]], bool] | None = None,
        report_width: Callable[[list[str]], bool] | None = None,
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line, record) of every data row wanted: {field: trimmed cell} for fields (field ->
        column index), typed in place by type_rule; a row it cannot type is rejected with the reason."""
        for line, row in self.rows(width, report_width=report_width):
            if wanted is not None and not wanted(row):
                continue
            record: dict[str, Any] = {name: row[index].strip() for name, index in fields.items()}
            problem = type_rule(record)
            if problem:
                self.log.reject(line, problem, row)
                continue
            self.log.kept += 1
            yield line, record
