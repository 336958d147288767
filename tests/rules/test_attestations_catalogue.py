"""--attestations and the catalogue commands (rules list, frameworks show), end to end through the CLI."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from aliaudit import attestations, clauses
from aliaudit.errors import UsageError
from conftest import ROOT, fixture_path
from expected_verdicts import EXPECTED_RULES

EXAMPLE = os.path.join(ROOT, "examples", "attestations", "hk-insurer.yaml")
TODAY = dt.date(2026, 11, 27)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "aliaudit.cli", *args], capture_output=True, text=True, timeout=120)


def test_example_attestations_valid_and_expired():
    got = attestations.load(EXAMPLE, clauses.load(), today=TODAY)
    assert [(a["clause"], a["state"]) for a in got] == [
        ("hkia-gl8:5.1(a)", "valid"), ("hkia-gl8:5.1(f)", "valid"), ("hkia-gl14:5.10", "expired")]


def test_scan_with_attestations_marks_clauses(tmp_path):
    # The example file's entries, with dates moved relative to today so the test does not age.
    import yaml

    today = dt.date.today()
    entries = yaml.safe_load(open(EXAMPLE))
    for e, (start, end) in zip(entries, ((-100, 265), (-10, 355), (-400, -35))):
        e["date"], e["expires"] = str(today + dt.timedelta(start)), str(today + dt.timedelta(end))
    att = tmp_path / "att.yaml"
    att.write_text(yaml.safe_dump(entries))
    expired_on = str(today + dt.timedelta(-35))
    out = tmp_path / "r.json"
    proc = _cli("scan", "--fixture", fixture_path("hk-insurer-compliant.json"), "--attestations", str(att),
                "--format", "json", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    by = {(c["framework"], c["clause"]): c for c in report["clauses"]}
    assert by["hkia-gl8", "5.1(a)"]["status"] == "ATTESTED"
    assert by["hkia-gl8", "5.1(a)"]["attestation"]["evidence"].startswith("DMS SEC-POL-2026-04")
    assert by["hkia-gl14", "5.10"]["status"] == "MANUAL"
    assert f"expired on {expired_on}" in by["hkia-gl14", "5.10"]["reason"]
    assert by["hkia-gl8", "5.1(e)"]["status"] == "MANUAL" and "attestation" not in by["hkia-gl8", "5.1(e)"]
    assert [a["state"] for a in report["attestations"]] == ["valid", "valid", "expired"]
    assert set(report["attestations"][0]) == {"clause", "statement", "evidence", "owner", "date", "expires", "state"}


@pytest.mark.parametrize("text,message", [
    ("- clause: [unclosed", "not valid YAML"),
    ("clause: hkia-gl8:5.1(a)", "a YAML list"),
    ("- clause: 'hkia-gl8:9.9'\n  statement: s\n  evidence: e\n  owner: o\n  date: 2026-01-01\n  expires: 2027-01-01",
     "entry 1 (line 1): unknown clause 'hkia-gl8:9.9'"),
    ("- clause: 'hkia-gl8:5.1(a)'\n  statement: s\n  evidence: e\n  owner: o\n  date: 2026-13-01\n  expires: 2027-01-01",
     "entry 1 (line 1).date: expected a date"),
    ("- clause: 'hkia-gl8:5.1(a)'\n  statement: 5\n  evidence: e\n  owner: o\n  date: 2026-01-01\n  expires: 2027-01-01",
     "statement must be text"),
    ("- clause: 'hkia-gl8:5.1(b)'\n  statement: s\n  evidence: e\n  owner: o\n  date: 2026-01-01\n  expires: 2027-01-01",
     "checked automatically"),
    ("- clause: 'hkia-gl8:5.1(a)'\n  statement: s\n  evidence: e\n  owner: o\n  date: 2026-02-01\n  expires: 2026-01-01",
     "before date"),
    ("- clause: 'hkia-gl8:5.1(a)'\n  statement: s\n  evidence: e\n  owner: o\n  date: 2026-01-01\n  expires: 2027-01-01\n"
     "- clause: 'hkia-gl8:5.1(a)'\n  statement: s\n  evidence: e\n  date: 2026-01-01\n  expires: 2027-01-01",
     "entry 2 (line 7): missing owner"),
])
def test_malformed_attestations_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "att.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as err:
        attestations.load(str(path), clauses.load(), today=TODAY)
    assert str(path) in str(err.value) and message in str(err.value), str(err.value)


def test_cli_malformed_attestations_exit_2(tmp_path):
    path = tmp_path / "att.yaml"
    path.write_text("- clause: 'hkia-gl8:9.9'\n  statement: s\n  evidence: e\n  owner: o\n  date: 2026-01-01\n"
                    "  expires: 2027-01-01\n")
    proc = _cli("scan", "--fixture", fixture_path("hk-insurer-compliant.json"), "--attestations", str(path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "unknown clause" in lines[0] and proc.stdout == ""


def test_rules_list_json_counts_and_clauses_exist():
    proc = _cli("rules", "list", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    known = {f"{c['framework']}:{cl['id']}" for c in clauses.load_all() for cl in c["clauses"]}
    assert doc["count"] == len(doc["rules"]) == EXPECTED_RULES
    for r in doc["rules"]:
        assert set(r) >= {"id", "title", "product", "severity", "clauses"}
        assert r["clauses"] and set(r["clauses"]) <= known, r["id"]


def test_frameworks_show_lists_every_clause_with_kind():
    proc = _cli("frameworks", "show", "hkia-gl14", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [c["clause"] for c in doc["clauses"]] == ["5.8", "5.10", "5.12", "5.13", "5.14", "5.15(c)", "5.16", "5.17",
                                                     "5.18", "5.19(d)"]
    by = {c["clause"]: c for c in doc["clauses"]}
    assert by["5.19(d)"]["kind"] == "hybrid" and "data-residency-allowed-regions" in by["5.19(d)"]["rules"]
    assert by["5.10"]["kind"] == "manual" and by["5.10"]["rules"] == []
    proc = _cli("frameworks", "show", "hkia-gl99")
    assert proc.returncode == 2 and "unknown framework" in proc.stderr


def test_every_catalogue_clause_appears_in_a_scan(gaps_report):
    expected = {(c["framework"], cl["id"]) for c in clauses.load() for cl in c["clauses"]}
    assert {(c["framework"], c["clause"]) for c in gaps_report["clauses"]} == expected
