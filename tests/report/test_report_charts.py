"""Every chart of the demo report plots data: each of its axes shows lines with more than one
distinct value, or bars, inside its plot area (read back from the SVG, tests/report/svg_charts.py)."""

from __future__ import annotations

import re

from tests.report.svg_charts import empty_axes


def chart_svgs(html: str) -> dict[str, str]:
    charts = {}
    for key in re.findall(r'<figure class="chart" id="chart-([\w-]+)">', html):
        figure = html.split(f'<figure class="chart" id="chart-{key}">', 1)[1].split("</figure>", 1)[0]
        charts[key] = figure[figure.index("<svg") : figure.index("</svg>") + len("</svg>")]
    return charts


def test_every_chart_of_the_demo_report_draws_data(demo_report):
    charts = chart_svgs(demo_report)
    assert len(charts) >= 7
    empty = {key: problems for key, svg in charts.items() if (problems := empty_axes(svg))}
    assert empty == {}
