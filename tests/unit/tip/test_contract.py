"""Contract tests: the TIP parser on the real text excerpts in ../shared/real-data/tip/ (skipped if absent)."""

from __future__ import annotations

import pytest

from extractors.tip.parse import (
    parse_text,
)
from tests.conftest import real_data


def sections_of(narrative) -> dict[str, str]:
    return {s["section"]: s["text"] for s in narrative.sections}


# -- contract tests: real text excerpts ------------------------------------------------------------
def excerpt(name: str) -> str:
    """The narrative text of a real-data excerpt, without its provenance header and end marker."""
    text = real_data("tip", name).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    return body.replace("[excerpt ends]", "")


@pytest.mark.contract
@pytest.mark.parametrize(
    "name, country, placement, first_recommendation",
    [
        (
            "state.gov_2019-trafficking-in-persons-report-2_canada.txt",
            "CANADA",
            "Tier 1",
            "Publish and implement a new national anti-trafficking action plan.",
        ),
        (
            "state.gov_2020-trafficking-in-persons-report_canada.txt",
            "CANADA",
            "Tier 1",
            "Vigorously prosecute traffickers and impose adequately strong sentences on convicted traffickers.",
        ),
        (
            "state.gov_2021-trafficking-in-persons-report_mexico.txt",
            "MEXICO",
            "Tier 2",
            "Develop, implement, and fund a national strategic action plan on victim services,",
        ),
    ],
)
def test_real_excerpts_heading_movement_and_sections(name, country, placement, first_recommendation):
    narrative = parse_text(excerpt(name))
    assert (narrative.country_name, narrative.placement, narrative.layout) == (country, placement, "assessment_first")
    # The site banner before the heading is not narrative; the movement sentence is the summary's.
    assert (narrative.movement_stated, narrative.movement_stated_placement) == ("remained", placement)
    assert narrative.movement_sentence.endswith(f"therefore {country.title()} remained on {placement}.")
    sections = sections_of(narrative)
    assert sections["summary"].startswith(f"The Government of {country.title()}")
    assert "official website" not in sections["summary"]
    assert sections["prioritized_recommendations"].startswith(first_recommendation)
    assert first_recommendation not in sections["summary"]
    # The excerpts mention investigations, prosecutions and convictions without numbers: nothing guessed.
    assert narrative.figures == []


@pytest.mark.contract
def test_real_excerpt_bulleted_recommendations_become_lines():
    sections = sections_of(parse_text(excerpt("state.gov_2019-trafficking-in-persons-report-2_canada.txt")))
    lines = sections["prioritized_recommendations"].splitlines()
    assert lines[:2] == [
        "Publish and implement a new national anti-trafficking action plan.",
        "Vigorously prosecute traffickers and impose adequately strong sentences on convicted traffickers.",
    ]
    assert not any("•" in line for line in lines)


@pytest.mark.contract
def test_real_excerpt_2016_profile_first():
    narrative = parse_text(excerpt("2009-2017.state.gov_2016_canada_258740.txt"))
    assert (narrative.country_name, narrative.placement, narrative.layout) == ("CANADA", "Tier 1", "profile_first")
    sections = sections_of(narrative)
    assert list(sections)[:2] == ["trafficking_profile", "summary"]
    assert sections["trafficking_profile"].startswith("Canada is a source, transit, and destination country")
    assert sections["summary"].startswith("The Government of Canada fully meets the minimum standards")
    assert "Office To Monitor" not in sections["trafficking_profile"]
    assert narrative.movement_stated is None  # the excerpt is cut before any movement sentence
