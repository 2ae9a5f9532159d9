"""Contract test: the parser against the real excerpt of table 35-10-0177-01 in ../shared/real-data."""

from __future__ import annotations

import pytest

from extractors.statcan.parse import TableLog, stage_table_csv
from tests.conftest import real_data
from tests.warehouse_utils import staged_records

pytestmark = pytest.mark.contract


def test_contract_real_excerpt(tmp_path):
    path = real_data("statcan", "statcan_35-10-0177-01_trafficking_in_persons_alberta_2017-2021.csv")
    stats = TableLog()
    out = tmp_path / "35100177.parquet"
    stage_table_csv(path, out, table_id="35100177", source_url="u", raw_sha256="s", log=stats)
    records = staged_records(out)
    assert len(records) == 80 and not stats.rejects
    assert {r["geography"] for r in records} == {"Alberta [48]"}
    assert {r["violation_code"] for r in records} == {"1525"}
    assert {r["ref_year"] for r in records} == {2017, 2018, 2019, 2020, 2021}
    incidents = {r["ref_year"]: r["value"] for r in records if r["statistic"] == "Actual incidents"}
    assert incidents[2017] == 9 and incidents[2021] == 38
    assert "Total, persons charged" in {r["statistic"] for r in records}
