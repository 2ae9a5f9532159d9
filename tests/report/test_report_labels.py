"""The briefing report's labels say what its numbers are: a partial fiscal year is labelled with
the months it covers, chart captions say when the data are sample data, and the countries chart
counts stories (wire copies once). On the dbt-built demo warehouse."""

from __future__ import annotations

import re

from crossborder.report import write_report
from crossborder.report.charts import fiscal_year_label


def _figure(html: str, key: str) -> str:
    return html.split(f'<figure class="chart" id="chart-{key}">', 1)[1].split("</figure>", 1)[0]


def _captions(html: str) -> list[str]:
    return re.findall(r"<figcaption>(.*?)</figcaption>", html, re.DOTALL)


def test_fiscal_year_labels_say_when_a_year_is_partial():
    assert fiscal_year_label(2024, 12) == "FY2024"
    assert fiscal_year_label(2024) == "FY2024"
    assert fiscal_year_label(2025, 5) == "FY2025 (5 of 12 months)"


def test_the_encounters_chart_labels_the_partial_fiscal_year(demo_report):
    encounters = _figure(demo_report, "encounters")
    assert "FY2025 (5 of 12 months)" in encounters  # the demo's FY2025: October to February
    assert "FY2024 (" not in encounters and "FY2024" in encounters
    reading = re.search(r'<span class="reading">([^<]*)</span>', encounters)[1]
    assert "FY2025 (5 of 12 months) so far." in reading


def test_chart_captions_say_sample_data_only_when_it_is(demo_report, cbp_only):
    captions = _captions(demo_report)
    assert captions and all("SAMPLE DATA" in caption for caption in captions)
    live = write_report(cbp_only).read_text(encoding="utf-8")  # a copy without the sample marker
    assert _captions(live) and not any("SAMPLE DATA" in caption for caption in _captions(live))


def test_the_countries_chart_counts_stories_not_copies(demo_report):
    countries = _figure(demo_report, "news-countries")
    assert "is named in the most stories" in countries
    assert "stories naming the country (wire copies counted once)" in countries
