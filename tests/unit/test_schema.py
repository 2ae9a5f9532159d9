"""The record schema is declared once (dbt_project.yml vars.record_columns): dbt's sources read
it, the unit-test fixture macro reads it, the source docs name exactly its columns, and a record
that does not match it is refused naming the field."""

from __future__ import annotations

import pytest
import yaml

import extractors
from crossborder.core.config import PROJECT_ROOT
from extractors.schema import RecordShapeError, check_record, checked, declared_record_columns, record_columns

STAGING = PROJECT_ROOT / "dbt_project" / "models" / "staging"
TYPES = {"VARCHAR", "VARCHAR[]", "INTEGER", "BIGINT", "DOUBLE"}


def source_tables(source: str) -> list[dict]:
    document = yaml.safe_load((STAGING / source / "_sources.yml").read_text(encoding="utf-8"))
    [declared] = [s for s in document["sources"] if s["name"] == source]
    return declared["tables"]


@pytest.mark.parametrize("source", sorted(declared_record_columns()))
def test_dbt_sources_read_the_declared_columns_and_repeat_no_type(source):
    tables = source_tables(source)
    assert [t["name"] for t in tables] == list(declared_record_columns()[source])
    for table in tables:
        location = table["config"]["meta"]["external_location"]
        if table["name"] not in extractors.source(source).STAGED_DATASETS:  # staged: typed in the Parquet
            assert f"columns={{{{ var('record_columns')['{source}']['{table['name']}'] }}}}" in location
        # the source's docs describe exactly the declared columns, and leave their types to the var
        assert [c["name"] for c in table["columns"]] == list(record_columns(source, table["name"]))
        assert not any("data_type" in c for c in table["columns"])


def test_every_declared_type_is_a_duckdb_type_the_records_use():
    assert {
        t for datasets in declared_record_columns().values() for cols in datasets.values() for t in cols.values()
    } <= TYPES


def test_the_fixture_macro_reads_the_same_declaration():
    macro = (PROJECT_ROOT / "dbt_project" / "macros" / "source_fixture.sql").read_text(encoding="utf-8")
    assert "var('record_columns')" in macro and "_record_columns" not in macro


def test_a_record_with_other_fields_is_refused_naming_them():
    record = dict.fromkeys(record_columns("news", "pages"))
    check_record("news", "pages", record)
    del record["text"]
    record["body"] = "x"
    with pytest.raises(
        RecordShapeError, match="news/pages: a record lacks declared field.s. text and has undeclared field.s. body"
    ):
        list(checked("news", "pages", [record]))
    with pytest.raises(RecordShapeError, match="no record columns declared for dataset 'articles'"):
        record_columns("news", "articles")
