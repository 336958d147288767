"""The CI gate: SARIF 2.1.0 (validated against the official schema), JUnit XML (parsed by junitparser and
ElementTree), baselines and `aliaudit diff`, and waivers with expiry. Everything through the real CLI;
fixture scans go through the fake cloud and the SDKs."""

import copy
import datetime as dt
import json
import os
import xml.etree.ElementTree as ET
from functools import lru_cache

import jsonschema
import pytest
from click.testing import CliRunner
from junitparser import Error, Failure, JUnitXml, Skipped

from aliaudit.cli import main
from conftest import ROOT, fixture_path
from expected_verdicts import GAPS_VERDICTS
from expected_verdicts import EXPECTED_RULES

GAPS_FAILS = sum(v == "FAIL" for v in GAPS_VERDICTS.values())

SARIF_SCHEMA = os.path.join(ROOT, "tests", "schemas", "sarif-schema-2.1.0.json")
GAPS = fixture_path("hk-insurer-gaps.json")
PLAN_GAPS = os.path.join(ROOT, "tests", "plans", "gaps.plan.json")


def cli(*args):
    return CliRunner().invoke(main, list(args))


@lru_cache(maxsize=1)
def sarif_validator():
    with open(SARIF_SCHEMA, encoding="utf-8") as fh:
        schema = json.load(fh)
    return jsonschema.Draft7Validator(schema)


def assert_valid_sarif(doc: dict) -> None:
    errors = sorted(sarif_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, [(list(e.absolute_path), e.message) for e in errors[:5]]


@pytest.fixture(scope="module")
def gaps_json(tmp_path_factory):
    path = tmp_path_factory.mktemp("reports") / "gaps.json"
    result = cli("scan", "--fixture", GAPS, "--format", "json", "--output", str(path))
    assert result.exit_code == 1
    return str(path)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# ---------------------------------------------------------------- SARIF

def test_sarif_of_a_fixture_scan_validates_and_uses_arn_like_logical_locations(gaps_json):
    result = cli("scan", "--fixture", GAPS, "--format", "sarif")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert_valid_sarif(doc)
    run = doc["runs"][0]
    with open(gaps_json, encoding="utf-8") as fh:
        report = json.load(fh)
    fails = [f for f in report["findings"] if f["status"] == "FAIL"]
    assert len(run["results"]) == len(fails) == GAPS_FAILS
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert len(rules) == EXPECTED_RULES
    disk_rule = rules["ecs-disk-encrypted"]
    assert "hkia-gl8:5.1(b)" in disk_rule["properties"]["tags"]
    assert disk_rule["properties"]["security-severity"] == "8.0"
    assert "Remediation" in disk_rule["help"]["text"] and "alicloud_ecs_disk.encrypted" in disk_rule["help"]["text"]
    assert "{resource_id}" not in disk_rule["help"]["text"] and "<resource-id>" in disk_rule["help"]["text"]
    res = [r for r in run["results"] if r["ruleId"] == "ecs-disk-encrypted"
           and r["locations"][0]["logicalLocations"][0]["name"] == "d-j6cbatch01data"][0]
    assert res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == \
        "acs:ecs:cn-hongkong:5184000000000001:disk/d-j6cbatch01data"
    assert res["level"] == "error" and "the disk is not encrypted" in res["message"]["text"]
    assert '"DescribeDisks.Encrypted": false' in res["message"]["text"]
    assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == "ecs-disk-encrypted"
    # fingerprints are stable across runs and unique per finding
    again = json.loads(cli("scan", "--fixture", GAPS, "--format", "sarif").stdout)
    prints = [r["partialFingerprints"]["aliaudit/v1"] for r in run["results"]]
    assert prints == [r["partialFingerprints"]["aliaudit/v1"] for r in again["runs"][0]["results"]]
    assert len(set(prints)) == len(prints)


def test_sarif_of_a_plan_locates_results_at_the_resource_address():
    result = cli("scan", "--terraform-plan", PLAN_GAPS, "--format", "sarif")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert_valid_sarif(doc)
    locations = {r["ruleId"]: r["locations"][0] for r in doc["runs"][0]["results"]}
    listener = locations["slb-listener-https-only"]
    assert listener["physicalLocation"]["artifactLocation"]["uri"] == PLAN_GAPS
    assert listener["logicalLocations"][0]["fullyQualifiedName"] == "alicloud_slb_listener.http"
    assert locations["ecs-disk-encrypted"]["logicalLocations"][0]["fullyQualifiedName"] == "alicloud_disk.data"


def test_sarif_marks_waived_findings_as_suppressed(tmp_path):
    waivers = write(tmp_path, "w.yaml", "- rule: ecs-disk-encrypted\n  resource: alicloud_disk.data\n"
                    "  justification: scratch disk, no personal data\n  approver: ciso@insurer.example\n"
                    "  expires: 2999-12-31\n")
    doc = json.loads(cli("scan", "--terraform-plan", PLAN_GAPS, "--waivers", waivers, "--format", "sarif").stdout)
    assert_valid_sarif(doc)
    waived = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "ecs-disk-encrypted"][0]
    assert waived["suppressions"][0]["kind"] == "external"
    assert waived["suppressions"][0]["status"] == "accepted"
    assert "scratch disk" in waived["suppressions"][0]["justification"]
    assert waived["message"]["text"].startswith("Waived: ")


