"""Every format counts the same findings as the JSON report's summary: JSON, table, Markdown, HTML, CSV, SARIF,
JUnit and OCSF, on a report with every finding status (FAIL, ERROR, WAIVED, PASS, NOT_APPLICABLE)."""

import copy
import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser

import pytest

from report_samples import enriched

from aliaudit.reporters import FORMATS, summary

STATUSES = ("FAIL", "ERROR", "WAIVED", "PASS", "NOT_APPLICABLE")


@pytest.fixture(scope="module")
def report(gaps_report):
    r = enriched(gaps_report)  # one WAIVED finding
    # two checks that could not read their data (one high, one low)
    for rule, resource in (("ecs-disk-encrypted", "d-j6cerr01"), ("redis-release-protection", "r-j6cerr01")):
        f = copy.deepcopy(next(f for f in r["findings"] if f["rule"] == rule))
        f.update(status="ERROR", resource_id=resource, evidence={}, reason="DescribeX failed: Throttling")
        r["findings"].append(f)
    r["summary"] = summary.build(r)
    return r


@pytest.fixture(scope="module")
def expected(report):
    s = report["summary"]
    counts = {st: s["findings"].get(st, 0) for st in STATUSES}
    assert all(counts.values()), counts  # every status is present, so every count below is tested
    assert counts == {st: sum(f["status"] == st for f in report["findings"]) for st in STATUSES}
    return counts


def test_json_carries_the_summary(report, expected):
    doc = json.loads(FORMATS["json"](report))
    assert doc["summary"] == report["summary"]
    assert Counter(f["status"] for f in doc["findings"]) == Counter(expected)


def test_table_counts(report, expected):
    text = FORMATS["table"](report, width=400)
    last = " ".join(text.strip().splitlines()[-2:])
    shown = dict(re.findall(r"\b(FAIL|ERROR|WAIVED|PASS|NOT_APPLICABLE) (\d+)", last.split("|")[1]))
    assert {k: int(v) for k, v in shown.items()} == expected
    by_sev = dict(re.findall(r"(critical|high|medium|low|info) (\d+)", last.split("FAIL by severity:")[1]))
    assert {k: int(v) for k, v in by_sev.items()} == dict(summary.failing_by_severity(report["summary"]))
    assert f"Findings that need action ({expected['FAIL'] + expected['ERROR']})" in text
    assert f"Waived findings ({expected['WAIVED']})" in text


def test_markdown_counts(report, expected):
    text = FORMATS["markdown"](report)
    line = next(line for line in text.splitlines() if line.startswith("**Findings**"))
    got = {st: int(n) for st, n in zip(("FAIL", "ERROR", "WAIVED", "PASS", "NOT_APPLICABLE"),
                                       re.findall(r"(?:Fail|Error|Waived|Pass|Not applicable) (\d+)", line))}
    assert got == expected
    if "**Grouped by rule:**" in text:  # one row a rule: its failing and unreadable counts add up
        counts = re.findall(r"\| \*\*(?:(\d+) failing)?(?:, )?(?:(\d+) unreadable)?\*\*<br>", text)
        assert sum(int(a or 0) + int(b or 0) for a, b in counts) == expected["FAIL"] + expected["ERROR"]
    else:
        rows = [r for r in text.splitlines() if r.startswith("| ") and "<sub>5184000000000001 / " in r]
        assert len(rows) == expected["FAIL"] + expected["ERROR"]
    blocks = re.findall(r"<summary><b>(\w+)</b>: ([^<]+)</summary>", text)
    sev = report["summary"]["severities"]
    for name, label in blocks:
        counts = sev[name.lower()]
        want = ", ".join(filter(None, [f"{counts.get('FAIL')} failing" if counts.get("FAIL") else "",
                                       f"{counts.get('ERROR')} unreadable" if counts.get("ERROR") else ""]))
        assert label == want
    assert sum(1 for name, _ in blocks) == sum(1 for c in sev.values() if c.get("FAIL") or c.get("ERROR"))


class _Html(HTMLParser):
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.rows, self.tiles, self._tile, self.sev_cells, self._sev = Counter(), {}, None, {}, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "finding" in (a.get("class") or "").split():
            self.rows[a["data-status"]] += 1
        if tag == "div" and "tile" in (a.get("class") or "").split():
            self._tile = a["data-status"]
        if tag == "tr" and "data-severity" in a and "finding" not in (a.get("class") or ""):
            self._sev = a["data-severity"]
            self.sev_cells[self._sev] = []

    def handle_endtag(self, tag):
        if tag == "div":
            self._tile = None
        if tag == "tr":
            self._sev = None

    def handle_data(self, data):
        if self._tile and data.strip().isdigit() and self._tile not in self.tiles:
            self.tiles[self._tile] = int(data)
        if self._sev and data.strip().isdigit():
            self.sev_cells[self._sev].append(int(data))


