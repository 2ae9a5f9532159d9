"""Which TIP editions to fetch: the `editions` setting ("2019", "2017-2021", "2017-latest") read.

Kept apart from discover.py (which needs BeautifulSoup and the HTTP client) so the command line can
check `--years` without importing either.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from crossborder.core.errors import CrossborderError
from extractors.tip.schema import FIRST_HTML_EDITION


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
