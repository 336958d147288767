"""`aliaudit scan --terraform-plan`: plans from the documented `terraform show -json` format, through the real CLI."""

import copy
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from aliaudit import terraform
from aliaudit.cli import main
from conftest import ROOT

PLANS = os.path.join(ROOT, "tests", "plans")


def plan_path(name: str) -> str:
    return os.path.join(PLANS, f"{name}.plan.json")


def run(*args, env=None):
    result = CliRunner().invoke(main, ["scan", *args], env=env)
    return result


def verdicts(report: dict) -> dict:
    return {(f["rule"], f["resource_id"]): f["status"] for f in report["findings"]}


def scan_plan(name_or_path: str, *extra):
    path = name_or_path if os.path.sep in name_or_path else plan_path(name_or_path)
    result = run("--terraform-plan", path, "--format", "json", *extra)
    return result.exit_code, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None), result


def test_the_plans_on_disk_are_what_the_builder_writes(tmp_path):
    sys.path.insert(0, PLANS)
    try:
        import build_plans
    finally:
        sys.path.remove(PLANS)
    for name, build in build_plans.PLANS.items():
        with open(plan_path(name), encoding="utf-8") as fh:
            assert json.load(fh) == json.loads(json.dumps(build().doc())), name


def test_unencrypted_disk_and_http_only_listener_fail_naming_the_addresses():
    code, report, _ = scan_plan("gaps")
    assert code == 1
    assert verdicts(report) == {
        ("ecs-disk-auto-snapshot", "alicloud_disk.data"): "FAIL",
        ("ecs-disk-encrypted", "alicloud_disk.data"): "FAIL",
        ("ecs-disk-encrypted-cmk", "alicloud_disk.data"): "FAIL",
        ("slb-listener-https-only", "alicloud_slb_listener.http"): "FAIL",
        ("slb-multi-zone", "alicloud_slb_load_balancer.web"): "PASS",
    }
    listener = [f for f in report["findings"] if f["rule"] == "slb-listener-https-only"][0]
    assert listener["terraform"]["address"] == "alicloud_slb_listener.http"
    assert listener["rule_resource_id"] == "alicloud_slb_load_balancer.web/http:80"  # the listener's LB resolved by reference
    assert listener["evidence"]["DescribeLoadBalancerListeners.HTTPListenerConfig.ListenerForward"] == "off"
    disk = [f for f in report["findings"] if f["rule"] == "ecs-disk-encrypted"][0]
    assert disk["evidence"]["DescribeDisks.Encrypted"] is False
    assert report["source"]["kind"] == "terraform-plan" and report["regions"] == ["cn-hongkong"]


def test_table_names_the_addresses():
    result = run("--terraform-plan", plan_path("gaps"))
    assert result.exit_code == 1
    assert "alicloud_disk.data" in result.stdout and "alicloud_slb_listener.http" in result.stdout


def test_fixed_plan_exits_0():
    code, report, _ = scan_plan("fixed")
    assert code == 0
    assert set(verdicts(report).values()) == {"PASS"}
    assert verdicts(report)[("ecs-disk-encrypted-cmk", "alicloud_disk.data")] == "PASS"  # key resolved by reference
    assert verdicts(report)[("slb-https-listener-tls12", "alicloud_slb_listener.https")] == "PASS"
    assert verdicts(report)[("ecs-disk-auto-snapshot", "alicloud_disk.data")] == "PASS"  # via the attachment
    assert len(report["findings"]) == 11


