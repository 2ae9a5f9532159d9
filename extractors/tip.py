"""U.S. State Department, Trafficking in Persons (TIP) Report: every country's placement and narrative.

For each edition (report year) this module fetches the report's index page, from the main site or,
when the main site no longer has the edition, from the archive host; collects the country page
links; lands every country page (politely, conditionally); and parses them (extractors.tip_parser)
into three records datasets. Mapping country names to ISO codes is dbt's job (int_country__aliases).

State lives in the landing zone only: the manifest says what was landed from where and when,
`not_found.jsonl` which URLs answered 404 (a country not evaluated that edition), and
`quarantine/<year>.jsonl` which pages could not be read and why. See docs/tip.md.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from crossborder.core.config import SourceSettings
from crossborder.core.errors import CrossborderError
from crossborder.core.files import atomic_write, utc_now
from crossborder.core.http import FetchError, NotFound
from crossborder.core.landing import ManifestEntry
from extractors.base import ExtractContext, ExtractReport, extract_all
from extractors.tip_parser import PageUnreadable, parse_html

# The records folders this source writes (raw/tip/records/<dataset>/<year>.jsonl.gz), which dbt reads.
DATASETS = ("country_pages", "sections", "enforcement_figures")
# Bump when parsing changes: records are then re-derived from the raw pages already held.
PARSER_VERSION = 1
FIRST_HTML_EDITION = 2017


# -- configuration ---------------------------------------------------------------------------------
def parse_editions(tokens: list[str] | str, this_year: int | None = None) -> tuple[list[int], set[int]]:
    """Editions from tokens like "2019", "2017-2021", "2017-latest" (also comma-separated).

    Returns (years, optional): an edition in `optional` ("latest", the current year) may not be
    published yet and is skipped quietly when no host has it.
    """
    this_year = this_year or datetime.now(UTC).year
    if isinstance(tokens, str):
        tokens = [tokens]
    years: set[int] = set()
    optional: set[int] = set()
    for token in (t.strip() for raw in tokens for t in str(raw).split(",")):
        if not token:
            continue
        match = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{4}|latest))?", token, re.IGNORECASE)
        if not match:
            raise CrossborderError(f"tip: edition {token!r} is not a year, a range (2017-2021) or 2017-latest")
        first = int(match[1])
        last = first if match[2] is None else (this_year if match[2].lower() == "latest" else int(match[2]))
        if match[2] and match[2].lower() == "latest":
            optional.add(this_year)
        if last < first:
            raise CrossborderError(f"tip: edition range {token!r} ends before it starts")
        if first < FIRST_HTML_EDITION:
            raise CrossborderError(
                f"tip: edition {first} is not on the HTML site (editions from {FIRST_HTML_EDITION} on)"
            )
        if last > this_year:
            raise CrossborderError(f"tip: edition {last} is in the future")
        years.update(range(first, last + 1))
    if not years:
        raise CrossborderError("tip: no editions configured ([sources.tip] editions)")
    return sorted(years), optional & years


def report_slug(source: SourceSettings, year: int) -> str:
    for exception in source.option("report_slug_exceptions"):
        if exception.startswith(f"{year}-"):
            return exception
    return source.option("report_slug").format(year=year)


def hosts(source: SourceSettings) -> list[tuple[str, str]]:
    """(role, base URL) in the order they are tried: the main site, then the archive host."""
    bases = [("main", source.base_url.rstrip("/"))]
    archive = str(source.options.get("archive_base_url") or "").rstrip("/")
    if archive and archive != bases[0][1]:
        bases.append(("archive", archive))
    return bases


def index_url(source: SourceSettings, base: str, year: int) -> str:
    return base + "/" + source.option("report_path").format(slug=report_slug(source, year)).lstrip("/")


def _canonical(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def locate(source: SourceSettings, url: str) -> dict | None:
    """What a TIP URL is: {role, base, year, slug, index_url, page} (page None for the index), else None."""
    url = _canonical(url)
    for role, base in hosts(source):
        if not url.startswith(base + "/"):
            continue
        rest = url[len(base) :]
        for match in re.finditer(r"(?P<year>\d{4})-[^/]*", rest):
            year = int(match["year"])
            index = index_url(source, base, year)
            page = url[len(index) :].strip("/") if url.startswith(index) else None
            if page is not None and "/" not in page:
                return {
                    "role": role,
                    "base": base,
                    "year": year,
                    "slug": report_slug(source, year),
                    "index_url": index,
                    "page": page or None,
                }
    return None


def discover_country_pages(html: bytes, index: str, source: SourceSettings) -> list[str]:
    """URLs of the country pages an edition's index links to, on the host that served the index.

    A link counts when its path is the report's path plus one segment, on any of the source's
    hosts (the archive's pages may still link the main site); pages in `skip_pages` are left out.
    """
    where = locate(source, index)
    if where is None or where["page"] is not None:
        raise CrossborderError(f"tip: {index} is not an edition index URL")
    path = urlsplit(index).path
    skip = set(source.option("skip_pages"))
    found: dict[str, None] = {}
    soup = BeautifulSoup(html, "lxml")
    for link in soup.find_all("a", href=True):
        target = _canonical(urljoin(index, link["href"].strip()))
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            continue
        on_source = parts.hostname and (parts.hostname.lower() in source.allowed_hosts)
        if not on_source or not parts.path.startswith(path):
            continue
        page = parts.path[len(path) :].strip("/")
        if page and "/" not in page and page not in skip:
            found.setdefault(index + page + "/")
    return list(found)


# -- landing-zone state beyond the manifest ------------------------------------------------------------
def _not_found_path(ctx: ExtractContext) -> Path:
    return ctx.landing.root / "not_found.jsonl"


def not_found_log(ctx: ExtractContext) -> dict[str, str]:
    """URL -> when it last answered 404."""
    path = _not_found_path(ctx)
    seen: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                seen[entry["url"]] = entry["checked_at"]
    return seen


def _log_not_found(ctx: ExtractContext, url: str, status: int | None) -> None:
    path = _not_found_path(ctx)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)  # fetch tasks may run in parallel
        out.write(json.dumps({"url": url, "checked_at": utc_now(), "status": status}, sort_keys=True) + "\n")


def _recent(timestamp: str, hours: float) -> bool:
    if hours <= 0:
        return False
    return datetime.now(UTC) - datetime.fromisoformat(timestamp) < timedelta(hours=hours)


def land(
    ctx: ExtractContext, url: str, year: int, report: ExtractReport, *, kind: str = "file"
) -> ManifestEntry | None:
    """Land url (None: it answered 404). A copy or a 404 younger than recheck_after_hours is reused.

    kind: "page" for an edition's index, "file" for a country page (the data)."""
    hours = float(ctx.source.option("recheck_after_hours"))
    held = ctx.landing.latest_by_url().get(url)
    missing_at = not_found_log(ctx).get(url)
    if missing_at and (held is None or missing_at > held.fetched_at) and _recent(missing_at, hours):
        report.reused += 1
        return None
    if held and ctx.landing.object_path(held).exists() and _recent(held.fetched_at, hours):
        report.reused += 1
        return held
    try:
        return ctx.fetch(url, kind=kind, suffix=".html", release_id=str(year), report=report)
    except NotFound as exc:
        report.checked += 1
        report.not_found += 1
        _log_not_found(ctx, url, exc.status)
        ctx.progress.say(f"    {url}: HTTP {exc.status} (not in this edition)")
        return None


# -- the four steps --------------------------------------------------------------------------------------
def plan(ctx: ExtractContext, report: ExtractReport) -> list[str]:
    """Land each edition's index page (main site, else archive) and return its country page URLs."""
    years, optional = parse_editions(ctx.source.option("editions"))
    items: list[str] = []
    for year in years:
        tried = []
        for role, base in hosts(ctx.source):
            url = index_url(ctx.source, base, year)
            tried.append(url)
            try:
                entry = land(ctx, url, year, report, kind="page")
            except FetchError as exc:
                report.failures.append(str(exc))
                break
            if entry is None:
                continue
            pages = discover_country_pages(ctx.landing.object_path(entry).read_bytes(), url, ctx.source)
            if not pages:
                report.failures.append(
                    f"tip: {url}: no country page links found on the edition's index (has the page layout changed?)"
                )
            elif role == "archive":
                ctx.progress.say(f"    edition {year}: from the archive host ({url})")
            items.extend(pages)
            break
        else:
            if year in optional:
                ctx.progress.say(f"    edition {year}: not published yet (404 at {' and '.join(tried)})")
            else:
                report.failures.append(f"tip: edition {year} not found (404 at {' and '.join(tried)})")
    return items


def fetch(ctx: ExtractContext, item: str, report: ExtractReport) -> None:
    """Land one country page (a work item from plan); a 404 is recorded, not raised."""
    where = locate(ctx.source, item)
    if where is None or where["page"] is None:
        raise CrossborderError(f"tip: {item} is not a TIP country page URL")
    land(ctx, item, where["year"], report)


def extract(ctx: ExtractContext) -> ExtractReport:
    """plan, fetch every item, then refresh the records: the whole extract in one call."""
    return extract_all(ctx, "tip", plan, fetch, refresh_records)


def _editions_landed(
    ctx: ExtractContext, latest: dict[str, ManifestEntry], missing: dict[str, str]
) -> dict[int, tuple[dict, ManifestEntry]]:
    """Per edition, the index page fetched most recently (whichever host served it, unless it now answers 404)."""
    editions: dict[int, tuple[dict, ManifestEntry]] = {}
    for url, entry in latest.items():
        where = locate(ctx.source, url)
        if where is None or where["page"] is not None or not ctx.landing.object_path(entry).exists():
            continue
        if missing.get(url, "") > entry.fetched_at:
            continue
        current = editions.get(where["year"])
        if current is None or entry.fetched_at >= current[1].fetched_at:
            editions[where["year"]] = (where, entry)
    return editions


def refresh_records(ctx: ExtractContext, report: ExtractReport) -> None:
    """(Re)derive the records of every landed edition whose pages or parser changed. Offline.

    An edition with pages not landed yet, or where more than max_failed_page_share of the pages
    cannot be read, is a failure: its records are left as they were.
    """
    latest = ctx.landing.latest_by_url()
    missing = not_found_log(ctx)
    first_seen: dict[str, str] = {}
    for entry in ctx.landing.entries():
        if entry.status == 200:
            first_seen.setdefault(entry.sha256, entry.fetched_at)
    share = float(ctx.source.option("max_failed_page_share"))

    for year, (where, index_entry) in sorted(_editions_landed(ctx, latest, missing).items()):
        index = where["index_url"]
        pages = discover_country_pages(ctx.landing.object_path(index_entry).read_bytes(), index, ctx.source)
        held, not_evaluated, not_landed = {}, [], []
        for page in pages:
            entry = latest.get(page)
            gone_at = missing.get(page)
            if gone_at and (entry is None or gone_at > entry.fetched_at):
                not_evaluated.append(page)
            elif entry and ctx.landing.object_path(entry).exists():
                held[page] = entry
            else:
                not_landed.append(page)
        if not_landed:
            report.failures.append(
                f"tip: edition {year}: {len(not_landed)} of {len(pages)} country pages not landed yet "
                f"(first: {not_landed[0]}); run `crossborder extract --source tip` again to resume"
            )
            continue
        inputs = json.dumps(
            {
                "index": index_entry.sha256,
                "pages": {u: e.sha256 for u, e in sorted(held.items())},
                "not_evaluated": sorted(not_evaluated),
            },
            sort_keys=True,
        )
        digest = hashlib.sha256(inputs.encode()).hexdigest()
        meta = ctx.landing.read_meta("country_pages", str(year))
        if meta and meta.get("inputs_sha256") == digest and meta.get("parser_version") == PARSER_VERSION:
            report.quarantined += meta.get("quarantined", 0)
            continue

        provenance = {
            "report_year": year,
            "report_slug": where["slug"],
            "index_url": index,
            "served_by": where["role"],
            "source_host": urlsplit(index).hostname,
        }
        rows: dict[str, list[dict]] = {dataset: [] for dataset in DATASETS}
        quarantine = []
        for page, entry in held.items():
            raw = ctx.landing.object_path(entry)
            try:
                narrative = parse_html(raw.read_bytes())
            except PageUnreadable as exc:
                quarantine.append(
                    {
                        "url": page,
                        "report_year": year,
                        "reason": str(exc),
                        "raw_sha256": entry.sha256,
                        "raw_path": str(raw),
                        "quarantined_at": utc_now(),
                    }
                )
                continue
            page_key = {"report_year": year, "page_url": page, "country_name": narrative.country_name}
            rows["country_pages"].append(
                {
                    **provenance,
                    "page_url": page,
                    "page_slug": page[len(index) :].strip("/"),
                    "raw_sha256": entry.sha256,
                    "fetched_at": first_seen.get(entry.sha256, entry.fetched_at),
                    "country_name_in_report": narrative.country_name_in_report,
                    "country_name": narrative.country_name,
                    "heading": narrative.heading,
                    "placement": narrative.placement,
                    "movement_stated": narrative.movement_stated,
                    "movement_stated_placement": narrative.movement_stated_placement,
                    "movement_sentence": narrative.movement_sentence,
                    "layout": narrative.layout,
                    "section_count": len(narrative.sections),
                    "parser_version": PARSER_VERSION,
                }
            )
            rows["sections"].extend({**page_key, **section} for section in narrative.sections)
            rows["enforcement_figures"].extend({**page_key, **figure} for figure in narrative.figures)

        # A few 404s (countries not evaluated) and unreadable pages are normal; most of them means
        # the site has changed, and an edition read from what is left would be wrong.
        if len(quarantine) + len(not_evaluated) > share * len(pages):
            first = (
                f"first unreadable: {quarantine[0]['url']}: {quarantine[0]['reason']}"
                if quarantine
                else f"first: {not_evaluated[0]}"
            )
            report.failures.append(
                f"tip: edition {year}: {len(quarantine)} of {len(pages)} country pages have no readable heading and tier "
                f"and {len(not_evaluated)} answer 404 ({first}); has the site changed? "
                f"Records of this edition are left as they were"
            )
            continue
        for dataset, records in rows.items():
            report.records[dataset] = report.records.get(dataset, 0) + ctx.landing.write_records(
                dataset, str(year), records
            )
        _write_quarantine(ctx, year, quarantine)
        for item in quarantine:
            ctx.progress.say(f"    QUARANTINED {item['url']}: {item['reason']}")
        report.quarantined += len(quarantine)
        ctx.landing.write_meta(
            "country_pages",
            str(year),
            {
                "inputs_sha256": digest,
                "parser_version": PARSER_VERSION,
                "index_url": index,
                "served_by": where["role"],
                "pages": len(pages),
                "records": len(rows["country_pages"]),
                "not_evaluated": len(not_evaluated),
                "quarantined": len(quarantine),
            },
        )


def quarantine_path(ctx: ExtractContext, year: int) -> Path:
    return ctx.landing.root / "quarantine" / f"{year}.jsonl"


def _write_quarantine(ctx: ExtractContext, year: int, items: list[dict]) -> None:
    path = quarantine_path(ctx, year)
    if not items:
        path.unlink(missing_ok=True)
        return
    atomic_write(path, lambda out: out.writelines(json.dumps(i, sort_keys=True) + "\n" for i in items), text=True)
