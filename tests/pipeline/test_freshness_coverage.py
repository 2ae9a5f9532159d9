"""Freshness by data coverage: the end of the newest period the published warehouse holds (on the shared
demo run's warehouse), with thresholds from the config, used by the run's freshness step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crossborder.core.config import load_settings
from crossborder.core.errors import CrossborderError, StaleSource
from crossborder.core.progress import Progress
from crossborder.pipeline.freshness import check_freshness, coverage
from tests.warehouse_utils import query

pytestmark = pytest.mark.e2e


@pytest.fixture
def in_demo(demo_data, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(demo_data))
    return demo_data


def _newest(demo_data, sql):
    return query(demo_data / "warehouse.duckdb", sql)[0][0]


def test_cbp_coverage_is_the_end_of_its_least_recent_newest_month(in_demo):
    encounters = _newest(in_demo, "select max(month_start) from marts.fct_border_encounters")
    seizures = _newest(in_demo, "select max(month_start) from marts.fct_drug_seizures")
    newest = min(encounters, seizures)
    end = datetime(newest.year + newest.month // 12, newest.month % 12 + 1, 1, tzinfo=UTC)
    # Thresholds of config/crossborder.toml: warn after 60 days, fail after 100.
    for days, state in ((10, "ok"), (80, "warning"), (130, "error")):
        (cbp,) = coverage(load_settings(), ["cbp"], now=end + timedelta(days=days))
        assert (cbp.state, cbp.covered_until, round(cbp.age_days)) == (state, end, days)
        assert f"newest month {newest:%Y-%m}, ended {end:%Y-%m-%d}" in cbp.describe()


def test_tip_coverage_ends_with_the_newest_editions_reporting_period(in_demo):
    edition = _newest(in_demo, "select max(report_year) from marts.fct_tip_tier_placements")
    (tip,) = coverage(load_settings(), ["tip"], now=datetime(edition, 7, 1, tzinfo=UTC))
    assert tip.covered_until == datetime(edition, 4, 1, tzinfo=UTC) and tip.state == "ok"
    (tip,) = coverage(load_settings(), ["tip"], now=datetime(edition + 3, 7, 1, tzinfo=UTC))
    assert tip.state == "error" and f"newest edition {edition}" in tip.describe()


def test_news_and_statcan_coverage(in_demo):
    article = _newest(in_demo, "select max(published_at) from marts.fct_news_articles")
    year = _newest(in_demo, "select max(ref_year) from marts.fct_statcan_trafficking_incidents")
    news, statcan = coverage(load_settings(), ["news", "statcan"], now=datetime(year + 1, 6, 1, tzinfo=UTC))
    assert news.covered_until == article.replace(tzinfo=UTC)
    assert statcan.covered_until == datetime(year + 1, 1, 1, tzinfo=UTC) and statcan.state == "ok"


def test_thresholds_come_from_the_config(in_demo, monkeypatch):
    (cbp,) = coverage(load_settings(), ["cbp"])
    assert cbp.state == "error"  # the demo data ends in 2025
    monkeypatch.setenv("CROSSBORDER_CBP_COVERAGE_ERROR_DAYS", "100000")
    monkeypatch.setenv("CROSSBORDER_CBP_COVERAGE_WARN_DAYS", "90000")
    (cbp,) = coverage(load_settings(), ["cbp"])
    assert (cbp.state, cbp.warn_days, cbp.error_days) == ("ok", 90000.0, 100000.0)


def test_a_missing_threshold_is_named(in_demo, tmp_path, monkeypatch):
    from crossborder.core.config import DEFAULT_CONFIG

    config = tmp_path / "crossborder.toml"
    config.write_text(DEFAULT_CONFIG.read_text().replace("coverage_error_days = 100.0\n", "", 1))
    monkeypatch.setenv("CROSSBORDER_CONFIG", str(config))
    with pytest.raises(CrossborderError, match=r"\[sources.cbp\] .* lacks the freshness threshold coverage_error_days"):
        coverage(load_settings(), ["cbp"])


def test_the_freshness_step_fails_on_old_data_fetched_today(in_demo, capsys):
    with pytest.raises(StaleSource, match=r"cbp: newest month \d{4}-\d{2}.*older than 100 days"):
        check_freshness(load_settings(), ["cbp"], Progress())
    captured = capsys.readouterr()
    assert "coverage cbp: newest month" in captured.out + captured.err
