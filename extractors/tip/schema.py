"""The TIP report's placements, narrative sections and enforcement measures, and its first HTML edition.

The record fields and their types are declared in dbt_project.yml (vars.record_columns.tip).
"""

from __future__ import annotations

# The records folders this source writes (raw/tip/records/<dataset>/<year>.jsonl.gz), which dbt
# reads; the first one holds each edition's meta.
DATASETS = ("country_pages", "sections", "enforcement_figures")
# Bump when parsing changes: records are then re-derived from the raw pages already held.
PARSER_VERSION = 2
FIRST_HTML_EDITION = 2017

# The placements themselves (Tier 1 ... Special Case, with ranks) are declared once, in
# dbt_project/seeds/tip_placements.csv: crossborder.core.reference.tip_placement_names().

# Section keys, in the order of the modern layout, with the titles the report uses.
SECTIONS = {
    "summary": "SUMMARY",  # the assessment before the first heading (carries the movement sentence)
    "prioritized_recommendations": "PRIORITIZED RECOMMENDATIONS",
    "prosecution": "PROSECUTION",
    "protection": "PROTECTION",
    "prevention": "PREVENTION",
    "trafficking_profile": "TRAFFICKING PROFILE",
}
MEASURES = ("investigations", "prosecutions", "convictions", "victims_identified")
# Where each measure is reported.
MEASURE_SECTIONS = {
    "investigations": ("prosecution",),
    "prosecutions": ("prosecution",),
    "convictions": ("prosecution",),
    "victims_identified": ("protection",),
}
