"""News section: articles per day or week by topic, the countries most mentioned, the latest headlines."""

from __future__ import annotations

from collections import defaultdict

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.ticker import MaxNLocator

from crossborder.report.base import Section, SectionResult, Skip, Table, safe_link
from crossborder.report.charts import PALETTE, count_axis, render
from crossborder.report.models import ReportModel, read

NEWS_SOURCE = "news feeds and GDELT queries of config/news_feeds.yaml"

COVERAGE = ReportModel(
    "rpt_news_coverage",
    ("articles", "dated_articles", "first_published_date", "last_published_date", "period_grain"),
    order_by="period_grain",
)
TOPICS = ReportModel(
    "rpt_news_articles_by_topic",
    ("period_start", "topic", "topic_label", "articles", "topic_articles", "topic_rank"),
    order_by="topic_rank, period_start",
)
COUNTRIES = ReportModel("rpt_news_country_mentions", ("country_name", "stories"), order_by="mention_rank")
HEADLINES = ReportModel(
    "rpt_news_latest_headlines", ("title", "publisher", "published_date", "canonical_url"), order_by="headline_rank"
)


def news_section(con, out: SectionResult) -> None:
    coverage = read(con, COVERAGE)
    if not coverage:
        raise Skip(COVERAGE.empty())
    span = coverage[0]
    if not span.dated_articles:
        raise Skip(f"no article has a publication date ({COVERAGE.qualified})")
    first, last, grain = span.first_published_date, span.last_published_date, span.period_grain
    as_of = f"{last:%d %B %Y} (latest publication date)"

    topics = read(con, TOPICS)
    if topics:
        top = topics[0]
        reading = (
            f"{span.articles:,} articles from {first:%d %b %Y} to {last:%d %b %Y}; the most frequent topic is "
            f"{top.topic_label} ({top.topic_articles:,} articles)."
        )
        periods = sorted({row.period_start for row in topics})
        by_topic: dict[tuple[int, str], dict] = defaultdict(dict)  # (rank, label): period -> articles
        for row in topics:
            by_topic[(row.topic_rank, row.topic_label)][row.period_start] = row.articles

        def draw_topics(fig):
            ax = fig.subplots()
            bottom = [0] * len(periods)
            width = 5.5 if grain == "week" else 0.8
            for (rank, label), counts in by_topic.items():
                values = [counts.get(p, 0) for p in periods]
                ax.bar(
                    periods,
                    values,
                    bottom=bottom,
                    width=width,
                    label=label,
                    color=PALETTE[(rank - 1) % len(PALETTE)],
                    align="edge" if grain == "week" else "center",
                )
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
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
                as_of,
                reading,
                draw_topics,
                height=3.2,
            )
        )
    else:
        out.notes.append("News volume by topic: no dated article has a topic.")

    countries = read(con, COUNTRIES)
    if countries:
        reading = f"{countries[0].country_name} is named in the most stories ({countries[0].stories:,})" + (
            f", then {countries[1].country_name} ({countries[1].stories:,})." if len(countries) > 1 else "."
        )

        def draw_countries(fig):
            ax = fig.subplots()
            bars = ax.barh([c.country_name for c in countries], [c.stories for c in countries], color="#0072B2")
            ax.bar_label(bars, labels=[f"{c.stories:,}" for c in countries], padding=3, fontsize=8)
            ax.invert_yaxis()
            ax.set_xlabel("stories naming the country (wire copies counted once)")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(axis="y", visible=False)

        out.charts.append(
            render(
                "news-countries",
                "Countries most mentioned in the news",
                NEWS_SOURCE,
                as_of,
                reading,
                draw_countries,
                height=1.2 + 0.22 * len(countries),
            )
        )
    else:
        out.notes.append(f"Countries most mentioned: no article names a country ({COUNTRIES.qualified} is empty).")

    headlines = read(con, HEADLINES)
    out.tables.append(
        Table(
            caption="Latest headlines (titles as published; links go to the publisher)",
            header=["title", "publisher", "published"],
            rows=[
                [h.title, h.publisher or "", str(h.published_date) if h.published_date else "date not given"]
                for h in headlines
            ],
            links=[safe_link(h.canonical_url) for h in headlines],
        )
    )


SECTIONS = [Section("news", "News", (COVERAGE, TOPICS, COUNTRIES, HEADLINES), news_section)]
