"""Markdown (PR comments) and CSV (spreadsheets): limits, escaping, formula injection, round trip."""

import copy
import csv
import io
import json

from report_samples import HOSTILE, enriched, hostile

from aliaudit.reporters import FORMATS, csv_report, markdown
from expected_verdicts import GAPS_VERDICTS

DOCUMENTED_COLUMNS = [
    "account_id", "region", "product", "resource_type", "resource_id", "rule", "title", "severity", "status",
    "reason", "evidence", "clauses", "api", "remediation_console", "remediation_cli", "remediation_terraform",
    "waiver_justification", "waiver_approver", "waiver_expires", "generated_at",
]


def test_markdown_summarises_clauses_and_lists_every_failure(gaps_report):
    assert FORMATS["markdown"] is markdown.render
    text = markdown.render(gaps_report)
    assert text.startswith("## aliaudit: ❌ Non-compliant")
    non_compliant = sum(c["status"] == "NON_COMPLIANT" for c in gaps_report["clauses"])
    assert f"**{non_compliant} of {len(gaps_report['clauses'])} clauses non-compliant**" in text
    for c in gaps_report["clauses"]:
        assert f"| {markdown.md(c['clause'])} |" in text
    failing = [f for f in gaps_report["findings"] if f["status"] == "FAIL"]
    rows = [line for line in text.splitlines() if " | 5184000000000001 / " in line]
    assert len(rows) == len(failing) == sum(v == "FAIL" for v in GAPS_VERDICTS.values())
    assert "Truncated" not in text
    assert "| PASS |" not in text and "d-j6cweb01data" not in text  # a passing disk is not listed


def test_markdown_truncates_under_the_limit_and_says_so(gaps_report):
    big = copy.deepcopy(gaps_report)
    template = next(f for f in big["findings"] if f["status"] == "FAIL")
    for i in range(3000):
        big["findings"].append(dict(template, resource_id=f"d-many{i:05d}"))
    text = markdown.render(big)
    assert len(text) < 65_000
    total = sum(f["status"] in ("FAIL", "ERROR") for f in big["findings"])
    shown = sum(1 for line in text.splitlines() if " | 5184000000000001 / " in line)
    assert 50 < shown < total
    assert f"**Truncated:** {shown} of {total} failing or unreadable findings shown" in text


def test_markdown_escapes_names(gaps_report):
    text = markdown.render(hostile(gaps_report))
    row = next(line for line in text.splitlines() if "alert(1)" in line)
    assert "<script>" not in text and "&lt;script&gt;" in row
    assert "\x1b" not in text and "\\x1b" in row
    cells = [c for c in __import__("re").split(r"(?<!\\)\|", row)]
    assert len(cells) == 9  # 7 columns: no pipe in a name splits a cell
    assert "\\`" in row and "\\[a\\]" in row


def test_markdown_reports_waived_and_expired(gaps_report):
    report = enriched(gaps_report)
    text = markdown.render(report)
    failing = sum(f["status"] == "FAIL" for f in report["findings"])
    assert f"{failing} failing, 0 unreadable, 1 waived findings" in text
    assert "waiver rds-ssl-enabled on rm-old\\* (expired 2020-01-31)" in text
    assert "attestation for hkia-gl14:5.8 (expired 2020-01-10)" in text


def test_csv_round_trips_with_the_documented_columns(gaps_report):
    report = enriched(gaps_report)
    text = csv_report.render(report)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0].keys()) == DOCUMENTED_COLUMNS
    assert tuple(DOCUMENTED_COLUMNS) == csv_report.COLUMNS
    assert len(rows) == len(report["findings"])
    by_key = {(r["rule"], r["resource_id"]): r for r in rows}
    for f in report["findings"]:
        r = by_key[(f["rule"], f["resource_id"])]
        assert r["status"] == f["status"] and r["region"] == (f["region"] or "")
        assert json.loads(r["evidence"]) == f["evidence"]
        assert r["clauses"].split(";") == f["clauses"]
    waived = next(r for r in rows if r["status"] == "WAIVED")
    assert waived["waiver_approver"] == "ciso@insurer.invalid" and waived["waiver_expires"] == "2099-12-31"
    assert rows[0]["status"] == "FAIL"  # failures first


def test_csv_neutralises_formulas_and_keeps_hostile_text(gaps_report):
    report = hostile(gaps_report)
    f = report["findings"][-1]
    f["rule"] = "=HYPERLINK(\"x\")"
    f["reason"] = "line one\r\nline two, \"quoted\""
    f["title"] = "@SUM(A1)"
    f["resource_type"] = "\tx"
    f["region"] = "+1"
    f["account_id"] = "-2"
    rows = list(csv.DictReader(io.StringIO(csv_report.render(report), newline="")))
    # control characters (ESC, CR, LF, tab) are escaped in every cell, JSON-style
    r = next(r for r in rows if r["resource_id"] == HOSTILE.replace("\x1b", "\\u001b"))
    assert r["rule"] == "'=HYPERLINK(\"x\")" and r["title"] == "'@SUM(A1)" and r["resource_type"] == "\\tx"
    assert r["region"] == "'+1" and r["account_id"] == "'-2"
    assert r["reason"] == "line one\\r\\nline two, \"quoted\""
    assert json.loads(r["evidence"])["GetBucketInfo.Name"] == HOSTILE
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
