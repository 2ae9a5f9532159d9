"""Domain facts declared once, as dbt seeds (dbt_project/seeds/*.csv), read here for Python.

dbt reads the same files (``ref('tip_placements')``, macros/tip.sql, the ``in_reference`` tests),
so the extractors, the quality gate and the report use the very values the warehouse is built
and tested with. Each loader reads its CSV once (cached) and returns immutable values:

    from crossborder.core import reference
    reference.tip_placement_names()          # ('Tier 1', 'Tier 2', 'Tier 2 Watch List', 'Tier 3', 'Special Case')
    reference.tip_tier_ranks()               # {'Tier 1': 1, 'Tier 2': 2, 'Tier 2 Watch List': 3, 'Tier 3': 4}
    reference.cbp_component_names()          # ('Office of Field Operations', 'U.S. Border Patrol', ...)
    reference.cbp_region_names("encounters") # ('Southwest Land Border', 'Northern Land Border', 'Other')
    reference.cbp_region("drug_seizures", "northern")  # 'Northern Border'
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crossborder.core.config import PROJECT_ROOT
from crossborder.core.errors import CrossborderError

__all__ = [
    "SEEDS_DIR",
    "BorderRegion",
    "CbpComponent",
    "TipPlacement",
    "cbp_border_regions",
    "cbp_component_names",
    "cbp_components",
    "cbp_region",
    "cbp_region_names",
    "read_seed",
    "tip_placement_names",
    "tip_placements",
    "tip_tier_ranks",
]

SEEDS_DIR = PROJECT_ROOT / "dbt_project" / "seeds"


@dataclass(frozen=True)
class TipPlacement:
    """One placement of the TIP Report (seeds/tip_placements.csv)."""

    placement: str  # 'Tier 2 Watch List'
    tier_rank: int | None  # 1 (best) to 4; None for Special Case
    sort_order: int  # report order, Special Case last
    is_ranked: bool


@dataclass(frozen=True)
class CbpComponent:
    """A CBP component (seeds/cbp_components.csv)."""

    component: str  # 'Office of Field Operations'
    component_code: str  # 'ofo', the start of an aor_code
    sort_order: int


@dataclass(frozen=True)
class BorderRegion:
    """A region a CBP dataset publishes under (seeds/cbp_border_regions.csv)."""

    dataset: str  # 'encounters' or 'drug_seizures'
    region: str  # as CBP writes it in that dataset: 'Northern Land Border', 'Northern Border'
    border: str  # 'northern', 'southwest' or 'other'
    sort_order: int


def read_seed(name: str, seeds_dir: Path | None = None) -> tuple[dict[str, str], ...]:
    """The rows of seeds/<name>.csv as dicts of text (empty cells are empty strings)."""
    path = (seeds_dir or SEEDS_DIR) / f"{name}.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return tuple(dict(row) for row in csv.DictReader(handle))
    except FileNotFoundError:
        raise CrossborderError(f"reference data {path} is missing") from None


def _int(value: str, name: str, column: str) -> int | None:
    if value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise CrossborderError(f"seeds/{name}.csv: {column} {value!r} is not a whole number") from None


def _bool(value: str, name: str, column: str) -> bool:
    text = value.strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise CrossborderError(f"seeds/{name}.csv: {column} {value!r} is not true or false")


def _required_int(value: str, name: str, column: str) -> int:
    number = _int(value, name, column)
    if number is None:
        raise CrossborderError(f"seeds/{name}.csv: {column} is empty")
    return number


@cache
def tip_placements() -> tuple[TipPlacement, ...]:
    """The five placements, in report order."""
    name = "tip_placements"
    rows = [
        TipPlacement(
            placement=row["placement"],
            tier_rank=_int(row["tier_rank"], name, "tier_rank"),
            sort_order=_required_int(row["sort_order"], name, "sort_order"),
            is_ranked=_bool(row["is_ranked"], name, "is_ranked"),
        )
        for row in read_seed(name)
    ]
    return tuple(sorted(rows, key=lambda p: p.sort_order))


def tip_placement_names() -> tuple[str, ...]:
    """'Tier 1', 'Tier 2', 'Tier 2 Watch List', 'Tier 3', 'Special Case'."""
    return tuple(p.placement for p in tip_placements())


def tip_tier_ranks() -> dict[str, int]:
    """Rank of each ranked placement (Special Case has none): {'Tier 1': 1, ..., 'Tier 3': 4}."""
    return {p.placement: p.tier_rank for p in tip_placements() if p.is_ranked and p.tier_rank is not None}


@cache
def cbp_components() -> tuple[CbpComponent, ...]:
    name = "cbp_components"
    rows = [
        CbpComponent(row["component"], row["component_code"], _required_int(row["sort_order"], name, "sort_order"))
        for row in read_seed(name)
    ]
    return tuple(sorted(rows, key=lambda c: c.sort_order))


def cbp_component_names() -> tuple[str, ...]:
    return tuple(c.component for c in cbp_components())


@cache
def cbp_border_regions(dataset: str | None = None) -> tuple[BorderRegion, ...]:
    """The regions of one dataset ('encounters', 'drug_seizures'), or of both, in sort order."""
    name = "cbp_border_regions"
    rows = [
        BorderRegion(row["dataset"], row["region"], row["border"], _required_int(row["sort_order"], name, "sort_order"))
        for row in read_seed(name)
    ]
    datasets = sorted({r.dataset for r in rows})
    if dataset is not None and dataset not in datasets:
        raise CrossborderError(f"seeds/{name}.csv has no dataset {dataset!r} (it has: {', '.join(datasets)})")
    chosen = [r for r in rows if dataset is None or r.dataset == dataset]
    return tuple(sorted(chosen, key=lambda r: (r.dataset, r.sort_order)))


def cbp_region_names(dataset: str) -> tuple[str, ...]:
    return tuple(r.region for r in cbp_border_regions(dataset))


def cbp_region(dataset: str, border: str) -> str:
    """The region name a dataset uses for a border: ('encounters', 'northern') -> 'Northern Land Border'."""
    for region in cbp_border_regions(dataset):
        if region.border == border:
            return region.region
    raise CrossborderError(f"seeds/cbp_border_regions.csv has no {border!r} region for {dataset}")