def test_unknown_values_and_resources_outside_the_plan_are_never_pass():
    code, report, _ = scan_plan("mixed")
    assert code == 1
    assert verdicts(report) == {
        ("ecs-disk-auto-snapshot", "alicloud_ecs_disk.logs"): "FAIL",
        ("ecs-disk-auto-snapshot", "alicloud_ecs_disk.scratch"): "FAIL",
        ("ecs-disk-encrypted", "alicloud_ecs_disk.logs"): "PASS",
        ("ecs-disk-encrypted", "alicloud_ecs_disk.scratch"): "ERROR",
        ("ecs-disk-encrypted-cmk", "alicloud_ecs_disk.logs"): "ERROR",
        ("ecs-disk-encrypted-cmk", "alicloud_ecs_disk.scratch"): "ERROR",
        ("kms-key-deletion-protection", "alicloud_kms_key.oss"): "FAIL",
        ("kms-key-not-pending-deletion", "alicloud_kms_key.oss"): "PASS",
        ("kms-key-rotation", "alicloud_kms_key.oss"): "FAIL",
        ("oss-bucket-https-only", "alicloud_oss_bucket.claims"): "PASS",
        ("oss-bucket-https-only", "alicloud_oss_bucket_policy.legacy"): "FAIL",
        ("oss-bucket-sse-kms", "alicloud_oss_bucket.claims"): "PASS",
        ("oss-bucket-versioning", "alicloud_oss_bucket.claims"): "PASS",
        ("rds-backup-retention", "alicloud_db_instance.claims"): "ERROR",
        ("rds-log-backup-enabled", "alicloud_db_instance.claims"): "ERROR",
        ("rds-multi-zone", "alicloud_db_instance.claims"): "PASS",
        ("rds-ssl-enabled", "alicloud_db_instance.claims"): "PASS",
        ("rds-tde-enabled", "alicloud_db_instance.claims"): "PASS",
        ("slb-listener-https-only", "alicloud_slb_listener.legacy_http"): "FAIL",
    }
    by = {(f["rule"], f["resource_id"]): f for f in report["findings"]}
    scratch = by[("ecs-disk-encrypted", "alicloud_ecs_disk.scratch")]
    assert "encrypted is unknown until apply" in scratch["reason"]
    assert scratch["evidence"]["plan_gaps"] == [{"api": "DescribeDisks.Encrypted", "attribute": "encrypted"}]
    cmk = by[("ecs-disk-encrypted-cmk", "alicloud_ecs_disk.scratch")]
    assert "data source data.alicloud_kms_keys.existing" in cmk["reason"]
    logs = by[("ecs-disk-encrypted-cmk", "alicloud_ecs_disk.logs")]
    assert "key-hk-app-0a1b2c3d4e5f is not created by this plan" in logs["reason"]
    backup = by[("rds-backup-retention", "alicloud_db_instance.claims")]
    assert "no alicloud_db_backup_policy" in backup["reason"]
    # the existing bucket and load balancer are not reviewed themselves; the change to them is
    assert not [f for f in report["findings"] if f["resource_id"] in ("legacy-reports", "lb-j6clegacy01")]
    assert by[("oss-bucket-https-only", "alicloud_oss_bucket_policy.legacy")]["rule_resource_id"] == "legacy-reports"
    tf = report["terraform"]
    assert tf["referenced_not_planned"] == ["key-hk-app-0a1b2c3d4e5f", "lb-j6clegacy01", "legacy-reports"]
    assert tf["not_assessed"] == {"alicloud_vpc": ["alicloud_vpc.main"]}
    assert {"address": "alicloud_disk.old", "why": "deleted by the plan"} in tf["skipped"]
    assert {"address": "data.alicloud_kms_keys.existing", "why": "data source"} in tf["skipped"]
    # the ERRORs make the roll-up incomplete where nothing fails
    assert [c["status"] for c in report["clauses"] if c["framework"] == "hkia-gl8" and c["clause"] == "5.1(c)"] == ["NON_COMPLIANT"]


def test_a_plan_whose_only_problem_is_unknown_exits_3(tmp_path):
    with open(plan_path("fixed"), encoding="utf-8") as fh:
        doc = json.load(fh)
    for rc in doc["resource_changes"]:
        if rc["address"] == "alicloud_disk.data":
            rc["change"]["after"]["encrypted"] = None
            rc["change"]["after_unknown"]["encrypted"] = True
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    code, report, _ = scan_plan(str(path))
    assert code == 3
    assert verdicts(report)[("ecs-disk-encrypted", "alicloud_disk.data")] == "ERROR"
    assert verdicts(report)[("ecs-disk-auto-snapshot", "alicloud_disk.data")] == "PASS"


def test_polardb_redis_and_alb_are_mapped_to_the_agreed_snapshot_shapes():
    with open(plan_path("mixed"), encoding="utf-8") as fh:
        doc = json.load(fh)
    snap, ctx = terraform.to_snapshot(doc, "mixed.plan.json")
    region = snap["accounts"][0]["regions"]["cn-hongkong"]
    cluster = region["polardb"]["clusters"][0]
    assert cluster["DBClusterId"] == "alicloud_polardb_cluster.core"
    assert cluster["attribute"]["HotStandbyCluster"] == "StandbyClusterON"
    assert cluster["tde"]["TDEStatus"] == "Enabled" and cluster["tde"]["EncryptNewTables"] == "ON"
    assert cluster["whitelist"] == {"Items": {"DBClusterIPArray": [{"DBClusterIPArrayName": "default",
                                                                     "SecurityIps": "10.0.0.0/8"}]}}
    assert "ssl" not in cluster and "backup_policy" not in cluster
    assert {g.api for g in ctx.gaps[cluster["DBClusterId"]]} == {
        "DescribeDBClusterAttribute.ZoneIds", "DescribeDBClusterSSL", "DescribeBackupPolicy"}
    redis = region["redis"]["instances"][0]
    assert redis["attribute"]["SecondaryZoneId"] == "cn-hongkong-c"
    assert redis["ssl"] == {"SSLEnabled": "Enable"} and redis["tde"] == {"TDEStatus": "Enabled"}
    assert redis["backup_policy"]["EnableBackupLog"] == 1
    assert redis["security_ips"]["SecurityIpGroups"]["SecurityIpGroup"][0]["SecurityIpList"] == "10.0.0.0/8"
    alb = region["alb"]["load_balancers"][0]
    assert [z["ZoneId"] for z in alb["attribute"]["ZoneMappings"]] == ["cn-hongkong-b", "cn-hongkong-c"]
    assert alb["listeners"][0]["ListenerProtocol"] == "HTTPS"
    assert alb["listeners"][0]["SecurityPolicyId"] == "tls_cipher_policy_1_2"
    assert alb["listeners"][0]["LoadBalancerId"] == "alicloud_alb_load_balancer.api"


