"""`crossborder probe`: a live check of each source's entry points that changes nothing.

Per source, one request for each entry page (CBP's two landing pages and the newest release file
each lists; the newest TIP edition's index and one country page; each news feed and GDELT query;
the StatCan WDS call; OHSS's landing page and the newest Border Patrol workbook), each parsed
with the source's real parser, and measured against the last successful fetch of the same URL in
the landing zone: release links found, the CSV header against the series' schema, country links
found, the narrative's layout and sections, feed items, the WDS answer, workbook links and sheets.
A blocked answer (crossborder.core.fetch_health), a failed request,
a parser that no longer reads the page, or a count that fell to less than half of the held copy's
is drift. Downloads go to a temporary folder: no raw file, manifest line, ledger line or record
is written, and the warehouse is not opened.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossborder.core.config import Settings
from crossborder.core.errors import CrossborderError, FetchError
from crossborder.core.fetch_health import block_page_title, is_blocking, read_head
from crossborder.core.http import HttpClient
from crossborder.core.landing import LandingZone
from crossborder.core.progress import Progress
from extractors import SOURCES

# A count below this share of the held copy's is drift (a page that lost most of its links).
MIN_SHARE_OF_HELD = 0.5

Measure = Callable[[bytes], dict[str, Any]]


@dataclass
class Check:
    """One entry point of a source: what it is, what it gave now and last time, what is wrong."""

    what: str
    url: str
    now: dict[str, Any] = field(default_factory=dict)
    held: dict[str, Any] | None = None
    problem: str | None = None

    @property
    def drift(self) -> list[str]:
        if self.problem:
            return [self.problem]
        found = []
        for key, value in self.now.items():
            before = (self.held or {}).get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                if value == 0 or (isinstance(before, int) and before and value < before * MIN_SHARE_OF_HELD):
                    found.append(f"{key}: {value}" + (f" (was {before})" if before is not None else ""))
            elif before is not None and value != before:
                found.append(f"{key}: {value!r} (was {before!r})")
        return found


@dataclass
class SourceProbe:
    source: str
    checks: list[Check]

    @property
    def healthy(self) -> bool:
        return all(not c.drift for c in self.checks)

    def line(self) -> str:
        if self.healthy:
            seen = "; ".join(f"{c.what}: " + ", ".join(f"{k} {v}" for k, v in c.now.items()) for c in self.checks)
            return f"{self.source}: ok ({seen})"
        wrong = [f"{c.what} {c.url}: {'; '.join(c.drift)}" for c in self.checks if c.drift]
        return f"{self.source}: DRIFT: " + " | ".join(wrong)


class _Prober:
    """Fetches into a temp folder with the source's own client; compares with the landing zone."""

    def __init__(self, settings: Settings, source: str, tmp: Path, client: HttpClient | None = None):
        self.settings, self.source = settings, settings.source(source)
        self.landing = LandingZone(settings.raw_dir, source)
        self.client = client or HttpClient(settings.http.for_source(source), source, self.source.allowed_hosts)
        self.tmp = tmp

    def check(self, what: str, url: str, measure: Measure) -> tuple[Check, bytes | None]:
        check = Check(what, url)
        held = self.landing.latest_by_url().get(url)
        if held is not None and self.landing.object_path(held).exists():
            try:
                check.held = measure(self.landing.object_path(held).read_bytes())
            except Exception:  # a held copy that no longer parses says nothing about today
                check.held = None
        try:
            download = self.client.download(url, self.tmp)
        except FetchError as exc:
            check.problem = f"blocked: {exc.reason}" if is_blocking(exc) else f"request failed: {exc.reason}"
            return check, None
        assert download.path is not None
        body = download.path.read_bytes()
        title = block_page_title(read_head(download.path), download.content_type)
        if title is not None:
            check.problem = f"blocked: HTTP {download.status} block page {title!r}"
            return check, None
        try:
            check.now = measure(body)
        except Exception as exc:  # the real parser refusing the page is the drift this looks for
            check.problem = f"no longer parses: {type(exc).__name__}: {exc}"
        return check, body


def _probe_cbp(p: _Prober) -> list[Check]:
    from extractors.cbp.discover import discover_releases
    from extractors.cbp.parse import check_header
    from extractors.cbp.schema import LANDING_PAGES, SERIES

    checks = []
    for page_option in LANDING_PAGES:
        url = p.source.url(p.source.option(page_option))

        def releases(body: bytes, url: str = url, page_option: str = page_option) -> list[Any]:
            found = discover_releases(body, url, allowed_hosts=p.source.allowed_hosts, skipped=[])
            return [r for r in found if SERIES[r.series][2] == page_option]

        page, body = p.check("landing page", url, lambda body: {"release links": len(releases(body))})
        checks.append(page)
        listed = releases(body) if body is not None and not page.problem else []
        if listed:  # the newest release file's header: a renamed or dropped column is drift
            newest = max(listed, key=lambda r: (r.release_last_fy, r.release_published or "", r.release_id))
            header = lambda data, r=newest: {"CSV header": f"{len(check_header(data, r))} columns, {r.series} schema"}  # noqa: E731
            checks.append(p.check("newest release file", newest.url, header)[0])
    return checks


