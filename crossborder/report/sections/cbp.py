"""CBP sections: monthly encounters by land border region, and drug seizures by region."""

from __future__ import annotations

from collections import defaultdict

from crossborder.core.reference import cbp_border_regions, cbp_region
from crossborder.report.base import Section, SectionResult, Skip, change_words, month_name
from crossborder.report.charts import count_axis, fiscal_year_label, mark_fiscal_years, month_axis, render
from crossborder.report.models import ReportModel, read

CBP_SOURCE = "U.S. Customs and Border Protection"
# Region names come from the seed cbp_border_regions (each dataset spells the borders its own way);
# the colours are presentation, by border.
BORDER_COLORS = {"southwest": "#D55E00", "northern": "#0072B2"}
SOUTHWEST, NORTHERN = cbp_region("encounters", "southwest"), cbp_region("encounters", "northern")
REGION_COLORS = {r.region: BORDER_COLORS.get(r.border, "#999999") for r in cbp_border_regions("encounters")}
SEIZURE_REGION_COLORS = {r.region: BORDER_COLORS.get(r.border, "#009E73") for r in cbp_border_regions("drug_seizures")}

ENCOUNTERS = ReportModel(
    "rpt_encounters_monthly_by_region",
    (
        "month_start",
        "land_border_region",
        "encounter_count",
        "pct_change_on_year_earlier",
        "region_share_of_period",
        "release_id",
        "fiscal_year",
        "fiscal_year_months_covered",
        "is_latest_month",
    ),
    order_by="month_start, land_border_region",
)
SEIZURES = ReportModel(
    "rpt_drug_seizures_monthly_by_region",
    (
        "month_start",
        "region",
        "drug_group",
        "quantity_lbs",
        "month_quantity_lbs",
        "month_pct_change_on_year_earlier",
        "share_of_month",
        "rank_in_month",
        "is_latest_month",
    ),
    order_by="month_start, region, drug_group",
)


def encounters_section(con, out: SectionResult) -> None:
    rows = read(con, ENCOUNTERS)
    if not rows:
        raise Skip(ENCOUNTERS.empty())
    series: dict[str, list[int]] = defaultdict(list)  # every region has every month (the model fills in 0)
    for row in rows:
        series[row.land_border_region].append(row.encounter_count)
    months = sorted({row.month_start for row in rows})
    months_covered = {row.fiscal_year: row.fiscal_year_months_covered for row in rows}
    latest = {row.land_border_region: row for row in rows if row.is_latest_month}
    last = months[-1]
    as_of = f"{month_name(last)} (release {next(iter(latest.values())).release_id})"

    readings = [
        f"{latest[region].encounter_count:,} at the {short} land border "
        f"({change_words(latest[region].pct_change_on_year_earlier)})"
        for region, short in ((SOUTHWEST, "southwest"), (NORTHERN, "northern"))
        if region in latest
    ]
    reading = (
        f"In {month_name(last)}: " + "; ".join(readings) + "." if readings else f"Latest month: {month_name(last)}."
    )
    current = next(iter(latest.values()))
    if current.fiscal_year_months_covered < 12:
        reading += f" {fiscal_year_label(current.fiscal_year, current.fiscal_year_months_covered)} so far."
    if NORTHERN in latest:
        reading += (
            f" The northern border is {latest[NORTHERN].region_share_of_period or 0:.1%} of all encounters, "
            "so it has its own scale below."
        )
    others = [region for region in REGION_COLORS if region in series and region != NORTHERN]
    others += sorted(region for region in series if region not in REGION_COLORS)

    split = NORTHERN in series and bool(others)  # the northern border on its own scale below the others

    def draw(fig):
        if split:
            top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
            axes = [top, bottom]
        else:
            top = bottom = fig.subplots()
            axes = [top]
        for region in others if split else list(series):
            top.plot(months, series[region], label=region, color=REGION_COLORS.get(region), linewidth=1.6)
        top.legend(loc="upper left", ncols=2)
        count_axis(top, "encounters per month")
        if split:
            bottom.plot(months, series[NORTHERN], color=REGION_COLORS[NORTHERN], linewidth=1.6)
            bottom.set_title(f"{NORTHERN} (own scale)", loc="left", fontsize=9)
            count_axis(bottom, "encounters per month")
        bottom.set_xlabel("month (dotted lines: start of the US fiscal year, October 1)")
        month_axis(bottom, months)
        mark_fiscal_years(axes, months[0], last, label_axis=top, months_covered=months_covered)

    out.charts.append(
        render(
            "encounters",
            "Monthly encounters by land border region",
            CBP_SOURCE + " nationwide encounters",
            as_of,
            reading,
            draw,
            height=4.6,
        )
    )


def seizures_section(con, out: SectionResult) -> None:
    rows = read(con, SEIZURES)
    if not rows:
        raise Skip(SEIZURES.empty())
    months = sorted({row.month_start for row in rows})
    last = months[-1]
    pounds: dict[tuple[str, str], list[float]] = defaultdict(list)  # (drug group, region): every month
    for row in rows:
        pounds[(row.drug_group, row.region)].append(row.quantity_lbs)
    present = {row.region for row in rows}
    regions = [r for r in SEIZURE_REGION_COLORS if r in present] + sorted(present - set(SEIZURE_REGION_COLORS))

    fentanyl = [row for row in rows if row.is_latest_month and row.drug_group == "fentanyl"]
    top = next((row for row in fentanyl if row.rank_in_month == 1), None)
    if top and top.month_quantity_lbs:
        reading = (
            f"In {month_name(last)}, {top.month_quantity_lbs:,.0f} lb of fentanyl were seized "
            f"({change_words(top.month_pct_change_on_year_earlier)}); "
            f"{top.share_of_month:.0%} of it in the {top.region} region."
        )
    else:
        reading = f"No fentanyl seizures were reported for {month_name(last)}."

    def draw(fig):
        left, right = fig.subplots(1, 2, sharex=True)
        for ax, group, title in ((left, "fentanyl", "Fentanyl"), (right, "other drugs", "All other drugs")):
            for region in regions:
                ax.plot(
                    months,
                    pounds[(group, region)],
                    label=region,
                    color=SEIZURE_REGION_COLORS.get(region),
                    linewidth=1.4,
                )
            ax.set_title(title, loc="left", fontsize=9)
            count_axis(ax, "pounds seized per month")
            ax.set_xlabel("month")
            month_axis(ax, months)
            mark_fiscal_years([ax], months[0], last)
        left.legend(loc="upper left")

    out.charts.append(
        render(
            "seizures",
            "Drug seizures by region and month (fentanyl and other drugs)",
            CBP_SOURCE + " drug seizures (OFO, USBP, AMO)",
            month_name(last),
            reading,
            draw,
            height=3.6,
        )
    )


SECTIONS = [
    Section("encounters", "Border encounters", (ENCOUNTERS,), encounters_section),
    Section("seizures", "Drug seizures", (SEIZURES,), seizures_section),
]
