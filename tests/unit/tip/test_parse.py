"""The TIP page parser (pure): headings in both formats, the movement sentence, sections, figures,
the demo mirror's pages, and the records of a page against the declared record schema."""

from __future__ import annotations

import pytest

from extractors.schema import record_columns
from extractors.tip.discover import discover_country_pages
from extractors.tip.parse import (
    PageUnreadable,
    enforcement_figures,
    find_movement,
    page_records,
    parse_heading,
    parse_html,
)
from tests.conftest import FIXTURES
from tests.samples.tip import country_page


def sections_of(narrative) -> dict[str, str]:
    return {s["section"]: s["text"] for s in narrative.sections}


# -- heading -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("CANADA: Tier 1", ("CANADA", "Tier 1")),
        ("CANADA (Tier 1)", ("CANADA", "Tier 1")),
        ("UNITED STATES OF AMERICA (Tier 1)", ("UNITED STATES OF AMERICA", "Tier 1")),
        ("KOREA, NORTH: Tier 3", ("KOREA, NORTH", "Tier 3")),
        (
            "CONGO, DEMOCRATIC REPUBLIC OF THE: Tier 2 Watch List",
            ("CONGO, DEMOCRATIC REPUBLIC OF THE", "Tier 2 Watch List"),
        ),
        ("CÔTE D’IVOIRE (Tier 2)", ("CÔTE D’IVOIRE", "Tier 2")),
        ("LIBYA: Special Case", ("LIBYA", "Special Case")),
        ("YEMEN (Special Case)", ("YEMEN", "Special Case")),
        ("BURMA:\u00a0 TIER 2 WATCH LIST", ("BURMA", "Tier 2 Watch List")),
        (
            "CHINA (INCLUDES TIBET, HONG KONG, AND MACAU) (Tier 3)",
            ("CHINA (INCLUDES TIBET, HONG KONG, AND MACAU)", "Tier 3"),
        ),
    ],
)
def test_heading_in_both_formats(text, expected):
    assert parse_heading(text) == expected


@pytest.mark.parametrize(
    "text", ["CANADA", "Tier 1", "CANADA: Tier 4", "The Tier 1 ranking explained", "Country Narratives"]
)
def test_not_a_country_heading(text):
    assert parse_heading(text) is None


def test_colon_format_page_2021():
    narrative = parse_html(country_page("Canada", "Tier 2", 2021))
    assert (narrative.country_name, narrative.placement, narrative.heading) == ("CANADA", "Tier 2", "CANADA: Tier 2")


def test_parenthesis_format_page_2022():
    narrative = parse_html(country_page("United States of America", "Tier 1", 2022))
    assert (narrative.country_name, narrative.placement) == ("UNITED STATES OF AMERICA", "Tier 1")
    assert narrative.heading == "UNITED STATES OF AMERICA (Tier 1)"


def test_tier_is_read_from_the_heading_not_from_body_text_before_it():
    explainer = (
        "<p>The Department places each country onto one of four tiers. Tier 1 is the highest ranking; "
        "countries on Tier 1 fully meet the minimum standards.</p><h3>Tier 1 explained</h3>"
    )
    narrative = parse_html(country_page("Mexico", "Tier 2", 2021, before_heading=explainer))
    assert narrative.placement == "Tier 2"
    assert narrative.movement_stated_placement == "Tier 2"


def test_qualifier_is_kept_as_written_and_stripped_for_matching():
    narrative = parse_html(
        country_page("China", "Tier 3", 2022, heading_text="CHINA (INCLUDES TIBET, HONG KONG, AND MACAU) (Tier 3)")
    )
    assert narrative.country_name_in_report == "CHINA (INCLUDES TIBET, HONG KONG, AND MACAU)"
    assert narrative.country_name == "CHINA"


@pytest.mark.parametrize(
    "heading_text, reason",
    [
        ("CANADA", "no heading of the form"),
        ("CANADA: Tier 4", "names no known placement"),
    ],
)
def test_page_without_readable_tier_is_unreadable(heading_text, reason):
    with pytest.raises(PageUnreadable, match=reason):
        parse_html(country_page("Canada", "Tier 1", 2020, heading_text=heading_text))


def test_an_error_page_is_unreadable():
    with pytest.raises(PageUnreadable):
        parse_html("<html><body><h1>Page not found</h1><p>Sorry.</p></body></html>")


