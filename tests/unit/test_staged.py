"""Staged (Parquet) records: dbt's sources read them as extractors.staged says, and an empty
folder's placeholder carries the declared columns."""

from __future__ import annotations

import re

import duckdb
import yaml

from crossborder.core.landing import EMPTY_STAGED, LandingZone
from extractors import SOURCES, source
from extractors.schema import DBT_PROJECT_FILE, record_columns
from extractors.staged import records_relation, write_empty

DATA_DIR = "{{ env_var('CROSSBORDER_DATA_DIR') }}"


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_staged_dataset_is_read_by_dbt_through_the_records_relation():
    staged = [(name, dataset) for name in SOURCES for dataset in source(name).STAGED_DATASETS]
    assert {("cbp", "encounters"), ("cbp", "drug_seizures"), ("statcan", "incidents")} <= set(staged)
    for name, dataset in staged:
        sources_file = DBT_PROJECT_FILE.parent / "models" / "staging" / name / "_sources.yml"
        tables = {t["name"]: t for s in yaml.safe_load(sources_file.read_text())["sources"] for t in s["tables"]}
        location = tables[dataset]["config"]["meta"]["external_location"].replace(DATA_DIR, "/data")
        expected = records_relation(f"/data/raw/{name}/records/{dataset}/*.parquet")
        assert _spaces(location) == _spaces(expected), f"{sources_file}: {dataset}"


def test_an_empty_staged_folder_builds_empty_with_the_declared_columns(tmp_path):
    landing = LandingZone(tmp_path, "cbp")
    declared = record_columns("cbp", "encounters")
    has_records = landing.ensure_records_folder("encounters", lambda path: write_empty(path, declared))
    folder = tmp_path / "cbp" / "records" / "encounters"
    assert not has_records and [p.name for p in folder.iterdir()] == [EMPTY_STAGED]
    with duckdb.connect() as con:
        cursor = con.execute(f"select * from {records_relation(str(folder / '*.parquet'))}")
        described = {name: type_code for name, type_code, *_ in cursor.description}
        assert cursor.fetchall() == []
    assert set(described) == set(declared)
    before = (folder / EMPTY_STAGED).stat().st_mtime_ns
    landing.ensure_records_folder("encounters", lambda path: write_empty(path, declared))
    assert (folder / EMPTY_STAGED).stat().st_mtime_ns == before  # unchanged: not rewritten
    changed = {**declared, "added_column": "VARCHAR"}
    landing.ensure_records_folder("encounters", lambda path: write_empty(path, changed))
    with duckdb.connect() as con:
        names = [row[0] for row in con.execute(f"describe select * from '{folder / EMPTY_STAGED}'").fetchall()]
    assert "added_column" in names  # a changed declaration reaches the placeholder
