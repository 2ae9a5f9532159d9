"""End to end: a local server plays Statistics Canada's WDS and serves a zipped table;
`crossborder run --source statcan` extracts, builds, passes the gate and publishes (ONE run);
then the fact, dim_geography and mart_canada_us_year are queried. Slow: marked e2e."""

from __future__ import annotations

import pytest

from crossborder.cli import EXIT_OK, main
from tests.samples.statcan import row, serve, table, zipped
from tests.warehouse_utils import query

pytestmark = pytest.mark.e2e


def test_run_source_statcan(env, site, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_STATCAN_BASE_URL", env["CROSSBORDER_CBP_BASE_URL"])
    rows = []
    for year, ab, on in ((2021, 38, 300), (2022, 41, 320)):
        rows += [
            row(year=str(year), geo="Canada", value=str(ab + on + 1)),
            row(year=str(year), geo="Alberta [48]", value=str(ab)),
            row(year=str(year), geo="Ontario [35]", value=str(on)),
            row(
                year=str(year),
                geo="Ontario [35]",
                violation="Material benefit - trafficking in persons [1526]",
                value="5",
            ),
            row(year=str(year), geo="Canada", violation="Material benefit - trafficking in persons [1526]", value="5"),
            row(year=str(year), geo="Ontario [35]", violation="Total, all violations [0]", value="999999"),
            row(year=str(year), geo="Canada", statistic="Rate per 100,000 population", value="0.9", decimals="2"),
        ]
    rows.append(
        row(year="2022", geo="Toronto, Ontario [35535]", statistic="Total, persons charged", value="", status="..")
    )
    serve(site, zipped(table(*rows)))
    # The [duckdb] limits reach dbt's DuckDB (a big table spills instead of exhausting memory).
    monkeypatch.setenv("CROSSBORDER_DUCKDB_MEMORY_LIMIT", "1GiB")
    monkeypatch.setenv("CROSSBORDER_DUCKDB_THREADS", "1")

    assert main(["run", "--source", "statcan"]) == EXIT_OK
    warehouse = env["CROSSBORDER_DATA_DIR"] + "/warehouse.duckdb"
    assert query(warehouse, "select duckdb_memory_limit, duckdb_threads from main.build_info") == [("1.0 GiB", 1)]

    assert query(
        warehouse,
        """select geography_level, count(*) from marts.fct_statcan_trafficking_incidents
                               group by all order by 1""",
    ) == [("census_metropolitan_area", 1), ("country", 6), ("province_territory", 6)]
    assert query(
        warehouse,
        """select status, value from marts.fct_statcan_trafficking_incidents
                               where geography_level = 'census_metropolitan_area'""",
    ) == [("..", None)]
    assert query(
        warehouse,
        """select calendar_year, ca_incidents_trafficking_in_persons, ca_incidents_all_trafficking_violations,
                                      ca_rate_trafficking_in_persons_per_100k,
                                      ca_incidents_all_trafficking_violations_by_province['Ontario'],
                                      ca_provinces_reporting, cbp_northern_land_border_encounters
                               from marts.mart_canada_us_year order by calendar_year""",
    ) == [(2021, 339.0, 344.0, 0.9, 305.0, 2, None), (2022, 362.0, 367.0, 0.9, 325.0, 2, None)]
    assert query(
        warehouse,
        """select geography_key, dguid from marts.dim_geography
                               where geography_key in ('CA-48', 'CA-62') order by 1""",
    ) == [("CA-48", "2016A000248"), ("CA-62", "2021A000262")]
