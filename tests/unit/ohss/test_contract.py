"""Contract test: the parser and the gate's rounding check against the real OHSS workbook in
../shared/real-data/ohss (skipped where it is absent)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from crossborder.core.config import load_settings
from expectations.suites.ohss import _agreement_sql
from extractors.ohss.parse import WorkbookLog, parse_workbook
from extractors.ohss.schema import REQUIRED_SHEETS
from tests.conftest import real_data

pytestmark = pytest.mark.contract


@pytest.fixture(scope="module")
def real_workbook():
    path = real_data("ohss", "KHSM Encounters (USBP) fy25m11.xlsx")
    log = WorkbookLog()
    records = parse_workbook(
        path.read_bytes(), workbook=path.stem, source_url="file:" + path.name, raw_sha256="real",
        fetched_at="2025-09-01T00:00:00+00:00", log=log,
    )  # fmt: skip
    return records, log


def test_every_sheet_of_the_real_workbook_reads_without_a_reject(real_workbook):
    records, log = real_workbook
    assert not log.rejects
    assert len(log.kept) == 16 and set(REQUIRED_SHEETS) <= log.kept.keys()
    monthly = pd.DataFrame(records["monthly"])
    assert monthly["fiscal_year"].min() == 2000
    # The last fiscal year is partial: the real copy ends in November (fiscal month 2).
    last = monthly[monthly["fiscal_year"] == monthly["fiscal_year"].max()]
    assert sorted(last["fiscal_month"].unique()) == [1, 2]
    assert set(monthly["region"].dropna()) == {"Coastal Border", "Northern Land Border", "Southwest Land Border"}
    assert (monthly["quantity"] % 10 == 0).all()  # every value rounded to tens


def test_the_real_workbooks_months_add_up_to_its_years_within_rounding(real_workbook):
    """The gate's own SQL over the real workbook: every annual cell of every sheet agrees with its months."""
    records, _ = real_workbook
    con = duckdb.connect()
    for kind in ("annual", "monthly"):
        frame = pd.DataFrame(records[kind]).rename(columns={"quantity": "encounter_count"})  # noqa: F841
        con.execute("create schema if not exists staging")
        con.execute(f"create table staging.stg_ohss__{kind}_encounters as select * from frame")
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_ohss__workbooks as select 'real' as raw_sha256, true as is_current")
    con.execute(
        """create table intermediate.int_ohss__fiscal_year_coverage as
           select fiscal_year, count(distinct fiscal_month) as months_covered
           from staging.stg_ohss__monthly_encounters where sheet = 'Monthly Count' group by 1"""
    )
    per_cell = load_settings().thresholds("ohss")["max_rounding_per_cell"]
    compared = con.execute(_agreement_sql(per_cell)).df()
    assert len(compared) >= len(records["annual"])  # every annual cell compared
    assert compared["is_within_rounding"].all(), compared[~compared["is_within_rounding"]].head()
    # The bound is not slack: a tenth of it would fail cells of the real workbook.
    assert (abs(compared["annual_count"] - compared["months_sum"]) > compared["bound"] / 10).any()


def test_the_real_workbooks_fy2021_cells_are_cbps_real_fy2021_figures_rounded_to_tens(real_workbook, tmp_path):
    """Where the two publishers overlap, OHSS's month x sector cells are CBP's nationwide file's
    Border Patrol counts rounded to tens (absent when they round to zero), sector names mapping
    onto CBP's (`Blaine, WA` -> `Blaine Sector`) and regions onto CBP's (`Coastal Border` -> `Other`)."""
    from extractors.cbp.discover import release_from_url
    from extractors.cbp.schema import MONTHS
    from extractors.csv_files import RowLog
    from tests.samples.cbp import stage_bytes

    body = real_data("cbp", "nationwide-encounters-fy21-aor.csv").read_bytes()
    release = release_from_url(
        "https://www.cbp.gov/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-aor.csv"
    )
    cbp = pd.DataFrame(stage_bytes(body, release, RowLog(), tmp_path))
    cbp = cbp[(cbp["component"] == "U.S. Border Patrol") & (cbp["fiscal_year"] == 2021)]
    months = {abbv: n for n, abbv in enumerate(MONTHS[9:] + MONTHS[:9], 1)}  # OCT = fiscal month 1
    cbp_cells = (
        cbp.assign(fiscal_month=cbp["month_abbv"].map(months))
        .groupby(["fiscal_month", "area_of_responsibility"])["encounter_count"]
        .sum()
    )

    records, _ = real_workbook
    monthly = pd.DataFrame(records["monthly"])
    ohss = monthly[(monthly["sheet"] == "Monthly Rgn and Sector") & (monthly["fiscal_year"] == 2021)]
    ohss_cells = (
        ohss.assign(area_of_responsibility=ohss["sector"].str.split(",").str[0] + " Sector")
        .groupby(["fiscal_month", "area_of_responsibility"])["quantity"]
        .sum()
    )
    assert set(ohss_cells.index) <= set(cbp_cells.index)  # every OHSS sector is a CBP sector
    compared = pd.concat([cbp_cells, ohss_cells], axis=1).fillna(0)
    assert len(compared) > 200
    assert ((compared["encounter_count"] - compared["quantity"]).abs() <= 5).all()

    regions = {"Coastal Border": "Other", "Northern Land Border": "Northern Land Border"}
    by_region = ohss.assign(region=ohss["region"].replace(regions)).groupby("region")["quantity"].sum()
    cbp_by_region = cbp.groupby("land_border_region")["encounter_count"].sum()
    for region, total in by_region.items():
        assert abs(cbp_by_region[region] - total) <= 5 * ohss[ohss["region"].replace(regions) == region].shape[0]


def test_every_citizenship_of_the_real_workbook_is_a_country_or_a_declared_bucket(real_workbook):
    """The names OHSS writes (`China, People's Republic`, `Congo, Democratic Republic`, ...) resolve
    through the same seeds and normal form as dbt's resolve_citizenships macro."""
    import csv

    from crossborder.core.config import PROJECT_ROOT
    from extractors.text import normalize_country_alias

    seeds = PROJECT_ROOT / "dbt_project" / "seeds"
    with (seeds / "country_aliases.csv").open(encoding="utf-8", newline="") as handle:
        aliases = {normalize_country_alias(r["alias"]) for r in csv.DictReader(handle)}
    with (seeds / "country_buckets.csv").open(encoding="utf-8", newline="") as handle:
        buckets = {normalize_country_alias(r["bucket"]) for r in csv.DictReader(handle)}
    records, _ = real_workbook
    names = {r["citizenship"] for r in records["annual"] if r["citizenship"]}
    assert len(names) > 150
    assert sorted(n for n in names if normalize_country_alias(n) not in aliases | buckets) == []
