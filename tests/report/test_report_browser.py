"""The HTML report in a real headless Chromium: no console errors, every clause, the page opening on what needs
action and at most 15,000 px tall, working filters (severity, status, product, clause), collapsible rule
groups, screenshots and a PDF.

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


MAX_HEIGHT = 15_000  # px, the gaps fixture's page before any click


def _matching(driver):
    """Statuses of the finding rows the filters keep (their rule group may be collapsed)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('tr.finding')).filter(r => !r.hidden).map(r => r.dataset.status);")


def _visible_statuses(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('tr.finding'))"
        ".filter(r => r.checkVisibility()).map(r => r.dataset.status);")


def _height(driver):
    return driver.execute_script("return document.documentElement.scrollHeight")


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
    assert browser.find_element("id", "verdict").text == report["summary"]["verdict"]["text"]

    for c in report["clauses"]:
        anchor = browser.execute_script("return document.querySelector('tr.clause-row[data-clause=\"' + "
                                        "CSS.escape(arguments[0]) + '\"]') !== null;", common.clause_key(c))
        assert anchor, c

    # it opens on FAIL and ERROR, one row per finding, and the page is short
    counts = report["summary"]["findings"]
    action = counts.get("FAIL", 0) + counts.get("ERROR", 0)
    opened = _matching(browser)
    assert sorted(opened) == ["FAIL"] * counts["FAIL"] and len(opened) == action
    assert browser.find_element("id", "filter-count").text == f"{action} of {len(report['findings'])} findings shown"
    # only the open (critical) rule groups show their rows; the others are one line each until clicked
    assert _visible_statuses(browser) == ["FAIL"] * report["summary"]["severities"]["critical"]["FAIL"]
    height = _height(browser)
    print(f"\ngaps report: {height} px tall before any click")
    assert height <= MAX_HEIGHT
    shot = os.path.join(artifacts, "gaps-report.png")
    assert browser.save_screenshot(shot)

    # every status
    Select(browser.find_element("id", "filter-status")).select_by_value("")
    everything = _matching(browser)
    assert len(everything) == len(report["findings"])
    assert {"PASS", "FAIL", "WAIVED", "NOT_APPLICABLE"} <= set(everything)

    # severity
    Select(browser.find_element("id", "filter-status")).select_by_value("FAIL")
    Select(browser.find_element("id", "filter-severity")).select_by_value("critical")
    assert _matching(browser) == ["FAIL"] * report["summary"]["severities"]["critical"]["FAIL"]
    groups = browser.execute_script(
        "return Array.from(document.querySelectorAll('details.rule')).filter(g => !g.hidden).map(g => g.dataset.rule);")
    assert groups == ["ecs-sg-no-public-all-ports", "ram-no-root-access-key", "ram-root-mfa", "ram-user-no-direct-admin"]
    Select(browser.find_element("id", "filter-severity")).select_by_value("")

    # product: a narrowing filter opens the matching groups
    Select(browser.find_element("id", "filter-product")).select_by_value("kms")
    kms = browser.execute_script(
        "return Array.from(document.querySelectorAll('tr.finding')).filter(r => r.checkVisibility())"
        ".map(r => r.dataset.product + ':' + r.dataset.status);")
    assert kms and set(kms) == {"kms:FAIL"}
    Select(browser.find_element("id", "filter-product")).select_by_value("")

    # clause: clicking a clause in the table shows its findings, every status
    link = browser.find_element("css selector", 'a.clause-link[data-clause="hkia-gl14:5.16"]')
    link.click()
    assert browser.find_element("id", "filter-clause").get_attribute("value") == "hkia-gl14:5.16"
    expected = sorted(f["status"] for f in report["findings"] if "hkia-gl14:5.16" in f["clauses"])
    assert sorted(_visible_statuses(browser)) == expected and expected
    browser.execute_script("document.getElementById('findings').scrollIntoView()")
    assert browser.save_screenshot(os.path.join(artifacts, "gaps-report-clause.png"))

    # rule groups collapse and expand
    browser.find_element("id", "collapse-all").click()
    assert _visible_statuses(browser) == []
    browser.find_element("id", "filter-reset").click()
    assert sorted(_matching(browser)) == sorted(opened)
    browser.find_element("id", "expand-all").click()
    assert sorted(_visible_statuses(browser)) == sorted(opened)
    assert browser.save_screenshot(os.path.join(artifacts, "gaps-report-expanded.png"))

    # printed, collapsed rule groups show their rows: the paper copy holds every finding the filters keep
    browser.find_element("id", "collapse-all").click()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert sorted(_visible_statuses(browser)) == sorted(opened)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert _visible_statuses(browser) == []

    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    with open(os.path.join(artifacts, "gaps-report.pdf"), "wb") as fh:
        fh.write(base64.b64decode(pdf["data"]))

    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR", "WARNING")]
    assert errors == []
    print(f"HTML report, screenshots and PDF in {artifacts} (screenshot: {shot})")
    assert os.path.getsize(shot) > 10_000


def test_compliant_report_in_chromium(browser, artifacts, compliant_report):
    page = os.path.join(artifacts, "compliant-report.html")
    with open(page, "w", encoding="utf-8") as fh:
        fh.write(html.render(compliant_report))
    browser.get("file://" + page)
    assert browser.find_element("id", "verdict").text == (
        "Automated clauses: compliant (16 of 16 compliant). 9 clauses need attestation.")
    assert _matching(browser) == [] and browser.find_element("id", "no-match").is_displayed()
    assert browser.find_element("id", "filter-count").text == f"0 of {len(compliant_report['findings'])} findings shown"
    assert _height(browser) <= MAX_HEIGHT
    assert browser.save_screenshot(os.path.join(artifacts, "compliant-report.png"))
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR", "WARNING")]
    assert errors == []
