"""The briefing report without a browser: sections, skips, escaping, provenance, and the run step
that writes it after a publish without ever un-publishing."""

from __future__ import annotations

import re

import pytest

from crossborder.cli import EXIT_FAILED, EXIT_OK, main
from crossborder.core.config import load_settings
from crossborder.pipeline import build, extract, publish, validate
from crossborder.report import report_path, write_report
from tests.report_samples import SCRIPT_TITLE, build_tiny_warehouse

CHART_KEYS = ["encounters", "seizures", "tip-tiers", "tip-history", "news-topics", "news-countries", "statcan"]


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory) -> str:
    """The report of a tiny warehouse holding every section's tables, written once for this module."""
    data = tmp_path_factory.mktemp("tiny") / "data"
    build_tiny_warehouse(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CROSSBORDER_DATA_DIR", str(data))
        settings = load_settings()
    path = write_report(settings)
    assert path == report_path(settings) and path.parent == data / "reports"
    return path.read_text(encoding="utf-8")


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """Settings on a tiny warehouse with the CBP tables only (quick to report)."""
    data = tmp_path / "data"
    build_tiny_warehouse(data, sections=("cbp",))
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(data))
    return load_settings()


def _charts(html: str) -> list[str]:
    return re.findall(r'<figure class="chart" id="chart-([\w-]+)">', html)


def test_every_section_draws_its_charts(tiny_report):
    html = tiny_report
    assert _charts(html) == CHART_KEYS
    for key in CHART_KEYS:
        figure = html.split(f'id="chart-{key}"', 1)[1].split("</figure>", 1)[0]
        assert "<svg" in figure and "<path" in figure, key
        assert "Source:" in figure and "Data as of" in figure, key  # in the SVG footer and the caption
        assert re.search(r'<span class="reading">[^<]{20,}</span>', figure), key
    assert "encounters per month" in html and "pounds seized per month" in html  # axis units
    assert "FY2024" in html  # fiscal years marked
    assert "Northern Land Border (own scale)" in html
    assert "1 upgrade(s), 1 downgrade(s)" in html
    assert 'class="skipped"' not in html and 'class="section-error"' not in html


def test_scraped_text_cannot_inject_markup(tiny_report):
    html = tiny_report
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; Smugglers &amp; &#34;coyotes&#34; caught" in html
    assert "<script" not in html.lower()  # the report has no script at all; the title stays text
    assert "javascript:" not in html  # a feed's javascript: URL never becomes a link
    assert "Burma &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold" not in html
    assert "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")  # quarantine reason escaped
    assert SCRIPT_TITLE not in html


def test_report_is_self_contained(tiny_report):
    html = tiny_report
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<(link|script|iframe|object|embed|img)\b", html, re.IGNORECASE)
    assert not re.search(r"\bsrc\s*=", html.replace("&lt;img src=x", ""))
    assert "@import" not in html and "url(http" not in html


def test_header_shows_gate_inputs_and_quarantine(tiny_report):
    html = tiny_report
    assert 'class="pass">PASSED' in html and 'href="../gx/data_docs/index.html"' in html
    assert "atlantis" in html and "no heading naming a country" in html


def test_sections_without_tables_are_skipped_saying_why(tiny):
    html = write_report(tiny).read_text(encoding="utf-8")
    assert _charts(html) == ["encounters", "seizures"]
    assert "Not shown: table marts.fct_tip_tier_placements is not in the warehouse." in html
    assert "Not shown: table marts.fct_statcan_trafficking_incidents is not in the warehouse." in html
    assert "Not shown: table marts.fct_news_articles is not in the warehouse." in html


def test_report_command_prints_the_path(tiny, capsys):
    assert main(["--quiet", "report"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == str(report_path(tiny))


def test_report_without_warehouse_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(tmp_path))
    assert main(["report"]) == EXIT_FAILED
    assert "no published warehouse" in capsys.readouterr().err


def test_a_failed_report_keeps_the_publish_and_exits_non_zero(tiny, monkeypatch, capsys):
    published = tiny.warehouse_path
    before = published.read_bytes()
    for module in (extract, build, validate):
        monkeypatch.setattr(module, module.__name__.rsplit(".", 1)[-1], lambda *a, **k: None)
    monkeypatch.setattr(publish, "publish", lambda settings, progress: settings.warehouse_path)

    def broken(settings, progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr("crossborder.report.write_report", broken)
    assert main(["run", "--source", "cbp"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert "is published, but the briefing report could not be written: RuntimeError: disk full" in err
    assert published.read_bytes() == before


def test_run_ends_with_the_report(tiny, monkeypatch, capsys):
    for module in (extract, build, validate):
        monkeypatch.setattr(module, module.__name__.rsplit(".", 1)[-1], lambda *a, **k: None)
    monkeypatch.setattr(publish, "publish", lambda settings, progress: settings.warehouse_path)
    assert main(["--quiet", "run", "--source", "cbp"]) == EXIT_OK
    assert capsys.readouterr().out.strip().splitlines()[-1] == f"report: {report_path(tiny)}"
    assert report_path(tiny).exists()
