"""Finding TIP's work items: the editions configured, each edition's index page (main site, else
the archive host) and the country pages it links to."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from crossborder.core.config import SourceSettings
from crossborder.core.errors import CrossborderError
from crossborder.core.http import FetchError
from extractors.base import ExtractContext, ExtractReport
from extractors.tip.editions import parse_editions
from extractors.tip.fetch import land
from extractors.tip.urls import canonical, hosts, index_url, locate


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
        target = canonical(urljoin(index, str(link["href"]).strip()))
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
