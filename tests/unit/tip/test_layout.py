"""TIP layout by structure (issue 15, finding 2): full-length narratives shaped like the live pages,
with every section, with short blocks under the country heading (a link line, "Download PDF", a
share line, a caption, a dateline) and with sections missing; the enforcement figures they state.

Fixtures (invented text in the real pages' shape, see ../shared/real-data/tip/):
united-states-2024.html (HTML, a link line under the heading, as on the mirror copy of the issue),
mexico-2021.txt (plain-text extraction, "Download PDF" under the heading, recommendations without a
heading) and canada-2016.txt (pre-2017: profile first, "RECOMMENDATIONS FOR CANADA:" inline).
"""

from __future__ import annotations

import re

import pytest

from extractors.tip.parse import parse_html, parse_text, sentences
from tests.conftest import FIXTURES

ALL_SECTIONS = [
    "summary",
    "prioritized_recommendations",
    "prosecution",
    "protection",
    "prevention",
    "trafficking_profile",
]
LINK_LINE = '<p><a href="/reports/2024-trafficking-in-persons-report/">2024 Trafficking in Persons Report</a></p>'
# Short blocks a live page may carry between the country heading and the assessment.
FURNITURE = {
    "link line": (LINK_LINE, "2024 Trafficking in Persons Report"),
    "download pdf": ('<p><a href="/wp-content/uploads/2024/06/2024-TIP-Report.pdf">Download PDF</a></p>', "Download"),
    "share line": (
        '<ul class="social-share"><li><a href="#">Facebook</a></li><li><a href="#">X</a></li>'
        '<li><a href="#">Email</a></li></ul>',
        "Facebook",
    ),
    "caption": (
        '<p class="wp-caption-text">Survivors and advocates at a vigil in Washington, DC, on the World Day against '
        "Trafficking in Persons. (Photo: Department of State)</p>",
        "vigil",
    ),
    "dateline": ("<p>June 24, 2024</p>", "June 24"),
}


def sections_of(narrative) -> dict[str, str]:
    return {s["section"]: s["text"] for s in narrative.sections}


def us_page(*, under_heading: str = LINK_LINE, without: tuple[str, ...] = ()) -> str:
    """The 2024 United States page with under_heading in place of its link line and the sections
    titled in without taken out (heading and text; "PRIORITIZED RECOMMENDATIONS:" heading only)."""
    html = (FIXTURES / "tip" / "united-states-2024.html").read_text(encoding="utf-8")
    assert LINK_LINE in html
    html = html.replace(LINK_LINE, under_heading)
    for title in without:
        if title == "PRIORITIZED RECOMMENDATIONS:":  # the bullets stay, without their heading
            html = html.replace(f"<h3>{title}</h3>", "")
        else:
            html, removed = re.subn(rf"<h3>{title}</h3>.*?(?=<h3>|</div>)", "", html, flags=re.DOTALL)
            assert removed == 1, title
    return html


def text_page(name: str, *, without: tuple[str, ...] = ()) -> str:
    """A plain-text fixture with the sections titled in without taken out (title line to the next title)."""
    lines = (FIXTURES / "tip" / name).read_text(encoding="utf-8").splitlines()
    titles = {"PROSECUTION", "PROTECTION", "PREVENTION", "TRAFFICKING PROFILE"}
    kept, skipping = [], False
    for line in lines:
        if line.strip() in titles:
            skipping = line.strip() in without
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