def _probe_tip(p: _Prober) -> list[Check]:
    from extractors.tip.discover import discover_country_pages
    from extractors.tip.editions import parse_editions
    from extractors.tip.parse import parse_html
    from extractors.tip.urls import index_url

    years, not_yet_published = parse_editions(p.source.option("editions"))
    held_years = [int(e.release_id) for e in p.landing.entries() if (e.release_id or "").isdigit()]
    year = max(held_years or [y for y in years if y not in not_yet_published] or years)
    index = index_url(p.source, p.source.base_url, year)

    def links(body: bytes) -> dict[str, Any]:
        return {"country links": len(discover_country_pages(body, index, p.source))}

    index_check, body = p.check(f"edition {year} index", index, links)
    checks = [index_check]
    pages = discover_country_pages(body, index, p.source) if body is not None and not index_check.problem else []
    if pages:
        page = next((u for u in pages if u.rstrip("/").endswith("/canada")), pages[0])

        def narrative(body: bytes) -> dict[str, Any]:
            parsed = parse_html(body)
            return {
                "layout": parsed.layout,
                "placement found": bool(parsed.placement),
                "sections": len(parsed.sections),
            }

        checks.append(p.check("country page", page, narrative)[0])
    return checks


def _probe_news(p: _Prober) -> list[Check]:
    from extractors.base import ExtractContext
    from extractors.news.feeds import load_config, news_context
    from extractors.news.parse import FeedInfo, parse_document

    ctx = ExtractContext.create(p.settings, "news", Progress(quiet=True))
    config = load_config(ctx)
    p.client = news_context(ctx, config).client
    checks = []
    for feed in config.feeds:

        def items(body: bytes, feed: Any = feed) -> dict[str, Any]:
            info = FeedInfo(feed.name, feed.url, "", "1970-01-01T00:00:00+00:00")
            records, _ = parse_document(feed.kind, body, info, lambda text: ([], []))
            return {"items": len(records)}

        checks.append(p.check("GDELT query" if feed.kind == "gdelt" else f"feed {feed.name}", feed.url, items)[0])
    return checks


def _probe_statcan(p: _Prober) -> list[Check]:
    from extractors.base import ExtractContext
    from extractors.statcan.discover import wds_url, zip_url_from_wds

    url = wds_url(ExtractContext.create(p.settings, "statcan", Progress(quiet=True)))
    return [p.check("WDS call", url, lambda body: {"names a zip": bool(zip_url_from_wds(body, url))})[0]]


def _probe_ohss(p: _Prober) -> list[Check]:
    from extractors.ohss.discover import workbook_links
    from extractors.ohss.parse import WorkbookLog, parse_workbook

    url = p.source.url(p.source.option("landing_page"))
    page, body = p.check("landing page", url, lambda body: {"USBP workbook links": len(workbook_links(body, url))})
    checks = [page]
    links = workbook_links(body, url) if body is not None and not page.problem else []
    if links:  # the newest workbook still reads: a renamed sheet or column is drift

        def sheets(data: bytes, link: str = links[-1]) -> dict[str, Any]:
            log = WorkbookLog()
            parse_workbook(data, workbook="probe", source_url=link, raw_sha256="", fetched_at="", log=log)
            return {"sheets read": len(log.kept), "rows kept": sum(log.kept.values())}

        checks.append(p.check("workbook", links[-1], sheets)[0])
    return checks


PROBES: dict[str, Callable[[_Prober], list[Check]]] = {
    "cbp": _probe_cbp,
    "tip": _probe_tip,
    "news": _probe_news,
    "statcan": _probe_statcan,
    "ohss": _probe_ohss,
}


def probe_source(settings: Settings, source: str) -> SourceProbe:
    """Probe one source's entry points (see the module docstring)."""
    if source not in PROBES:
        raise CrossborderError(f"no probe for source {source!r} (probes: {', '.join(PROBES)})")
    with tempfile.TemporaryDirectory(prefix="crossborder-probe-") as tmp:
        prober = _Prober(settings, source, Path(tmp))
        try:
            checks = PROBES[source](prober)
        except CrossborderError as exc:  # configuration or discovery problems, named by the source
            checks = [Check("probe", settings.source(source).base_url, problem=str(exc))]
    return SourceProbe(source, checks)


def probe(settings: Settings, sources: Iterable[str] | None = None) -> list[SourceProbe]:
    """Probe each source (default: all)."""
    return [probe_source(settings, source) for source in (list(sources or []) or SOURCES)]


def raise_on_drift(result: SourceProbe) -> None:
    """For schedulers: fail with the source's line when it drifted (the probe DAG)."""
    if not result.healthy:
        raise CrossborderError(f"probe: {result.line()}")