def test_html_counts(report, expected):
    page = _Html(FORMATS["html"](report))
    assert dict(page.rows) == expected
    assert page.tiles == expected
    statuses = [st for st in ("FAIL", "ERROR", "WAIVED", "PASS", "NOT_APPLICABLE") if expected[st]]
    for sev, counts in report["summary"]["severities"].items():
        if counts:
            assert page.sev_cells[sev] == [counts.get(st, 0) for st in statuses], sev


def test_csv_counts(report, expected):
    rows = list(csv.DictReader(io.StringIO(FORMATS["csv"](report), newline="")))
    assert Counter(r["status"] for r in rows) == Counter(expected)


def test_sarif_counts(report, expected):
    results = json.loads(FORMATS["sarif"](report))["runs"][0]["results"]
    got = Counter(r["properties"]["status"] for r in results)
    assert got == Counter({st: expected[st] for st in ("FAIL", "ERROR", "WAIVED")})
    assert sum(1 for r in results if r.get("suppressions")) == expected["WAIVED"]


def test_junit_counts(report, expected):
    root = ET.fromstring(FORMATS["junit"](report).encode("utf-8"))
    assert int(root.get("tests")) == sum(expected.values()) == len(root.findall("testsuite/testcase"))
    assert int(root.get("failures")) == expected["FAIL"]
    assert int(root.get("errors")) == expected["ERROR"]
    assert int(root.get("skipped")) == expected["WAIVED"] + expected["NOT_APPLICABLE"]
    for suite in root.findall("testsuite"):
        sev = suite.find("properties/property[@name='severity']").get("value")
        counts = report["summary"]["severities"][sev]
        assert int(suite.get("tests")) == sum(counts.values())
        assert int(suite.get("failures")) == counts.get("FAIL", 0)


@pytest.mark.parametrize("fmt", ["ocsf", "ocsf-ndjson"])
def test_ocsf_counts(report, expected, fmt):
    text = FORMATS[fmt](report)
    events = json.loads(text) if fmt == "ocsf" else [json.loads(line) for line in text.splitlines()]
    assert Counter(e["status_code"] for e in events) == Counter(expected)


def test_the_summary_shows_the_trend_since_the_last_stored_scan(tmp_path, gaps_doc):
    """--store: the first scan of an account says so; the next one counts new, fixed and clause changes."""
    from click.testing import CliRunner

    from aliaudit.cli import main
    from conftest import fixture_path

    store = str(tmp_path / "history.db")
    first = CliRunner().invoke(main, ["scan", "--fixture", fixture_path("hk-insurer-gaps.json"), "--store", store,
                                      "--format", "json"])
    assert first.exit_code == 1, first.output
    account = gaps_doc["accounts"][0]
    assert json.loads(first.stdout)["summary"]["trend"] == [{"account_id": account["account_id"], "first": True}]
    # the next recording: one more unencrypted disk, and the unencrypted batch disks fixed
    disks = account["regions"]["cn-hongkong"]["ecs"]["disks"]
    new = copy.deepcopy(next(d for d in disks if d["DiskId"] == "d-j6cbatch01data"))
    new.update(DiskId="d-j6cnewunenc01", DiskName="new-unencrypted")
    for d in disks:
        if d["DiskId"].startswith("d-j6cbatch01"):
            d.update(Encrypted=True, KMSKeyId="key-hkins-disk")
    disks.append(new)
    fixture = tmp_path / "next.json"
    fixture.write_text(json.dumps(gaps_doc))
    runner = CliRunner()
    second = runner.invoke(main, ["scan", "--fixture", str(fixture), "--store", store, "--format", "json"])
    doc = json.loads(second.stdout)
    trend = doc["summary"]["trend"]
    assert len(trend) == 1 and not trend[0]["first"]
    on_new = [f for f in doc["findings"] if f["resource_id"] == "d-j6cnewunenc01" and f["status"] == "FAIL"]
    assert len(on_new) >= 1 and trend[0]["new"] == len(on_new)  # every FAIL of the new disk, nothing else
    assert trend[0]["fixed"] == 2  # the two batch disks are encrypted now
    assert trend[0]["clause_changes"] == []  # still non-compliant for the other gaps
    assert trend[0]["since"]
    third = runner.invoke(main, ["scan", "--fixture", str(fixture), "--store", store, "--format", "markdown"])
    assert f"**Trend:** account {account['account_id']} since " in third.stdout
    assert "0 new failing or unreadable findings, 0 fixed, 0 clause status changes" in third.stdout
