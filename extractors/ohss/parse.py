"""Parsing one OHSS encounters workbook into records (pure: bytes in, records out).

Every sheet is read (python-calamine, the whole workbook at once: it is about 1 MB). A sheet's
header row is the first whose first cell is "Fiscal Year"; rows above it (titles) are skipped and
so are notes below the table (a row with text in its first cell only). Each heading must be one
the schema knows and the sheet's kind (its first word, Annual or Monthly) must agree with whether
it has a Month column; otherwise the workbook fails, naming the file and the sheet. A data row
that cannot be read (a year or quantity that is no whole number, a month label out of fiscal
order, an empty breakdown) is rejected with its sheet, row and reason, never dropped silently.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from extractors.csv_files import SchemaError, refuse_html
from extractors.derive import ParseLog
from extractors.ohss.schema import BREAKDOWNS, COLUMNS, FISCAL_MONTHS, REQUIRED_SHEETS, SHEET_KINDS

_SPACES = re.compile(r"\s+")
_MONTH_LABEL = re.compile(r"^(?P<number>\d{1,2})\s+(?P<name>[A-Za-z]+)$")
_ZIP_START = b"PK\x03\x04"  # an .xlsx is a zip


@dataclass
class WorkbookLog(ParseLog):
    """The reject log of a workbook parse: rows kept per sheet, and each rejected row."""

    kept: dict[str, int] = field(default_factory=dict)  # sheet -> rows that became records
    notes: int = 0  # note rows below a table, skipped

    def reject(self, sheet: str, row: int, reason: str, cells: list[Any]) -> None:
        self.rejects.append({"sheet": sheet, "line": row, "reason": f"sheet {sheet!r}: {reason}", "row": cells})

    def meta(self) -> dict[str, Any]:
        return {"sheets": dict(self.kept), "note_rows": self.notes}


def _heading(cell: Any) -> str:
    return _SPACES.sub(" ", str(cell)).strip()


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _whole_number(cell: Any) -> int | None:
    """A cell as a whole number (calamine gives numbers as float), or None when it is not one."""
    if isinstance(cell, bool | date | datetime | timedelta):
        return None
    if isinstance(cell, int | float):
        return int(cell) if float(cell).is_integer() else None
    text = str(cell).strip().replace(",", "")
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def fiscal_month(label: str) -> int | None:
    """Fiscal month (1 = October) of a label as the workbook writes it ("01 October"); None
    when the number and the month name disagree or it is no such label."""
    found = _MONTH_LABEL.match(label.strip())
    if not found:
        return None
    number = int(found["number"])
    if not 1 <= number <= 12 or FISCAL_MONTHS[number - 1].lower() != found["name"].lower():
        return None
    return number


def _open(data: bytes, where: str) -> CalamineWorkbook:
    refuse_html(data[:512], where, "an Excel workbook")
    if not data.startswith(_ZIP_START):
        raise SchemaError(f"{where}: not an Excel workbook (.xlsx): it starts {data[:16]!r}")
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as exc:
        raise SchemaError(f"{where}: the workbook cannot be read: {exc}") from None


def _header(rows: list[list[Any]], where: str, sheet: str) -> tuple[int, list[str]]:
    """(index of the header row, its fields); SchemaError naming the sheet when there is none or
    a heading is unknown."""
    for index, row in enumerate(rows):
        if row and _heading(row[0]) == "Fiscal Year":
            headings = [_heading(cell) for cell in row]
            while headings and not headings[-1]:
                headings.pop()
            unknown = [h for h in headings if h not in COLUMNS]
            if unknown:
                raise SchemaError(
                    f"{where}: sheet {sheet!r}: unknown column(s) {unknown} (known: {', '.join(COLUMNS)})"
                )
            fields = [COLUMNS[h] for h in headings]
            if "quantity" not in fields or len(set(fields)) != len(fields):
                raise SchemaError(f"{where}: sheet {sheet!r}: header {headings} needs one Quantity column, no repeats")
            return index, fields
    raise SchemaError(f"{where}: sheet {sheet!r}: no header row (a first cell 'Fiscal Year')")


def _record(fields: list[str], cells: list[Any]) -> tuple[dict[str, Any] | None, str | None]:
    values = dict(zip(fields, cells + [None] * (len(fields) - len(cells)), strict=False))
    record: dict[str, Any] = dict.fromkeys(BREAKDOWNS)
    year = _whole_number(values["fiscal_year"])
    if year is None or not 1900 < year < 2200:
        return None, f"fiscal year {values['fiscal_year']!r} is not a year"
    record["fiscal_year"] = year
    if "month_label" in values:
        label = "" if _blank(values["month_label"]) else str(values["month_label"]).strip()
        month = fiscal_month(label)
        if month is None:
            return None, f"month {values['month_label']!r} is not a fiscal month label like '01 October'"
        record["month_label"], record["fiscal_month"] = label, month
    for name in BREAKDOWNS:
        if name in values:
            if _blank(values[name]):
                return None, f"{name} is empty"
            record[name] = _SPACES.sub(" ", str(values[name])).strip()
    quantity = _whole_number(values["quantity"]) if not _blank(values["quantity"]) else None
    if quantity is None or quantity < 0:
        return None, f"quantity {values['quantity']!r} is not a whole number of encounters"
    record["quantity"] = quantity
    return record, None


def parse_workbook(
    data: bytes, *, workbook: str, source_url: str, raw_sha256: str, fetched_at: str, log: WorkbookLog, name: str = ""
) -> dict[str, list[dict[str, Any]]]:
    """dataset ("annual", "monthly") -> records of every sheet, each with the workbook's provenance,
    its sheet and its row in the sheet (1 = the sheet's first row). SchemaError naming the file
    (name, else the URL) when it is not the workbook the schema knows."""
    where = f"ohss: {name or source_url}"
    book = _open(data, where)
    missing = [s for s in REQUIRED_SHEETS if s not in book.sheet_names]
    if missing:
        raise SchemaError(f"{where}: sheet(s) {missing} missing (sheets: {', '.join(book.sheet_names)})")
    provenance = {"workbook": workbook, "source_url": source_url, "raw_sha256": raw_sha256, "fetched_at": fetched_at}
    out: dict[str, list[dict[str, Any]]] = {"annual": [], "monthly": []}
    for sheet in book.sheet_names:
        kind = SHEET_KINDS.get(sheet.split(" ", 1)[0])
        if kind is None:
            continue  # a notes or cover sheet
        content = book.get_sheet_by_name(sheet)
        rows = content.to_python()  # from the first used cell: start is its (row, column), 0-based
        first_row = content.start[0] + 1 if content.start else 1
        header_index, fields = _header(rows, where, sheet)
        if ("month_label" in fields) != (kind == "monthly"):
            shape = "a Monthly sheet without" if kind == "monthly" else "an Annual sheet with"
            raise SchemaError(f"{where}: sheet {sheet!r}: {shape} a Month column")
        kept = 0
        for offset, cells in enumerate(rows[header_index + 1 :], start=header_index + 1):
            if all(_blank(c) for c in cells):
                continue
            if not _blank(cells[0]) and _whole_number(cells[0]) is None and all(_blank(c) for c in cells[1:]):
                log.notes += 1  # a note under the table ("Source: ...", "Note: ...")
                continue
            record, problem = _record(fields, list(cells))
            if problem or record is None:
                log.reject(sheet, first_row + offset, problem or "unreadable", [str(c) for c in cells])
                continue
            kept += 1
            out[kind].append({**provenance, "sheet": sheet, "source_row": first_row + offset, **record})
        if kept == 0:
            raise SchemaError(f"{where}: sheet {sheet!r}: no data rows under its header")
        log.kept[sheet] = kept
    return out
