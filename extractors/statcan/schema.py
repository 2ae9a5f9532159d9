"""Statistics Canada table 35-10-0177-01: the columns of its full-table CSV, mapped to record fields.

The record fields and their types are declared in dbt_project.yml (vars.record_columns.statcan).
"""

from __future__ import annotations

# The records folder this source writes (raw/statcan/records/incidents/<table_id>.parquet, staged
# by DuckDB), which dbt reads.
DATASETS = ("incidents",)
# Bump when parsing changes: records are then re-derived from the raw files already held.
PARSER_VERSION = 2  # 2: staged as Parquet by DuckDB

# CSV header of a WDS full-table download, mapped to record field names.
COLUMNS = {
    "REF_DATE": "ref_date",
    "GEO": "geography",
    "DGUID": "dguid",
    "Violations": "violation",
    "Statistics": "statistic",
    "UOM": "uom",
    "UOM_ID": "uom_id",
    "SCALAR_FACTOR": "scalar_factor",
    "SCALAR_ID": "scalar_id",
    "VECTOR": "vector",
    "COORDINATE": "coordinate",
    "VALUE": "value",
    "STATUS": "status",
    "SYMBOL": "symbol",
    "TERMINATED": "terminated",
    "DECIMALS": "decimals",
}
# Fields that must have a value; these others become null when empty.
REQUIRED_FIELDS = ("geography", "violation", "statistic")
NULL_WHEN_EMPTY = ("dguid", "uom_id", "scalar_id", "status", "symbol", "terminated")
