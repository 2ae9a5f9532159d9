"""Suites of the quality gate, one module per source.

A source module (``cbp``, later ``tip``, ``news``) defines ``checks() -> list[Check]`` and is
listed in ``SUITE_MODULES``. Nothing here imports Great Expectations: each ``Check`` builds its
GX expectation objects only when the gate calls ``check.build_expectations()``.
"""

from __future__ import annotations

import importlib

from expectations.suites.base import Check

__all__ = ["Check", "SUITE_MODULES", "all_checks"]

SUITE_MODULES: tuple[str, ...] = ("expectations.suites.cbp",)


def all_checks() -> list[Check]:
    """Every check of every source module, in module order; suite names must be unique."""
    checks: list[Check] = []
    for module_name in SUITE_MODULES:
        checks.extend(importlib.import_module(module_name).checks())
    names = [check.name for check in checks]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate suite names: {', '.join(duplicates)}")
    return checks
