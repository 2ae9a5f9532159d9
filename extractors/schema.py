"""The record schema: the columns, with their DuckDB types, of every records dataset.

They are declared once, in dbt_project/dbt_project.yml:

    vars:
      record_columns:
        <source>:
          <dataset>: {column: TYPE, ...}

dbt's sources read the records files with those types (`read_json(..., columns=...)`) and the
unit-test fixtures (macros/source_fixture.sql) build their rows from them; the extractors check
every record they write against the same declaration (extractors.derive).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any

import yaml

from crossborder.core.config import PROJECT_ROOT

DBT_PROJECT_FILE = PROJECT_ROOT / "dbt_project" / "dbt_project.yml"


class RecordShapeError(Exception):
    """A record whose fields are not its dataset's declared columns: a bug in a parser or in the
    declaration, never bad input (so no source catches it)."""


@cache
def declared_record_columns() -> dict[str, dict[str, dict[str, str]]]:
    """source -> dataset -> column -> DuckDB type, as dbt_project.yml declares them."""
    project = yaml.safe_load(DBT_PROJECT_FILE.read_text(encoding="utf-8"))
    columns: dict[str, dict[str, dict[str, str]]] = project["vars"]["record_columns"]
    return columns


def record_columns(source: str, dataset: str) -> dict[str, str]:
    """Column -> DuckDB type of one dataset's records."""
    try:
        return declared_record_columns()[source][dataset]
    except KeyError:
        raise RecordShapeError(
            f"{source}: no record columns declared for dataset {dataset!r} (vars.record_columns in {DBT_PROJECT_FILE})"
        ) from None


def check_record(source: str, dataset: str, record: Mapping[str, Any]) -> None:
    """RecordShapeError naming the fields when the record's fields are not exactly the declared columns."""
    check_fields(source, dataset, record.keys())


def check_fields(source: str, dataset: str, fields: Iterable[str]) -> None:
    """RecordShapeError naming the fields when they are not exactly the declared columns."""
    declared = record_columns(source, dataset).keys()
    record = dict.fromkeys(fields)
    if record.keys() == declared:
        return
    problems = []
    if missing := sorted(declared - record.keys()):
        problems.append(f"lacks declared field(s) {', '.join(missing)}")
    if undeclared := sorted(record.keys() - declared):
        problems.append(f"has undeclared field(s) {', '.join(undeclared)}")
    raise RecordShapeError(
        f"{source}/{dataset}: a record {' and '.join(problems)} (declared in vars.record_columns of {DBT_PROJECT_FILE})"
    )


def checked(source: str, dataset: str, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The records, each checked against the declaration as it passes (check_record)."""
    for record in records:
        check_record(source, dataset, record)
        yield record
