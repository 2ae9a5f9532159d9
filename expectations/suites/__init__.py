"""Suites of the quality gate, one module per source.

A source module (``cbp``, later ``tip``, ``news``) defines ``checks() -> list[Check]`` and is
listed in ``SUITE_MODULES`` under its source name. The gate runs the suites of the sources a
build included (a source never extracted builds empty tables and is not judged). Nothing here imports Great Expectations: each ``Check`` builds its
GX expectation objects only when the gate calls ``check.build_expectations()``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from expectations.suites.base import Check

__all__ = ["Check", "SUITE_MODULES", "all_checks"]

# source name -> module with its checks
SUITE_MODULES: dict[str, str] = {
    "cbp": "expectations.suites.cbp",
    "tip": "expectations.suites.tip",
    "news": "expectations.suites.news",
    "statcan": "expectations.suites.statcan",
}


def all_checks(sources: Iterable[str] | None = None) -> list[Check]:
    """The checks of the given sources (default: all), in module order; suite names must be unique."""
    wanted = SUITE_MODULES if sources is None else [s for s in SUITE_MODULES if s in set(sources)]
    checks: list[Check] = []
    for source in wanted:
        checks.extend(importlib.import_module(SUITE_MODULES[source]).checks())
    names = [check.name for check in checks]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate suite names: {', '.join(duplicates)}")
    return checks