# -- full-length narratives ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, layout, keys, starts, figures",
    [
        (
            "united-states-2024.html",
            "assessment_first",
            ALL_SECTIONS,
            {
                "summary": "The Government of the United States fully meets the minimum standards",
                "prioritized_recommendations": "Increase efforts to investigate, prosecute, and convict labor",
                "trafficking_profile": "As reported over the past five years, human traffickers exploit",
            },
            {"investigations": 1062, "prosecutions": 258, "convictions": 298, "victims_identified": 765},
        ),
        (
            "mexico-2021.txt",
            "assessment_first",
            ALL_SECTIONS,
            {
                "summary": "The Government of Mexico does not fully meet the minimum standards",
                "prioritized_recommendations": "Develop, implement, and fund a national plan on victim services",
                "trafficking_profile": "As reported over the past five years, human traffickers exploit",
            },
            {"investigations": 691, "prosecutions": 552, "convictions": 248, "victims_identified": 676},
        ),
        (
            "canada-2016.txt",
            "profile_first",
            [
                "trafficking_profile",
                "summary",
                "prioritized_recommendations",
                "prosecution",
                "protection",
                "prevention",
            ],
            {
                "trafficking_profile": "Canada is a source, transit, and destination country",
                "summary": "The Government of Canada fully meets the minimum standards",
                "prioritized_recommendations": "Intensify efforts to investigate, prosecute, and convict traffickers",
            },
            {"investigations": 31, "prosecutions": 300, "convictions": 10, "victims_identified": 90},
        ),
    ],
)
def test_full_length_narrative_sections_layout_and_figures(name, layout, keys, starts, figures):
    data = (FIXTURES / "tip" / name).read_text(encoding="utf-8")
    narrative = parse_html(data) if name.endswith(".html") else parse_text(data)
    sections = sections_of(narrative)
    assert (narrative.layout, list(sections)) == (layout, keys)
    for key, start in starts.items():
        assert sections[key].startswith(start), key
    if layout == "profile_first":  # a one-sentence profile paragraph is no furniture
        assert sections["trafficking_profile"].endswith(
            "Canadian child sex tourists travel abroad to exploit children."
        )
    # The line under the heading is page furniture, in no section.
    assert not any("Trafficking in Persons Report" in text or "Download" in text for text in sections.values())
    assert {f["measure"]: f["value"] for f in narrative.figures} == figures
    assert all(f["note"] is None for f in narrative.figures)


# -- short blocks under the heading --------------------------------------------------------------------
@pytest.mark.parametrize("without", [(), ("TRAFFICKING PROFILE",)], ids=["every section", "no profile"])
@pytest.mark.parametrize("kind", list(FURNITURE))
def test_short_block_under_the_heading_is_not_a_profile(kind, without):
    block, marker = FURNITURE[kind]
    narrative = parse_html(us_page(under_heading=block, without=without))
    sections = sections_of(narrative)
    assert narrative.layout == "assessment_first"
    assert list(sections) == [k for k in ALL_SECTIONS if not (without and k == "trafficking_profile")]
    assert sections["summary"].startswith("The Government of the United States fully meets the minimum standards")
    assert not any(marker in text for text in sections.values())
    assert (narrative.movement_stated, narrative.movement_stated_placement) == ("remained", "Tier 1")


# -- missing sections ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "without, keys",
    [
        (("TRAFFICKING PROFILE",), ALL_SECTIONS[:-1]),
        # The recommendations without their heading (as in a text extraction), and no profile.
        (("PRIORITIZED RECOMMENDATIONS:", "TRAFFICKING PROFILE"), ALL_SECTIONS[:-1]),
        (
            ("PROSECUTION", "PROTECTION"),
            ["summary", "prioritized_recommendations", "prevention", "trafficking_profile"],
        ),
        (
            ("PROSECUTION", "PROTECTION", "PREVENTION", "TRAFFICKING PROFILE"),
            ["summary", "prioritized_recommendations"],
        ),
    ],
)
def test_missing_sections_do_not_change_the_layout(without, keys):
    narrative = parse_html(us_page(without=without))
    sections = sections_of(narrative)
    assert (narrative.layout, list(sections)) == ("assessment_first", keys)
    assert sections["summary"].startswith("The Government of the United States")
    assert sections["prioritized_recommendations"].splitlines()[0].startswith("Increase efforts to investigate")
    assert "Trafficking in Persons Report" not in "".join(sections.values())


