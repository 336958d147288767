"""The two bundled fixtures, scanned end to end through the fake cloud and the real SDKs: exact verdicts."""

import json
import subprocess
import sys

from conftest import clause, findings, fixture_path
from expected_verdicts import GAPS_VERDICTS


ACCOUNT_LEVEL = {"ram", "sas", "cms", "waf", "cloudfw"}  # global services: their findings have no region

GAPS_CLAUSES = {
    ("hkia-gl8", "5.1(a)"): "MANUAL",
    ("hkia-gl8", "5.1(b)"): "NON_COMPLIANT",
    ("hkia-gl8", "5.1(c)"): "NON_COMPLIANT",
    ("hkia-gl8", "5.1(d)"): "NON_COMPLIANT",
    ("hkia-gl8", "5.1(e)"): "MANUAL",
    ("hkia-gl8", "5.1(f)"): "MANUAL",
}


def test_gaps_fixture_exact_finding_verdicts(gaps_report):
    got = {(f["rule"], f["resource_id"]): f["status"] for f in gaps_report["findings"]}
    assert got == GAPS_VERDICTS
    assert len(gaps_report["findings"]) == len(GAPS_VERDICTS)


def test_gaps_fixture_gl8_clause_statuses(gaps_report):
    got = {(c["framework"], c["clause"]): c["status"] for c in gaps_report["clauses"] if c["framework"] == "hkia-gl8"}
    assert got == GAPS_CLAUSES


def test_gaps_fixture_covers_both_hong_kong_zones(gaps_doc):
    hk = gaps_doc["accounts"][0]["regions"]["cn-hongkong"]
    zones = {i["ZoneId"] for i in hk["ecs"]["instances"]} | {d["ZoneId"] for d in hk["ecs"]["disks"]}
    assert {"cn-hongkong-b", "cn-hongkong-c"} <= zones


def test_every_fail_finding_has_evidence_and_remediation(gaps_report):
    fails = findings(gaps_report)
    fails = [f for f in fails if f["status"] == "FAIL"]
    assert len(fails) == sum(1 for v in GAPS_VERDICTS.values() if v == "FAIL")
    for f in fails:
        assert f["evidence"], f
        assert f["reason"], f
        assert f["remediation"]["console"], f
        assert f["resource_id"] and f["account_id"] == "5184000000000001"
        assert f["region"] or f["product"] in ACCOUNT_LEVEL or f["resource_type"] == "account", f
        assert any(key.split(".")[0] in {a.split(":")[1] for a in f["api"]} for key in f["evidence"]), f


def test_evidence_traces_to_the_api_value(gaps_report):
    [f] = findings(gaps_report, "ecs-disk-encrypted", "d-j6cbatch01data")
    assert f["evidence"]["DescribeDisks.Encrypted"] is False
    [f] = findings(gaps_report, "oss-bucket-sse-kms", "hkins-marketing-assets")
    assert f["evidence"]["GetBucketEncryption.ApplyServerSideEncryptionByDefault.SSEAlgorithm"] == "AES256"
    [f] = findings(gaps_report, "rds-backup-retention", "rm-j6cclaimspg01")
    assert f["evidence"]["DescribeBackupPolicy.BackupRetentionPeriod"] == 3
    assert f["clauses"] == ["hkia-gl8:5.1(c)", "hkia-gl14:5.18", "hkia-gl20:recovery"]


def test_compliant_fixture_every_automated_clause_compliant(compliant_report):
    for c in compliant_report["clauses"]:
        if c["kind"] == "manual":
            assert c["status"] == "MANUAL", c
        else:
            assert c["status"] == "COMPLIANT", c
    # NOT_APPLICABLE only where a check has nothing to judge (a RAM user without console login needs no MFA,
    # an attached disk is not an unattached one, a MySQL instance has no PostgreSQL logging parameters).
    assert {f["status"] for f in compliant_report["findings"]} == {"PASS", "NOT_APPLICABLE"}
    assert sorted((f["rule"], f["resource_id"]) for f in compliant_report["findings"] if f["status"] == "NOT_APPLICABLE") \
        == [("ecs-unattached-disk-encrypted", d) for d in ("d-j6dapp01data", "d-j6dapp01sys", "d-j6dapp02sys")] \
        + [("ram-console-user-idle", "app-runtime"), ("ram-console-user-mfa", "app-runtime")] \
        + [(f"rds-postgresql-{p}", "rm-j6dcore01") for p in ("log-connections", "log-disconnections", "log-duration")]


