"""Configuration: the repo's file, overridden from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossborder.core.config import load_settings
from crossborder.core.errors import CrossborderError


def test_defaults_point_at_the_official_cbp_site():
    settings = load_settings({})
    cbp = settings.source("cbp")
    assert cbp.base_url == "https://www.cbp.gov"
    assert cbp.url(cbp.option("encounters_page")) == "https://www.cbp.gov/document/stats/nationwide-encounters"
    assert cbp.allowed_hosts == frozenset({"www.cbp.gov"})
    assert settings.data_dir.name == "data"
    assert settings.http.requests_per_second_per_host == 1.0 and settings.http.obey_robots_txt


def test_environment_overrides_urls_data_dir_and_http_settings(tmp_path):
    settings = load_settings(
        {
            "CROSSBORDER_DATA_DIR": str(tmp_path / "elsewhere"),
            "CROSSBORDER_CBP_BASE_URL": "http://mirror.example:8080",
            "CROSSBORDER_HTTP_READ_TIMEOUT_S": "12.5",
            "CROSSBORDER_HTTP_MAX_ATTEMPTS": "2",
            "CROSSBORDER_HTTP_OBEY_ROBOTS_TXT": "false",
        }
    )
    cbp = settings.source("cbp")
    assert settings.data_dir == tmp_path / "elsewhere"
    assert (
        cbp.url("/document/stats/nationwide-encounters")
        == "http://mirror.example:8080/document/stats/nationwide-encounters"
    )
    # A mirror named in configuration is allowed, beside the official host.
    assert cbp.allowed_hosts == frozenset({"www.cbp.gov", "mirror.example"})
    assert settings.http.read_timeout_s == 12.5 and settings.http.max_attempts == 2
    assert settings.http.obey_robots_txt is False


def test_another_config_file_can_be_named(tmp_path):
    text = (load_settings({}).config_file.read_text()).replace(
        "requests_per_second_per_host = 1.0", "requests_per_second_per_host = 0.25"
    )
    other = tmp_path / "other.toml"
    other.write_text(text)
    assert load_settings({"CROSSBORDER_CONFIG": str(other)}).http.requests_per_second_per_host == 0.25


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"CROSSBORDER_HTTP_MAX_ATTEMPTS": "many"}, "CROSSBORDER_HTTP_MAX_ATTEMPTS='many' is not valid"),
        ({"CROSSBORDER_HTTP_OBEY_ROBOTS_TXT": "perhaps"}, "expected true or false"),
        (
            {"CROSSBORDER_CONFIG": "/nonexistent/crossborder.toml"},
            "config file /nonexistent/crossborder.toml not found",
        ),
    ],
)
def test_bad_configuration_is_named_in_the_error(environ, message):
    with pytest.raises(CrossborderError, match=message):
        load_settings(environ)


def test_unknown_source_is_named():
    with pytest.raises(CrossborderError, match="unknown source 'nowhere'"):
        load_settings({}).source("nowhere")


def test_duckdb_limits_come_from_the_config_and_the_environment_and_bad_ones_are_named(tmp_path):
    assert load_settings({}).duckdb.config() == {}  # DuckDB's own defaults
    environ = {"CROSSBORDER_DUCKDB_MEMORY_LIMIT": "1.5GiB", "CROSSBORDER_DUCKDB_THREADS": "2"}
    assert load_settings(environ).duckdb.config() == {"memory_limit": "1.5GiB", "threads": "2"}
    with pytest.raises(CrossborderError, match=r"\[duckdb\].*memory_limit = 'lots' is not a DuckDB memory size"):
        load_settings({"CROSSBORDER_DUCKDB_MEMORY_LIMIT": "lots"})
    with pytest.raises(CrossborderError, match="CROSSBORDER_DUCKDB_THREADS='many' is not valid"):
        load_settings({"CROSSBORDER_DUCKDB_THREADS": "many"})
    config = tmp_path / "crossborder.toml"
    config.write_text(
        (Path(__file__).parents[2] / "config" / "crossborder.toml").read_text().replace("threads = 0", "threads = -1")
    )
    with pytest.raises(CrossborderError, match=r"threads = -1 is not a whole number >= 0"):
        load_settings({"CROSSBORDER_CONFIG": str(config)})
