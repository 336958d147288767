"""Markdown (PR comments) and CSV (spreadsheets): limits, escaping, formula injection, round trip."""

import copy
import csv
import io
import json
import re

from report_samples import HOSTILE, enriched, hostile

from aliaudit.reporters import csv_report, markdown
from expected_verdicts import GAPS_VERDICTS

DOCUMENTED_COLUMNS = [
    "account_id", "region", "product", "resource_type", "resource_id", "rule", "title", "severity", "status",
    "reason", "evidence", "clauses", "api", "remediation_console", "remediation_cli", "remediation_terraform",
    "waiver_justification", "waiver_approver", "waiver_expires", "generated_at",
]


ROW = "<sub>5184000000000001 / "  # a finding row's resource cell: account / region under the id


def _finding_rows(text):
    return [line for line in text.splitlines() if line.startswith("| ") and ROW in line]


def test_markdown_opens_with_the_summary_then_a_details_block_per_severity(gaps_report):
    text = markdown.render(gaps_report)
    s = gaps_report["summary"]
    assert text.startswith("## aliaudit: ❌ Automated clauses: non-compliant (0 of 16 compliant). "
                           "9 clauses need attestation.\n")
    assert "Manual" not in text.splitlines()[0]
    # the one-page summary: per framework, per severity, top risks, before any finding
    first_finding = text.index(ROW)
    for row in s["frameworks"]:
        assert text.index(f"| {row['name']} | {row['COMPLIANT']} | {row['NON_COMPLIANT']} |") < first_finding
    assert "❌ Fail 127 (critical 3, high 51, medium 59, low 14)" in text
    assert text.index("**Top risks** (critical and high FAILs by rule, 10 of 40)") < first_finding
    assert "<sub>ecs-sg-no-public-all-ports</sub> | 1 |" in text
    for c in gaps_report["clauses"]:
        assert f"| {markdown.md(c['clause'])} " in text
    # one <details> per severity, most severe first and open; rows sorted by rule inside
    blocks = re.findall(r"<details( open)?><summary><b>(\w+)</b>: (\d+) failing</summary>", text)
    assert blocks == [(" open", "Critical", "3"), ("", "High", "51"), ("", "Medium", "59"), ("", "Low", "14")]
    assert text.count("<details") == text.count("</details>") == 5  # with the clause table's
    failing = [f for f in gaps_report["findings"] if f["status"] == "FAIL"]
    rows = _finding_rows(text)
    assert len(rows) == len(failing) == sum(v == "FAIL" for v in GAPS_VERDICTS.values())
    assert rows[0].split(" | ")[1] == "ecs-sg-no-public-all-ports"
    assert "Truncated" not in text
    assert "| PASS |" not in text and "d-j6cweb01data" not in text  # a passing disk is not listed
    assert len(text) < markdown.LIMIT


def test_markdown_rows_have_four_columns_and_the_fix_as_a_sub_line(gaps_report):
    text = markdown.render(gaps_report)
    assert "| Resource | Rule | Evidence (API field = value) | Why · Fix |" in text
    f = next(f for f in gaps_report["findings"] if f["rule"] == "ecs-disk-encrypted" and f["status"] == "FAIL")
    row = next(r for r in _finding_rows(text) if f["resource_id"] in r and "ecs-disk-encrypted" in r)
    assert len(re.split(r"(?<!\\)\|", row)) == 6
    assert "<br><sub>**Fix:** <code>aliyun ecs " in row


def test_markdown_evidence_drops_whole_fields_and_counts_them():
    fields = {f"DescribeSecurityGroupAttribute.Permission.Field{i:02d}": "x" * 40 for i in range(12)}
    fields["Long.Value"] = "y" * 500
    shown = markdown.evidence(fields)
    parts = shown.split("<br>")
    kept = [p.split(" = ")[0] for p in parts[:-1]]
    assert kept and all(k.replace("\\", "") in fields for k in kept)  # every shown name is whole
    dropped = len(fields) - len(kept)
    assert parts[-1] == f"<i>+{dropped} more fields in the JSON report</i>"
    assert len(markdown.evidence({"A": "y" * 500})) < 200  # a long value is shortened, its name kept
    assert markdown.evidence({"A": "y" * 500}).startswith("A = yyy")
    assert markdown.evidence({}) == "<i>no fields</i>"


def test_markdown_headline_of_a_compliant_tenant(compliant_report):
    text = markdown.render(compliant_report)
    assert text.startswith("## aliaudit: ✅ Automated clauses: compliant (16 of 16 compliant). "
                           "9 clauses need attestation.")
    assert "<details open>" not in text and "Top risks" not in text


def test_markdown_truncates_under_the_limit_and_says_so(gaps_report):
    big = copy.deepcopy(gaps_report)
    template = next(f for f in big["findings"] if f["status"] == "FAIL")
    for i in range(3000):
        big["findings"].append(dict(template, resource_id=f"d-many{i:05d}"))
    big.pop("summary")
    text = markdown.render(big)
    assert len(text) < 65_000
    total = sum(f["status"] in ("FAIL", "ERROR") for f in big["findings"])
    shown = len(_finding_rows(text))
    assert 50 < shown < total
    assert f"**Truncated:** {shown} of {total} failing or unreadable findings shown" in text
    assert text.count("<details") == text.count("</details>")


def test_markdown_escapes_names(gaps_report):
    text = markdown.render(hostile(gaps_report))
    row = next(line for line in text.splitlines() if "alert(1)" in line and line.startswith("| "))
    assert "<script>" not in text and "&lt;script&gt;" in row
    assert "\x1b" not in text and "\\x1b" in row
    cells = re.split(r"(?<!\\)\|", row)
    assert len(cells) == 6  # 4 columns: no pipe in a name splits a cell
    assert "\\`" in row and "\\[a\\]" in row


def test_markdown_reports_waived_and_expired(gaps_report):
    report = enriched(gaps_report)
    text = markdown.render(report)
    failing = sum(f["status"] == "FAIL" for f in report["findings"])
    assert f"❌ Fail {failing} (" in text and "⏸️ Waived 1 ·" in text
    assert "waiver rds-ssl-enabled on rm-old\\* (expired 2020-01-31)" in text
    assert "attestation for hkia-gl14:5.8 (expired 2020-01-10)" in text
    assert "| HKIA GL8 | 0 | 3 | 0 | 2 | 1 |" in text  # 5.1(a) attested


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
