"""News parsing, pure: feed / GDELT / article-page bytes in, item records out.

Nothing here touches the network or the disk. Safety:
- XML is parsed with defusedxml: a document that declares any entity (entity-expansion bombs,
  external entities such as `<!ENTITY x SYSTEM "file:///etc/passwd">`) is refused as a whole, so
  no expansion happens and no local file is read. Refused and malformed documents raise
  FeedError with the reason; the caller quarantines the raw file.
- Titles are kept as the text the feed carries: markup in a title (`<script>...`) stays
  literal characters, never parsed or rendered as HTML. Summaries that are HTML are reduced to
  their text (script and style contents dropped).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import unicodedata
import xml.etree.ElementTree as stdlib_et
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_et
from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException

from extractors.news.schema import (
    GDELT_RATE_LIMIT_NOTICE,
    LANGUAGE_CODES,
    ORIGINAL_LINK_ELEMENTS,
    TRACKING_PARAMS,
    TRACKING_PREFIXES,
)
from extractors.text import normalize_country_alias

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The tagging rules applied to a text: (topics, border regions), as extractors.news.tagging.Tagger.
TagRule = Callable[[str], tuple[list[str], list[str]]]


class FeedError(Exception):
    """A feed, GDELT answer or page that cannot be read; the message says why."""


class GdeltNotice(FeedError):
    """GDELT answered a plain-text notice instead of JSON (it does so with HTTP 200 too)."""

    def __init__(self, message: str, notice: str):
        super().__init__(message)
        self.notice = notice  # GDELT's words, shortened


class GdeltRateLimited(GdeltNotice):
    """GDELT asked to slow down ("Please limit requests to one every 5 seconds ..."): ask again later."""


class GdeltQueryRejected(GdeltNotice):
    """GDELT refused the query itself ("One or more of your keywords were too short ..."): asking
    again gives the same answer; the query in the feeds file needs fixing."""


@dataclass(frozen=True)
class FeedInfo:
    """Where a raw document came from (provenance copied onto every record)."""

    name: str
    url: str
    raw_sha256: str
    fetched_at: str  # ISO 8601 UTC: when this content was first landed


# -- URLs --------------------------------------------------------------------------------------
def canonical_url(url: str) -> str | None:
    """One spelling per page: https, lower-case host, no default port, no fragment, no tracking
    parameters (utm_* and the like), remaining parameters sorted, no trailing slash.

    Returns None for what is not an absolute http(s) URL.
    """
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit(("https", netloc, path if path != "/" else "", urlencode(sorted(query)), ""))


def publisher_of(url: str | None) -> str | None:
    """The publishing site: the URL's host without a leading `www.`."""
    host = urlsplit(url).hostname if url else None
    return host.lower().removeprefix("www.") if host else None


# -- text --------------------------------------------------------------------------------------
_SPACE = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """Whitespace collapsed and trimmed; control characters dropped. No HTML interpretation."""
    if not value:
        return ""
    value = "".join(c for c in value if c in "\t\n\r" or unicodedata.category(c) != "Cc")
    return _SPACE.sub(" ", value).strip()


