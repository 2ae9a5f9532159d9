"""News parsing (pure): own Atom and GDELT fixtures, URL and date normalisation, SimHash, hostile
inputs (entity bombs, external entities, malformed XML, markup in titles), article pages, and the
records against the declared record schema."""

from __future__ import annotations

import pytest

from extractors.news.parse import (
    FeedError,
    FeedInfo,
    canonical_url,
    page_record,
    parse_document,
    parse_feed,
    parse_gdelt,
    parse_page,
    parse_published,
    simhash,
)
from extractors.news.tagging import Tagger
from extractors.schema import record_columns
from tests.samples.news import (
    BILLION_LAUGHS,
    FIXTURES,
    MALFORMED,
    SCRIPT_TITLE,
    external_entity_feed,
    page,
    rss,
)

FETCHED = "2024-06-01T00:00:00+00:00"


def info(url: str = "https://feeds.example.org/feed.xml", name: str = "test-feed") -> FeedInfo:
    return FeedInfo(name, url, "ab" * 32, FETCHED)


def no_tags(text):
    return [], []


def test_leading_whitespace_and_bom_before_the_xml_declaration_are_tolerated():
    body = rss([{"title": "A", "link": "https://example.org/a"}])
    for prefix in (b"\n   ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n "):
        assert len(parse_feed(prefix + body, info())[1]) == 1


# -- own fixtures --------------------------------------------------------------------------------
def test_atom_fixture_text_constructs_links_languages_and_dates():
    data = (FIXTURES / "sample.atom").read_bytes()
    records, rejects = parse_document("feed", data, info("https://feeds.example.ca/border.atom"), no_tags)
    assert [r["source_kind"] for r in records] == ["atom", "atom"]
    ring, traite = records
    assert ring["title"] == "Smuggling ring dismantled at the Canada\u2013U.S. border"  # type="html" reduced to text
    assert (
        ring["canonical_url"] == "https://news.example.ca/2024/05/ring-dismantled?id=7"
    )  # alternate link, utm_* dropped
    assert ring["summary"] == "RCMP officers arrested four people accused of human smuggling near Emerson, Manitoba."
    assert ring["published_at"] == "2024-05-03T02:15:00Z"  # -04:00 converted to UTC
    assert ring["language"] == "en" and traite["language"] == "fr"
    assert traite["link_url"] == "https://nouvelles.example.ca/2024/05/traite-des-personnes"  # id used as link
    assert traite["summary"] == "La police accuse deux hommes de traite des personnes."
    assert traite["published_at"] == "2024-05-01T10:00:00Z"  # updated when published is absent
    assert [r["reason"] for r in rejects] == ["no usable link (link '')"]


def test_gdelt_fixture_articles():
    data = (FIXTURES / "gdelt_artlist.json").read_bytes()
    records, rejects = parse_document(
        "gdelt", data, info("https://api.gdeltproject.org/api/v2/doc/doc?query=x"), no_tags
    )
    assert len(records) == 2 and len(rejects) == 1
    seizure, trata = records
    assert seizure["source_kind"] == "gdelt"
    assert (
        seizure["canonical_url"] == "https://www.example-news.com/world/2024/05/02/fentanyl-seizure-port-of-entry.html"
    )
    assert seizure["published_at"] == "2024-05-02T18:45:00Z"
    assert seizure["publisher"] == "example-news.com" and seizure["source_country"] == "United States"
    assert (seizure["language"], trata["language"]) == ("en", "es")
    assert seizure["summary"] == ""


@pytest.mark.parametrize("body", [b"Your search contained an invalid operator.", b"[1, 2]", b'{"articles": 5}'])
def test_gdelt_error_answers_are_refused_with_the_reason(body):
    with pytest.raises(FeedError, match="GDELT"):
        parse_gdelt(body, info())


def test_empty_gdelt_answer_has_no_articles():
    assert parse_gdelt(b"{}", info()) == []


