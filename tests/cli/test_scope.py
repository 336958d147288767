"""Scoping a scan (--framework, --clause, --severity, --product, --rule, --exclude-rule, --status): the rules
evaluated, the findings, the counts, every format and the exit code follow the scope; the report records it,
and `diff` / `--baseline` refuse to compare reports of another scope or account. Through the real CLI, the
fixtures served by the fake cloud."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from aliaudit import clauses
from aliaudit.cli import main
from aliaudit.model import severity_rank
from aliaudit.rules import all_rules
from conftest import fixture_path

GAPS = fixture_path("hk-insurer-gaps.json")
COMPLIANT = fixture_path("hk-insurer-compliant.json")
RULES = {r.id: r for r in all_rules()}


def cli(*args):
    return CliRunner().invoke(main, list(args))


def rules_of(framework: str, clause_id: str | None = None) -> set[str]:
    [cat] = clauses.load([framework])
    return {rid for c in cat["clauses"] if clause_id in (None, c["id"]) for rid in c.get("rules", [])}


def scan_json(*args) -> tuple[dict, int]:
    result = cli("scan", "--format", "json", *args)
    assert result.exit_code in (0, 1, 3), result.output
    return json.loads(result.stdout), result.exit_code


@pytest.fixture(scope="module")
def gl14():
    return scan_json("--fixture", GAPS, "--framework", "hkia-gl14")


def test_framework_keeps_only_the_rules_its_clauses_use(gl14):
    report, code = gl14
    gl14_rules = rules_of("hkia-gl14")
    assert report["findings"] and {f["rule"] for f in report["findings"]} <= gl14_rules
    assert "kms-key-rotation" not in {f["rule"] for f in report["findings"]}  # a GL8/GL20-only rule
    assert {c["framework"] for c in report["clauses"]} == {"hkia-gl14"}
    assert all(c.startswith("hkia-gl14:") for f in report["findings"] for c in f["clauses"])
    assert report["scope"]["frameworks"] == ["hkia-gl14"] and report["frameworks"] == ["hkia-gl14"]
    fails = sum(f["status"] == "FAIL" for f in report["findings"])
    assert report["summary"]["findings"]["FAIL"] == fails and code == 1


def test_exit_code_follows_the_scope(compliant_doc, tmp_path):
    """A tenant whose only gap is a GL8/GL20 rule: scoped to GL14 it passes, unscoped it fails."""
    key = compliant_doc["accounts"][0]["regions"]["cn-hongkong"]["kms"]["keys"][0]
    key["metadata"]["AutomaticRotation"] = "Disabled"
    path = tmp_path / "one-gl8-gap.json"
    path.write_text(json.dumps(compliant_doc), encoding="utf-8")
    everything, code = scan_json("--fixture", str(path))
    assert code == 1 and [f["rule"] for f in everything["findings"] if f["status"] == "FAIL"] == ["kms-key-rotation"]
    scoped, code = scan_json("--fixture", str(path), "--framework", "hkia-gl14")
    assert code == 0 and "FAIL" not in scoped["summary"]["findings"]
    assert set(c["status"] for c in scoped["clauses"]) <= {"COMPLIANT", "MANUAL", "NOT_APPLICABLE"}
    table = cli("scan", "--fixture", str(path), "--framework", "hkia-gl14")
    assert table.exit_code == 0 and "kms-key-rotation" not in table.stdout


def test_clause_keeps_that_clause_and_its_rules():
    report, _ = scan_json("--fixture", GAPS, "--clause", "hkia-gl14:5.14")
    assert [(c["framework"], c["clause"]) for c in report["clauses"]] == [("hkia-gl14", "5.14")]
    assert {f["rule"] for f in report["findings"]} <= rules_of("hkia-gl14", "5.14")
    assert report["scope"]["clauses"] == ["hkia-gl14:5.14"]


def test_severity_product_rule_and_exclude_rule_narrow_the_rules():
    report, _ = scan_json("--fixture", GAPS, "--severity", "high", "--product", "oss", "--product", "ecs",
                          "--exclude-rule", "ecs-disk-encrypted")
    rules = {f["rule"] for f in report["findings"]}
    assert rules and all(severity_rank(RULES[r].severity) >= severity_rank("high") for r in rules)
    assert {RULES[r].product for r in rules} <= {"oss", "ecs"} and "ecs-disk-encrypted" not in rules
    # a clause none of whose rules is in scope is not reported (it would read NOT_APPLICABLE)
    assert all(set(c["rules"]) & rules or not c["counts"] for c in report["clauses"])
    assert all(c["kind"] != "manual" for c in report["clauses"])
    one, code = scan_json("--fixture", GAPS, "--rule", "kms-key-rotation")
    assert {f["rule"] for f in one["findings"]} == {"kms-key-rotation"} and code == 1
    assert one["scope"]["rules"] == ["kms-key-rotation"]


def test_status_filters_findings_but_not_clause_statuses(gl14):
    full, _ = gl14
    report, code = scan_json("--fixture", GAPS, "--framework", "hkia-gl14", "--status", "pass")
    assert {f["status"] for f in report["findings"]} == {"PASS"} and code == 0
    assert [c["status"] for c in report["clauses"]] == [c["status"] for c in full["clauses"]]
    assert report["summary"]["findings"] == {"PASS": full["summary"]["findings"]["PASS"]}


def test_every_format_follows_the_scope(tmp_path):
    out = tmp_path / "out"
    result = cli("scan", "--fixture", GAPS, "--rule", "kms-key-rotation", "--rule", "oss-bucket-versioning",
                 "--format", "csv", "--format", "junit", "--format", "markdown", "--format", "sarif",
                 "--output-dir", str(out))
    assert result.exit_code == 1, result.output
    wanted = {"kms-key-rotation", "oss-bucket-versioning"}
    rows = list(csv.DictReader(io.StringIO((out / "aliaudit-report.csv").read_text(encoding="utf-8"))))
    assert rows and {r["rule"] for r in rows} == wanted
    junit = ET.fromstring((out / "aliaudit-report.junit.xml").read_bytes())
    assert junit.findall(".//testcase") and all(
        any(w in (tc.get("classname", "") + tc.get("name", "")) for w in wanted) for tc in junit.iter("testcase"))
    sarif = json.loads((out / "aliaudit-report.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == wanted
    markdown = (out / "aliaudit-report.md").read_text(encoding="utf-8")
    assert "kms-key-rotation" in markdown and "ecs-disk-encrypted" not in markdown


@pytest.mark.parametrize("args, message", [
    (("--rule", "no-such-rule"), "unknown rule 'no-such-rule'"),
    (("--exclude-rule", "nope"), "unknown rule 'nope'"),
    (("--product", "dynamodb"), "unknown product 'dynamodb'"),
    (("--clause", "hkia-gl14:99"), "unknown clause 'hkia-gl14:99'"),
    (("--framework", "hkia-gl8", "--clause", "hkia-gl14:5.14"), "not in --framework hkia-gl8"),
    (("--framework", "nist"), "unknown framework 'nist'"),
    (("--framework", "hkia-gl14", "--rule", "kms-key-rotation"), "nothing is in scope"),  # a GL8/GL20-only rule
])
def test_bad_scope_values_exit_2_in_one_line(args, message):
    result = cli("scan", "--fixture", GAPS, *args)
    assert result.exit_code == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_waiver_of_a_rule_out_of_scope_is_not_stale(tmp_path):
    waivers = tmp_path / "w.yaml"
    waivers.write_text("- rule: kms-key-rotation\n  resource: key-hk-legacy-*\n  justification: CHG-1\n"
                       "  approver: ciso@insurer.example\n  expires: 2999-01-01\n", encoding="utf-8")
    result = cli("scan", "--fixture", GAPS, "--framework", "hkia-gl14", "--waivers", str(waivers))
    assert "stale" not in result.stderr


# ---------------------------------------------------------------- diff and --baseline across scopes

@pytest.fixture(scope="module")
def reports(tmp_path_factory, gl14):
    folder = tmp_path_factory.mktemp("scoped")
    paths = {}
    for name, fixture, extra in (("gaps", GAPS, ()), ("compliant", COMPLIANT, ())):
        paths[name] = str(folder / f"{name}.json")
        result = cli("scan", "--fixture", fixture, "--format", "json", "--output", paths[name], *extra)
        assert result.exit_code in (0, 1), result.output
    paths["gl14"] = str(folder / "gl14.json")
    with open(paths["gl14"], "w", encoding="utf-8") as fh:
        json.dump(gl14[0], fh)
    return paths


def test_diff_refuses_another_scope_or_account_in_one_line(reports):
    for old, new, words in (("gaps", "gl14", "different scope (frameworks: all vs hkia-gl14)"),
                            ("compliant", "gaps", "covers account(s) 5184000000000002")):
        result = cli("diff", reports[old], reports[new])
        assert result.exit_code == 2 and words in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "--allow-different-scope" in result.stderr
    allowed = cli("diff", reports["gaps"], reports["gl14"], "--allow-different-scope", "--format", "json")
    assert allowed.exit_code == 0 and json.loads(allowed.stdout)["fixed"]


def test_baseline_refuses_another_scope_unless_allowed(reports):
    refused = cli("scan", "--fixture", GAPS, "--framework", "hkia-gl14", "--baseline", reports["gaps"])
    assert refused.exit_code == 2 and "different scope" in refused.stderr
    other = cli("scan", "--fixture", GAPS, "--baseline", reports["compliant"])
    assert other.exit_code == 2 and "account(s)" in other.stderr
    same = cli("scan", "--fixture", GAPS, "--framework", "hkia-gl14", "--baseline", reports["gl14"], "--format", "json")
    assert same.exit_code == 0, same.stderr
    marked = json.loads(same.stdout)
    assert {f.get("baseline") for f in marked["findings"] if f["status"] == "FAIL"} == {"existing"}
    allowed = cli("scan", "--fixture", GAPS, "--baseline", reports["gl14"], "--allow-different-scope",
                  "--format", "json")
    assert allowed.exit_code == 1
    new = [f for f in json.loads(allowed.stdout)["findings"] if f.get("baseline") == "new"]
    assert new and all(f["rule"] not in rules_of("hkia-gl14") for f in new)
