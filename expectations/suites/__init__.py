"""Suites of the quality gate: one module per source, and one for the marts joining them.

A suite module defines ``checks(settings) -> list[Check]``, taking the Settings the gate is given
(thresholds come from ``settings.thresholds(source)``: nothing here loads configuration itself).
Source modules are listed in ``SUITE_MODULES`` under their source name: the gate runs the suites
of the sources a build included (a source never extracted builds empty tables and is not judged).
``SHARED_MODULES`` judge the cross-border marts, which every build makes whatever its sources:
they run always. Nothing here imports Great Expectations: each ``Check`` builds its GX
expectation objects only when the gate calls ``check.build_expectations()``.

What the gate judges, and what dbt tests instead, is in docs/quality-gate.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from crossborder.core.config import Settings
from expectations.suites.base import Check

__all__ = ["SHARED_MODULES", "SUITE_MODULES", "Check", "all_checks"]

# source name -> module with its checks
SUITE_MODULES: dict[str, str] = {
    "cbp": "expectations.suites.cbp",
    "tip": "expectations.suites.tip",
    "news": "expectations.suites.news",
    "statcan": "expectations.suites.statcan",
    "ohss": "expectations.suites.ohss",
}
# checks of the marts that join the sources: run whatever sources were built
SHARED_MODULES: dict[str, str] = {
    "cross_border": "expectations.suites.cross_border",
}


def all_checks(sources: Iterable[str] | None, settings: Settings) -> list[Check]:
    """The checks of the given sources (None: all) and the shared checks, in module order.

    settings: what every suite reads its thresholds from (the caller's, passed down).
    Suite names must be unique; a source without suites adds none.
    """
    wanted = set(SUITE_MODULES if sources is None else sources)
    modules = [SUITE_MODULES[s] for s in SUITE_MODULES if s in wanted] + list(SHARED_MODULES.values())
    checks: list[Check] = []
    for module in modules:
        checks.extend(importlib.import_module(module).checks(settings))
    names = [check.name for check in checks]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate suite names: {', '.join(duplicates)}")
    return checks