# -- sections ---------------------------------------------------------------------------------------
def test_sections_are_split_as_clean_text():
    narrative = parse_html(country_page("Canada", "Tier 1", 2020))
    sections = sections_of(narrative)
    assert list(sections) == [
        "summary",
        "prioritized_recommendations",
        "prosecution",
        "protection",
        "prevention",
        "trafficking_profile",
    ]
    assert sections["summary"].startswith("The Government of Canada does not fully meet")
    assert sections["prioritized_recommendations"] == (
        "Increase investigations and prosecutions of labor trafficking.\n"
        "Train front-line officials on victim identification procedures."
    )
    assert sections["prevention"] == "The government maintained prevention efforts and funded a national hotline."
    assert "Office to Monitor" not in sections["trafficking_profile"]  # page chrome is not narrative
    assert narrative.layout == "assessment_first"


def test_site_content_after_the_narrative_is_not_narrative():
    related = "<h2>Related Articles</h2><ul><li>Report on International Religious Freedom</li></ul>"
    page = country_page("Canada", "Tier 1", 2023).replace("</div></article>", f"</div>{related}</article>")
    sections = sections_of(parse_html(page))
    assert sections["trafficking_profile"].endswith("traffickers exploit domestic and foreign victims in the country.")
    assert "Religious Freedom" not in "".join(sections.values())


def test_sections_in_any_order_and_inline_bold_titles():
    page = country_page(
        "Mexico",
        "Tier 2",
        2023,
        sections={
            "TRAFFICKING PROFILE": "Traffickers exploit victims in agriculture.",
            "PROTECTION": "The government identified 40 victims.",
            "PREVENTION": "The government ran campaigns.",
        },
    ).replace(
        "</div></article>",
        "<p><strong>PROSECUTION:</strong> The government convicted 12 traffickers.</p></div></article>",
    )
    narrative = parse_html(page)
    assert [(s["section"], s["section_order"]) for s in narrative.sections] == [
        ("summary", 1),
        ("trafficking_profile", 2),
        ("protection", 3),
        ("prevention", 4),
        ("prosecution", 5),
    ]
    assert sections_of(narrative)["prosecution"] == "The government convicted 12 traffickers."
    assert {f["measure"]: f["value"] for f in narrative.figures} == {"convictions": 12, "victims_identified": 40}


def test_pre_2017_layout_profile_first():
    page = country_page(
        "Canada",
        "Tier 1",
        2016,
        profile_first=(
            "Canada is a source, transit, and destination country for men, women, and children "
            "subjected to sex trafficking."
        ),
        summary_text="The Government of Canada fully meets the minimum standards for the elimination of trafficking.",
        sections={
            "RECOMMENDATIONS FOR CANADA:": ["Vigorously prosecute traffickers."],
            "PROSECUTION": "The government sustained efforts.",
            "PROTECTION": "The government protected victims.",
            "PREVENTION": "The government prevented trafficking.",
        },
    )
    narrative = parse_html(page)
    assert narrative.layout == "profile_first"
    assert [s["section"] for s in narrative.sections] == [
        "trafficking_profile",
        "summary",
        "prioritized_recommendations",
        "prosecution",
        "protection",
        "prevention",
    ]
    assert sections_of(narrative)["trafficking_profile"].startswith("Canada is a source, transit")
    assert sections_of(narrative)["prioritized_recommendations"] == "Vigorously prosecute traffickers."


# -- movement --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The government made key achievements; therefore Canada remained on Tier 1.", ("remained", "Tier 1")),
        ("These efforts were significant; therefore Mexico was upgraded to Tier 2.", ("upgraded", "Tier 2")),
        (
            "The government did not demonstrate increasing efforts; "
            "therefore Burma was downgraded to Tier 2 Watch List.",
            ("downgraded", "Tier 2 Watch List"),
        ),
        ("Libya remains a Special Case for the ninth consecutive year.", ("remained", "Special Case")),
    ],
)
def test_movement_sentence(sentence, expected):
    summary = f"The Government of X does not fully meet the minimum standards. {sentence} Other efforts followed."
    kind, placement, found = find_movement(summary)
    assert (kind, placement) == expected
    assert found == sentence


def test_movement_sentence_absent_or_contradictory_gives_no_movement():
    assert find_movement("The Government of X fully meets the minimum standards.") == (None, None, None)
    contradictory = "X was upgraded to Tier 2 and remained on Tier 3."
    assert find_movement(contradictory) == (None, None, contradictory)


