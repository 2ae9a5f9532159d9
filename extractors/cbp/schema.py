"""CBP's published CSV columns, mapped to record fields, and the constants of its file names.

The record fields and their types are declared in dbt_project.yml (vars.record_columns.cbp).
"""

from __future__ import annotations

# The records folders this source writes (raw/cbp/records/<dataset>/), which dbt reads.
DATASETS = ("encounters", "drug_seizures")
# Bump when parsing changes: records are then re-derived from the raw files already held.
PARSER_VERSION = 2  # 2: staged as Parquet by DuckDB

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
FILES_PREFIX = "/sites/default/files/"
# The [sources.cbp] options naming the two landing pages that list the releases.
LANDING_PAGES = ("encounters_page", "drug_seizures_page")
# Each landing page's list of the CSV links it has that were not taken, with the reasons, is kept
# beside its dataset's records (records/<dataset>/_links-not-taken.meta.json).
PAGE_DATASETS = {"encounters_page": "encounters", "drug_seizures_page": "drug_seizures"}
LINKS_NOT_TAKEN = "_links-not-taken"

# CBP's published headers, mapped to record field names.
ENCOUNTER_COLUMNS = {
    "Fiscal Year": "fiscal_year_label",
    "Month Grouping": "month_grouping",
    "Month (abbv)": "month_abbv",
    "Component": "component",
    "Land Border Region": "land_border_region",
    "Area of Responsibility": "area_of_responsibility",
    "AOR (Abbv)": "aor_abbv",
    "Demographic": "demographic",
    "Citizenship": "citizenship",
    "Title of Authority": "title_of_authority",
    "Encounter Type": "encounter_type",
    "Encounter Count": "encounter_count",
}
DRUG_COLUMNS = {
    "FY": "fiscal_year_label",
    "Month (abbv)": "month_abbv",
    "Component": "component",
    "Region": "region",
    "Land Filter": "land_filter",
    "Area of Responsibility": "area_of_responsibility",
    "Drug Type": "drug_type",
    "Count of Event": "event_count",
    "Sum Qty (lbs)": "quantity_lbs",
}
# The Air and Marine Operations files name their unit "Branch" where the others say AOR.
AMO_DRUG_COLUMNS = {("Branch" if k == "Area of Responsibility" else k): v for k, v in DRUG_COLUMNS.items()}

SERIES = {
    # series -> (dataset, columns, landing page option)
    "nationwide-encounters": ("encounters", ENCOUNTER_COLUMNS, "encounters_page"),
    "nationwide-drugs": ("drug_seizures", DRUG_COLUMNS, "drug_seizures_page"),
    "amo-drug-seizures": ("drug_seizures", AMO_DRUG_COLUMNS, "drug_seizures_page"),
}
INTEGER_FIELDS = {"encounter_count", "event_count"}
DECIMAL_FIELDS = {"quantity_lbs"}
# Fields CBP leaves empty in some rows; every other field must have a value.
MAY_BE_EMPTY = {"aor_abbv", "month_grouping", "land_filter"}
