"""OHSS's Border Patrol encounters workbook: its sheets' columns, mapped to record fields.

The record fields and their types are declared in dbt_project.yml (vars.record_columns.ohss).
"""

from __future__ import annotations

# The records folders this source writes (raw/ohss/records/<dataset>/), which dbt reads: the rows of
# the "Annual ..." sheets and of the "Monthly ..." sheets, every sheet kept as published.
DATASETS = ("annual", "monthly")
# Bump when parsing changes: records are then re-derived from the raw files already held.
PARSER_VERSION = 1

# A sheet's kind is the first word of its name: "Annual Rgn and Sector", "Monthly Count".
SHEET_KINDS = {"Annual": "annual", "Monthly": "monthly"}
# Column headings (whitespace collapsed: the workbook writes "Fiscal\nYear") -> record fields.
COLUMNS = {
    "Fiscal Year": "fiscal_year",
    "Month": "month_label",
    "Region": "region",
    "Sector": "sector",
    "Citizenship": "citizenship",
    "Family Status": "family_status",
    "Quantity": "quantity",
}
# The breakdowns a sheet may have; a sheet without one of them has it null in its records.
BREAKDOWNS = ("region", "sector", "citizenship", "family_status")
# Fiscal month order, as the month labels write it: "01 October" ... "12 September".
FISCAL_MONTHS = (
    "October", "November", "December", "January", "February", "March",
    "April", "May", "June", "July", "August", "September",
)  # fmt: skip
# Sheets the marts are built from: a workbook without them is not the USBP encounters workbook.
REQUIRED_SHEETS = ("Annual Count", "Monthly Count", "Annual Rgn and Sector", "Monthly Rgn and Sector")