# -- normalisation -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "http://Example.org/News/Story/?utm_source=rss&utm_medium=x&b=2&a=1#top",
            "https://example.org/News/Story?a=1&b=2",
        ),
        ("https://example.org/story/", "https://example.org/story"),
        ("https://example.org:443/story?fbclid=abc&gclid=d", "https://example.org/story"),
        ("https://www.nytimes.com/x.html?emc=rss&partner=rss", "https://www.nytimes.com/x.html"),
        ("https://example.org/", "https://example.org"),
        ("https://example.org:8080//a//b", "https://example.org:8080/a/b"),
        ("ftp://example.org/x", None),
        ("javascript:alert(1)", None),
        ("/relative", None),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_http_and_https_and_tracking_variants_are_one_url():
    variants = ["http://example.org/a/", "https://example.org/a?utm_campaign=x", "HTTPS://EXAMPLE.ORG/a#frag"]
    assert {canonical_url(v) for v in variants} == {"https://example.org/a"}


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Wed, 01 Jan 2020 15:08:03 +0000", ("2020-01-01T15:08:03Z", None)),
        ("Wed, 01 Jan 2020 10:08:03 EST", ("2020-01-01T15:08:03Z", None)),
        ("Tue, 31 Dec 2019 19:47:28 GMT", ("2019-12-31T19:47:28Z", None)),
        ("2020-01-01T10:00:00-05:00", ("2020-01-01T15:00:00Z", None)),
        ("2020-01-01T15:00:00Z", ("2020-01-01T15:00:00Z", None)),
        ("2020-01-01T15:00:00.123+00:00", ("2020-01-01T15:00:00Z", None)),
        ("20200101T150000Z", ("2020-01-01T15:00:00Z", None)),
        ("2020-01-01 15:00:00", ("2020-01-01T15:00:00Z", "assumed_utc")),
        ("", (None, "missing")),
        (None, (None, "missing")),
        ("yesterday-ish", (None, "unparseable")),
        ("2031-01-01T00:00:00Z", (None, "future")),
    ],
)
def test_published_times_are_utc_and_bad_ones_flagged_not_invented(raw, expected):
    assert parse_published(raw, FETCHED) == expected


def test_simhash_is_close_for_wire_copies_and_far_for_other_stories():
    a = simhash(
        "Three charged in cross-border human smuggling ring near the Rio Grande Valley. "
        "A grand jury indicted three people on Tuesday."
    )
    b = simhash(
        "Three charged in cross-border human smuggling ring near the Rio Grande Valley. "
        "A grand jury indicted three people Tuesday."
    )
    c = simhash(
        "Fentanyl seizure at Nogales port of entry sets a record for the year, officials said on Monday morning."
    )
    distance = lambda x, y: bin((x ^ y) & (2**64 - 1)).count("1")  # noqa: E731
    assert distance(a, b) <= 3 < distance(a, c)
    assert -(2**63) <= a < 2**63  # fits DuckDB BIGINT


# -- hostile inputs ------------------------------------------------------------------------------
def test_entity_expansion_bomb_is_refused_without_expanding():
    with pytest.raises(FeedError, match="unsafe XML"):
        parse_feed(BILLION_LAUGHS, info())


def test_external_entity_is_refused_and_the_local_file_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-4711")
    with pytest.raises(FeedError) as error:
        parse_document("feed", external_entity_feed(secret), info(), no_tags)
    assert "TOP-SECRET" not in str(error.value)
    assert "unsafe XML" in str(error.value)


def test_malformed_and_non_feed_documents_are_refused_with_the_reason():
    with pytest.raises(FeedError, match=r"malformed XML: mismatched tag"):
        parse_feed(MALFORMED, info())
    with pytest.raises(FeedError, match=r"not an RSS or Atom feed \(root element <html>\)"):
        parse_feed(b"<html><body>Not a feed</body></html>", info())
    with pytest.raises(FeedError, match="empty document"):
        parse_feed(b"   ", info())


