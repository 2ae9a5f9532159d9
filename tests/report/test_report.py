"""The briefing report without a browser, on the dbt-built demo warehouse: sections, skips,
escaping, provenance, and the run step that writes it after a publish without ever un-publishing."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main
from crossborder.pipeline import build, extract, publish, validate
from crossborder.report import report_path, write_report
from crossborder.report.models import ReportModelError
from crossborder.report.sections import cbp, news
from tests.report.samples import MARKUP_COUNTRY, QUARANTINED_URL, SCRIPT_TITLE

CHART_KEYS = [
    "encounters",
    "seizures",
    "usbp-history",
    "tip-tiers",
    "tip-history",
    "news-topics",
    "news-countries",
    "statcan",
]


def _charts(html: str) -> list[str]:
    return re.findall(r'<figure class="chart" id="chart-([\w-]+)">', html)


def _figure(html: str, key: str) -> str:
    return html.split(f'<figure class="chart" id="chart-{key}">', 1)[1].split("</figure>", 1)[0]


def test_every_section_draws_its_charts(demo_report):
    html = demo_report
    assert _charts(html) == CHART_KEYS
    for key in CHART_KEYS:
        figure = _figure(html, key)
        assert "<svg" in figure and "<path" in figure, key
        assert "Source:" in figure and "Data as of" in figure, key  # in the SVG footer and the caption
        assert re.search(r'<span class="reading">[^<]{20,}</span>', figure), key
    assert "encounters per month" in html and "pounds seized per month" in html  # axis units
    assert "FY2024" in html  # fiscal years marked
    assert "Northern Land Border (own scale)" in html
    assert "Since the 2022 edition: 1 upgrade(s), 1 downgrade(s)." in html
    assert 'class="skipped"' not in html and 'class="section-error"' not in html


def test_readings_say_what_the_report_models_hold(demo_report):
    """The words under the charts are the rpt_* models' numbers (demo data: see dbt_project/models/report)."""
    readings = {
        key: re.search(r'<span class="reading">([^<]*)</span>', _figure(demo_report, key))[1] for key in CHART_KEYS
    }
    assert readings["encounters"].startswith("In February 2025: 15,480 at the southwest land border (-18% on a year")
    assert "The northern border is 2.4% of all encounters" in readings["encounters"]
    assert readings["seizures"].startswith("In December 2024, 256 lb of fentanyl were seized (+12% on a year earlier)")
    assert readings["usbp-history"] == (
        "Northern land border: 1,272 in FY2024, the last complete fiscal year (peak FY2023: 1,506); the series "
        "starts October 2018. Apprehensions until March 2020, then encounters (Title 42 expulsions too)."
    )
    assert readings["tip-tiers"] == "The 2023 edition places 6 countries: 3 on Tier 2, 2 on Tier 3, 1 on Special Case."
    assert readings["tip-history"] == "Latest placements: Canada Tier 2 (2023); Mexico Tier 2 (2023)."
    assert readings["news-topics"].startswith("11 articles from 04 Mar 2025 to 22 Mar 2025")
    assert (
        readings["statcan"] == "585 police-reported trafficking in persons incidents in Canada in 2023; "
        "Ontario reports the most over the period."
    )
    # Every placement the warehouse knows is a bar, in rank order, Special Case last (from rpt_tip_placements).
    tiers = _figure(demo_report, "tip-tiers")
    positions = [tiers.index(f">{p}<") for p in ("Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case")]
    assert positions == sorted(positions)


def test_scraped_text_cannot_inject_markup(hostile_report):
    html = hostile_report
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; Smugglers &amp; &#34;coyotes&#34; caught" in html
    assert "<script" not in html.lower()  # the report has no script at all; the title stays text
    assert "javascript:" not in html  # a feed's javascript: URL never becomes a link
    assert "Burma &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold" not in html  # table, reading and SVG legend
    assert "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")  # quarantine reason escaped
    assert SCRIPT_TITLE not in html and MARKUP_COUNTRY not in html
    countries = _figure(html, "news-countries")
    assert "Canada &lt;script&gt;alert(1)&lt;/script&gt; $x^2$" in countries  # SVG text: escaped, no mathtext


