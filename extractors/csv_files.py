"""What the CSV sources (CBP, StatCan) share before DuckDB reads their rows
(extractors.csv_staging): SchemaError, the HTML sniff, the header and its check, the reject log,
and the number pattern. Each source keeps its own column map and typing rules."""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from crossborder.core.errors import CrossborderError
from extractors.derive import ParseLog

# A decimal number as published (no thousands separator), as DuckDB (RE2) reads it.
DECIMAL_SQL = r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?"
# The start of an HTML (or XML) document, comments included: never the start of a CSV or a zip.
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml|<!--)", re.IGNORECASE)


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


def read_header(text: TextIO, name: str) -> list[str]:
    """A CSV file's header row, cells trimmed; SchemaError naming the file (name) when it is empty
    or unreadable. The rows are DuckDB's to read (extractors.csv_staging)."""
    try:
        return [column.strip() for column in next(csv.reader(text, strict=True))]
    except StopIteration:
        raise SchemaError(f"{name}: the file is empty (no header row)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise SchemaError(f"{name}: unreadable header: {exc}") from None
