"""The briefing report opened in headless Chromium (Debian's `chromium` + `chromium-driver`,
driven by selenium): no console errors, no request leaves the file, every chart drawn and not
empty, scraped markup shown as text, on the dbt-built demo warehouse (and a copy with hostile
text in its rows, tests/report/samples.py). A screenshot is kept as a test artefact
(data/test-artefacts/report-screenshot.png, and in pytest's temp folder).

Skipped, saying why, where /usr/bin/chromium or /usr/bin/chromedriver is absent; CI installs both.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crossborder.report import SECTIONS
from tests.report.samples import SCRIPT_TITLE

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ARTEFACTS = Path(__file__).resolve().parents[2] / "data" / "test-artefacts"
# Without the background-networking switches Chromium tries to reach Google's services.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1200,900",
]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} is absent (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # An explicit driver path: selenium never looks for (or downloads) a driver itself.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    # A fresh profile opens Chromium's own new-tab page, whose chrome:// loads would land in the
    # first report's request log: leave it for a blank page first.
    driver.get("about:blank")
    yield driver
    driver.quit()


def _open(driver, path: Path) -> tuple[list[dict], list[str]]:
    """Load the file; return the browser console entries and every URL the page requested."""
    driver.get_log("browser"), driver.get_log("performance")  # drop what an earlier page left
    driver.get(path.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"
    console = driver.get_log("browser")
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            requests.append(message["params"].get("request", {}).get("url") or message["params"].get("url"))
    return console, requests


def _check_page(driver, path: Path) -> list[str]:
    console, requests = _open(driver, path)
    assert [e for e in console if e["level"] in ("SEVERE", "WARNING")] == []
    assert requests, "the performance log recorded no request at all: the check would prove nothing"
    assert [u for u in requests if u != path.as_uri() and not u.startswith("data:")] == [], "a request left the file"
    figures = driver.find_elements("css selector", "figure.chart")
    assert figures
    for figure in figures:
        svg = figure.find_element("css selector", "svg")
        size = svg.size
        assert size["width"] > 300 and size["height"] > 100, figure.get_attribute("id")
        assert len(svg.find_elements("css selector", "path")) > 5, figure.get_attribute("id")
        assert figure.find_element("css selector", ".reading").text.strip(), figure.get_attribute("id")
    assert driver.find_elements("css selector", "script") == []
    assert driver.find_elements("css selector", ".section-error") == []
    return [f.get_attribute("id") for f in figures]


def _screenshot(driver, name: str, tmp_path: Path) -> Path:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1200, min(int(height) + 40, 9000))
    shot = tmp_path / name
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTEFACTS / name)
    driver.set_window_size(1200, 900)
    return shot


def test_demo_report_in_chromium(browser, demo_data, demo_report, tmp_path):
    path = demo_data / "reports" / "briefing.html"
    charts = _check_page(browser, path)
    assert {"chart-encounters", "chart-seizures", "chart-news-topics", "chart-news-countries"} <= set(charts)
    # Every section either shows its charts or says why it is skipped.
    for section in SECTIONS:
        element = browser.find_element("css selector", f"#section-{section.key}")
        assert element.find_elements("css selector", "figure.chart") or "Not shown:" in element.text, section.key
    header = browser.find_element("css selector", "#provenance").text
    assert "PASSED" in header and "SAMPLE DATA" in header and "nationwide-encounters" in header
    _screenshot(browser, "report-screenshot.png", tmp_path)


def test_scraped_script_title_is_text_in_chromium(browser, hostile_data, hostile_report):
    path = hostile_data / "reports" / "briefing.html"
    _check_page(browser, path)
    headlines = browser.find_element("css selector", "#section-news table").text
    assert SCRIPT_TITLE in headlines  # shown as the characters it is, never run
    assert browser.execute_script("return typeof window.alert") == "function"  # page intact
    links = [a.get_attribute("href") for a in browser.find_elements("css selector", "#section-news a")]
    assert links and not [h for h in links if not h.startswith("https://")]