def test_report_is_self_contained(demo_report, hostile_report):
    for html in (demo_report, hostile_report):
        assert "Content-Security-Policy" in html and "default-src 'none'" in html
        assert not re.search(r"<(link|script|iframe|object|embed|img)\b", html, re.IGNORECASE)
        assert not re.search(r"\bsrc\s*=", html.replace("&lt;img src=x", ""))
        assert "@import" not in html and "url(http" not in html


def test_header_shows_gate_inputs_and_quarantine(demo_report, hostile_report):
    assert 'class="pass">PASSED' in demo_report and 'href="../gx/data_docs/index.html"' in demo_report
    assert "SAMPLE DATA" in demo_report
    inputs = demo_report.split('<table id="inputs">', 1)[1].split("</table>", 1)[0]
    assert "current source of FY2023, FY2024, FY2025" in inputs and "6 countries placed" in inputs
    assert '<p id="quarantined">None: every input landed was read.</p>' in demo_report
    quarantined = hostile_report.split('<table id="quarantined">', 1)[1].split("</table>", 1)[0]
    assert QUARANTINED_URL in quarantined and "no heading naming a country" in quarantined


def test_sections_without_data_are_skipped_saying_why(cbp_only):
    html = write_report(cbp_only).read_text(encoding="utf-8")
    assert _charts(html) == ["encounters", "seizures"]
    for section, model in (
        ("tip", "rpt_tip_editions"),
        ("news", "rpt_news_coverage"),
        ("statcan", "rpt_statcan_incidents_by_province"),
    ):
        shown = html.split(f'<section id="section-{section}"', 1)[1].split("</section>", 1)[0]
        assert f"Not shown: no data (report.{model} is empty: nothing of this source is in the warehouse)." in shown
    # CBP's Border Patrol months alone are no quarter-century series: the history section says why it is not drawn.
    shown = html.split('<section id="section-usbp_history"', 1)[1].split("</section>", 1)[0]
    assert "Not shown: no data (report.rpt_usbp_border_region_history holds no OHSS month" in shown
    assert 'class="section-error"' not in html


def test_a_missing_report_column_fails_loudly(demo_data, monkeypatch, capsys):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(demo_data))
    model = replace(cbp.ENCOUNTERS, columns=(*cbp.ENCOUNTERS.columns, "encounters_per_day"))
    monkeypatch.setattr(cbp, "ENCOUNTERS", model)
    assert main(["report"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "report.rpt_encounters_monthly_by_region has no column 'encounters_per_day'" in err


def test_a_missing_report_model_fails_loudly(demo_data, monkeypatch):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(demo_data))
    monkeypatch.setattr(news, "COVERAGE", replace(news.COVERAGE, name="rpt_news_reach"))
    from crossborder.core.config import load_settings

    with pytest.raises(ReportModelError, match=r"the warehouse has no model report\.rpt_news_reach .*rebuild it"):
        write_report(load_settings())


def test_report_command_prints_the_path(cbp_only, capsys):
    assert main(["--quiet", "report"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == str(report_path(cbp_only))


def test_report_without_warehouse_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(tmp_path))
    assert main(["report"]) == EXIT_FAILED
    assert "no published warehouse" in capsys.readouterr().err


def _skip_to_publish(monkeypatch) -> None:
    for module in (extract, build, validate):
        monkeypatch.setattr(module, module.__name__.rsplit(".", 1)[-1], lambda *a, **k: None)
    monkeypatch.setattr(publish, "publish", lambda settings, progress: settings.warehouse_path)


def test_a_failed_report_keeps_the_publish_and_exits_non_zero(cbp_only, monkeypatch, capsys):
    published = cbp_only.warehouse_path
    before = published.read_bytes()
    _skip_to_publish(monkeypatch)

    def broken(settings, progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr("crossborder.report.write_report", broken)
    assert main(["run", "--source", "cbp"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "is published, but the briefing report could not be written: RuntimeError: disk full" in err
    assert published.read_bytes() == before


def test_run_ends_with_the_report(cbp_only, monkeypatch, capsys):
    _skip_to_publish(monkeypatch)
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_OK
    assert capsys.readouterr().out.strip().splitlines()[-1] == f"report: {report_path(cbp_only)}"
    assert report_path(cbp_only).exists()
