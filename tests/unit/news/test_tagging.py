"""The documented tagging rules (config/news_topics.yaml): each topic and border region, and what must not match."""

from __future__ import annotations

import pytest

from crossborder.core.config import PROJECT_ROOT
from crossborder.core.errors import CrossborderError
from extractors.news.tagging import BORDER_REGIONS, TOPICS, Tagger

RULES = PROJECT_ROOT / "config" / "news_topics.yaml"


@pytest.fixture(scope="module")
def tag():
    return Tagger.from_file(RULES)


def test_the_rules_file_covers_every_topic_and_region(tag):
    assert [r.name for r in tag.topics] == list(TOPICS)
    assert [r.name for r in tag.regions] == list(BORDER_REGIONS)


@pytest.mark.parametrize(
    "text, topic",
    [
        ("Man sentenced for sex trafficking of a minor", "sex_trafficking"),
        ("Police rescue women from forced prostitution ring", "sex_trafficking"),
        ("Contractor admits forced labor of farmworkers", "labour_trafficking"),
        ("Workers held in debt bondage on fishing boats", "labour_trafficking"),
        ("UN report on labour trafficking in construction", "labour_trafficking"),
        ("Human trafficking awareness month begins", "human_trafficking"),
        ("Annual Trafficking in Persons report released", "human_trafficking"),
        ("Four charged with human smuggling near Emerson", "human_smuggling"),
        ("Stash house with 40 migrants found in Laredo", "human_smuggling"),
        ("Smuggling of migrants across the Mediterranean", "human_smuggling"),
        ("Record fentanyl seizure at the port", "drugs_fentanyl"),
        ("Cartel leader extradited", "drugs_fentanyl"),
        ("Asylum seekers wait in Tijuana", "migration_asylum"),
        ("Government plans to deport thousands", "migration_asylum"),
        ("Border Patrol apprehensions fall", "border_enforcement"),
        ("CBP officers inspect trucks", "border_enforcement"),
        ("ICE arrests 12 in raid", "border_enforcement"),
    ],
)
def test_topic_rules_match(tag, text, topic):
    assert topic in tag(text)[0]


@pytest.mark.parametrize(
    "text, topic",
    [
        ("Ice storm closes highways", "border_enforcement"),  # acronyms are case-sensitive
        ("Smuggling of cigarettes across the border", "human_smuggling"),
        ("Stock market rallies on Friday", None),
    ],
)
def test_topic_rules_do_not_match_lookalikes(tag, text, topic):
    topics, _ = tag(text)
    assert topics == [] if topic is None else topic not in topics


@pytest.mark.parametrize(
    "text, regions",
    [
        ("Crossings along the northern border rise", ["northern"]),
        ("Asylum seekers at Roxham Road", ["northern"]),
        ("Surge at the U.S.-Mexico border", ["southwest"]),
        ("Arrests along the southwest border", ["southwest"]),
        ("Agents in the Rio Grande Valley", ["southwest"]),
        ("Canada-U.S. border and southern border both busy", ["northern", "southwest"]),
        ("Border security bill passes", []),
    ],
)
def test_border_regions_only_where_stated(tag, text, regions):
    assert tag(text)[1] == regions


def test_a_text_can_have_several_topics_in_a_fixed_order(tag):
    topics, _ = tag("Cartel smuggled fentanyl and migrants; Border Patrol agents arrested human smuggling suspects")
    assert topics == ["human_smuggling", "drugs_fentanyl", "migration_asylum", "border_enforcement"]


def test_bad_rules_are_refused_with_the_reason(tmp_path):
    with pytest.raises(CrossborderError, match="unknown topic or border region weather"):
        Tagger({"topics": {"weather": {"patterns": ["rain"]}}})
    with pytest.raises(CrossborderError, match="invalid pattern"):
        Tagger({"topics": {"drugs_fentanyl": {"patterns": ["(unclosed"]}}})
    with pytest.raises(CrossborderError, match="no patterns"):
        Tagger({"topics": {"drugs_fentanyl": {"patterns": []}}})
    bad = tmp_path / "rules.yaml"
    bad.write_text("topics: [unclosed")
    with pytest.raises(CrossborderError, match="not valid YAML"):
        Tagger.from_file(bad)


def test_the_rules_version_changes_with_the_rules():
    a = Tagger({"topics": {"drugs_fentanyl": {"patterns": ["fentanyl"]}}})
    b = Tagger({"topics": {"drugs_fentanyl": {"patterns": ["fentanyl", "heroin"]}}})
    assert a.version != b.version
