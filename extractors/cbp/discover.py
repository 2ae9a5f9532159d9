"""Finding CBP's releases: the release a CSV link names, the links on a landing page, and plan
(land both landing pages; their release files are the work items). A link that cannot be used
(not a valid URL, not http(s), not on an allowed host, fiscal years running backwards) is skipped
with a warning naming it; only a page with no usable release link fails the extract."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from crossborder.core.http import FetchError
from extractors.base import ExtractContext, ExtractReport
from extractors.cbp.schema import FILES_PREFIX, LANDING_PAGES, MONTHS, SERIES

_FILE_NAME = re.compile(
    r"^(?P<series>nationwide-encounters|nationwide-drugs|amo-drug-seizures)"
    r"-fy(?P<first>\d{2})-fy(?P<last>\d{2})"
    r"(?:-(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))?"
    r"(?P<aor>-aor)?\.csv$",
    re.IGNORECASE,
)
_FOLDER_MONTH = re.compile(r"(?P<year>20\d\d)-(?P<month>\d{1,2}|[A-Za-z]{3})(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Release:
    """One CSV file on the CBP site, identified by its upload folder and file name."""

    url: str
    series: str
    dataset: str
    release_id: str  # e.g. "2024-10/nationwide-encounters-fy21-fy24-aor"
    release_folder: str
    release_published: str | None  # YYYY-MM-01 of the upload folder's month
    release_first_fy: int
    release_last_fy: int
    release_month: str | None

    @property
    def slug(self) -> str:
        return self.release_id.replace("/", "__")

    def provenance(self) -> dict[str, Any]:
        """The release fields every record of the file carries."""
        fields = asdict(self)
        fields["source_url"] = fields.pop("url")
        del fields["dataset"]
        return fields


def _folder_month(folder: str) -> str | None:
    matches = list(_FOLDER_MONTH.finditer(folder))
    if not matches:
        return None
    year, month = matches[-1]["year"], matches[-1]["month"]
    if month.isdigit():
        number = int(month)
    elif month.upper() in MONTHS:
        number = MONTHS.index(month.upper()) + 1
    else:
        return None
    return date(int(year), number, 1).isoformat() if 1 <= number <= 12 else None


def release_from_url(url: str) -> Release | None:
    """The release a CSV link names, or None when the link is not a nationwide AOR/drug file."""
    path = unquote(urlsplit(url).path)
    folder_path, _, file_name = path.rpartition("/")
    match = _FILE_NAME.match(file_name)
    if not match:
        return None
    series = match["series"].lower()
    dataset = SERIES[series][0]
    if dataset == "encounters" and not match["aor"]:
        return None  # encounters come as -aor and -state files; the AOR file is the one wanted
    if dataset == "drug_seizures" and match["aor"]:
        return None
    folder = (
        folder_path[len(FILES_PREFIX) :] if (folder_path + "/").startswith(FILES_PREFIX) else folder_path.strip("/")
    )
    stem = file_name[: -len(".csv")]
    return Release(
        url=url,
        series=series,
        dataset=dataset,
        release_id=f"{folder}/{stem}" if folder else stem,
        release_folder=folder,
        release_published=_folder_month(folder),
        release_first_fy=2000 + int(match["first"]),
        release_last_fy=2000 + int(match["last"]),
        release_month=match["month"].lower() if match["month"] else None,
    )


def _unusable(release: Release, allowed_hosts: Collection[str] | None) -> str | None:
    """Why a link naming a release cannot be fetched or makes no sense, or None when it is usable."""
    parts = urlsplit(release.url)
    try:
        parts.port  # noqa: B018 -- raises ValueError on a port that is not a number in range
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    if allowed_hosts is not None and parts.hostname.lower() not in allowed_hosts:
        return f"host {parts.hostname} is not an allowed host"
    if release.release_first_fy > release.release_last_fy:
        return "its fiscal years run backwards"
    return None


def discover_releases(
    html: bytes,
    page_url: str,
    *,
    allowed_hosts: Collection[str] | None = None,
    skipped: list[str] | None = None,
) -> list[Release]:
    """Every nationwide release linked from a CBP landing page (pure: HTML in, releases out).

    A link that is not a valid URL, or names a release it cannot be fetched from (see _unusable),
    is left out and described in `skipped`; links to anything else are ignored."""
    soup = BeautifulSoup(html, "lxml")
    seen: dict[str, Release] = {}
    for link in soup.find_all("a", href=True):
        href = str(link["href"]).strip()
        try:
            release = release_from_url(urljoin(page_url, href))
        except ValueError as exc:  # e.g. href="http://[::1"
            problem: str | None = f"not a valid URL ({exc})"
        else:
            if release is None:
                continue
            problem = _unusable(release, allowed_hosts)
        if problem or release is None:
            if skipped is not None:
                skipped.append(f"link {href!r}: {problem}")
            continue
        if release.release_id not in seen:
            seen[release.release_id] = release
    return sorted(seen.values(), key=lambda r: r.release_id)


def plan(ctx: ExtractContext, report: ExtractReport) -> list[str]:
    """Fetch both landing pages and return the URL of every release they list (the work items)."""
    releases: dict[str, Release] = {}
    for page_option in LANDING_PAGES:
        page_url = ctx.source.url(ctx.source.option(page_option))
        try:
            entry = ctx.fetch(page_url, kind="page", suffix=".html", report=report)
        except FetchError as exc:
            report.failures.append(str(exc))
            continue
        skipped: list[str] = []
        found = discover_releases(
            ctx.landing.object_path(entry).read_bytes(),
            page_url,
            allowed_hosts=ctx.source.allowed_hosts,
            skipped=skipped,
        )
        for problem in skipped:
            ctx.progress.say(f"    WARNING cbp: {page_url}: skipped {problem}")
        wanted = [r for r in found if SERIES[r.series][2] == page_option]
        if not wanted:
            unusable = f"; {len(skipped)} unusable links skipped (first: {skipped[0]})" if skipped else ""
            report.failures.append(
                f"cbp: {page_url}: no release CSV links found on the page (has the page layout changed?){unusable}"
            )
        for release in wanted:
            releases.setdefault(release.url, release)
    return list(releases)
