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


def _rule_rows(text):
    """The grouped form's rows: (rule id, failing, unreadable)."""
    out = []
    for line in text.splitlines():
        m = re.match(r"\| .*?<br><sub>([\w\\-]+)</sub> \| \*\*(?:(\d+) failing)?(?:, )?(?:(\d+) unreadable)?\*\*", line)
        if m:
            out.append((m.group(1).replace("\\", ""), int(m.group(2) or 0), int(m.group(3) or 0)))
    return out


def _also_failing(text):
    """The rules named without a row: (rule id, failing, unreadable)."""
    line = next((l for l in text.splitlines() if l.startswith("**Also failing**")), "")
    return [(rid.replace("\\", ""), int(a or 0), int(b or 0)) for rid, a, b in
            re.findall(r"([\w\\-]+) \(\w+: (?:(\d+) failing)?(?:, )?(?:(\d+) unreadable)?\)", line)]


def _one_product(report, product):
    small = copy.deepcopy(report)
    small["findings"] = [f for f in small["findings"] if f["product"] == product]
    small.pop("summary")
    return small


def test_markdown_opens_with_the_summary_then_a_details_block_per_severity(gaps_report):
    text = markdown.render(gaps_report)
    s = gaps_report["summary"]
    assert text.startswith("## aliaudit: ❌ Automated clauses: non-compliant (0 of 16 compliant). "
                           "9 clauses need attestation.\n")
    assert "Manual" not in text.splitlines()[0]
    # the one-page summary: per framework, per severity, top risks, before any finding
    first_finding = text.index("<details open>")
    for row in s["frameworks"]:
        assert text.index(f"| {row['name']} | {row['COMPLIANT']} | {row['NON_COMPLIANT']} |") < first_finding
    assert "❌ Fail 192 (critical 4, high 64, medium 99, low 25)" in text
    assert text.index("**Top risks** (critical and high FAILs by rule, 10 of 53)") < first_finding
    assert "<sub>ecs-sg-no-public-all-ports</sub> | 1 |" in text
    for c in gaps_report["clauses"]:
        assert f"| {markdown.md(c['clause'])} " in text
    # one <details> per severity, most severe first and open; rows sorted by rule inside
    # (a severity whose rules all come after the last row that fits has no block: its rules are named below)
    blocks = re.findall(r"<details( open)?><summary><b>(\w+)</b>: (\d+) failing</summary>", text)
    every = [(" open", "Critical", "4"), ("", "High", "64"), ("", "Medium", "99"), ("", "Low", "25")]
    assert len(blocks) >= 2 and blocks == every[:len(blocks)]
    assert text.count("<details") == text.count("</details>") == len(blocks) + 1  # with the clause table's
    failing = [f for f in gaps_report["findings"] if f["status"] == "FAIL"]
    assert len(failing) == sum(v == "FAIL" for v in GAPS_VERDICTS.values())
    # the gaps tenant's 192 FAILs do not fit one a row: one row a rule, every failing rule, every FAIL counted
    assert "**Grouped by rule:** the 192 failing or unreadable findings" in text
    rows, named = _rule_rows(text), _also_failing(text)
    assert rows and sorted(r for r, _, _ in rows + named) == sorted({f["rule"] for f in failing})
    assert sum(n for _, n, _ in rows + named) == len(failing) and not any(e for _, _, e in rows + named)
    assert rows[0][0] == "ecs-sg-no-public-all-ports"
    assert "Truncated" not in text
    assert "| PASS |" not in text and "d-j6cweb01data" not in text  # a passing disk is not listed
    assert len(text) < markdown.LIMIT


def test_markdown_one_row_a_finding_when_they_fit(gaps_report):
    report = _one_product(gaps_report, "ecs")
    text = markdown.render(report)
    failing = [f for f in report["findings"] if f["status"] in ("FAIL", "ERROR")]
    assert "Grouped by rule" not in text and "Truncated" not in text
    assert len(_finding_rows(text)) == len(failing) > 5


def test_markdown_rows_have_four_columns_and_the_fix_as_a_sub_line(gaps_report):
    text = markdown.render(_one_product(gaps_report, "ecs"))
    assert "| Resource | Rule | Evidence (API field = value) | Why · Fix |" in text
    f = next(f for f in gaps_report["findings"] if f["rule"] == "ecs-disk-encrypted" and f["status"] == "FAIL")
    row = next(r for r in _finding_rows(text) if f["resource_id"] in r and "ecs-disk-encrypted" in r)
    assert len(re.split(r"(?<!\\)\|", row)) == 6
    assert "<br><sub>**Fix:** <code>aliyun ecs " in row
    grouped = markdown.render(gaps_report)
    row = next(r for r in grouped.splitlines() if "<sub>ecs-disk-encrypted</sub> | **" in r)
    assert len(re.split(r"(?<!\\)\|", row)) == 6 and f["resource_id"] in row
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


def test_markdown_groups_many_findings_under_the_limit_and_says_so(gaps_report):
    big = copy.deepcopy(gaps_report)
    template = next(f for f in big["findings"] if f["status"] == "FAIL")
    for i in range(3000):
        big["findings"].append(dict(template, resource_id=f"d-many{i:05d}"))
    big.pop("summary")
    text = markdown.render(big)
    assert len(text) < 65_000
    total = sum(f["status"] in ("FAIL", "ERROR") for f in big["findings"])
    assert f"**Grouped by rule:** the {total} failing or unreadable findings" in text and "Truncated" not in text
    rows = _rule_rows(text) + _also_failing(text)
    assert sorted(r for r, _, _ in rows) == sorted({f["rule"] for f in big["findings"] if f["status"] == "FAIL"})
    assert sum(n + e for _, n, e in rows) == total
    row = next(r for r in text.splitlines() if f"<sub>{markdown.md(template['rule'])}</sub> | **" in r)
    listed = row.count("<sub>5184000000000001 / ")
    assert 1 < listed < 3000 and f"+{3001 - listed} more in the JSON report" in row
    assert text.count("<details") == text.count("</details>")


def test_markdown_names_the_rules_without_room_for_a_row(gaps_report):
    big = copy.deepcopy(gaps_report)
    template = next(f for f in big["findings"] if f["status"] == "FAIL")
    for i in range(200):
        big["findings"].append(dict(template, rule=f"{template['rule']}-{i:04d}", resource_id=f"d-many{i:05d}"))
    big.pop("summary")
    text = markdown.render(big)
    assert len(text) < 65_000
    failing = [f for f in big["findings"] if f["status"] == "FAIL"]
    rows, named = _rule_rows(text), _also_failing(text)
    assert rows and named and "Truncated" not in text
    assert sorted(r for r, _, _ in rows + named) == sorted({f["rule"] for f in failing})
    assert sum(n for _, n, _ in rows + named) == len(failing)


def test_markdown_truncates_rules_when_even_naming_them_does_not_fit(gaps_report):
    big = copy.deepcopy(gaps_report)
    template = next(f for f in big["findings"] if f["status"] == "FAIL")
    for i in range(1500):
        big["findings"].append(dict(template, rule=f"{template['rule']}-{i:04d}", resource_id=f"d-many{i:05d}"))
    big.pop("summary")
    text = markdown.render(big)
    assert len(text) < 65_000
    rules = {f["rule"] for f in big["findings"] if f["status"] in ("FAIL", "ERROR")}
    shown = len(_rule_rows(text)) + len(_also_failing(text))
    assert 20 < shown < len(rules)
    assert f"**Truncated:** {shown} of {len(rules)} rules with failing or unreadable findings shown" in text
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