def test_text_extraction_without_a_profile_keeps_its_unheaded_recommendations():
    narrative = parse_text(text_page("mexico-2021.txt", without=("TRAFFICKING PROFILE",)))
    sections = sections_of(narrative)
    assert (narrative.layout, list(sections)) == ("assessment_first", ALL_SECTIONS[:-1])
    assert sections["summary"].startswith("The Government of Mexico")
    assert sections["summary"].endswith("did not fund the legally required victim assistance fund.")
    assert len(sections["prioritized_recommendations"].splitlines()) == 5


def test_pre_2017_page_without_prosecution_to_prevention_is_still_profile_first():
    narrative = parse_text(text_page("canada-2016.txt", without=("PROSECUTION", "PROTECTION", "PREVENTION")))
    assert narrative.layout == "profile_first"
    assert [s["section"] for s in narrative.sections] == [
        "trafficking_profile",
        "summary",
        "prioritized_recommendations",
    ]
    assert "Download" not in sections_of(narrative)["trafficking_profile"]


# -- enforcement figures on the full-length texts ------------------------------------------------------
@pytest.mark.parametrize(
    "name, values, evidence",
    [
        (
            "united-states-2024.html",
            {"investigations": 1062, "prosecutions": 258, "convictions": 298, "victims_identified": 765},
            {
                "investigations": "In FY 2023, the U.S. Department of Justice (DOJ) opened 1,062 human trafficking "
                "investigations, compared with 1,018 in FY 2022.",
                "prosecutions": "DOJ initiated a total of 258 federal human trafficking prosecutions, charging 424 "
                "defendants, compared with 230 prosecutions charging 391 defendants in FY 2022.",
                "convictions": "DOJ secured convictions of 298 traffickers, compared with 309 in FY 2022.",
                "victims_identified": "In FY 2023, DHS’s U.S. Immigration and Customs Enforcement Homeland Security "
                "Investigations (HSI) identified 765 victims of trafficking, compared with 705 in FY 2022.",
            },
        ),
        (
            "mexico-2021.txt",
            {"investigations": 691, "prosecutions": 552, "convictions": 248, "victims_identified": 676},
            {
                "investigations": "In 2020, federal and state authorities reported initiating 691 investigations "
                "(including 13 for forced labor), compared with 544 investigations in 2019.",
                "prosecutions": "Authorities prosecuted 552 defendants (including 12 for forced labor) in 2020, "
                "compared with 429 in 2019.",
                "convictions": "Federal and state courts convicted 248 traffickers in 2020, an increase from 133 "
                "convictions in 2019.",
                "victims_identified": "Federal and state authorities reported identifying 676 victims in 2020 "
                "(including 109 forced labor victims), compared with 1,135 victims in 2019.",
            },
        ),
    ],
)
def test_full_length_figures_carry_their_whole_sentence(name, values, evidence):
    """The sentence is whole ("the U.S. Department"), and what follows "an increase from" is the
    previous period's: the value stays exact."""
    data = (FIXTURES / "tip" / name).read_text(encoding="utf-8")
    narrative = parse_html(data) if name.endswith(".html") else parse_text(data)
    assert {f["measure"]: f["evidence_sentence"] for f in narrative.figures} == evidence
    assert {f["measure"]: f["value"] for f in narrative.figures} == values
    assert {f["measure"]: f["section"] for f in narrative.figures} == {
        "investigations": "prosecution",
        "prosecutions": "prosecution",
        "convictions": "prosecution",
        "victims_identified": "protection",
    }


def test_sentences_do_not_end_at_abbreviations():
    text = "In FY 2023, the U.S. Department of Justice opened 10 investigations. Mr. Smith testified. DOJ charged 5."
    assert sentences(text) == [
        "In FY 2023, the U.S. Department of Justice opened 10 investigations.",
        "Mr. Smith testified.",
        "DOJ charged 5.",
    ]