# ---------------------------------------------------------------- JUnit

def test_junit_has_one_case_per_finding_with_its_clauses_as_properties(gaps_json):
    result = cli("scan", "--fixture", GAPS, "--format", "junit")
    assert result.exit_code == 1
    with open(gaps_json, encoding="utf-8") as fh:
        report = json.load(fh)
    path = os.path.join(os.path.dirname(gaps_json), "gaps.xml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(result.stdout)
    xml = JUnitXml.fromfile(path)
    counts = report["summary"]["findings"]
    assert xml.tests == len(report["findings"]) == sum(counts.values())
    assert xml.failures == counts.get("FAIL", 0) == GAPS_FAILS
    assert xml.errors == counts.get("ERROR", 0)
    assert xml.skipped == counts.get("NOT_APPLICABLE", 0) + counts.get("WAIVED", 0)
    # one suite per severity, critical first
    assert [s.name for s in xml] == ["aliaudit: critical severity", "aliaudit: high severity",
                                     "aliaudit: medium severity", "aliaudit: low severity"]
    cases = [c for suite in xml for c in suite]
    assert len(cases) == len(report["findings"])
    for case in cases:
        assert {type(r) for r in case.result} <= {Failure, Error, Skipped}
    # classname = rule, name = resource, the clauses in the case's properties
    root = ET.fromstring(result.stdout.encode("utf-8"))
    by_key = {(f["rule"], f["resource_id"], f["region"] or "account-wide"): f for f in report["findings"]}
    seen = set()
    for tc in root.iter("testcase"):
        props = [(p.get("name"), p.get("value")) for p in tc.findall("properties/property")]
        region = dict(props)["region"]
        f = by_key[(tc.get("classname"), tc.get("name"), region)]
        assert [v for k, v in props if k == "clause"] == f["clauses"]
        assert dict(props)["status"] == f["status"] and dict(props)["severity"] == f["severity"]
        seen.add((tc.get("classname"), tc.get("name"), region))
    assert seen == set(by_key)
    disk = next(c for c in cases if c.classname == "ecs-disk-encrypted" and c.name == "d-j6cbatch01data")
    assert isinstance(disk.result[0], Failure) and disk.result[0].message == "the disk is not encrypted"
    # ElementTree agrees on the totals
    assert root.tag == "testsuites"
    assert int(root.get("failures")) == len(root.findall("testsuite/testcase/failure")) == GAPS_FAILS
    assert int(root.get("tests")) == len(root.findall("testsuite/testcase"))


def test_junit_reports_errors_and_waivers(tmp_path):
    waivers = write(tmp_path, "w.yaml", "- rule: slb-listener-https-only\n  resource: alicloud_slb_listener.*\n"
                    "  justification: internal health-check port\n  approver: ciso@insurer.example\n  expires: 2999-01-01\n")
    mixed = os.path.join(ROOT, "tests", "plans", "mixed.plan.json")
    result = cli("scan", "--terraform-plan", mixed, "--waivers", waivers, "--format", "junit")
    root = ET.fromstring(result.stdout.encode("utf-8"))
    errors = root.findall(".//testcase/error")
    assert errors and all(e.get("message") for e in errors)
    skipped = [s.get("message") for s in root.findall(".//testcase/skipped")]
    assert any(m.startswith("WAIVED: internal health-check port") for m in skipped)


# ---------------------------------------------------------------- baselines and diff

def test_baseline_of_its_own_report_exits_0(gaps_json):
    result = cli("scan", "--fixture", GAPS, "--baseline", gaps_json, "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["baseline"] == {"new": 0, "existing": GAPS_FAILS}


def test_one_new_failing_resource_fails_the_baseline_gate_naming_only_it(gaps_json, gaps_doc, tmp_path):
    region = gaps_doc["accounts"][0]["regions"]["cn-hongkong"]
    disk = copy.deepcopy([d for d in region["ecs"]["disks"] if d["DiskId"] == "d-j6cbatch01data"][0])
    disk["DiskId"] = "d-j6cnewunenc01"
    disk["DiskName"] = "new-unencrypted"
    region["ecs"]["disks"].append(disk)
    fixture = write(tmp_path, "gaps-plus-one.json", json.dumps(gaps_doc))
    result = cli("scan", "--fixture", fixture, "--baseline", gaps_json, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    new = {(f["rule"], f["resource_id"]) for f in report["findings"] if f.get("baseline") == "new"}
    assert {rid for _, rid in new} == {"d-j6cnewunenc01"}
    assert ("ecs-disk-encrypted", "d-j6cnewunenc01") in new
    assert "not in the baseline" in result.stderr and "d-j6cnewunenc01" in result.stderr
    assert "d-j6cbatch01data" not in result.stderr
    # without the baseline the same scan also fails, on everything
    assert cli("scan", "--fixture", fixture, "--format", "json").exit_code == 1


def test_diff_lists_new_fixed_and_still_failing(gaps_json, tmp_path):
    with open(gaps_json, encoding="utf-8") as fh:
        old = json.load(fh)
    new = copy.deepcopy(old)
    fixed_one = [f for f in new["findings"] if f["rule"] == "ecs-disk-encrypted" and f["status"] == "FAIL"][0]
    fixed_one["status"] = "PASS"
    extra = copy.deepcopy(fixed_one)
    extra.update({"resource_id": "d-j6cnewunenc01", "status": "FAIL"})
    new["findings"].append(extra)
    new_path = write(tmp_path, "new.json", json.dumps(new))
    result = cli("diff", gaps_json, new_path, "--format", "json")
    assert result.exit_code == 1
    d = json.loads(result.stdout)
    assert [(f["rule"], f["resource_id"]) for f in d["new"]] == [("ecs-disk-encrypted", "d-j6cnewunenc01")]
    assert [(f["rule"], f["resource_id"], f["now"]) for f in d["fixed"]] == [
        ("ecs-disk-encrypted", fixed_one["resource_id"], "PASS")]
    assert len(d["still_failing"]) == GAPS_FAILS - 1
    table = cli("diff", gaps_json, new_path)
    assert table.exit_code == 1
    assert "New failing findings (1)" in table.stdout and "d-j6cnewunenc01" in table.stdout
    assert "Fixed (1)" in table.stdout and f"still failing {GAPS_FAILS - 1}" in table.stdout
    same = cli("diff", gaps_json, gaps_json, "--format", "json")
    assert same.exit_code == 0 and json.loads(same.stdout)["new"] == []


@pytest.mark.parametrize("content, message", [
    ("{", "not valid JSON"),
    ('{"format": "aliaudit-snapshot/1"}', "not an aliaudit JSON report"),
    ('{"report_format": "aliaudit-report/1", "findings": [{"rule": "x"}]}', "findings[0]"),
])
def test_bad_baseline_exits_2(tmp_path, content, message):
    path = write(tmp_path, "b.json", content)
    for args in (("scan", "--fixture", GAPS, "--baseline", path), ("diff", path, path)):
        result = cli(*args)
        assert result.exit_code == 2
        assert message in result.stderr and path in result.stderr


# ---------------------------------------------------------------- waivers

WAIVER = """- rule: ecs-disk-encrypted
  resource: "d-j6cbatch01*"
  justification: batch scratch disks hold no personal data; replaced in Q3
  approver: ciso@insurer.example
  expires: {expires}
"""


def test_an_active_waiver_waives_in_every_format_and_the_gate(tmp_path, gaps_json):
    path = write(tmp_path, "w.yaml", WAIVER.format(expires="2999-12-31"))
    result = cli("scan", "--fixture", GAPS, "--waivers", path, "--format", "json")
    report = json.loads(result.stdout)
    waived = [f for f in report["findings"] if f["status"] == "WAIVED"]
    assert {f["resource_id"] for f in waived} == {"d-j6cbatch01data", "d-j6cbatch01sys"}
    assert waived[0]["waiver"] == {"rule": "ecs-disk-encrypted", "resource": "d-j6cbatch01*",
                                   "justification": "batch scratch disks hold no personal data; replaced in Q3",
                                   "approver": "ciso@insurer.example", "expires": "2999-12-31"}
    assert report["waivers"][0]["state"] == "active" and len(report["waivers"][0]["matched"]) == 2
    assert report["summary"]["findings"]["WAIVED"] == 2
    b = [c for c in report["clauses"] if c["framework"] == "hkia-gl8" and c["clause"] == "5.1(b)"][0]
    assert b["counts"]["WAIVED"] == 2
    table = cli("scan", "--fixture", GAPS, "--waivers", path)
    assert "Waived findings (2)" in table.stdout and "ciso@insurer.example" in table.stdout
    junit = cli("scan", "--fixture", GAPS, "--waivers", path, "--format", "junit").stdout
    assert junit.count("WAIVED: batch scratch disks") == 2  # the two waived disks, once each


def test_waivers_that_cover_every_fail_make_the_gate_pass_and_the_clause_compliant(tmp_path):
    plan_waivers = "".join(
        f"- rule: {rule}\n  resource: {res}\n  justification: accepted for the pilot\n  approver: cro@insurer.example\n"
        f"  expires: 2999-01-01\n" for rule, res in [("ecs-disk-encrypted", "alicloud_disk.data"),
                                                    ("ecs-disk-encrypted-cmk", "alicloud_disk.data"),
                                                    ("ecs-disk-auto-snapshot", "alicloud_disk.data"),
                                                    ("ecs-unattached-disk-encrypted", "alicloud_disk.data"),
                                                    ("slb-listener-https-only", "alicloud_slb_listener.*"),
                                                    ("ecs-sg-no-public-ssh", "alicloud_security_group.admin")])
    path = write(tmp_path, "w.yaml", plan_waivers)
    result = cli("scan", "--terraform-plan", PLAN_GAPS, "--waivers", path, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    b = [c for c in report["clauses"] if c["framework"] == "hkia-gl8" and c["clause"] == "5.1(b)"][0]
    # the NOT_APPLICABLEs: polardb-ssl-enabled and nas-encrypted-kms, which a plan cannot assess (a live scan does)
    assert b["status"] == "COMPLIANT" and b["counts"] == {"WAIVED": 4, "NOT_APPLICABLE": 2}
    assert [f["rule"] for f in report["findings"] if f["status"] == "NOT_APPLICABLE" and
            set(f["clauses"]) & {"hkia-gl8:5.1(b)"}] == ["nas-encrypted-kms", "polardb-ssl-enabled"]


def test_an_expired_waiver_is_reported_and_the_finding_fails_again(tmp_path):
    yesterday = (dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)).isoformat()
    path = write(tmp_path, "w.yaml", WAIVER.format(expires=yesterday))
    result = cli("scan", "--fixture", GAPS, "--waivers", path, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["waivers"][0]["state"] == "expired"
    disk = [f for f in report["findings"] if f["rule"] == "ecs-disk-encrypted" and f["resource_id"] == "d-j6cbatch01data"][0]
    assert disk["status"] == "FAIL" and disk["expired_waiver"]["expires"] == yesterday
    assert "WAIVED" not in report["summary"]["findings"]
    assert f"expired on {yesterday}" in result.stderr
    table = cli("scan", "--fixture", GAPS, "--waivers", path)
    assert "Waivers that need attention (1)" in table.stdout and "EXPIRED" in table.stdout


def test_a_waiver_that_matches_nothing_is_stale(tmp_path):
    path = write(tmp_path, "w.yaml", WAIVER.format(expires="2999-12-31").replace("d-j6cbatch01*", "d-gone*"))
    result = cli("scan", "--fixture", GAPS, "--waivers", path, "--format", "json")
    report = json.loads(result.stdout)
    assert report["waivers"][0]["state"] == "stale" and report["waivers"][0]["matched"] == []
    assert "matches no failing finding (stale)" in result.stderr


@pytest.mark.parametrize("content, message", [
    ("rule: x\n", "at top level: a waiver file is a YAML list"),
    ("- rule: ecs-disk-encrypted\n  resource: d-*\n  approver: a\n  expires: 2999-01-01\n",
     "at [0] (line 1): missing justification"),
    (WAIVER.format(expires="2999-12-31") + "- rule: no-such-rule\n  resource: x\n  justification: j\n  approver: a\n"
     "  expires: 2999-01-01\n", "at [1] (line 6): unknown rule 'no-such-rule'"),
    (WAIVER.format(expires="next year"), "expires 'next year' is not a date"),
    (WAIVER.format(expires="2999-12-31") + "  owner: me\n", "unknown key 'owner'"),
    ("- rule: [unclosed\n", "not valid YAML"),
])
def test_malformed_waiver_file_is_one_line_exit_2(tmp_path, content, message):
    path = write(tmp_path, "w.yaml", content)
    result = cli("scan", "--fixture", GAPS, "--waivers", path)
    assert result.exit_code == 2
    assert message in result.stderr and path in result.stderr
    assert result.stderr.count("\n") == 1