def test_manual_clauses_never_compliant_without_attestation(gaps_report):
    assert clause(gaps_report, "hkia-gl8", "5.1(a)")["status"] == "MANUAL"
    assert clause(gaps_report, "hkia-gl8", "5.1(f)")["status"] == "MANUAL"


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "aliaudit.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_gaps_json_exit_1(tmp_path):
    out = tmp_path / "r.json"
    proc = _cli("scan", "--fixture", fixture_path("hk-insurer-gaps.json"), "--format", "json", "--output", str(out))
    assert proc.returncode == 1, proc.stderr
    report = json.loads(out.read_text())
    statuses = {c["clause"]: c["status"] for c in report["clauses"] if c["framework"] == "hkia-gl8"}
    assert statuses == {"5.1(a)": "MANUAL", "5.1(b)": "NON_COMPLIANT", "5.1(c)": "NON_COMPLIANT",
                        "5.1(d)": "NON_COMPLIANT", "5.1(e)": "MANUAL", "5.1(f)": "MANUAL"}
    for f in report["findings"]:
        assert set(f) >= {"rule", "resource_id", "region", "status", "severity", "evidence", "remediation"}


def test_cli_compliant_exit_0():
    proc = _cli("scan", "--fixture", fixture_path("hk-insurer-compliant.json"))
    assert proc.returncode == 0, proc.stderr
    assert "5.1(b)" in proc.stdout and "COMPLIANT" in proc.stdout


def test_cli_fail_on_threshold(tmp_path):
    # The gaps fixture's critical FAILs: the security group open on every port, the root AccessKey, root without MFA,
    # AdministratorAccess attached to a user.
    proc = _cli("scan", "--fixture", fixture_path("hk-insurer-gaps.json"), "--fail-on", "critical")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(open(fixture_path("hk-insurer-gaps.json")).read())
    hk = doc["accounts"][0]["regions"]["cn-hongkong"]
    hk["ecs"]["security_groups"] = [g for g in hk["ecs"]["security_groups"] if g["SecurityGroupId"] != "sg-j6clegacy"]
    doc["accounts"][0]["global"]["ram"]["security_report"][0]["AccountSecurityPracticeUserInfo"]["RootWithAccessKey"] = 0
    doc["accounts"][0]["global"]["ram"]["security_report"][0]["AccountSecurityPracticeUserInfo"]["BindMfa"] = True
    for user in doc["accounts"][0]["global"]["ram"]["users"]:  # bob.claims holds AdministratorAccess directly
        user["policies"] = [p for p in user["policies"] if p["PolicyName"] != "AdministratorAccess"]
    path = tmp_path / "no-critical.json"
    path.write_text(json.dumps(doc))
    # Without it, --fail-on critical lets the high-severity FAILs through.
    proc = _cli("scan", "--fixture", str(path), "--fail-on", "critical")
    assert proc.returncode == 0, proc.stderr
    proc = _cli("scan", "--fixture", str(path), "--fail-on", "high")
    assert proc.returncode == 1


def test_cli_truncated_fixture_exit_2(tmp_path):
    text = open(fixture_path("hk-insurer-gaps.json")).read()
    bad = tmp_path / "truncated.json"
    bad.write_text(text[: len(text) // 2])
    proc = _cli("scan", "--fixture", str(bad))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(bad) in lines[0] and "not valid JSON" in lines[0] and "line" in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_cli_missing_fixture_and_unknown_option_exit_2(tmp_path):
    proc = _cli("scan", "--fixture", str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr
    proc = _cli("scan", "--no-such-option")
    assert proc.returncode == 2 and "No such option" in proc.stderr


def test_cli_wrong_shape_fixture_names_the_place(tmp_path):
    bad = tmp_path / "shape.json"
    bad.write_text(json.dumps({"format": "aliaudit-snapshot/1", "accounts": [{"account_id": "1", "regions": []}]}))
    proc = _cli("scan", "--fixture", str(bad))
    assert proc.returncode == 2
    assert "accounts[0].regions" in proc.stderr, proc.stderr


def test_cli_live_without_credentials_is_a_clear_message(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "aliaudit.cli", "scan"], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 2, proc.stderr
    assert "credentials" in proc.stderr and "Traceback" not in proc.stderr