def test_region_comes_from_the_provider_or_the_option(tmp_path):
    with open(plan_path("gaps"), encoding="utf-8") as fh:
        doc = json.load(fh)
    doc["configuration"]["provider_config"]["alicloud"]["expressions"] = {}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    result = run("--terraform-plan", str(path), env={"ALIBABA_CLOUD_REGION": "", "ALICLOUD_REGION": ""})
    assert result.exit_code == 2
    assert "pass --region" in result.stderr and str(path) in result.stderr
    code, report, _ = scan_plan(str(path), "--region", "ap-southeast-1")
    assert code == 1 and report["regions"] == ["ap-southeast-1"]


@pytest.mark.parametrize("content, message", [
    ("", "not valid JSON"),
    ("\x00\x01binary plan", "not valid JSON"),
    ('{"format_version": "0.2", "resource_changes": []}', "unsupported plan format_version '0.2'"),
    ('{"format_version": "1.0", "values": {}}', "not a plan"),
    ("[]", "a plan is a JSON object"),
])
def test_bad_plans_exit_2_with_one_line(tmp_path, content, message):
    path = tmp_path / "plan.json"
    path.write_text(content)
    result = run("--terraform-plan", str(path))
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_format_version_2_is_rejected():
    result = run("--terraform-plan", plan_path("bad-version"))
    assert result.exit_code == 2
    assert "unsupported plan format_version '2.0'" in result.stderr


def test_fixture_and_plan_together_is_usage_error():
    result = run("--terraform-plan", plan_path("gaps"), "--fixture", "x.json")
    assert result.exit_code == 2


def test_installed_command_runs_a_plan():
    proc = subprocess.run([sys.executable, "-m", "aliaudit.cli", "scan", "--terraform-plan", plan_path("gaps"),
                           "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    assert {f["resource_id"] for f in json.loads(proc.stdout)["findings"] if f["status"] == "FAIL"} == {
        "alicloud_disk.data", "alicloud_slb_listener.http"}


def _fixed_doc():
    with open(plan_path("fixed"), encoding="utf-8") as fh:
        return json.load(fh)


def _change(doc, address):
    rc = [r for r in doc["resource_changes"] if r["address"] == address][0]
    conf = [r for r in doc["configuration"]["root_module"]["resources"] if r["address"] == address][0]
    return rc["change"], conf["expressions"]


def test_unset_attributes_take_the_documented_provider_default(tmp_path):
    doc = _fixed_doc()
    change, exprs = _change(doc, "alicloud_kms_key.disk")
    for attr in ("automatic_rotation", "key_spec", "status"):  # not in the configuration: computed by the provider
        change["after"].pop(attr)
        change["after_unknown"][attr] = True
        exprs.pop(attr)
    change, exprs = _change(doc, "alicloud_slb_listener.https")
    change["after"].pop("tls_cipher_policy")
    change["after_unknown"]["tls_cipher_policy"] = True
    exprs.pop("tls_cipher_policy")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    code, report, _ = scan_plan(str(path))
    v = verdicts(report)
    assert v[("kms-key-rotation", "alicloud_kms_key.disk")] == "FAIL"  # default Disabled
    assert v[("kms-key-not-pending-deletion", "alicloud_kms_key.disk")] == "PASS"  # default Enabled
    assert v[("slb-https-listener-tls12", "alicloud_slb_listener.https")] == "FAIL"  # default tls_cipher_policy_1_0
    assert code == 1


def test_a_configured_value_known_only_at_apply_is_error_not_the_default(tmp_path):
    doc = _fixed_doc()
    change, exprs = _change(doc, "alicloud_slb_listener.https")
    change["after"].pop("tls_cipher_policy")
    change["after_unknown"]["tls_cipher_policy"] = True
    exprs["tls_cipher_policy"] = {"references": ["data.alicloud_slb_tls_cipher_policies.p.policies"]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    code, report, _ = scan_plan(str(path))
    f = [f for f in report["findings"] if f["rule"] == "slb-https-listener-tls12"][0]
    assert f["status"] == "ERROR" and "tls_cipher_policy is unknown until apply" in f["reason"]
    assert code == 3


def test_a_plan_with_nothing_to_assess_says_so(tmp_path):
    doc = _fixed_doc()
    doc["resource_changes"] = [{"address": "alicloud_vpc.main", "mode": "managed", "type": "alicloud_vpc",
                                "name": "main", "change": {"actions": ["create"], "after": {"cidr_block": "10.0.0.0/8"},
                                                           "after_unknown": {"id": True}}}]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    code, report, result = scan_plan(str(path))
    assert code == 0 and report["findings"] == []
    assert "nothing was checked" in result.stderr
    assert "not assessed (no mapping for alicloud_vpc): alicloud_vpc.main" in result.stderr
