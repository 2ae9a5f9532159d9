"""Finding CBP's releases: the release a CSV link names, the links on a landing page, and plan
(land both landing pages; their release files are the work items).

Every CSV link of a page that is not taken is listed with its reason (a -state file, not
nationwide, an unknown name, another page's release, disallowed by robots.txt, or a link that
cannot be used: not a valid URL, not http(s), not on an allowed host, fiscal years running
backwards): said in the run, kept in the extract report and in a file beside the page's dataset
records. Only a page with no release that can be taken fails the extract."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from crossborder.core.errors import FetchError
from crossborder.core.landing import ManifestEntry
from extractors.base import ExtractContext, ExtractReport
from extractors.cbp.schema import FILES_PREFIX, LANDING_PAGES, LINKS_NOT_TAKEN, MONTHS, PAGE_DATASETS, SERIES

_FILE_NAME = re.compile(
    r"^(?P<series>nationwide-encounters|nationwide-drugs|amo-drug-seizures)"
    r"-fy(?P<first>\d{2})-fy(?P<last>\d{2})"
    r"(?:-(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))?"
    r"(?:-(?P<variant>aor|state))?\.csv$",
    re.IGNORECASE,
)
# Named like a release, of another scope than the nationwide ones (southwest-land-border-encounters-fy22-fy25.csv).
_OTHER_SCOPE = re.compile(
    r"^(?P<scope>[a-z0-9-]+?)-(?:encounters|drugs|drug-seizures)-fy\d{2}-fy\d{2}\b", re.IGNORECASE
)
_NATIONWIDE_SCOPES = {"nationwide", "amo"}
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

    @property
    def taken_by_header(self) -> bool:
        """An encounters file named without -aor (older releases): only its header can say it is
        the AOR table, so it is kept only when the header is the AOR schema (parse.header_refusal)."""
        return self.dataset == "encounters" and not self.release_id.lower().endswith("-aor")

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


# What kind of link was not taken (NotTaken.kind).
STATE_FILE = "state-file"
NOT_NATIONWIDE = "not-nationwide"
OTHER_PAGE = "other-page"
UNKNOWN_NAME = "unknown-name"
UNUSABLE = "unusable"
REFUSED = "refused"  # not fetched: disallowed by robots.txt
# Links every landing page has: listed, but no cause for a warning.
_EXPECTED = {STATE_FILE, NOT_NATIONWIDE, OTHER_PAGE}


@dataclass(frozen=True)
class NotTaken:
    """A link of a landing page that was not taken, and why."""

    href: str  # as written on the page
    kind: str
    reason: str
    url: str | None = None  # resolved against the page, when it is a URL

    @property
    def expected(self) -> bool:
        return self.kind in _EXPECTED

    def __str__(self) -> str:
        return f"link {self.href!r}: {self.reason}"


class NotARelease(NamedTuple):
    """Why a CSV link names no release this extractor takes."""

    kind: str  # one of the NotTaken kinds
    reason: str


def _release_or_reason(url: str) -> Release | NotARelease | None:
    """The release a link names; why not, for a link to a CSV file that is not one; None for a
    link to anything else. ValueError on a link that is not a valid URL."""
    path = unquote(urlsplit(url).path)
    folder_path, _, file_name = path.rpartition("/")
    if not file_name.lower().endswith(".csv"):
        return None
    match = _FILE_NAME.match(file_name)
    unknown = NotARelease(UNKNOWN_NAME, "unknown name: not a CBP release file name this extractor reads")
    if not match:
        other = _OTHER_SCOPE.match(file_name)
        if other and other["scope"].lower() not in _NATIONWIDE_SCOPES:
            return NotARelease(NOT_NATIONWIDE, f"not nationwide: {other['scope']} files are not collected")
        return unknown
    series = match["series"].lower()
    dataset = SERIES[series][0]
    variant = (match["variant"] or "").lower()
    if dataset == "encounters" and variant == "state":
        return NotARelease(STATE_FILE, "a -state file (encounters by state): the release's -aor file is the one taken")
    if dataset == "drug_seizures" and variant:
        return unknown  # the drug files come in one form only
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


def release_from_url(url: str) -> Release | None:
    """The release a CSV link names, or None when the link is not a nationwide AOR/drug file.

    An encounters file named without -aor is a release too (Release.taken_by_header)."""
    found = _release_or_reason(url)
    return found if isinstance(found, Release) else None


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
    page_option: str | None = None,
    allowed_hosts: Collection[str] | None = None,
    refusal: Callable[[str], str | None] | None = None,
    skipped: list[NotTaken] | None = None,
) -> list[Release]:
    """Every nationwide release linked from a CBP landing page (pure: HTML in, releases out).

    Every CSV link not taken (and every link that is not a valid URL) is described in `skipped`,
    in page order: one naming no release (see _release_or_reason), a release that cannot be
    fetched (_unusable), another page's release (when page_option names this page's [sources.cbp]
    option), or one refusal(url) gives a reason for (robots.txt). Links to anything else are ignored."""
    soup = BeautifulSoup(html, "lxml")
    seen: dict[str, Release] = {}
    not_taken: list[NotTaken] = [] if skipped is None else skipped
    for link in soup.find_all("a", href=True):
        href = str(link["href"]).strip()
        try:
            url = urljoin(page_url, href)
            found = _release_or_reason(url)
        except ValueError as exc:  # e.g. href="http://[::1"
            not_taken.append(NotTaken(href, UNUSABLE, f"not a valid URL ({exc})"))
            continue
        if found is None:
            continue
        if isinstance(found, NotARelease):
            not_taken.append(NotTaken(href, found.kind, found.reason, url))
            continue
        problem = _unusable(found, allowed_hosts)
        if problem:
            not_taken.append(NotTaken(href, UNUSABLE, problem, url))
            continue
        page = SERIES[found.series][2]
        if page_option is not None and page != page_option:
            reason = f"a {found.series} release: taken from the {page.removesuffix('_page')} page only"
            not_taken.append(NotTaken(href, OTHER_PAGE, reason, url))
            continue
        if found.release_id in seen:
            continue
        refused = refusal(found.url) if refusal is not None else None
        if refused:
            not_taken.append(NotTaken(href, REFUSED, refused, url))
            continue
        seen[found.release_id] = found
    return sorted(seen.values(), key=lambda r: r.release_id)


def _list_links_not_taken(
    ctx: ExtractContext, report: ExtractReport, page_option: str, entry: ManifestEntry, not_taken: list[NotTaken]
) -> None:
    """Say each link not taken, put it in the report, and keep the list beside the page's dataset
    records: written whole each time (no times in it, so an unchanged page gives the same file)."""
    for link in not_taken:
        line = f"cbp: {entry.url}: not taken: {link}"
        report.links_not_taken.append(line)
        ctx.progress.say(f"    {line}" if link.expected else f"    WARNING {line}")
    ctx.landing.write_meta(
        PAGE_DATASETS[page_option],
        LINKS_NOT_TAKEN,
        {
            "page_url": entry.url,
            "page_raw_sha256": entry.sha256,
            "page_raw_path": entry.path,
            "links_not_taken": [asdict(link) for link in not_taken],
        },
    )


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
        not_taken: list[NotTaken] = []
        found = discover_releases(
            ctx.landing.object_path(entry).read_bytes(),
            page_url,
            page_option=page_option,
            allowed_hosts=ctx.source.allowed_hosts,
            refusal=ctx.client.refusal,
            skipped=not_taken,
        )
        _list_links_not_taken(ctx, report, page_option, entry, not_taken)
        if not found:
            report.failures.append(
                f"cbp: {page_url}: no release on the page can be taken: {len(not_taken)} links not taken "
                f"(first: {not_taken[0]})"
                if not_taken
                else f"cbp: {page_url}: no release CSV links found on the page (has the page layout changed?)"
            )
        for release in found:
            releases.setdefault(release.url, release)
    return list(releases)
