"""The briefing report: one self-contained HTML file of charts over the published warehouse.

`write_report(settings, progress)` writes <data>/reports/briefing.html (what `crossborder report`,
the end of `crossborder run` and the warehouse DAG call). The file holds everything it shows:
charts are inline SVG, styles are inline, there is no script, and a Content-Security-Policy
forbids loading anything, so it opens offline and as a mail attachment.

Sections are pluggable: each names the tables it needs, and a section whose tables are absent
or empty is left out with a note saying so (e.g. Statistics Canada before that source exists).
Add one by appending a `Section` to SECTIONS. Text from the sources (titles, names, reasons) is
only ever inserted by Jinja2 with autoescape on, so it cannot inject markup.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.ticker import MaxNLocator

from crossborder.core.config import Settings
from crossborder.core.files import atomic_write, is_sample_data, share_with_group
from crossborder.core.progress import Progress
from crossborder.report.charts import PALETTE, Chart, count_axis, mark_fiscal_years, month_axis, render, thousands

REPORT_NAME = "briefing.html"


def report_path(settings: Settings) -> Path:
    return settings.data_dir / "reports" / REPORT_NAME


class Skip(Exception):
    """A section (or part of one) has nothing to show; the message says why."""


@dataclass
class Table:
    """A small table shown in a section (cells are text, escaped by the template)."""

    caption: str
    header: list[str]
    rows: list[list[Any]]
    links: list[str | None] = field(default_factory=list)  # optional http(s) link for the first cell of each row


@dataclass
class SectionResult:
    key: str
    title: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None  # why the section is not shown
    error: str | None = None  # the section failed to draw


@dataclass
class Section:
    key: str
    title: str
    tables: tuple[str, ...]  # every one must exist and hold rows, or the section is skipped
    build: Callable[[duckdb.DuckDBPyConnection, SectionResult], None]


# -- helpers ---------------------------------------------------------------------------------------
def _rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _table_state(con, qualified: str) -> str | None:
    """None when the table holds rows; otherwise why not ('absent' / 'empty')."""
    schema, name = qualified.split(".", 1)
    exists = _rows(
        con, "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    )[0][0]
    if not exists:
        return f"table {qualified} is not in the warehouse"
    if not _rows(con, f'select exists (select 1 from "{schema}"."{name}")')[0][0]:
        return f"table {qualified} is empty"
    return None


def _columns(con, qualified: str) -> set[str]:
    schema, name = qualified.split(".", 1)
    return {
        r[0]
        for r in _rows(
            con,
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, name],
        )
    }


def _month(d: date) -> str:
    return d.strftime("%B %Y")


def _pct_change(new: float, old: float) -> str:
    if not old:
        return "no comparison"
    return f"{(new - old) / old * 100:+.0f}% on a year earlier"


def _safe_link(url: str | None) -> str | None:
    """Only http(s) links are kept: a `javascript:` or `data:` URL from a feed never becomes a link."""
    if not url:
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


# -- sections --------------------------------------------------------------------------------------
CBP_SOURCE = "U.S. Customs and Border Protection"
REGIONS = ("Southwest Land Border", "Northern Land Border", "Other")


def encounters_section(con, out: SectionResult) -> None:
    rows = _rows(
        con,
        """
        select month_start, land_border_region, sum(encounter_count)::bigint
        from marts.fct_border_encounters group by all order by all""",
    )
    series: dict[str, dict[date, int]] = defaultdict(dict)
    for month, region, count in rows:
        series[region][month] = count
    months = sorted({r[0] for r in rows})
    first, last = months[0], months[-1]
    release = _rows(
        con,
        """
        select max(release_id) from marts.fct_border_encounters where month_start = (select max(month_start) from marts.fct_border_encounters)""",
    )[0][0]
    as_of = f"{_month(last)} (release {release})"

    def value(region: str, month: date) -> int:
        return series.get(region, {}).get(month, 0)

    year_before = date(last.year - 1, last.month, 1)
    readings = []
    for region, short in (("Southwest Land Border", "southwest"), ("Northern Land Border", "northern")):
        if region in series:
            readings.append(
                f"{value(region, last):,} at the {short} land border ({_pct_change(value(region, last), value(region, year_before))})"
            )
    reading = f"In {_month(last)}: " + "; ".join(readings) + "." if readings else f"Latest month: {_month(last)}."
    northern_share = sum(series.get("Northern Land Border", {}).values()) / max(1, sum(r[2] for r in rows))
    reading += f" The northern border is {northern_share:.1%} of all encounters, so it has its own scale below."

    def draw(fig):
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
        for region, color in (("Southwest Land Border", "#D55E00"), ("Other", "#999999")):
            if region in series:
                top.plot(months, [value(region, m) for m in months], label=region, color=color, linewidth=1.6)
        top.legend(loc="upper left", ncols=2)
        count_axis(top, "encounters per month")
        bottom.plot(months, [value("Northern Land Border", m) for m in months], color="#0072B2", linewidth=1.6)
        bottom.set_title("Northern Land Border (own scale)", loc="left", fontsize=9)
        count_axis(bottom, "encounters per month")
        bottom.set_xlabel("month (dotted lines: start of the US fiscal year, October 1)")
        month_axis(bottom, months)
        mark_fiscal_years([top, bottom], first, last, label_axis=top)

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
    rows = _rows(
        con,
        """
        select month_start, region, drug_type ilike '%fentanyl%' as is_fentanyl, sum(quantity_lbs), sum(event_count)::bigint
        from marts.fct_drug_seizures group by all order by all""",
    )
    months = sorted({r[0] for r in rows})
    first, last = months[0], months[-1]
    regions = [r for r in ("Southwest Border", "Northern Border", "Coastal/Interior") if any(x[1] == r for x in rows)]
    lbs: dict[tuple[bool, str], dict[date, float]] = defaultdict(dict)
    for month, region, is_fentanyl, pounds, _events in rows:
        lbs[(is_fentanyl, region)][month] = pounds or 0.0
    fentanyl_last = {r: lbs[(True, r)].get(last, 0.0) for r in regions}
    total_last = sum(fentanyl_last.values())
    year_before = date(last.year - 1, last.month, 1)
    total_before = sum(lbs[(True, r)].get(year_before, 0.0) for r in regions)
    if total_last:
        top_region = max(fentanyl_last, key=fentanyl_last.get)
        reading = (
            f"In {_month(last)}, {total_last:,.0f} lb of fentanyl were seized ({_pct_change(total_last, total_before)}); "
            f"{fentanyl_last[top_region] / total_last:.0%} of it in the {top_region} region."
        )
    else:
        reading = f"No fentanyl seizures were reported for {_month(last)}."
    colors = {"Southwest Border": "#D55E00", "Northern Border": "#0072B2", "Coastal/Interior": "#009E73"}

    def draw(fig):
        left, right = fig.subplots(1, 2, sharex=True)
        for ax, is_fentanyl, title in ((left, True, "Fentanyl"), (right, False, "All other drugs")):
            for region in regions:
                ax.plot(
                    months,
                    [lbs[(is_fentanyl, region)].get(m, 0.0) for m in months],
                    label=region,
                    color=colors.get(region),
                    linewidth=1.4,
                )
            ax.set_title(title, loc="left", fontsize=9)
            count_axis(ax, "pounds seized per month")
            ax.set_xlabel("month")
            month_axis(ax, months)
            mark_fiscal_years([ax], first, last)
        left.legend(loc="upper left")

    out.charts.append(
        render(
            "seizures",
            "Drug seizures by region and month (fentanyl and other drugs)",
            CBP_SOURCE + " drug seizures (OFO, USBP, AMO)",
            _month(last),
            reading,
            draw,
            height=3.6,
        )
    )


TIERS = ["Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case"]
TIER_COLORS = {
    "Tier 1": "#009E73",
    "Tier 2": "#56B4E9",
    "Tier 2 Watch List": "#E69F00",
    "Tier 3": "#D55E00",
    "Special Case": "#999999",
}
TIP_SOURCE = "U.S. Department of State, Trafficking in Persons Report"
FOCUS_COUNTRIES = (("CAN", "Canada"), ("USA", "United States"), ("MEX", "Mexico"))


def tip_section(con, out: SectionResult) -> None:
    editions = [r[0] for r in _rows(con, "select distinct report_year from marts.fct_tip_tier_placements order by 1")]
    latest = editions[-1]
    counts = dict(
        _rows(
            con,
            "select placement, count(*) from marts.fct_tip_tier_placements where report_year = ? group by 1",
            [latest],
        )
    )
    placed = sum(counts.values())
    reading = (
        f"The {latest} edition places {placed} countries: "
        + ", ".join(f"{counts[t]} on {t}" for t in TIERS if counts.get(t))
        + "."
    )

    def draw_tiers(fig):
        ax = fig.subplots()
        values = [counts.get(t, 0) for t in TIERS]
        bars = ax.barh(TIERS, values, color=[TIER_COLORS[t] for t in TIERS])
        ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("countries placed (number)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(thousands)
        ax.grid(axis="y", visible=False)

    out.charts.append(
        render(
            "tip-tiers",
            f"Countries by tier, {latest} TIP Report",
            TIP_SOURCE,
            f"{latest} edition",
            reading,
            draw_tiers,
            height=2.6,
        )
    )

    previous = latest - 1
    if previous in editions:
        moves = _rows(
            con,
            """
            select movement, country_name, previous_placement, placement from marts.fct_tip_tier_placements
            where report_year = ? and movement in ('upgrade', 'downgrade', 'new', 'unranked')
            order by movement, country_name""",
            [latest],
        )
        ups = [m for m in moves if m[0] == "upgrade"]
        downs = [m for m in moves if m[0] == "downgrade"]
        out.notes.append(f"Since the {previous} edition: {len(ups)} upgrade(s), {len(downs)} downgrade(s).")
        if moves:
            out.tables.append(
                Table(
                    caption=f"Changes of placement, {previous} to {latest}",
                    header=["country", "change", f"{previous}", f"{latest}"],
                    rows=[[m[1], m[0], m[2] or "not placed", m[3]] for m in moves],
                )
            )
    else:
        out.notes.append(
            f"Upgrades and downgrades: the {previous} edition is not in the warehouse, so there is nothing to compare the {latest} edition with."
        )

    history = _rows(
        con,
        """
        select iso3, report_year, placement, tier_rank from marts.fct_tip_tier_placements
        where iso3 in ('CAN', 'USA', 'MEX') order by report_year""",
    )
    if not history:
        out.notes.append("Tier history: Canada, the United States and Mexico are not placed in any edition loaded.")
        return
    by_country: dict[str, list[tuple]] = defaultdict(list)
    for iso3, year, placement, rank in history:
        by_country[iso3].append((year, placement, rank))
    latest_words = [
        f"{name} {by_country[iso][-1][1]} ({by_country[iso][-1][0]})"
        for iso, name in FOCUS_COUNTRIES
        if by_country.get(iso)
    ]
    reading = "Latest placements: " + "; ".join(latest_words) + "."

    def draw_history(fig):
        ax = fig.subplots()
        for (iso, name), color, offset in zip(FOCUS_COUNTRIES, ("#D55E00", "#0072B2", "#009E73"), (-0.08, 0.0, 0.08)):
            points = [(y, r) for y, _p, r in by_country.get(iso, []) if r is not None]
            if points:
                ax.plot(
                    [p[0] for p in points],
                    [p[1] + offset for p in points],
                    marker="o",
                    markersize=4,
                    label=name,
                    color=color,
                    linewidth=1.6,
                )
        ax.set_yticks([1, 2, 3, 4], ["Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3"])
        ax.set_ylim(4.4, 0.6)
        ax.set_ylabel("placement (tier)")
        ax.set_xlabel("report edition (year)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="lower left", ncols=3)

    years = [y for rows in by_country.values() for y, _p, _r in rows]
    out.charts.append(
        render(
            "tip-history",
            "Tier history: Canada, United States, Mexico",
            TIP_SOURCE,
            f"{max(years)} edition",
            reading,
            draw_history,
            height=2.8,
        )
    )


NEWS_SOURCE = "news feeds and GDELT queries of config/news_feeds.yaml"
TOPIC_NAMES = {
    "sex_trafficking": "sex trafficking",
    "labour_trafficking": "labour trafficking",
    "human_trafficking": "human trafficking (form not stated)",
    "human_smuggling": "human smuggling",
    "drugs_fentanyl": "drugs / fentanyl",
    "migration_asylum": "migration / asylum",
    "border_enforcement": "border enforcement",
}


def news_section(con, out: SectionResult) -> None:
    span = _rows(
        con,
        "select min(published_date), max(published_date), count(*) from marts.fct_news_articles where published_date is not null",
    )[0]
    if not span[2]:
        raise Skip("no article in marts.fct_news_articles has a publication date")
    first, last, dated = span
    grain = "week" if (last - first).days > 45 else "day"
    rows = _rows(
        con,
        f"""
        select date_trunc('{grain}', published_date)::date as period, topic, count(distinct article_id)
        from marts.fct_news_articles, unnest(topics) as t(topic)
        where published_date is not null group by all order by all""",
    )
    total = _rows(con, "select count(*) from marts.fct_news_articles")[0][0]
    by_topic: dict[str, dict[date, int]] = defaultdict(dict)
    for period, topic, n in rows:
        by_topic[topic][period] = n
    periods = sorted({r[0] for r in rows})
    ranked = sorted(by_topic, key=lambda t: -sum(by_topic[t].values()))
    if ranked:
        top = ranked[0]
        reading = (
            f"{total:,} articles from {first:%d %b %Y} to {last:%d %b %Y}; the most frequent topic is "
            f"{TOPIC_NAMES.get(top, top)} ({sum(by_topic[top].values()):,} articles)."
        )

        def draw_topics(fig):
            ax = fig.subplots()
            bottom = [0] * len(periods)
            width = 5.5 if grain == "week" else 0.8
            for i, topic in enumerate(ranked):
                values = [by_topic[topic].get(p, 0) for p in periods]
                ax.bar(
                    periods,
                    values,
                    bottom=bottom,
                    width=width,
                    label=TOPIC_NAMES.get(topic, topic),
                    color=PALETTE[i % 8],
                    align="edge" if grain == "week" else "center",
                )
                bottom = [b + v for b, v in zip(bottom, values)]
            count_axis(ax, f"articles per {grain}")
            ax.set_xlabel(f"publication date (UTC), by {grain}" + (" starting Monday" if grain == "week" else ""))
            locator = AutoDateLocator(maxticks=8)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
            ax.grid(axis="x", visible=False)

        out.charts.append(
            render(
                "news-topics",
                f"News volume by topic, articles per {grain}",
                NEWS_SOURCE,
                f"{last:%d %B %Y} (latest publication date)",
                reading,
                draw_topics,
                height=3.2,
            )
        )
    else:
        out.notes.append("News volume by topic: no dated article has a topic.")

    countries = (
        _rows(
            con,
            """
        select country_name, count(distinct article_id) as articles
        from marts.bridge_news_article_country group by 1 order by 2 desc, 1 limit 15""",
        )
        if _table_state(con, "marts.bridge_news_article_country") is None
        else []
    )
    if countries:
        reading = f"{countries[0][0]} is named in the most articles ({countries[0][1]:,})" + (
            f", then {countries[1][0]} ({countries[1][1]:,})." if len(countries) > 1 else "."
        )

        def draw_countries(fig):
            ax = fig.subplots()
            names = [c[0] for c in countries]
            bars = ax.barh(names, [c[1] for c in countries], color="#0072B2")
            ax.bar_label(bars, labels=[f"{c[1]:,}" for c in countries], padding=3, fontsize=8)
            ax.invert_yaxis()
            ax.set_xlabel("articles naming the country (number)")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(axis="y", visible=False)

        out.charts.append(
            render(
                "news-countries",
                "Countries most mentioned in the news",
                NEWS_SOURCE,
                f"{last:%d %B %Y} (latest publication date)",
                reading,
                draw_countries,
                height=1.2 + 0.22 * len(countries),
            )
        )
    else:
        out.notes.append(
            "Countries most mentioned: no article names a country (marts.bridge_news_article_country is absent or empty)."
        )

    latest = _rows(
        con,
        """
        select title, publisher, published_date, canonical_url from marts.fct_news_articles
        order by published_at desc nulls last, article_id limit 10""",
    )
    out.tables.append(
        Table(
            caption="Latest headlines (titles as published; links go to the publisher)",
            header=["title", "publisher", "published"],
            rows=[[t, p or "", str(d) if d else "date not given"] for t, p, d, _u in latest],
            links=[_safe_link(u) for *_rest, u in latest],
        )
    )


# Statistics Canada: the names the section accepts for its columns.
STATCAN_TABLE = "marts.fct_statcan_trafficking_incidents"
STATCAN_COLUMNS = {
    "year": ("ref_year", "reference_year", "year", "calendar_year"),
    "geography": ("geography", "province", "geo", "province_name"),
    "value": ("actual_incidents", "incidents", "incident_count", "value"),
}


def statcan_section(con, out: SectionResult) -> None:
    columns = _columns(con, STATCAN_TABLE)
    chosen = {}
    for role, names in STATCAN_COLUMNS.items():
        found = [n for n in names if n in columns]
        if not found:
            raise Skip(f"{STATCAN_TABLE} has no {role} column (one of {', '.join(names)})")
        chosen[role] = found[0]
    where = ["1 = 1"]
    if "statistic" in columns and chosen["value"] == "value":
        where.append("statistic ilike 'actual incidents'")
    if "violation" in columns:
        where.append("violation ilike 'trafficking in persons%'")
    if "geography_level" in columns:  # Canada and its provinces, not cities
        where.append("geography_level in ('country', 'province_territory')")
    rows = _rows(
        con,
        f"""
        select {chosen["year"]}::int, regexp_replace({chosen["geography"]}, '\\s*\\[\\d+\\]$', ''), sum({chosen["value"]})
        from {STATCAN_TABLE} where {" and ".join(where)} group by all order by all""",
    )
    if not rows:
        raise Skip(f"{STATCAN_TABLE} has no actual-incident rows")
    series: dict[str, dict[int, float]] = defaultdict(dict)
    for year, geo, value in rows:
        series[geo][year] = value or 0
    canada = series.pop("Canada", None)
    years = sorted({r[0] for r in rows})
    provinces = sorted(series, key=lambda g: -sum(series[g].values()))
    last = years[-1]
    national = canada.get(last) if canada else sum(s.get(last, 0) for s in series.values())
    reading = f"{national:,.0f} police-reported trafficking incidents in Canada in {last}"
    if provinces:
        reading += f"; {provinces[0]} reports the most over the period."

    def draw(fig):
        left, right = fig.subplots(1, 2)
        if canada:
            left.plot(years, [canada.get(y, 0) for y in years], marker="o", color="#D55E00", linewidth=1.6)
        left.set_title("Canada", loc="left", fontsize=9)
        for ax in (left, right):
            count_axis(ax, "incidents per year")
            ax.set_xlabel("calendar year")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for geo in provinces[:6]:
            right.plot(
                years, [series[geo].get(y, 0) for y in years], marker="o", markersize=3, label=geo, linewidth=1.2
            )
        right.set_title("Provinces and territories (six highest)", loc="left", fontsize=9)
        right.legend(loc="upper left", fontsize=7)

    out.charts.append(
        render(
            "statcan",
            "Police-reported trafficking in persons incidents, Canada",
            "Statistics Canada, table 35-10-0177-01",
            str(last),
            reading,
            draw,
            height=3.2,
        )
    )


SECTIONS: list[Section] = [
    Section("encounters", "Border encounters", ("marts.fct_border_encounters",), encounters_section),
    Section("seizures", "Drug seizures", ("marts.fct_drug_seizures",), seizures_section),
    Section("tip", "Trafficking in Persons Report placements", ("marts.fct_tip_tier_placements",), tip_section),
    Section("news", "News", ("marts.fct_news_articles",), news_section),
    Section("statcan", "Canada: police-reported trafficking", (STATCAN_TABLE,), statcan_section),
]


# -- provenance ------------------------------------------------------------------------------------
def _inputs(settings: Settings, con) -> list[dict]:
    """What went in: every release / edition / feed landed, with its last fetch (landing manifests)."""
    from crossborder.core.landing import LandingZone
    from extractors import SOURCES

    notes: dict[tuple[str, str], str] = {}
    if _table_state(con, "marts.dim_cbp_release") is None:
        for release_id, years in _rows(
            con, "select release_id, is_current_for_fiscal_years from marts.dim_cbp_release"
        ):
            notes[("cbp", release_id)] = (
                ("current source of " + ", ".join(f"FY{y}" for y in years))
                if years
                else "superseded (revisions tables)"
            )
    if _table_state(con, "marts.fct_tip_tier_placements") is None:
        for year, n in _rows(con, "select report_year, count(*) from marts.fct_tip_tier_placements group by 1"):
            notes[("tip", str(year))] = f"{n} countries placed"
    rows = []
    for source in SOURCES:
        groups: dict[str, dict] = {}
        for entry in LandingZone(settings.raw_dir, source).entries():
            key = entry.release_id or ("index pages" if entry.kind == "page" else f"{entry.kind} pages")
            group = groups.setdefault(
                key,
                {
                    "source": source,
                    "input": key,
                    "fetches": 0,
                    "objects": set(),
                    "last_fetched": "",
                    "last_status": None,
                    "url": entry.url,
                },
            )
            group["fetches"] += 1
            group["objects"].add(entry.sha256)
            if entry.fetched_at >= group["last_fetched"]:
                group["last_fetched"], group["last_status"] = entry.fetched_at, entry.status
        for key, group in groups.items():
            group["objects"] = len(group["objects"])
            group["note"] = notes.get((source, key), "")
            group["url"] = group["url"] if group["fetches"] == 1 or key.startswith("http") else ""
            rows.append(group)
    return rows


def _quarantined(settings: Settings, limit: int = 50) -> tuple[list[dict], int]:
    """Inputs set aside with a reason: TIP pages (raw/tip/quarantine/) and rejected news items/feeds."""
    found = []
    patterns = ["*/quarantine/*.jsonl", "*/records/**/*.rejected.jsonl"]
    for pattern in patterns:
        for path in sorted(settings.raw_dir.glob(pattern)):
            source = path.relative_to(settings.raw_dir).parts[0]
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            for line in lines:
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                if isinstance(item, dict):
                    found.append(
                        {
                            "source": source,
                            "what": str(
                                item.get("url")
                                or item.get("item_url")
                                or item.get("link")
                                or item.get("title")
                                or path.name
                            ),
                            "reason": str(item.get("reason", "")),
                            "when": str(item.get("quarantined_at", "")),
                        }
                    )
    return found[:limit], len(found)


def _gate(settings: Settings, report_dir: Path) -> dict | None:
    from crossborder.core.warehouse import last_gate_result as gate_status

    gate = gate_status(settings)
    if gate is None:
        return None
    docs = gate.get("data_docs_index")
    link = None
    if docs:
        path = Path(docs)
        link = os.path.relpath(path, report_dir) if path.is_relative_to(settings.data_dir) else path.as_uri()
    return {
        "passed": bool(gate.get("passed")),
        "when": gate.get("timestamp") or gate.get("run_at"),
        "suites": len(gate.get("suites", [])),
        "expectations": sum(s.get("expectations_evaluated") or 0 for s in gate.get("suites", [])),
        "failures": [f.get("suite", "") + ": " + f.get("expectation", "") for f in gate.get("failures", [])],
        "warnings": [f.get("suite", "") + ": " + f.get("expectation", "") for f in gate.get("warnings", [])],
        "docs_path": docs,
        "docs_link": link,
    }


# -- the report ------------------------------------------------------------------------------------
def build_sections(con, progress: Progress | None = None) -> list[SectionResult]:
    results = []
    for section in SECTIONS:
        result = SectionResult(key=section.key, title=section.title)
        reasons = [r for r in (_table_state(con, t) for t in section.tables) if r]
        if reasons:
            result.skipped = "; ".join(reasons)
        else:
            try:
                section.build(con, result)
            except Skip as exc:
                result.skipped = str(exc)
            except Exception as exc:  # one broken section must not hide the others
                result.error = f"{type(exc).__name__}: {exc}"
                if progress:
                    progress.say(f"    report section {section.key!r} failed: {result.error}")
        results.append(result)
    return results


def render_html(context: dict) -> str:
    from jinja2 import Environment, StrictUndefined

    from crossborder.report.template import TEMPLATE

    environment = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.from_string(TEMPLATE).render(**context)


def write_report(settings: Settings, progress: Progress | None = None) -> Path:
    """Write the briefing report of the published warehouse; returns its path.

    Reads the warehouse read-only; raises CrossborderError if there is none. The file is
    replaced atomically and is group-readable (like the published warehouse).
    """
    from markupsafe import Markup

    from crossborder.core.warehouse import open_published

    progress = progress or Progress(quiet=True)
    started = time.monotonic()
    target = report_path(settings)
    con = open_published(settings)
    try:
        sections = build_sections(con, progress)
        inputs = _inputs(settings, con)
    finally:
        con.close()
    for section in sections:
        for chart in section.charts:
            chart.svg = Markup(chart.svg)  # generated by matplotlib, which escapes text; checked in render()
    quarantined, quarantined_total = _quarantined(settings)
    published = datetime.fromtimestamp(settings.warehouse_path.stat().st_mtime, UTC)
    from crossborder import __version__

    html = render_html(
        {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "published_at": published.isoformat(timespec="seconds"),
            "warehouse": str(settings.warehouse_path),
            "demo": is_sample_data(settings.data_dir),
            "gate": _gate(settings, target.parent),
            "inputs": inputs,
            "quarantined": quarantined,
            "quarantined_total": quarantined_total,
            "sections": sections,
            "version": __version__,
        }
    )
    atomic_write(target, html)
    share_with_group(target.parent, settings.data_dir)
    progress.say(f"    report: {target} ({len(html) // 1024} KB, {time.monotonic() - started:.1f}s)")
    return target
