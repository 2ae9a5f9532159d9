"""Contract tests: the parser against real CBP releases in ../shared/real-data (skipped if absent)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from extractors.cbp.discover import release_from_url
from extractors.cbp.parse import header_refusal
from extractors.csv_files import RowLog
from tests.conftest import real_data
from tests.samples.cbp import stage_bytes

pytestmark = pytest.mark.contract

FILES = {
    "nationwide-drugs-fy19-fy22.csv": "2023-11/nationwide-drugs-fy19-fy22.csv",
    "nationwide-drugs-fy21-fy24.csv": "2024-10/nationwide-drugs-fy21-fy24.csv",
    "amo-drug-seizures-fy20-fy23.csv": "2023-11/amo-drug-seizures-fy20-fy23.csv",
    "nationwide-encounters-fy21-aor.csv": "2024-10/nationwide-encounters-fy21-fy24-aor.csv",
}


pytestmark = pytest.mark.contract


FILES = {
    "nationwide-drugs-fy19-fy22.csv": "2023-11/nationwide-drugs-fy19-fy22.csv",
    "nationwide-drugs-fy21-fy24.csv": "2024-10/nationwide-drugs-fy21-fy24.csv",
    "amo-drug-seizures-fy20-fy23.csv": "2023-11/amo-drug-seizures-fy20-fy23.csv",
    "nationwide-encounters-fy21-aor.csv": "2024-10/nationwide-encounters-fy21-fy24-aor.csv",
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_row_of_a_real_release_parses_and_sums_match(name, tmp_path):
    path = real_data("cbp", name)
    body = path.read_bytes()
    release = release_from_url(f"https://www.cbp.gov/sites/default/files/{FILES[name]}")
    stats = RowLog()
    records = stage_bytes(body, release, stats, tmp_path)

    text = body.decode("utf-8-sig")
    source_rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert not stats.rejects
    assert len(records) == len(source_rows) > 1000
    assert not any("\ufeff" in key or "\ufeff" in str(value) for r in records for key, value in r.items())
    assert not any(str(v).endswith("\r") for r in records for v in r.values())
    count_column = "Encounter Count" if release.dataset == "encounters" else "Count of Event"
    field = "encounter_count" if release.dataset == "encounters" else "event_count"
    assert sum(r[field] for r in records) == sum(int(row[count_column]) for row in source_rows)
    if release.dataset == "drug_seizures":
        parsed = sum(Decimal(repr(r["quantity_lbs"])) for r in records)
        published = sum(Decimal(row["Sum Qty (lbs)"]) for row in source_rows)
        assert abs(parsed - published) < Decimal("0.000001")
    months = {r["month_abbv"] for r in records}
    assert len(months) == 12


def test_a_real_aor_file_named_without_aor_is_taken_by_its_header():
    body = real_data("cbp", "nationwide-encounters-fy21-aor.csv").read_bytes()
    release = release_from_url(
        "https://www.cbp.gov/sites/default/files/assets/documents/2022-Oct/nationwide-encounters-fy20-fy22.csv"
    )
    assert release.taken_by_header and header_refusal(body, release) is None