def html_to_text(value: str | None) -> str:
    """The visible text of an HTML fragment (scripts, styles and tags dropped)."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return clean_text(value)
    soup = BeautifulSoup(value, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return clean_text(soup.get_text(" "))


def simhash(text: str) -> int:
    """64-bit SimHash of the words and word pairs of a text, as a signed 64-bit integer.

    Near-identical texts (a wire story re-published with a changed word or two) differ in few
    bits; dbt groups articles whose hashes differ in at most 3 bits.
    """
    words = normalize_country_alias(text).split()  # the normal form of dbt's macro normalize_country_alias
    features = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    if not features:
        return 0
    weights = [0] * 64
    for feature in features:
        h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return value - (1 << 64) if value >= 1 << 63 else value


# -- dates -------------------------------------------------------------------------------------
_GDELT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})T?(\d{2})(\d{2})(\d{2})Z?$")

# Dates as web sites print them, which government feeds put in <pubDate> instead of RFC 822:
# Drupal's default formats (long "Tuesday, March 22, 2022 - 13:57", medium "Tue, 03/22/2022 - 13:57",
# short "03/22/2022 - 13:57", Olivero "22 March, 2022") and the usual "March 22, 2022" /
# "22 March 2022", with or without a time (12 or 24 hour) and a zone. Month names are English.
# A numeric date is read month first only in Drupal's form (followed by " - HH:MM"); a bare
# "03/04/2022" is ambiguous and stays unparseable. A weekday that does not fit the date means
# the text was misread: unparseable, never guessed.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
# Zone names read (hours from UTC), as North American and British sites use them; not "ET",
# which is EST or EDT depending on the date. Another name leaves the date unparseable.
_ZONES: dict[str, float] = {
    **{"utc": 0, "gmt": 0, "ut": 0, "z": 0, "bst": 1},
    **{"est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7},
    **{"akst": -9, "akdt": -8, "hst": -10, "ast": -4, "adt": -3, "nst": -3.5, "ndt": -2.5},
}
_WEEKDAY_PART = r"(?:(?P<weekday>[a-z]+)\.?,?\s+)?"
_TIME_PART = (
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
    r"(?:\s*(?P<zone>[a-z]{1,5}|[+-]\d{2}:?\d{2}))?"
)
_OPTIONAL_TIME = rf"(?:(?:\s+-\s+|,?\s+at\s+|,\s*|\s+){_TIME_PART})?"
_CIVIL_DATES = [
    re.compile(rf"^{_WEEKDAY_PART}{date}$", re.IGNORECASE)
    for date in (
        # March 22, 2022 / Mar. 22nd 2022
        rf"(?P<month_name>[a-z]+)\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){_OPTIONAL_TIME}",
        # 22 March 2022 / 22 March, 2022
        rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month_name>[a-z]+)\.?,?\s+(?P<year>\d{{4}}){_OPTIONAL_TIME}",
        # Drupal's numeric medium and short formats: month first, always with " - HH:MM"
        rf"(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}})/(?P<year>\d{{4}})\s+-\s+{_TIME_PART}",
    )
]


def _civil_date(raw: str) -> datetime | None:
    """A date as a web page prints it (see _CIVIL_DATES); None when it is not one, or does not add up."""
    for pattern in _CIVIL_DATES:
        match = pattern.match(raw)
        if match:
            break
    else:
        return None
    fields = match.groupdict()
    month = _MONTHS.get(fields["month_name"].lower()) if fields.get("month_name") else int(fields["month"])
    if month is None:
        return None
    hour, minute, second = (int(fields[k] or 0) for k in ("hour", "minute", "second"))
    if fields["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if fields["ampm"].lower().startswith("p") else 0)
    zone: timezone | None = None
    if fields["zone"]:
        name = fields["zone"].lower()
        if name[0] in "+-":
            digits = name[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            zone = timezone(-offset if name[0] == "-" else offset)
        elif name in _ZONES:
            zone = timezone(timedelta(hours=_ZONES[name]))
        else:
            return None  # a zone not known for certain: the time cannot be placed
    try:
        when = datetime(int(fields["year"]), month, int(fields["day"]), hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
    if fields["weekday"] and _WEEKDAYS.get(fields["weekday"].lower()) != when.weekday():
        return None
    return when


def parse_published(raw: str | None, fetched_at: str) -> tuple[str | None, str | None]:
    """(published time as ISO UTC `YYYY-MM-DDTHH:MM:SSZ`, flag) from a feed's date text.

    Read: RFC 822 / 2822, ISO 8601, GDELT's `20240101T120000Z`, and dates as sites print them
    (Drupal's `Tuesday, March 22, 2022 - 13:57`, `March 22, 2022`, ...; see _CIVIL_DATES); a date
    without a time is midnight. Flags: `missing` (no date), `unparseable`, `future` (later than
    when the feed was fetched: the value is withheld, not guessed), `assumed_utc` (no time zone
    given; read as UTC).
    """
    raw = clean_text(raw)
    if not raw:
        return None, "missing"
    flag = None
    when: datetime | None = None
    match = _GDELT_DATE.match(raw)
    if match:
        year, month, day, hour, minute, second = map(int, match.groups())
        when = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    if when is None:
        try:
            when = email.utils.parsedate_to_datetime(raw)  # RFC 822 / 2822, named US zones too
        except (TypeError, ValueError, IndexError):
            when = None
    if when is None:
        try:
            when = datetime.fromisoformat(raw.replace("z", "Z"))  # ISO 8601 / RFC 3339 (Atom)
        except ValueError:
            when = _civil_date(raw)
    if when is None:
        return None, "unparseable"
    if when.tzinfo is None:
        when, flag = when.replace(tzinfo=UTC), "assumed_utc"
    when = when.astimezone(UTC)
    fetched = datetime.fromisoformat(fetched_at).astimezone(UTC)
    if when > fetched:
        return None, "future"
    if when.year < 1900:
        return None, "unparseable"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ"), flag


def normalize_language(value: str | None) -> str | None:
    """`en-US` -> `en`; `English` -> `en`; None when absent."""
    value = clean_text(value).lower()
    if not value:
        return None
    if value in LANGUAGE_CODES:
        return LANGUAGE_CODES[value]
    primary = re.split(r"[-_]", value)[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else value


# -- XML feeds -----------------------------------------------------------------------------------
def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""


def _original_link(item: Element) -> str:
    """The article URL a feed proxy keeps beside its own redirect link (FeedBurner's
    `<feedburner:origLink>`, Pheedo's `<pheedo:origLink>`), when it is an absolute http(s) URL."""
    for child in item:
        if _local(child.tag) in ORIGINAL_LINK_ELEMENTS:
            url = clean_text(_text(child))
            if canonical_url(url):
                return url
    return ""


def _source_publisher(item: Element) -> tuple[str | None, str | None]:
    """The outlet an RSS item names in `<source url="...">Name</source>` (as Google News does, whose
    links all point at news.google.com): (publisher, its name). The publisher is the host of its
    URL, as publishers are named elsewhere, else its name."""
    source = _child(item, "source")
    if source is None:
        return None, None
    name = clean_text(_text(source)) or None
    return publisher_of(canonical_url(source.get("url") or "")) or name, name


def _xml_root(data: bytes, name: str) -> Element:
    # A BOM or white space before the XML declaration is an error for expat; feeds send both.
    data = data.lstrip(b"\xef\xbb\xbf").lstrip()
    if not data:
        raise FeedError(f"{name}: empty document")
    try:
        return safe_et.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(
            f"{name}: refused unsafe XML ({type(exc).__name__}: {exc}); entity declarations are never expanded"
        ) from None
    except stdlib_et.ParseError as exc:
        raise FeedError(f"{name}: malformed XML: {exc}") from None


def parse_feed(data: bytes, info: FeedInfo) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """(kind `rss`/`atom`, items, rejected items) of an RSS 2.0 / RSS 1.0 / Atom document.

    Each item is a dict of the raw fields: guid, link_url, title, summary, published_raw, language
    (and, for RSS, the publisher an item's `<source>` names). The link is the article's own URL
    where a feed proxy gives it (`<feedburner:origLink>`), else `<link>`.
    Raises FeedError for a document that is not a feed or cannot be read safely.
    """
    root = _xml_root(data, info.url)
    root_name = _local(root.tag)
    if root_name == "feed":
        return "atom", *_atom_items(root, info)
    if root_name in ("rss", "RDF"):
        return "rss", *_rss_items(root, info)
    raise FeedError(f"{info.url}: not an RSS or Atom feed (root element <{root_name}>)")


def _rss_items(root: Element, info: FeedInfo) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    channel = _child(root, "channel")
    if channel is None:
        raise FeedError(f"{info.url}: RSS document without a <channel>")
    language = _text(_child(channel, "language"))
    # RSS 2.0 nests items in the channel; RSS 1.0 puts them beside it.
    elements = _children(channel, "item") or _children(root, "item")
    items: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    for index, item in enumerate(elements):
        guid_el = _child(item, "guid")
        guid = clean_text(_text(guid_el))
        link = _original_link(item) or clean_text(_text(_child(item, "link")))
        if not link and guid and guid_el is not None and guid_el.get("isPermaLink", "true").lower() != "false":
            link = guid
        content = _child(item, "encoded")
        summary_html = _text(_child(item, "description")) or _text(content)
        date = _text(_child(item, "pubDate")) or _text(_child(item, "date"))
        publisher, publisher_name = _source_publisher(item)
        items.append(
            {
                "item_index": index,
                "guid": guid or None,
                "link_url": link,
                "title": _text(_child(item, "title")),
                "summary_html": summary_html,
                "published_raw": date,
                "language": _text(_child(item, "language")) or language,
                "publisher": publisher,
                "publisher_name": publisher_name,
            }
        )
    return items, rejects


def _atom_text(element: Element | None) -> str:
    """An Atom text construct as plain text (type html/xhtml reduced to text)."""
    if element is None:
        return ""
    kind = (element.get("type") or "text").lower()
    if kind == "xhtml":
        return "".join(element.itertext())
    if kind in ("html", "text/html"):
        return html_to_text(_text(element))
    return _text(element)


def _atom_items(root: Element, info: FeedInfo) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    feed_language = root.get(XML_LANG, "")
    items: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    for index, entry in enumerate(_children(root, "entry")):
        alternate = next(
            (
                el.get("href", "").strip()
                for el in _children(entry, "link")
                if (el.get("rel") or "alternate") == "alternate" and el.get("href")
            ),
            "",
        )
        link = _original_link(entry) or alternate
        entry_id = clean_text(_text(_child(entry, "id")))
        if not link and entry_id.startswith(("http://", "https://")):
            link = entry_id
        summary_el = _child(entry, "summary")
        if summary_el is None:
            summary_el = _child(entry, "content")
        date = _text(_child(entry, "published")) or _text(_child(entry, "updated"))
        items.append(
            {
                "item_index": index,
                "guid": entry_id or None,
                "link_url": link,
                "title": _atom_text(_child(entry, "title")),
                "summary_text": _atom_text(summary_el),
                "published_raw": date,
                "language": entry.get(XML_LANG, "") or feed_language,
            }
        )
    return items, rejects


# -- GDELT ---------------------------------------------------------------------------------------
def _gdelt_not_json(text: str, info: FeedInfo, error: ValueError) -> FeedError:
    """Why a GDELT answer is not JSON. GDELT answers rate limits and query errors in plain text,
    often with HTTP 200: a rate limit ("Please limit requests to one every 5 seconds ...") is
    GdeltRateLimited, any other plain text (it says what is wrong with the query) GdeltQueryRejected."""
    notice = clean_text(text)[:300]
    if text.startswith(("{", "[", "<")):  # broken JSON, or an HTML page (a proxy's, say)
        return FeedError(f"{info.url}: GDELT answer is not JSON ({error}); it begins: {text[:200]!r}")
    if GDELT_RATE_LIMIT_NOTICE.search(text):
        return GdeltRateLimited(f"{info.url}: GDELT asks to slow down: {notice!r}", notice)
    return GdeltQueryRejected(f"{info.url}: GDELT rejected the query: {notice!r}", notice)


def parse_gdelt(data: bytes, info: FeedInfo) -> list[dict[str, Any]]:
    """Articles of a GDELT DOC 2.0 `mode=ArtList&format=json` answer (`{}` = no articles).

    A plain-text answer raises GdeltRateLimited or GdeltQueryRejected, anything else unreadable FeedError."""
    text = data.decode("utf-8-sig", errors="replace").strip()
    try:
        document = json.loads(text) if text else None
    except ValueError as exc:
        raise _gdelt_not_json(text, info, exc) from None
    if not isinstance(document, dict):
        raise FeedError(f"{info.url}: GDELT answer is not a JSON object")
    articles = document.get("articles", [])
    if not isinstance(articles, list):
        raise FeedError(f"{info.url}: GDELT `articles` is not a list")
    items = []
    for index, article in enumerate(articles):
        if not isinstance(article, dict):
            continue
        items.append(
            {
                "item_index": index,
                "guid": None,
                "link_url": str(article.get("url") or ""),
                "title": str(article.get("title") or ""),
                "summary_text": "",
                "published_raw": str(article.get("seendate") or ""),
                "language": str(article.get("language") or ""),
                "publisher": str(article.get("domain") or "") or None,
                "source_country": str(article.get("sourcecountry") or "") or None,
            }
        )
    return items


# -- records -------------------------------------------------------------------------------------
def item_records(
    kind: str, raw_items: list[dict[str, Any]], info: FeedInfo, tag: TagRule
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Normalised records of a feed's raw items, and the items rejected (with the reason).

    tag(text) -> (topics, border_regions) applies the tagging rules to title + summary.
    """
    records: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    for raw in raw_items:
        link = urljoin(info.url, raw["link_url"]) if raw["link_url"] else ""
        canonical = canonical_url(link)
        title = clean_text(raw["title"])
        summary = clean_text(raw["summary_text"]) if "summary_text" in raw else html_to_text(raw["summary_html"])
        if canonical is None:
            rejects.append(
                {
                    "item_index": raw["item_index"],
                    "reason": f"no usable link (link {raw['link_url']!r})",
                    "title": title[:200],
                }
            )
            continue
        if not title:
            rejects.append({"item_index": raw["item_index"], "reason": "empty title", "link_url": link})
            continue
        published_at, flag = parse_published(raw["published_raw"], info.fetched_at)
        topics, regions = tag(f"{title}\n{summary}")
        records.append(
            {
                "source_kind": kind,
                "feed_name": info.name,
                "feed_url": info.url,
                "raw_sha256": info.raw_sha256,
                "fetched_at": info.fetched_at,
                "item_index": raw["item_index"],
                "guid": raw["guid"],
                "link_url": link,
                "canonical_url": canonical,
                "publisher": raw.get("publisher") or publisher_of(canonical),
                "publisher_name": raw.get("publisher_name"),
                "source_country": raw.get("source_country"),
                "title": title,
                "summary": summary,
                "published_at": published_at,
                "published_raw": clean_text(raw["published_raw"]) or None,
                "published_flag": flag,
                "language": normalize_language(raw["language"]),
                "topics": topics,
                "border_regions": regions,
                "simhash": simhash(f"{title} {summary}"),
            }
        )
    return records, rejects


def parse_document(
    kind_hint: str, data: bytes, info: FeedInfo, tag: TagRule
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records and rejected items of one landed feed (`feed`) or GDELT answer (`gdelt`)."""
    if kind_hint == "gdelt":
        return item_records("gdelt", parse_gdelt(data, info), info, tag)
    kind, raw_items, rejects = parse_feed(data, info)
    records, more = item_records(kind, raw_items, info, tag)
    return records, rejects + more


# -- article pages -------------------------------------------------------------------------------
def parse_page(html: bytes, url: str, final_url: str) -> dict[str, Any]:
    """Canonical URL, title and main text of an article page (text by trafilatura)."""
    import trafilatura  # slow to import; only needed when pages are held

    soup = BeautifulSoup(html, "lxml")
    canonical = None
    for link in soup.find_all("link", href=True):
        rel = link.get("rel")
        rels = [r.lower() for r in (rel if isinstance(rel, list) else str(rel or "").split())]
        if "canonical" in rels:
            canonical = canonical_url(urljoin(final_url, str(link["href"]).strip()))
            if canonical:
                break
    page_title = clean_text(soup.title.get_text()) if soup.title else ""
    text = trafilatura.extract(
        html.decode("utf-8", errors="replace"),
        url=final_url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=True,
    )
    if text:  # paragraphs kept one to a line
        text = "\n".join(line for line in (clean_text(part) for part in text.splitlines()) if line)
    return {
        "url": url,
        "final_url": final_url,
        "canonical_url": canonical or canonical_url(final_url),
        "canonical_from": "link_rel_canonical" if canonical else "final_url",
        "page_title": page_title or None,
        "text": text or None,
        "text_length": len(text) if text else 0,
        "extractor": f"trafilatura {trafilatura.__version__}",
    }


def page_record(html: bytes, *, url: str, final_url: str, html_sha256: str, fetched_at: str) -> dict[str, Any]:
    """The pages record of one landed article page. A page the text extractor fails on still
    gives a record, without text and with the error."""
    try:
        page = parse_page(html, url, final_url)
        error = None
    except Exception as exc:  # trafilatura's failure is this page's, not the run's
        page = {
            "url": url,
            "final_url": final_url,
            "canonical_url": canonical_url(final_url),
            "canonical_from": "final_url",
            "page_title": None,
            "text": None,
            "text_length": 0,
            "extractor": None,
        }
        error = f"{type(exc).__name__}: {exc}"[:500]
    return {**page, "extract_error": error, "html_sha256": html_sha256, "fetched_at": fetched_at}
