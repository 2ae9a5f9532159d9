"""Report test fixtures, all on the dbt-built demo warehouse (tests/conftest.py `demo_data`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossborder.core.config import Settings, load_settings
from crossborder.core.files import SAMPLE_MARKER
from tests.report.samples import copy_data_dir, make_cbp_only, make_hostile


def settings_for(data_dir: Path) -> Settings:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CROSSBORDER_DATA_DIR", str(data_dir))
        return load_settings()


@pytest.fixture(scope="session")
def demo_report(demo_data) -> str:
    """The briefing report of the demo warehouse, written once (where the demo run writes it)."""
    from crossborder.report import report_path, write_report

    settings = settings_for(demo_data)
    path = write_report(settings)
    assert path == report_path(settings) and path.parent == demo_data / "reports"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def hostile_data(demo_data, tmp_path_factory) -> Path:
    """A copy of the demo data directory with hostile text in its rows and quarantine."""
    data = copy_data_dir(demo_data, tmp_path_factory.mktemp("hostile") / "data")
    make_hostile(data)
    return data


@pytest.fixture(scope="session")
def hostile_report(hostile_data) -> str:
    from crossborder.report import write_report

    return write_report(settings_for(hostile_data)).read_text(encoding="utf-8")


@pytest.fixture
def cbp_only(demo_data, tmp_path, monkeypatch) -> Settings:
    """Settings on a copy of the demo data holding CBP data only, as live data (no sample marker),
    so `crossborder run` accepts it."""
    data = copy_data_dir(demo_data, tmp_path / "data")
    make_cbp_only(data)
    (data / SAMPLE_MARKER).unlink()
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(data))
    monkeypatch.setenv("CROSSBORDER_CBP_COVERAGE_ERROR_DAYS", "36500")  # the demo data ends in 2025
    return load_settings()
