"""Gate thresholds are configuration (config/crossborder.toml), typed, and a mistyped key is an
error when the configuration is loaded, naming the key and the known ones."""

from __future__ import annotations

import pytest

from crossborder.core import config
from crossborder.core.config import GATE_THRESHOLDS, load_settings
from crossborder.core.errors import CrossborderError
from expectations.suites import all_checks


def write(tmp_path, old: str, new: str):
    text = config.DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "crossborder.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_thresholds_are_read_typed_from_the_config():
    settings = load_settings({})
    assert settings.thresholds("tip") == {
        "min_countries_per_edition": 180,
        "max_countries_per_edition": 200,
        "max_countries_dropped": 5,
    }
    assert settings.thresholds("news") == {"min_topic_share": 0.3}
    assert settings.thresholds("statcan") == {"required_provinces": ["source"]}
    assert settings.thresholds("cbp") == {"max_release_drop_share": 0.005}
    assert settings.thresholds("ohss") == {"max_rounding_per_cell": 5}
    assert set(GATE_THRESHOLDS) == {"cbp", "tip", "news", "statcan", "ohss"}
    with pytest.raises(CrossborderError, match="has no quality gate thresholds"):
        settings.thresholds("nosuchsource")


@pytest.mark.parametrize(
    "old, new, table",
    [
        ("min_countries_per_edition = 180", "min_countries_per_edtion = 180", "[sources.tip]"),  # renamed
        (
            "min_countries_per_edition = 180",
            "min_countries_per_edition = 180\nmin_countries_per_edtion = 170",
            "[sources.tip]",
        ),  # beside the right one, silently ignored otherwise
        ("min_countries_per_edition = 3", "min_countries_per_edtion = 3", "[sources.tip.demo_overrides]"),
    ],
)
def test_a_mistyped_threshold_in_a_config_file_is_an_error_naming_it(tmp_path, old, new, table):
    path = write(tmp_path, old, new)
    with pytest.raises(CrossborderError) as error:
        load_settings({"CROSSBORDER_CONFIG": str(path)})
    message = str(error.value)
    assert table in message and "unknown key min_countries_per_edtion" in message
    assert "did you mean min_countries_per_edition?" in message
    assert "max_countries_dropped, max_countries_per_edition, min_countries_per_edition" in message  # the known ones


def test_a_mistyped_threshold_in_the_repository_config_is_an_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DEFAULT_CONFIG", write(tmp_path, "min_topic_share = 0.3", "min_topic_shar = 0.3"))
    with pytest.raises(CrossborderError, match=r"lacks the quality gate threshold min_topic_share \(is min_topic_shar"):
        load_settings({})


def test_a_threshold_of_the_wrong_type_is_an_error(tmp_path):
    path = write(tmp_path, "max_countries_dropped = 5", 'max_countries_dropped = "five"')
    with pytest.raises(CrossborderError, match="threshold max_countries_dropped = 'five' is not a int"):
        load_settings({"CROSSBORDER_CONFIG": str(path)})


def test_suites_take_the_settings_they_are_given(monkeypatch):
    monkeypatch.delenv("CROSSBORDER_NEWS_MIN_TOPIC_SHARE", raising=False)
    given = load_settings({"CROSSBORDER_NEWS_MIN_TOPIC_SHARE": "0.9", "CROSSBORDER_TIP_MIN_COUNTRIES_PER_EDITION": "7"})
    checks = {c.name: c for c in all_checks(None, given)}
    assert "topic share at least 0.9" in checks["news.article_health"].description
    assert "7 to 200 countries" in checks["tip.edition_coverage"].description
