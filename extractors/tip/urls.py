"""Where the TIP report's editions live: each edition's slug and index URL on the main site and
the archive host, and what a TIP URL is (locate)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from crossborder.core.config import SourceSettings


def report_slug(source: SourceSettings, year: int) -> str:
    for exception in source.option("report_slug_exceptions"):
        if exception.startswith(f"{year}-"):
            return str(exception)
    return str(source.option("report_slug")).format(year=year)


def hosts(source: SourceSettings) -> list[tuple[str, str]]:
    """(role, base URL) in the order they are tried: the main site, then the archive host."""
    bases = [("main", source.base_url.rstrip("/"))]
    archive = str(source.options.get("archive_base_url") or "").rstrip("/")
    if archive and archive != bases[0][1]:
        bases.append(("archive", archive))
    return bases


def index_url(source: SourceSettings, base: str, year: int) -> str:
    return base + "/" + str(source.option("report_path")).format(slug=report_slug(source, year)).lstrip("/")


def canonical(url: str) -> str:
    """The URL with a trailing slash, without query or fragment."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def locate(source: SourceSettings, url: str) -> dict[str, Any] | None:
    """What a TIP URL is: {role, base, year, slug, index_url, page} (page None for the index), else None."""
    url = canonical(url)
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
