"""The news source's datasets and versions, what each landed document kind is stored as, and the
normalisation tables of its parser (tracking parameters, language names).

The record fields and their types are declared in dbt_project.yml (vars.record_columns.news).
"""

from __future__ import annotations

import re

# The records folders this source writes (raw/news/records/<dataset>/), which dbt reads.
DATASETS = ("items", "pages")
# Bump when parsing changes: records are then re-derived from the raw files already held.
# Items also carry the tagging rules' version (Tagger.version); pages have a parser of their own.
PARSER_VERSION = 2  # 2: feedburner:origLink, <source> publishers, Drupal-style dates
PAGE_PARSER_VERSION = 2

GDELT_PATH = "/api/v2/doc/doc"
# GDELT asks for at most one request every 5 seconds (waived when politeness is off: tests, demo).
GDELT_INTERVAL_S = 5.0
# A query GDELT answers with its rate-limit notice is asked again after retry_interval_s (the feeds
# file's gdelt section; default: the documented interval), up to rate_limit_attempts times in all.
GDELT_RETRY_INTERVAL_S = GDELT_INTERVAL_S
GDELT_RATE_LIMIT_ATTEMPTS = 3
# GDELT's plain-text rate-limit notice: "Please limit requests to one every 5 seconds or contact ...".
GDELT_RATE_LIMIT_NOTICE = re.compile(r"limit requests to|too many requests|rate limit", re.IGNORECASE)
# Feed elements holding the article's own URL where <link> is a feed proxy's redirect (local names:
# FeedBurner's <feedburner:origLink>, Pheedo's <pheedo:origLink>).
ORIGINAL_LINK_ELEMENTS = frozenset({"origLink"})
# Landed document kind -> the suffix of its raw copy.
SUFFIX = {"feed": ".xml", "gdelt": ".json", "article": ".html"}

# Query parameters that only track where a click came from; dropped from canonical URLs.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ocid",
        "cmpid",
        "cmp",
        "smid",
        "smtyp",
        "emc",
        "partner",
        "ito",
        "wt.mc_id",
        "sr_share",
        "ns_source",
        "ns_mchannel",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "icid",
        "rss",
        "feedtype",
        "at_medium",
        "at_campaign",
        "taid",
        "cid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_")

# GDELT names languages in English; the records carry ISO 639-1 codes where known.
LANGUAGE_CODES = {
    "english": "en",
    "spanish": "es",
    "french": "fr",
    "portuguese": "pt",
    "german": "de",
    "italian": "it",
    "chinese": "zh",
    "arabic": "ar",
    "russian": "ru",
    "japanese": "ja",
    "korean": "ko",
    "dutch": "nl",
    "turkish": "tr",
    "vietnamese": "vi",
    "thai": "th",
    "indonesian": "id",
    "hindi": "hi",
    "ukrainian": "uk",
    "polish": "pl",
    "romanian": "ro",
    "greek": "el",
    "hebrew": "he",
    "persian": "fa",
    "urdu": "ur",
}
