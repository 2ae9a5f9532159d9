"""The editions a TIP run reads: years, ranges and `latest`, and what is refused."""

from __future__ import annotations

import pytest

from extractors.tip.editions import parse_editions


def test_editions_are_validated():
    assert parse_editions(["2019", "2021-2022"], this_year=2025) == ([2019, 2021, 2022], set())
    assert parse_editions("2017,2020", this_year=2025) == ([2017, 2020], set())
    for bad, reason in (
        ("2015", "not on the HTML site"),
        ("2030", "future"),
        ("21-22", "not a year"),
        ("2022-2020", "ends before"),
    ):
        with pytest.raises(Exception, match=reason):
            parse_editions(bad, this_year=2025)
