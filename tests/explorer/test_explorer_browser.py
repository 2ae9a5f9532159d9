"""`crossborder serve` in headless Chromium, on a copy of the shared demo run's data: facet a
table, export the current view as CSV (every row, streamed), and the numbers equal a SQL query on
the release's warehouse; a canned question answers; the links to the report and docs open; no
request leaves the machine. An altered release is refused, naming the file.

Skipped, saying why, where /usr/bin/chromium or /usr/bin/chromedriver is absent; CI installs both.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import duckdb
import pytest

from crossborder.cli import EXIT_FAILED, main
from tests.report.test_report_browser import ARTEFACTS, CHROMEDRIVER, CHROMIUM, FLAGS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def data_dir(demo_data, tmp_path_factory):
    data = tmp_path_factory.mktemp("explorer") / "data"
    shutil.copytree(demo_data, data, symlinks=True)
    return data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def explorer(data_dir, tmp_path_factory):
    port = _free_port()
    log = (tmp_path_factory.mktemp("explorer-log") / "serve.log").open("w")
    env = {**os.environ, "CROSSBORDER_DATA_DIR": str(data_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "crossborder.cli", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as answer:
                assert answer.status == 200
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                with open(log.name, encoding="utf-8") as written:
                    pytest.fail(f"crossborder serve did not start: {written.read()[-2000:]}")
            time.sleep(0.5)
    yield base
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} is absent (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(10)  # find_element waits for a document still being parsed under load
    driver.get("about:blank")
    driver.downloads = downloads
    yield driver
    driver.quit()


def _requested(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _release_sql(data_dir, sql):
    con = duckdb.connect(str(data_dir / "releases" / "latest" / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_facet_a_table_export_the_view_as_csv_and_it_equals_sql_on_the_release(browser, explorer, data_dir):
    from selenium.webdriver.common.by import By

    browser.get_log("performance")
    browser.get(f"{explorer}/crossborder/fct_border_encounters")
    # The facet an analyst clicks: border region "northern".
    facet = browser.find_element(By.ID, "facet-border_region")
    facet.find_element(By.XPATH, ".//a[normalize-space(text())='northern']").click()
    ((rows, total),) = _release_sql(
        data_dir,
        "select count(*), sum(encounter_count) from marts.fct_border_encounters where border_region = 'northern'",
    )
    assert rows > 1000  # more than one page and more than a non-streamed CSV holds
    heading = browser.find_element(By.CSS_SELECTOR, "h3").text
    assert heading.startswith(f"{rows:,} rows where border_region = "), heading

    # Advanced export: download the file, every row of the current view.
    export = browser.find_element(By.CSS_SELECTOR, "#export form")
    for name in ("_dl", "_stream"):
        export.find_element(By.NAME, name).click()
    export.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    deadline = time.monotonic() + 30
    while not (done := list(browser.downloads.glob("*.csv"))) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert done, f"no CSV downloaded into {browser.downloads}"
    with done[0].open(encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert len(exported) == rows
    assert {r["border_region"] for r in exported} == {"northern"}
    assert sum(int(r["encounter_count"]) for r in exported) == total

    outside = [u for u in _requested(browser) if not u.startswith(explorer)]
    assert outside == [], "a request left the machine"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    browser.get(f"{explorer}/crossborder/fct_border_encounters?border_region=northern")
    browser.execute_script("document.querySelector('h3').scrollIntoView()")  # the rows, not the column notes
    browser.save_screenshot(str(ARTEFACTS / "explorer-screenshot.png"))


def test_descriptions_canned_questions_and_links_are_served_from_the_same_place(browser, explorer, data_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{explorer}/crossborder")
    # Under load Chromium can report the page before its document is parsed; wait for it.
    WebDriverWait(browser, 30).until(lambda b: "Changes in release" in b.page_source)  # CHANGES.md shown
    questions = browser.find_elements(By.CSS_SELECTOR, "a[href^='/crossborder/question_']")
    assert len(questions) >= 5
    titles = [q.text for q in questions]
    assert "Is this warehouse sample data?" in titles
    questions[titles.index("Is this warehouse sample data?")].click()
    WebDriverWait(browser, 30).until(lambda b: "Answered by DuckDB on the release" in b.page_source)
    cells = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "td.col-is_sample_data")]
    ((sample,),) = _release_sql(data_dir, "select is_sample_data from main.build_info")
    assert cells == [str(int(sample))]

    # Each column's description from the release's data dictionary.
    with (data_dir / "releases" / "latest" / "dictionary.csv").open(encoding="utf-8", newline="") as handle:
        (placement,) = [
            r
            for r in csv.DictReader(handle)
            if (r["table"], r["column"]) == ("marts.fct_tip_tier_placements", "placement")
        ]
    browser.get(f"{explorer}/crossborder/fct_tip_tier_placements")
    described = browser.find_element(By.XPATH, "//dt[normalize-space(text())='placement']/following-sibling::dd[1]")
    assert described.text.startswith(placement["description"][:60])
    browser.get(explorer + "/")
    for label, marker in (("Briefing report", "<svg"), ("dbt docs", "dbt"), ("Great Expectations", "Expectation")):
        link = browser.find_element(By.PARTIAL_LINK_TEXT, label).get_attribute("href")
        with urllib.request.urlopen(link, timeout=10) as answer:
            assert answer.status == 200 and marker in answer.read().decode("utf-8", "replace"), link


def test_serve_refuses_an_altered_release_naming_the_file(data_dir, monkeypatch, capsys, tmp_path):
    altered = tmp_path / "data"
    shutil.copytree(data_dir, altered, symlinks=True)
    release = (altered / "releases" / "latest").resolve()
    dictionary = release / "dictionary.csv"
    dictionary.chmod(0o640)
    dictionary.write_text(dictionary.read_text() + "marts.x,y,VARCHAR,,,\n")
    monkeypatch.setenv("CROSSBORDER_DATA_DIR", str(altered))
    assert main(["serve", "--port", str(_free_port())]) == EXIT_FAILED
    assert f"release {release.name}: dictionary.csv was altered" in capsys.readouterr().err
