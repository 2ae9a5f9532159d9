"""Statistics Canada section: police-reported trafficking incidents by year, Canada and its
provinces and territories."""

from __future__ import annotations

from collections import defaultdict

from matplotlib.ticker import MaxNLocator

from crossborder.report.base import Section, SectionResult, Skip
from crossborder.report.charts import count_axis, render
from crossborder.report.models import ReportModel, read

STATCAN_SOURCE = "Statistics Canada, table 35-10-0177-01"
PROVINCES_SHOWN = 6

INCIDENTS = ReportModel(
    "rpt_statcan_incidents_by_province",
    ("ref_year", "geography_name", "geography_level", "actual_incidents", "province_rank"),
    order_by="province_rank nulls first, ref_year",
)


def statcan_section(con, out: SectionResult) -> None:
    rows = read(con, INCIDENTS)
    if not rows:
        raise Skip(INCIDENTS.empty())
    years = sorted({row.ref_year for row in rows})
    last = years[-1]
    canada = {row.ref_year: row.actual_incidents for row in rows if row.geography_level == "country"}
    provinces: dict[str, list[tuple[int, float]]] = defaultdict(list)  # in rank order; years with a value
    for row in rows:
        shown = row.geography_level == "province_territory" and row.province_rank <= PROVINCES_SHOWN
        if shown and row.actual_incidents is not None:
            provinces[row.geography_name].append((row.ref_year, row.actual_incidents))

    if canada.get(last) is not None:
        reading = f"{canada[last]:,.0f} police-reported trafficking in persons incidents in Canada in {last}"
    else:
        reading = f"Police-reported trafficking incidents in Canada's provinces and territories to {last}"
    if provinces:
        reading += f"; {next(iter(provinces))} reports the most over the period."
    else:
        reading += "."
    national = [(year, value) for year, value in sorted(canada.items()) if value is not None]

    def draw(fig):
        left, right = fig.subplots(1, 2)
        # Lines first, then the count axes: an axis limited before anything is drawn stays at 0-1.
        if national:
            left.plot([p[0] for p in national], [p[1] for p in national], marker="o", color="#D55E00", linewidth=1.6)
        for name, points in provinces.items():
            right.plot(
                [p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, label=name, linewidth=1.2
            )
        left.set_title("Canada", loc="left", fontsize=9)
        right.set_title("Provinces and territories (six highest)", loc="left", fontsize=9)
        for ax in (left, right):
            if ax.has_data():
                count_axis(ax, "incidents per year")
            ax.set_xlabel("calendar year")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if provinces:
            right.legend(loc="upper left", fontsize=7)

    out.charts.append(
        render(
            "statcan",
            "Police-reported trafficking in persons incidents, Canada",
            STATCAN_SOURCE,
            str(last),
            reading,
            draw,
            height=3.2,
        )
    )


SECTIONS = [Section("statcan", "Canada: police-reported trafficking", (INCIDENTS,), statcan_section)]