# -- enforcement figures -----------------------------------------------------------------------------
def test_enforcement_figures_with_their_sentences():
    narrative = parse_html(country_page("Canada", "Tier 1", 2020))
    figures = {f["measure"]: f for f in narrative.figures}
    assert {m: f["value"] for m, f in figures.items()} == {
        "investigations": 31,
        "prosecutions": 19,
        "convictions": 11,
        "victims_identified": 215,
    }
    assert figures["convictions"]["evidence_sentence"].startswith("The government reported investigating 31 cases")
    assert figures["victims_identified"]["evidence_sentence"] == (
        "Authorities identified 215 trafficking victims, an increase from 140 in the previous reporting period."
    )
    assert figures["victims_identified"]["section"] == "protection"


@pytest.mark.parametrize(
    "sentence, measure, value, note",
    [
        ("The government initiated 1,204 investigations in 2022.", "investigations", 1204, None),
        ("Authorities prosecuted seven alleged traffickers and convicted five.", "prosecutions", 7, None),
        ("The government convicted no traffickers.", "convictions", 0, None),
        # "an increase from" (not only "a decrease from") introduces the previous period's number.
        ("Courts convicted 248 traffickers, an increase from 133 convictions in 2019.", "convictions", 248, None),
        ("Authorities identified at least 40 victims.", "victims_identified", None, "estimate or a bound"),
        (
            "Police identified 12 victims, and NGOs identified 30 potential victims.",
            "victims_identified",
            None,
            "2 different numbers",
        ),
    ],
)
def test_figures_exact_or_null_when_ambiguous(sentence, measure, value, note):
    section = "protection" if measure == "victims_identified" else "prosecution"
    [figure] = [f for f in enforcement_figures({section: sentence}) if f["measure"] == measure]
    assert figure["value"] == value
    assert figure["evidence_sentence"] == sentence
    assert (figure["note"] is None) if note is None else (note in figure["note"])


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2019 investigations increased.",  # a year is no count
        "The government participated in one of the investigations led by INTERPOL.",
        "The government did not report how many cases it investigated.",
    ],
)
def test_no_figure_is_guessed(sentence):
    assert enforcement_figures({"prosecution": sentence}) == []


def test_charset_named_only_in_meta_is_honoured():
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body>'
        "<h2>CÔTE D’IVOIRE: Tier 2</h2><p>The Government of Côte d’Ivoire does not fully meet the minimum "
        "standards; therefore Côte d’Ivoire remained on Tier 2.</p></body></html>"
    ).encode("cp1252")
    narrative = parse_html(html)
    assert narrative.country_name == "CÔTE D’IVOIRE" and narrative.placement == "Tier 2"
    assert "Côte d’Ivoire remained on Tier 2" in narrative.movement_sentence


def test_demo_mirror_editions_parse_without_quarantine():
    """The offline demo's TIP pages: every linked page reads, in both heading formats."""
    from pathlib import Path

    from crossborder.core.config import PROJECT_ROOT
    from crossborder.core.config import load_settings as settings_of

    source = settings_of().source("tip")
    mirror = PROJECT_ROOT / "demo" / "mirror"
    headings = []
    for index in sorted(mirror.glob("reports/*-trafficking-in-persons-report/index.html")):
        url = "https://www.state.gov/" + str(index.parent.relative_to(mirror)) + "/"
        for page in discover_country_pages(index.read_bytes(), url, source):
            html = Path(mirror, page.removeprefix("https://www.state.gov/"), "index.html")
            if html.exists():  # Kosovo 2023 is linked without a page: a 404 in the demo
                headings.append(parse_html(html.read_bytes()).heading)
    assert len(headings) == 20
    assert "CANADA: Tier 1" in headings and "MEXICO (Tier 2 Watch List)" in headings


def test_page_records_have_exactly_the_declared_fields():
    narrative = parse_html((FIXTURES / "tip" / "canada-2022.html").read_bytes())
    edition = {
        "report_year": 2022,
        "report_slug": "2022-trafficking-in-persons-report",
        "index_url": "https://www.state.gov/reports/2022-trafficking-in-persons-report/",
        "served_by": "main",
        "source_host": "www.state.gov",
    }
    records = page_records(
        narrative,
        edition=edition,
        page_url=edition["index_url"] + "canada/",
        page_slug="canada",
        raw_sha256="0" * 64,
        fetched_at="2024-06-01T00:00:00+00:00",
    )
    assert {dataset: len(rows) for dataset, rows in records.items()} == {
        "country_pages": 1,
        "sections": len(narrative.sections),
        "enforcement_figures": len(narrative.figures),
    }
    assert records["sections"] and records["enforcement_figures"]
    for dataset, rows in records.items():
        declared = record_columns("tip", dataset)
        assert all(row.keys() == declared.keys() for row in rows), dataset
    assert records["country_pages"][0]["placement"] == "Tier 1"
