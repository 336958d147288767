"""`--framework cis-alibaba-2.0` and `frameworks show cis-alibaba-2.0` through the real command line:
every report format groups the CIS controls by their sections."""

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from conftest import fixture_path

CIS = "cis-alibaba-2.0"
SECTIONS = ["1 Identity and Access Management", "2 Logging and Monitoring", "3 Networking", "4 Virtual Machines",
            "5 Storage", "6 Relational Database Services", "7 Kubernetes Engine", "8 Security Center"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "aliaudit.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("cis")
    proc = _cli("scan", "--fixture", fixture_path("hk-insurer-gaps.json"), "--framework", CIS, "--output-dir",
                str(out), *[a for fmt in ("json", "table", "markdown", "html", "csv", "junit") for a in ("--format", fmt)])
    return proc, out


def test_frameworks_show_lists_all_85_controls_with_section_level_kind_and_rules():
    proc = _cli("frameworks", "show", CIS, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["framework"] == CIS and len(doc["clauses"]) == 85
    assert [f"{s['id']} {s['title']}" for s in doc["sections"]] == SECTIONS
    assert sum(s["clauses"] for s in doc["sections"]) == 85
    for c in doc["clauses"]:
        assert {"clause", "title", "section", "section_title", "level", "assessment", "kind", "rules"} <= set(c), c
        assert c["clause"].split(".")[0] == c["section"]
    by = {c["clause"]: c for c in doc["clauses"]}
    assert by["4.3"]["rules"] == ["ecs-sg-no-public-ssh"] and by["4.3"]["kind"] == "automated"
    assert by["7.9"]["rules"] == ["ack-api-server-private"] and by["7.9"]["kind"] == "automated"
    assert by["7.4"]["rules"] == ["ack-cluster-check-weekly"] and by["7.4"]["kind"] == "automated"
    assert by["7.3"]["kind"] == "manual" and by["7.3"]["assessment"] == "automated"
    assert by["7.3"]["reason"].startswith("not yet automated") and not by["7.3"]["rules"]

    text = _cli("frameworks", "show", CIS)
    assert text.returncode == 0, text.stderr
    assert [line[3:] for line in text.stdout.splitlines() if line.startswith("== ")] == SECTIONS


def test_scan_exits_1_on_fails_of_mapped_rules(reports):
    proc, _ = reports
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""


def test_json_report_gives_each_control_its_section(reports):
    _, out = reports
    doc = json.loads((out / "aliaudit-report.json").read_text())
    assert doc["frameworks"] == [CIS]
    assert len(doc["clauses"]) == 85 and {c["framework"] for c in doc["clauses"]} == {CIS}
    seen = []
    for c in doc["clauses"]:
        heading = f"{c['section']} {c['section_title']}"
        if not seen or seen[-1] != heading:
            seen.append(heading)
    assert seen == SECTIONS  # grouped: each section once, in order
    failing = [c for c in doc["clauses"] if c["status"] == "NON_COMPLIANT"]
    assert failing and all(c["rules"] and c["counts"].get("FAIL") for c in failing)
    assert not [c for c in doc["clauses"] if not c["rules"] and c["status"] != "MANUAL"]


def test_table_markdown_and_html_show_section_headings_in_order(reports):
    _, out = reports
    table = (out / "aliaudit-report.txt").read_text()
    markdown = (out / "aliaudit-report.md").read_text()
    html = (out / "aliaudit-report.html").read_text()
    for text in (table, markdown):
        positions = [text.find(s) for s in SECTIONS]
        assert -1 not in positions and positions == sorted(positions), positions
    assert [m for m in re.findall(r"\*\*(\d [A-Z][^*]+)\*\*", markdown)] == SECTIONS
    assert re.findall(r'<tr class="section-row"><th colspan="9">([^<]+)</th></tr>', html) == SECTIONS
    # each heading comes before its first control and after the previous section's last one
    assert html.find(SECTIONS[1]) < html.find('data-clause="cis-alibaba-2.0:2.1"') < html.find(SECTIONS[2])


def test_finding_formats_name_the_cis_controls(reports):
    _, out = reports
    rows = list(csv.DictReader(io.StringIO((out / "aliaudit-report.csv").read_text(), newline="")))
    ssh = [r for r in rows if r["rule"] == "ecs-sg-no-public-ssh" and r["status"] == "FAIL"]
    assert ssh and all({f"{CIS}:3.2", f"{CIS}:4.3"} <= set(r["clauses"].split(";")) for r in ssh)
    assert f'name="clause" value="{CIS}:4.3"' in (out / "aliaudit-report.junit.xml").read_text()


def test_a_cis_control_can_be_scoped_and_listed():
    proc = _cli("scan", "--fixture", fixture_path("hk-insurer-gaps.json"), "--clause", f"{CIS}:4.3", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert [(c["framework"], c["clause"], c["section"]) for c in doc["clauses"]] == [(CIS, "4.3", "4")]
    assert {f["rule"] for f in doc["findings"]} == {"ecs-sg-no-public-ssh"}
    listed = _cli("rules", "list", "--framework", CIS, "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)["rules"]
    assert "ecs-sg-no-public-ssh" in {r["id"] for r in rows} and "alb-multi-zone" not in {r["id"] for r in rows}
    assert all(ref.startswith(CIS + ":") for r in rows for ref in r["clauses"])
    # a bare id resolves against the default (HKIA) catalogues first: 5.8 stays GL14's
    bare = _cli("rules", "list", "--clause", "5.8", "--format", "json")
    assert bare.returncode == 0, bare.stderr
    assert json.loads(bare.stdout)["scope"]["clauses"] == ["hkia-gl14:5.8"]
