"""The terminal table: the one-page summary first, findings most severe first, counts per severity, and where the
report files went."""

import re
import subprocess
import sys

from aliaudit.model import SEVERITIES
from aliaudit.reporters import table
from conftest import fixture_path


def test_summary_first_then_findings_most_severe_first(gaps_report):
    text = table.render(gaps_report, width=200)
    lines = text.splitlines()
    assert lines[1] == "Automated clauses: non-compliant (0 of 16 compliant). 9 clauses need attestation."
    order = [text.index(t) for t in ("Clauses per framework", "Findings per severity", "Top risks (critical and high",
                                     "Status per clause", "Findings that need action (192)")]
    assert order == sorted(order)
    assert "│ HKIA GL14 │      10 │         0 │             8 │" in text
    # findings: severity, then rule
    start = text.index("Findings that need action")
    rows = [re.split(r"\s*│\s*", line.strip("│ ")) for line in text[start:].splitlines()
            if line.startswith("│ FAIL") or line.startswith("│ ERROR")]
    assert len(rows) == 192
    keys = [(-SEVERITIES.index(r[1]), r[2]) for r in rows]
    assert keys == sorted(keys)
    assert rows[0][1:3] == ["critical", "ecs-sg-no-public-all-ports"]
    assert text.rstrip().endswith("FAIL by severity: critical 4, high 64, medium 99, low 25")


def test_a_compliant_tenant(compliant_report):
    text = table.render(compliant_report, width=200)
    assert text.splitlines()[1] == "Automated clauses: compliant (16 of 16 compliant). 9 clauses need attestation."
    assert "Top risks" not in text and text.rstrip().endswith("FAIL by severity: none")


def test_says_where_each_file_was_written(tmp_path):
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    proc = subprocess.run([sys.executable, "-m", "aliaudit.cli", "scan", "--fixture",
                           fixture_path("hk-insurer-compliant.json"), "--format", "json", "--output", str(out_json),
                           "--format", "html", "--output", str(out_html), "--verbose"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "aliaudit: Automated clauses: compliant (16 of 16 compliant). 9 clauses need attestation.\n" in proc.stderr
    assert f"aliaudit: wrote the json report to {out_json}\n" in proc.stderr
    assert f"aliaudit: wrote the html report to {out_html}\n" in proc.stderr


def test_scope_and_baseline_marks(gaps_report):
    import copy

    report = copy.deepcopy(gaps_report)
    report["scope"] = {"frameworks": ["hkia-gl14"], "severity": "high", "rules": []}
    for f in report["findings"]:
        if f["status"] == "FAIL":
            f["baseline"] = "new" if f["rule"] == "ecs-sg-no-public-all-ports" else "existing"
    text = table.render(report, width=200)
    assert text.splitlines()[2] == "scope: frameworks: hkia-gl14; severity: high"
    assert "│ FAIL new   │ critical │ ecs-sg-no-public-all-ports" in text
    assert text.count("FAIL known") == 191
    from aliaudit.reporters import html, markdown

    assert "**Scope:** frameworks: hkia-gl14; severity: high" in markdown.render(report)
    assert "<b>Scope:</b> frameworks: hkia-gl14; severity: high" in html.render(report)
