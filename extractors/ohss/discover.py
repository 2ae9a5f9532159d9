"""Finding the Border Patrol encounters workbook: plan lands the OHSS landing page
(`[sources.ohss] landing_page`, /khsm/cbp-encounters) and its USBP workbook links are the work items.

A link is taken when it ends in .xlsx and its URL or text names the Border Patrol ("USBP" or
"Border Patrol"); the page's other workbooks (Office of Field Operations, nationwide) are not
this source's. A taken link on a host that is not allowed, or one robots.txt forbids, is said
(a link not taken) and not fetched; a page without any USBP workbook fails the extract."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from crossborder.core.errors import FetchError
from extractors.base import ExtractContext, ExtractReport

_BORDER_PATROL = re.compile(r"\busbp\b|border\s+patrol", re.IGNORECASE)


def workbook_name(url: str) -> str:
    """The workbook's file name without .xlsx, as published: 'KHSM Encounters (USBP) fy25m11'."""
    return PurePosixPath(unquote(urlsplit(url).path)).stem


def workbook_links(html: bytes | str, page_url: str) -> list[str]:
    """The USBP encounters workbook URLs linked from the landing page, in page order (pure)."""
    soup = BeautifulSoup(html, "lxml")
    found: list[str] = []
    for link in soup.find_all("a", href=True):
        try:
            url = urljoin(page_url, str(link["href"]).strip())
        except ValueError:
            continue
        path = unquote(urlsplit(url).path)
        if not path.lower().endswith(".xlsx"):
            continue
        if (_BORDER_PATROL.search(path) or _BORDER_PATROL.search(link.get_text(" "))) and url not in found:
            found.append(url)
    return found


def plan(ctx: ExtractContext, report: ExtractReport) -> list[str]:
    """Land the landing page; its USBP workbook links that may be fetched are the work items."""
    page_url = ctx.source.url(ctx.source.option("landing_page"))
    try:
        entry = ctx.fetch(page_url, kind="page", suffix=".html", report=report)
    except FetchError as exc:
        report.failures.append(str(exc))
        return []
    links = workbook_links(ctx.landing.object_path(entry).read_bytes(), page_url)
    items = []
    for url in links:
        refused = ctx.client.refusal(url)
        if refused:
            report.links_not_taken.append(f"ohss: {page_url}: {url}: {refused}")
            ctx.progress.say(f"    WARNING ohss: {url}: {refused}")
        else:
            items.append(url)
    if not items:
        report.failures.append(
            f"ohss: {page_url}: no Border Patrol (USBP) encounters workbook (.xlsx) that may be fetched is linked "
            f"on the landing page ({len(links)} found; has the page layout changed?)"
        )
    return items
