"""TIP section: countries by tier in the latest edition, changes since the previous edition, and
the tier history of the focus countries. The placements, their ranks and their order are read
from the warehouse (report.rpt_tip_placements), never listed here."""

from __future__ import annotations

from collections import defaultdict

from matplotlib.ticker import MaxNLocator

from crossborder.report.base import Section, SectionResult, Skip, Table
from crossborder.report.charts import render, thousands
from crossborder.report.models import ReportModel, read

TIP_SOURCE = "U.S. Department of State, Trafficking in Persons Report"
# Colours by tier rank (1 = Tier 1 ... 4 = Tier 3); unranked placements (Special Case) grey.
RANK_COLORS = {1: "#009E73", 2: "#56B4E9", 3: "#E69F00", 4: "#D55E00"}
UNRANKED_COLOR = "#999999"
# By focus order (rpt_tip_focus_country_history.focus_order): colour, and a small vertical
# offset so countries on the same tier stay visible.
FOCUS_STYLES = {1: ("#D55E00", -0.08), 2: ("#0072B2", 0.0), 3: ("#009E73", 0.08)}

EDITIONS = ReportModel(
    "rpt_tip_editions",
    ("report_year", "countries_placed", "previous_edition_loaded", "upgrades", "downgrades", "is_latest_edition"),
    order_by="report_year",
)
PLACEMENTS = ReportModel(
    "rpt_tip_placements", ("placement", "tier_rank", "placement_order"), order_by="placement_order"
)
BY_EDITION = ReportModel(
    "rpt_tip_placements_by_edition",
    ("report_year", "placement", "tier_rank", "countries", "is_latest_edition"),
    order_by="report_year, placement_order",
)
CHANGES = ReportModel(
    "rpt_tip_placement_changes",
    ("report_year", "previous_report_year", "country_name", "movement", "previous_placement", "placement"),
    order_by="movement, country_name",
)
HISTORY = ReportModel(
    "rpt_tip_focus_country_history",
    ("iso3", "report_year", "country_name", "focus_order", "placement", "tier_rank", "is_latest_for_country"),
    order_by="focus_order, report_year",
)


def _color(rank: int | None) -> str:
    return UNRANKED_COLOR if rank is None else RANK_COLORS.get(rank, UNRANKED_COLOR)


def tip_section(con, out: SectionResult) -> None:
    editions = read(con, EDITIONS)
    if not editions:
        raise Skip(EDITIONS.empty())
    latest = editions[-1]
    year = latest.report_year
    tiers = [row for row in read(con, BY_EDITION) if row.is_latest_edition]
    reading = (
        f"The {year} edition places {latest.countries_placed} countries: "
        + ", ".join(f"{row.countries} on {row.placement}" for row in tiers if row.countries)
        + "."
    )

    def draw_tiers(fig):
        ax = fig.subplots()
        names, values = [row.placement for row in tiers], [row.countries for row in tiers]
        bars = ax.barh(names, values, color=[_color(row.tier_rank) for row in tiers])
        ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("countries placed (number)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(thousands)
        ax.grid(axis="y", visible=False)

    out.charts.append(
        render(
            "tip-tiers",
            f"Countries by tier, {year} TIP Report",
            TIP_SOURCE,
            f"{year} edition",
            reading,
            draw_tiers,
            height=2.6,
        )
    )

    previous = year - 1
    if latest.previous_edition_loaded:
        out.notes.append(
            f"Since the {previous} edition: {latest.upgrades} upgrade(s), {latest.downgrades} downgrade(s)."
        )
        changes = read(con, CHANGES)
        if changes:
            out.tables.append(
                Table(
                    caption=f"Changes of placement, {previous} to {year}",
                    header=["country", "change", f"{previous}", f"{year}"],
                    rows=[
                        [c.country_name, c.movement, c.previous_placement or "not placed", c.placement] for c in changes
                    ],
                )
            )
    else:
        out.notes.append(
            f"Upgrades and downgrades: the {previous} edition is not in the warehouse, so there is nothing to "
            f"compare the {year} edition with."
        )
    _history(con, out, year)


def _history(con, out: SectionResult, year: int) -> None:
    history = read(con, HISTORY)
    if not any(row.tier_rank is not None for row in history):
        out.notes.append(
            f"Tier history: no focus country ({HISTORY.qualified}) is placed on a tier in any edition loaded."
        )
        return
    by_country: dict[int, list] = defaultdict(list)
    for row in history:
        by_country[row.focus_order].append(row)
    names = [rows[-1].country_name for rows in by_country.values()]
    reading = (
        "Latest placements: "
        + "; ".join(
            f"{row.country_name} {row.placement} ({row.report_year})" for row in history if row.is_latest_for_country
        )
        + "."
    )
    ranked = [row for row in read(con, PLACEMENTS) if row.tier_rank is not None]

    def draw_history(fig):
        ax = fig.subplots()
        for order, rows in by_country.items():
            color, offset = FOCUS_STYLES.get(order, (None, 0.0))
            points = [(row.report_year, row.tier_rank) for row in rows if row.tier_rank is not None]
            if points:
                ax.plot(
                    [p[0] for p in points],
                    [p[1] + offset for p in points],
                    marker="o",
                    markersize=4,
                    label=rows[-1].country_name,
                    color=color,
                    linewidth=1.6,
                )
        ranks = [row.tier_rank for row in ranked]
        ax.set_yticks(ranks, [row.placement for row in ranked])
        ax.set_ylim(max(ranks) + 0.4, min(ranks) - 0.4)
        ax.set_ylabel("placement (tier)")
        ax.set_xlabel("report edition (year)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="lower left", ncols=3)

    out.charts.append(
        render(
            "tip-history",
            "Tier history: " + ", ".join(names),
            TIP_SOURCE,
            f"{year} edition",
            reading,
            draw_history,
            height=2.8,
        )
    )


SECTIONS = [
    Section(
        "tip",
        "Trafficking in Persons Report placements",
        (EDITIONS, BY_EDITION, CHANGES, HISTORY, PLACEMENTS),
        tip_section,
    ),
]