def test_script_in_a_title_is_kept_as_text_and_dropped_from_html_summaries():
    body = rss(
        [
            {
                "title": SCRIPT_TITLE,
                "link": "https://example.org/s",
                "description": "<p>Agents held two suspects.<script>steal()</script></p>",
            }
        ]
    )
    [record], _ = parse_document("feed", body, info(), no_tags)
    assert record["title"] == SCRIPT_TITLE  # literal characters, no HTML interpretation
    assert record["summary"] == "Agents held two suspects."


def test_items_without_title_or_link_are_rejected_with_a_reason():
    body = rss([{"title": "", "link": "https://example.org/1"}, {"title": "No link"}, {"title": "ok", "link": "/rel"}])
    records, rejects = parse_document("feed", body, info("https://feeds.example.org/x/feed.xml"), no_tags)
    assert [r["reason"] for r in rejects] == ["empty title", "no usable link (link '')"]
    assert records[0]["canonical_url"] == "https://feeds.example.org/rel"  # relative link resolved against the feed


def test_records_carry_the_tagging_rules_result():
    tagger = Tagger(
        {
            "topics": {"human_smuggling": {"patterns": ["human smuggl\\w*"]}},
            "border_regions": {"southwest": {"patterns": ["southern border"]}},
        }
    )
    body = rss([{"title": "Human smuggling arrests at the southern border", "link": "https://example.org/x"}])
    [record], _ = parse_document("feed", body, info(), tagger)
    assert (record["topics"], record["border_regions"]) == (["human_smuggling"], ["southwest"])


# -- pages ---------------------------------------------------------------------------------------
def test_page_text_and_canonical_link():
    paragraphs = [
        f"Paragraph {i}: agents at the southwest border arrested smugglers moving migrants north." for i in range(6)
    ]
    html = page("Arrests", paragraphs, canonical="https://news.example.org/arrests/?utm_source=x")
    result = parse_page(html, "https://feeds.example.org/r/1", "https://news.example.org/arrests-amp")
    assert result["canonical_url"] == "https://news.example.org/arrests"
    assert result["canonical_from"] == "link_rel_canonical"
    assert "Paragraph 3" in result["text"] and "Footer" not in result["text"] and "Home | News" not in result["text"]
    assert result["text_length"] == len(result["text"]) > 300
    no_canonical = parse_page(page("x", ["short"]), "http://a.example/1", "http://a.example/1/")
    assert no_canonical["canonical_url"] == "https://a.example/1" and no_canonical["canonical_from"] == "final_url"


def test_records_have_exactly_the_declared_fields():
    declared = record_columns("news", "items")
    for kind, name in (("feed", "sample.atom"), ("gdelt", "gdelt_artlist.json")):
        records, _ = parse_document(kind, (FIXTURES / name).read_bytes(), info(), no_tags)
        assert records and all(record.keys() == declared.keys() for record in records), name
    html = page("Arrests", ["Agents at the southwest border arrested smugglers moving migrants north."] * 6)
    fields = {"url": "https://a.example/1", "final_url": "https://a.example/1", "html_sha256": "0" * 64}
    record = page_record(html, **fields, fetched_at=FETCHED)
    assert record.keys() == record_columns("news", "pages").keys() and record["extract_error"] is None


def test_a_page_the_text_extractor_fails_on_still_gives_a_record(monkeypatch):
    import trafilatura

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(trafilatura, "extract", fail)
    record = page_record(
        b"<html></html>", url="http://a.example/1", final_url="http://a.example/1/", html_sha256="s", fetched_at=FETCHED
    )
    assert record.keys() == record_columns("news", "pages").keys()
    assert (record["text"], record["extract_error"], record["canonical_url"]) == (
        None,
        "RuntimeError: boom",
        "https://a.example/1",
    )
