"""Border Patrol history section: encounters per month at the northern and southwest land
borders since FY2000, OHSS's series then CBP's, the March 2020 change of definition marked."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from crossborder.report.base import Section, SectionResult, Skip, month_name
from crossborder.report.charts import count_axis, month_axis, render
from crossborder.report.models import ReportModel, read

USBP_SOURCE = "DHS Office of Homeland Security Statistics (OHSS) and U.S. Customs and Border Protection"
COLORS = {"ohss": "#0072B2", "cbp": "#D55E00"}
PUBLISHER_NAMES = {"ohss": "OHSS (rounded to tens)", "cbp": "CBP nationwide files"}
# Where the Border Patrol began counting encounters (Title 42 expulsions too) is read from the
# mart's `definition`, so the dashed line follows the dbt var.
HISTORY = ReportModel(
    "rpt_usbp_border_region_history",
    (
        "month_start",
        "fiscal_year",
        "border_region",
        "encounter_count",
        "publisher",
        "definition",
        "fiscal_year_encounters",
        "fiscal_year_months",
    ),
    order_by="border_region, month_start",
)


def _runs(rows) -> list[tuple[str, list[date], list[int]]]:
    """The rows split where the publisher changes: (publisher, months, counts) in order."""
    runs: list[tuple[str, list[date], list[int]]] = []
    for row in rows:
        if not runs or runs[-1][0] != row.publisher:
            runs.append((row.publisher, [], []))
        runs[-1][1].append(row.month_start)
        runs[-1][2].append(row.encounter_count)
    return runs


def usbp_history_section(con, out: SectionResult) -> None:
    rows = read(con, HISTORY)
    if not rows:
        raise Skip(HISTORY.empty())
    if not any(row.publisher == "ohss" for row in rows):  # CBP's files alone start in FY2020: no history
        raise Skip(f"no data ({HISTORY.qualified} holds no OHSS month: the OHSS source is not in the warehouse)")
    by_region = defaultdict(list)
    for row in rows:
        by_region[row.border_region].append(row)
    months = sorted({row.month_start for row in rows})
    first, last = months[0], months[-1]
    change = min((row.month_start for row in rows if row.definition == "encounters"), default=None)

    northern = by_region.get("northern", [])
    complete = {r.fiscal_year: r.fiscal_year_encounters for r in northern if r.fiscal_year_months == 12}
    if complete:
        latest_year = max(complete)
        peak_year = max(complete, key=lambda year: complete[year])
        reading = (
            f"Northern land border: {complete[latest_year]:,} in FY{latest_year}, the last complete fiscal year "
            f"(peak FY{peak_year}: {complete[peak_year]:,}); the series starts {month_name(first)}."
        )
    else:
        reading = f"Border Patrol encounters from {month_name(first)} to {month_name(last)}."
    if change is not None and first < change:
        reading += f" Apprehensions until {month_name(change)}, then encounters (Title 42 expulsions too)."

    def draw(fig):
        regions = [r for r in ("southwest", "northern") if r in by_region]
        axes = fig.subplots(len(regions), 1, sharex=True, squeeze=False)[:, 0]
        shown: set[str] = set()
        for ax, region in zip(axes, regions, strict=True):
            for publisher, run_months, counts in _runs(by_region[region]):
                label = PUBLISHER_NAMES.get(publisher, publisher) if publisher not in shown else None
                shown.add(publisher)
                ax.plot(run_months, counts, color=COLORS.get(publisher, "#999999"), linewidth=1.2, label=label)
            count_axis(ax, "per month")
            ax.set_title(f"{region.capitalize()} land border (own scale)", loc="left", fontsize=9)
            if change is not None and first < change:
                ax.axvline(change, color="#555555", linewidth=0.8, linestyle="--", zorder=0)
        axes[0].legend(loc="upper right", fontsize=7)
        if change is not None and first < change:
            axes[0].text(
                change, 0.97, " encounters from here", transform=axes[0].get_xaxis_transform(), fontsize=7, va="top"
            )
        axes[-1].set_xlabel("month (dashed line: apprehensions before, encounters after)")
        month_axis(axes[-1], months)

    out.charts.append(
        render(
            "usbp-history",
            "Border Patrol encounters since FY2000",
            USBP_SOURCE,
            month_name(last),
            reading,
            draw,
            height=4.4,
        )
    )


SECTIONS = [Section("usbp_history", "Border Patrol: a quarter century", (HISTORY,), usbp_history_section)]
