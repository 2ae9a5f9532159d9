"""News parsing (pure): own Atom and GDELT fixtures, URL and date normalisation, SimHash, hostile
inputs (entity bombs, external entities, malformed XML, markup in titles), article pages, and the
records against the declared record schema. Fixtures in the shape of what live sources send:
FeedBurner feeds (`feedburner:origLink`), Google News (`<source>`), Drupal-printed dates, GDELT's
plain-text answers."""

from __future__ import annotations

import pytest

from extractors.news.parse import (
    FeedError,
    FeedInfo,
    GdeltQueryRejected,
    GdeltRateLimited,
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


def test_gdelt_rate_limit_notice_is_named_as_a_rate_limit():
    with pytest.raises(GdeltRateLimited) as error:
        parse_gdelt((FIXTURES / "gdelt_rate_limited.txt").read_bytes(), info())
    assert error.value.notice.startswith("Please limit requests to one every 5 seconds")
    # broken JSON and an HTML page (a proxy's) are neither a rate limit nor a rejected query
    for body in (b'{"articles": [', b"<html><body>Bad gateway</body></html>"):
        with pytest.raises(FeedError, match="not JSON") as other:
            parse_gdelt(body, info())
        assert not isinstance(other.value, (GdeltRateLimited, GdeltQueryRejected))


@pytest.mark.parametrize(
    "body",
    [
        (FIXTURES / "gdelt_bad_query.txt").read_bytes(),
        b"The specified phrase is too short.",
        b"Parentheses may only be used around OR'd statements.",
        b"Timespan is too short.",
    ],
)
def test_gdelt_query_errors_in_plain_text_are_named_as_a_rejected_query(body):
    with pytest.raises(GdeltQueryRejected) as error:
        parse_gdelt(body, info())
    assert error.value.notice == body.decode().strip()


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


@pytest.mark.parametrize(
    "raw, expected",
    [
        # Drupal's long format, as real government and NGO feeds put it in <pubDate>
        ("Tuesday, March 22, 2022 - 13:57", "2022-03-22T13:57:00Z"),
        ("Friday, October 3, 2025 - 12:26", "2025-10-03T12:26:00Z"),
        # Drupal's medium and short formats (core defaults `D, m/d/Y - H:i`, `m/d/Y - H:i`)
        ("Tue, 03/22/2022 - 13:57", "2022-03-22T13:57:00Z"),
        ("03/22/2022 - 13:57", "2022-03-22T13:57:00Z"),
        # dates as sites print them, without a time: midnight
        ("March 22, 2022", "2022-03-22T00:00:00Z"),
        ("Mar. 22, 2022", "2022-03-22T00:00:00Z"),
        ("22 March 2022", "2022-03-22T00:00:00Z"),
        ("22 March, 2022", "2022-03-22T00:00:00Z"),
        ("March 22, 2022 at 1:57 PM", "2022-03-22T13:57:00Z"),
    ],
)
def test_drupal_and_government_printed_dates_are_read_without_a_zone(raw, expected):
    assert parse_published(raw, "2026-01-01T00:00:00+00:00") == (expected, "assumed_utc")


def test_a_printed_date_that_does_not_add_up_is_unparseable_not_guessed():
    assert parse_published("Tuesday, March 22, 2022 - 13:57", FETCHED)[0] == "2022-03-22T13:57:00Z"
    for raw in (
        "Wednesday, March 22, 2022 - 13:57",  # 22 March 2022 was a Tuesday: misread
        "03/04/2022",  # day or month first? only Drupal's form (with " - HH:MM") is read month first
        "March 22, 2022 - 13:57 ET",  # EST or EDT: the zone is not certain
        "Smarch 22, 2022",
        "March 32, 2022",
    ):
        assert parse_published(raw, FETCHED) == (None, "unparseable"), raw


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Mar. 22, 2022 1:57 p.m. EDT", "2022-03-22T17:57:00Z"),
        ("Tue, 03/22/2022 - 13:57 -0400", "2022-03-22T17:57:00Z"),
    ],
)
def test_printed_dates_with_a_zone_are_converted_to_utc(raw, expected):
    assert parse_published(raw, FETCHED) == (expected, None)


