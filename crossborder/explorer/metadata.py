"""What Datasette shows of a release: its title and links, each table's description, columns and
facets (from the release's data dictionary and the warehouse's table comments), the release's
CHANGES.md on the database page, and the canned questions.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crossborder.explorer.database import table_name
from crossborder.explorer.questions import Question

DATABASE = "crossborder"  # the SQLite file's stem, which Datasette takes as the database's name

# The columns analysts filter by, in the order their facets are offered (at most MAX_FACETS per
# table): country, area of responsibility, border region, fiscal year, TIP placement, topic...
FACET_COLUMNS = (
    "country_name",
    "citizenship_bucket",
    "area_of_responsibility",
    "sector",
    "border_region",
    "land_border_region",
    "fiscal_year",
    "report_year",
    "placement",
    "tip_placement",
    "movement",
    "tip_movement",
    "topic",
    "section",
    "drug_type",
    "geography_name",
    "ref_year",
    "calendar_year",
    "statistic",
    "publisher",
    "definition",
    "change_type",
)
# List columns faceted on their items (Datasette's array facets read the JSON text).
ARRAY_FACET_COLUMNS = ("topics", "border_regions")
MAX_FACETS = 5

# Static folders the explorer serves beside the tables: (URL mount, what it is, its start page).
LINKS = (
    ("report", "Briefing report", "briefing.html"),
    ("dbt-docs", "dbt docs (every model and column, lineage)", "index.html"),
    ("gx-docs", "Great Expectations Data Docs (the quality gate's results)", "index.html"),
    ("release", "This release's files (warehouse.duckdb, Parquet, dictionary, CHANGES.md, SHA256SUMS)", ""),
)


def read_dictionary(release: Path) -> dict[str, list[dict[str, str]]]:
    """table (explorer name) -> its dictionary rows, in column order."""
    by_table: dict[str, list[dict[str, str]]] = {}
    with (release / "dictionary.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            by_table.setdefault(table_name(row["table"]), []).append(row)
    return by_table


def facets_of(columns: Iterable[str]) -> list[str]:
    """The plain facets of a table with these columns."""
    present = set(columns)
    return [c for c in FACET_COLUMNS if c in present][:MAX_FACETS]


def _markdown_html(text: str) -> str:
    from markdown_it import MarkdownIt

    # html=False: text in CHANGES.md (a country or article name) is shown, never run as markup.
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def datasette_metadata(
    release: Path,
    dictionary: dict[str, list[dict[str, str]]],
    table_comments: dict[str, str],
    questions: list[Question],
    mounted: Iterable[str],
) -> dict[str, Any]:
    """Datasette's metadata (its metadata.json) for the release."""
    mounted = set(mounted)
    links = "".join(
        f'<li><a href="/{mount}/{page}">{html.escape(label)}</a></li>'
        for mount, label, page in LINKS
        if mount in mounted
    )
    tables: dict[str, Any] = {}
    for table, rows in dictionary.items():
        columns = [r["column"] for r in rows]
        facets: list[Any] = facets_of(columns)
        facets += [{"array": c} for c in ARRAY_FACET_COLUMNS if c in columns][: MAX_FACETS - len(facets)]
        grain, source = rows[0]["grain"], rows[0]["source"]
        description = table_comments.get(table, "")
        tables[table] = {
            "description": " ".join(
                part
                for part in (
                    description,
                    f"One row per {grain}." if grain else "",
                    f"Source: {source}.",
                    f"Release {release.name}.",
                )
                if part
            ),
            "columns": {r["column"]: f"{r['description']} ({r['type']})".strip() for r in rows},
            "facets": facets,
        }
    for question in questions:
        tables[question.slug] = {"hidden": True, "description": question.text}
    changes = release / "CHANGES.md"
    return {
        "title": f"crossborder explorer: release {release.name}",
        "description_html": (
            "<p>Every table of a dated crossborder release, read-only: filter, facet, sort and "
            "download what you see as CSV or JSON. The canned questions are the examples of "
            "docs/analyst-marts.md, answered on this release.</p>" + (f"<ul>{links}</ul>" if links else "")
        ),
        "databases": {
            DATABASE: {
                "description_html": _markdown_html(changes.read_text(encoding="utf-8")) if changes.exists() else "",
                "tables": tables,
                "queries": {
                    question.slug: {
                        "title": question.title,
                        "sql": f"select * from {question.slug}",
                        "hide_sql": True,
                        "description_html": (
                            f"<p>{html.escape(question.text)}</p><p>Answered by DuckDB on the release with:</p>"
                            f"<pre>{html.escape(question.sql)}</pre>"
                        ),
                    }
                    for question in questions
                },
            }
        },
    }
