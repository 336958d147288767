"""The HTML report in a real headless Chromium: no console errors, every clause, working filters, a screenshot.

Needs the Debian packages chromium and chromium-driver (.ci/run installs them). Without them the
test skips on a developer's machine and fails in CI (CI=true).
"""

import base64
import os
import shutil
import tempfile

import pytest

from report_samples import enriched

from aliaudit.reporters import common, html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        message = "chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; CI must install them")
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="aliaudit-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1360,1000", f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    path = os.environ.get("ALIAUDIT_ARTIFACTS") or str(tmp_path_factory.mktemp("artifacts"))
    os.makedirs(path, exist_ok=True)
    return path


def _visible_statuses(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('tr.finding'))"
        ".filter(r => r.getClientRects().length > 0).map(r => r.dataset.status);")


def test_gaps_report_in_chromium(browser, artifacts, gaps_report):
    from selenium.webdriver.support.ui import Select

    report = enriched(gaps_report)
    page = os.path.join(artifacts, "gaps-report.html")
    with open(page, "w", encoding="utf-8") as fh:
        fh.write(html.render(report))
    browser.get("file://" + page)

    assert browser.title.startswith("aliaudit compliance report")
    # nothing was fetched: no script, style, font or image came from anywhere
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0

    sections = browser.execute_script(
        "return Array.from(document.querySelectorAll('section.clause')).map(s => s.dataset.clause);")
    assert sections == [common.clause_key(c) for c in report["clauses"]]
    for c in report["clauses"]:
        anchor = browser.execute_script("return document.querySelector('tr.clause-row[data-clause=\"' + "
                                        "CSS.escape(arguments[0]) + '\"]') !== null;", common.clause_key(c))
        assert anchor, c

    everything = _visible_statuses(browser)
    assert {"PASS", "FAIL", "WAIVED", "NOT_APPLICABLE"} <= set(everything)
    shot = os.path.join(artifacts, "gaps-report.png")
    assert browser.save_screenshot(shot)

    Select(browser.find_element("id", "filter-status")).select_by_value("FAIL")
    shown = _visible_statuses(browser)
    assert shown and set(shown) == {"FAIL"}
    assert shown.count("FAIL") == everything.count("FAIL")
    assert browser.find_element("id", "filter-count").text == f"{len(shown)} of {len(everything)} rows shown"
    browser.execute_script("document.getElementById('drilldown').scrollIntoView()")
    assert browser.save_screenshot(os.path.join(artifacts, "gaps-report-fail-only.png"))

    Select(browser.find_element("id", "filter-product")).select_by_value("kms")
    kms = browser.execute_script(
        "return Array.from(document.querySelectorAll('tr.finding')).filter(r => r.getClientRects().length > 0)"
        ".map(r => r.dataset.product + ':' + r.dataset.status);")
    assert kms and set(kms) == {"kms:FAIL"}

    browser.find_element("id", "filter-reset").click()
    assert _visible_statuses(browser) == everything

    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    with open(os.path.join(artifacts, "gaps-report.pdf"), "wb") as fh:
        fh.write(base64.b64decode(pdf["data"]))

    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR", "WARNING")]
    assert errors == []
    print(f"\nHTML report, screenshots and PDF in {artifacts} (screenshot: {shot})")
    assert os.path.getsize(shot) > 10_000