def test_drupal_government_feed_items_all_get_a_date():
    data = (FIXTURES / "drupal_gov.rss").read_bytes()
    records, rejects = parse_document("feed", data, info("https://www.agency.example.gov/news/rss.xml"), no_tags)
    assert not rejects
    assert [(r["published_at"], r["published_flag"]) for r in records] == [
        ("2022-03-22T13:57:00Z", "assumed_utc"),
        ("2022-03-21T09:05:00Z", "assumed_utc"),
        ("2022-03-18T16:30:00Z", "assumed_utc"),
        ("2022-03-17T00:00:00Z", "assumed_utc"),
        ("2022-03-16T00:00:00Z", "assumed_utc"),
    ]
    assert records[0]["published_raw"] == "Tuesday, March 22, 2022 - 13:57"


# -- feed proxies and aggregators ------------------------------------------------------------------
def test_feedburner_orig_link_is_the_article_url_so_redirect_links_dedupe():
    data = (FIXTURES / "feedburner_origlink.rss").read_bytes()
    records, rejects = parse_document("feed", data, info("http://rss.example-news.com/rss/edition_world.rss"), no_tags)
    assert not rejects
    assert [r["canonical_url"] for r in records] == [
        "https://www.example-news.com/2024/05/01/us/smuggling-ring-trailer-intl/index.html",
        "https://www.example-news.com/2024/04/30/us/fentanyl-port-of-entry-record/index.html",  # utm_* dropped
        # the same article under another feed-proxy redirect: one canonical URL
        "https://www.example-news.com/2024/05/01/us/smuggling-ring-trailer-intl/index.html",
        # no origLink: the link as published
        "https://rss.example-news.com/~r/rss/edition_world/~3/Mm1Nn2Oo3Pp/index.html",
    ]
    assert records[0]["link_url"] == "https://www.example-news.com/2024/05/01/us/smuggling-ring-trailer-intl/index.html"
    assert {r["publisher"] for r in records[:3]} == {"example-news.com"}
    assert records[1]["summary"] == "Officers found the pills hidden in a truck's fuel tank."


def test_feedburner_orig_link_is_read_in_atom_entries_too():
    body = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
        b'xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><title>t</title><id>urn:f</id>'
        b"<entry><title>Smuggling ring charged</title><id>tag:example.org,2024:1</id>"
        b'<link rel="alternate" href="http://feedproxy.example.com/~r/example/~3/xYz/"/>'
        b"<feedburner:origLink>https://www.example.org/news/smuggling-ring-charged</feedburner:origLink>"
        b"<updated>2024-05-01T10:00:00Z</updated></entry></feed>"
    )
    [record], _ = parse_document("feed", body, info(), no_tags)
    assert record["canonical_url"] == "https://www.example.org/news/smuggling-ring-charged"
    # an origLink that is not an absolute URL leaves the link as it is
    relative = rss([{"title": "A", "link": "https://example.org/a", "origLink": "/relative"}])
    assert parse_document("feed", relative, info(), no_tags)[0][0]["canonical_url"] == "https://example.org/a"


def test_google_news_source_element_is_the_publisher():
    data = (FIXTURES / "google_news.rss").read_bytes()
    url = "https://news.google.com/rss/search?q=%22human+smuggling%22+border&hl=en-US&gl=US&ceid=US:en"
    records, rejects = parse_document("feed", data, info(url), no_tags)
    assert not rejects and len(records) == 3
    assert [r["publisher"] for r in records] == ["example-courier.com", "valleyradio.example.org", "Border Bulletin"]
    assert [r["publisher_name"] for r in records] == ["Example Courier", "Valley Public Radio", "Border Bulletin"]
    assert all(r["canonical_url"].startswith("https://news.google.com/rss/articles/") for r in records)
    # a feed without <source> still names the publisher by the link's host
    [plain], _ = parse_document("feed", rss([{"title": "A", "link": "https://www.example.org/a"}]), info(), no_tags)
    assert (plain["publisher"], plain["publisher_name"]) == ("example.org", None)


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
    for kind, name in (
        ("feed", "sample.atom"),
        ("gdelt", "gdelt_artlist.json"),
        ("feed", "feedburner_origlink.rss"),
        ("feed", "google_news.rss"),
        ("feed", "drupal_gov.rss"),
    ):
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
