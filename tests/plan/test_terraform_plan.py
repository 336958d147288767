"""`aliaudit scan --terraform-plan`: plans from the documented `terraform show -json` format, through the real CLI."""

import copy
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from aliaudit import engine, plan as terraform
from aliaudit.cli import main
from aliaudit.rules import all_rules
from aliaudit.scope import Scope
from aliaudit.settings import Settings
from conftest import ROOT

PLANS = os.path.join(ROOT, "tests", "plans")


def plan_path(name: str) -> str:
    return os.path.join(PLANS, f"{name}.plan.json")


def run(*args, env=None):
    result = CliRunner().invoke(main, ["scan", *args], env=env)
    return result


def verdicts(report: dict) -> dict:
    return {(f["rule"], f["resource_id"]): f["status"] for f in report["findings"]}


def assessed(report: dict) -> dict:
    """The verdicts the plan decided (NOT_APPLICABLE findings left out: see not_assessable)."""
    return {k: v for k, v in verdicts(report).items() if v != "NOT_APPLICABLE"}


def not_assessable(report: dict) -> dict:
    """(rule, resource) -> the calls a plan cannot answer, for the rules NOT_APPLICABLE for that reason."""
    return {(f["rule"], f["resource_id"]): f["evidence"]["not_assessable"]["needs"] for f in report["findings"]
            if f["status"] == "NOT_APPLICABLE" and "not_assessable" in f["evidence"]}


SG_RULES = ["ecs-sg-no-public-all-ports", "ecs-sg-no-public-mongodb", "ecs-sg-no-public-mysql",
            "ecs-sg-no-public-oracle", "ecs-sg-no-public-postgresql", "ecs-sg-no-public-rdp", "ecs-sg-no-public-redis",
            "ecs-sg-no-public-sqlserver", "ecs-sg-no-public-ssh", "ecs-sg-no-public-telnet"]


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
    assert assessed(report) == {
        ("data-residency-allowed-regions", "alicloud_disk.data"): "PASS",
        ("data-residency-allowed-regions", "alicloud_slb_load_balancer.web"): "PASS",
        ("ecs-disk-auto-snapshot", "alicloud_disk.data"): "FAIL",
        ("ecs-disk-encrypted", "alicloud_disk.data"): "FAIL",
        ("ecs-disk-encrypted-cmk", "alicloud_disk.data"): "FAIL",
        ("ecs-unattached-disk-encrypted", "alicloud_disk.data"): "FAIL",  # no instance_id, no attachment: Available
        **{(r, "alicloud_security_group.admin"): "PASS" for r in SG_RULES if r != "ecs-sg-no-public-ssh"},
        ("ecs-sg-no-public-ssh", "alicloud_security_group.admin"): "FAIL",  # 22/22 from 0.0.0.0/0
        ("slb-listener-https-only", "alicloud_slb_listener.http"): "FAIL",
        ("slb-multi-zone", "alicloud_slb_load_balancer.web"): "PASS",
    }
    ssh = [f for f in report["findings"] if f["rule"] == "ecs-sg-no-public-ssh"][0]
    assert ssh["evidence"]["DescribeSecurityGroupAttribute.Permission.SecurityGroupRuleId"] == \
        "alicloud_security_group_rule.admin_in"
    assert ssh["evidence"]["DescribeSecurityGroupAttribute.Permission.SourceCidrIp"] == "0.0.0.0/0"
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
    v = assessed(report)
    assert set(v.values()) == {"PASS"}
    assert v[("ecs-disk-encrypted-cmk", "alicloud_disk.data")] == "PASS"  # key resolved by reference
    assert v[("slb-https-listener-tls12", "alicloud_slb_listener.https")] == "PASS"
    assert v[("ecs-disk-auto-snapshot", "alicloud_disk.data")] == "PASS"  # via the attachment
    # every rule of these products has a verdict on what the plan creates
    bucket = "alicloud_oss_bucket.records"
    for rule in ("oss-bucket-acl-not-public", "oss-bucket-block-public-access", "oss-bucket-cross-region-replication",
                 "oss-bucket-https-only", "oss-bucket-logging", "oss-bucket-policy-not-public", "oss-bucket-sse-byok",
                 "oss-bucket-sse-kms", "oss-bucket-tls-version", "oss-bucket-versioning", "oss-bucket-zrs",
                 "oss-bucket-source-ip-restricted"):
        assert v[(rule, bucket)] == "PASS", rule
    for rule in ("redis-multi-zone", "redis-password-required", "redis-release-protection", "redis-tde-enabled",
                 "redis-tls-enabled", "redis-vpc-network", "redis-whitelist-not-open"):
        assert v[(rule, "alicloud_kvstore_instance.sessions")] == "PASS", rule
    for rule in ("alb-access-log-enabled", "alb-deletion-protection", "alb-multi-zone"):
        assert v[(rule, "alicloud_alb_load_balancer.api")] == "PASS", rule
    assert v[("alb-listener-https-only", "alicloud_alb_listener.api_http")] == "PASS"  # the alicloud_alb_rule redirect
    assert v[("alb-https-listener-tls12", "alicloud_alb_listener.api_https")] == "PASS"
    assert {r for (r, res) in v if res == "alicloud_security_group.web"} == set(SG_RULES)
    assert v[("ecs-unattached-disk-encrypted", "alicloud_disk.data")] == "PASS"  # encrypted, created unattached
    assert len(v) == 52
    # what the plan cannot show: NOT_APPLICABLE with the call, on the resource when the rule judged one
    na = not_assessable(report)
    assert na[("hbr-oss-bucket-covered", bucket)] == ["hbr:DescribeBackupPlans"]
    assert na[("redis-backup-retention", "alicloud_kvstore_instance.sessions")] == ["redis:DescribeBackupPolicy"]
    assert na[("hbr-ecs-instance-covered", "cn-hongkong")] == ["hbr:DescribeBackupPlans"]
    assert na[("actiontrail-multi-region-trail", "terraform-plan")] == ["actiontrail:DescribeTrails",
                                                                        "actiontrail:GetTrailStatus"]
    assert na[("ram-password-min-length", "terraform-plan")] == ["ram:GetPasswordPolicy"]
    assert na[("vpc-flow-logs-enabled", "cn-hongkong")] == ["vpc:DescribeFlowLogs", "vpc:DescribeVpcs"]
    # the rules a default scan evaluates (a CIS-only rule runs only with --framework cis-alibaba-2.0)
    assert {r for r, _ in na} == {r.id for r in Scope().select_rules(all_rules())
                                  if set(r.needs) - terraform.ANSWERED_CALLS}
    assert all(f["reason"].startswith("not assessable from a Terraform plan: needs ") and
               f["reason"].endswith("; a live scan checks it") for f in report["findings"] if f["status"] == "NOT_APPLICABLE")
    assert {u["scope"] for u in report["unavailable"]} == {"call"}


def test_unknown_values_and_resources_outside_the_plan_are_never_pass():
    code, report, _ = scan_plan("mixed")
    assert code == 1
    assert assessed(report) == {
        ("alb-access-log-enabled", "alicloud_alb_load_balancer.api"): "FAIL",  # no access_log_config
        ("alb-deletion-protection", "alicloud_alb_load_balancer.api"): "FAIL",  # documented default false
        ("alb-https-listener-tls12", "alicloud_alb_listener.api_https"): "PASS",
        ("alb-listener-https-only", "alicloud_alb_listener.api_https"): "PASS",
        ("alb-multi-zone", "alicloud_alb_load_balancer.api"): "PASS",
        **{("data-residency-allowed-regions", a): "PASS" for a in (
            "alicloud_ecs_disk.logs", "alicloud_ecs_disk.scratch", "alicloud_oss_bucket.claims",
            "alicloud_db_instance.claims", "alicloud_polardb_cluster.core", "alicloud_kvstore_instance.sessions",
            "alicloud_alb_load_balancer.api")},
        ("ecs-disk-auto-snapshot", "alicloud_ecs_disk.logs"): "FAIL",
        ("ecs-disk-auto-snapshot", "alicloud_ecs_disk.scratch"): "FAIL",
        ("ecs-disk-encrypted", "alicloud_ecs_disk.logs"): "PASS",
        ("ecs-disk-encrypted", "alicloud_ecs_disk.scratch"): "ERROR",
        ("ecs-disk-encrypted-cmk", "alicloud_ecs_disk.logs"): "ERROR",
        ("ecs-disk-encrypted-cmk", "alicloud_ecs_disk.scratch"): "ERROR",
        ("ecs-unattached-disk-encrypted", "alicloud_ecs_disk.logs"): "PASS",
        ("ecs-unattached-disk-encrypted", "alicloud_ecs_disk.scratch"): "ERROR",
        ("kms-key-deletion-protection", "alicloud_kms_key.oss"): "FAIL",
        ("kms-key-not-pending-deletion", "alicloud_kms_key.oss"): "PASS",
        ("kms-key-rotation", "alicloud_kms_key.oss"): "FAIL",
        ("oss-bucket-acl-not-public", "alicloud_oss_bucket.claims"): "PASS",  # acl unset: documented default private
        ("oss-bucket-block-public-access", "alicloud_oss_bucket.claims"): "ERROR",  # no public_access_block resource
        ("oss-bucket-cross-region-replication", "alicloud_oss_bucket.claims"): "FAIL",
        ("oss-bucket-https-only", "alicloud_oss_bucket.claims"): "PASS",
        ("oss-bucket-https-only", "alicloud_oss_bucket_policy.legacy"): "FAIL",
        ("oss-bucket-logging", "alicloud_oss_bucket.claims"): "FAIL",
        ("oss-bucket-policy-not-public", "alicloud_oss_bucket.claims"): "PASS",
        ("oss-bucket-policy-not-public", "alicloud_oss_bucket_policy.legacy"): "FAIL",
        ("oss-bucket-source-ip-restricted", "alicloud_oss_bucket.claims"): "FAIL",  # only an HTTPS-only Deny
        ("oss-bucket-source-ip-restricted", "alicloud_oss_bucket_policy.legacy"): "FAIL",
        ("oss-bucket-sse-byok", "alicloud_oss_bucket.claims"): "PASS",
        ("oss-bucket-sse-kms", "alicloud_oss_bucket.claims"): "PASS",
        ("oss-bucket-tls-version", "alicloud_oss_bucket.claims"): "FAIL",
        ("oss-bucket-versioning", "alicloud_oss_bucket.claims"): "PASS",
        ("oss-bucket-zrs", "alicloud_oss_bucket.claims"): "PASS",
        ("polardb-deletion-protection", "alicloud_polardb_cluster.core"): "FAIL",  # deletion_lock 0
        ("polardb-multi-zone", "alicloud_polardb_cluster.core"): "ERROR",
        ("polardb-tde-cmk", "alicloud_polardb_cluster.core"): "PASS",  # encryption_key -> alicloud_kms_key.oss
        ("polardb-tde-enabled", "alicloud_polardb_cluster.core"): "PASS",
        ("polardb-whitelist-not-open", "alicloud_polardb_cluster.core"): "PASS",
        ("rds-allowlist-not-open", "alicloud_db_instance.claims"): "PASS",  # security_ips 10.0.0.0/8
        ("rds-backup-retention", "alicloud_db_instance.claims"): "ERROR",
        ("rds-log-backup-enabled", "alicloud_db_instance.claims"): "ERROR",
        ("rds-multi-zone", "alicloud_db_instance.claims"): "PASS",
        ("rds-sql-audit-enabled", "alicloud_db_instance.claims"): "FAIL",  # sql_collector_status default Disabled
        ("rds-sql-audit-retention", "alicloud_db_instance.claims"): "FAIL",  # SQL audit off: no logs kept
        ("rds-ssl-enabled", "alicloud_db_instance.claims"): "PASS",
        ("rds-tde-cmk", "alicloud_db_instance.claims"): "FAIL",  # no tde_encryption_key: service-managed key
        ("rds-tde-enabled", "alicloud_db_instance.claims"): "PASS",
        ("redis-multi-zone", "alicloud_kvstore_instance.sessions"): "PASS",
        ("redis-password-required", "alicloud_kvstore_instance.sessions"): "FAIL",  # vpc_auth_mode Close
        ("redis-release-protection", "alicloud_kvstore_instance.sessions"): "FAIL",  # not set
        ("redis-tde-enabled", "alicloud_kvstore_instance.sessions"): "PASS",
        ("redis-tls-enabled", "alicloud_kvstore_instance.sessions"): "PASS",
        ("redis-vpc-network", "alicloud_kvstore_instance.sessions"): "PASS",  # a vswitch_id: VPC
        ("redis-whitelist-not-open", "alicloud_kvstore_instance.sessions"): "PASS",
        ("slb-listener-https-only", "alicloud_slb_listener.legacy_http"): "FAIL",
    }
    na = not_assessable(report)
    assert na[("polardb-ssl-enabled", "alicloud_polardb_cluster.core")] == ["polardb:DescribeDBClusterSSL"]
    assert na[("polardb-backup-retention", "alicloud_polardb_cluster.core")] == ["polardb:DescribeBackupPolicy"]
    assert na[("rds-cross-region-backup", "alicloud_db_instance.claims")] == ["rds:DescribeInstanceCrossBackupPolicy"]
    assert na[("hbr-oss-bucket-covered", "alicloud_oss_bucket.claims")] == ["hbr:DescribeBackupPlans"]
    # the existing bucket's other settings are not reviewed: only what the plan changes on it
    assert not [k for k in verdicts(report) if k[1] in ("legacy-reports", "alicloud_oss_bucket_policy.legacy")
                and k[0] not in ("oss-bucket-https-only", "oss-bucket-policy-not-public",
                                 "oss-bucket-source-ip-restricted")]
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
    assert cluster["tde"]["EncryptionKey"] == "alicloud_kms_key.oss"
    assert cluster["attribute"]["DeletionLock"] == 0 and cluster["attribute"]["PayType"] == "Postpaid"
    assert cluster["whitelist"] == {"Items": {"DBClusterIPArray": [{"DBClusterIPArrayName": "default",
                                                                     "SecurityIps": "10.0.0.0/8"}]}}
    assert "ssl" not in cluster and "backup_policy" not in cluster
    assert {g.api for g in ctx.gaps[cluster["DBClusterId"]]} == {"DescribeDBClusterAttribute.ZoneIds"}
    redis = region["redis"]["instances"][0]
    assert redis["NetworkType"] == "VPC" and redis["attribute"]["VpcAuthMode"] == "Close"
    assert redis["attribute"]["InstanceReleaseProtection"] is False and redis["attribute"]["ChargeType"] == "PostPaid"
    assert redis["attribute"]["SecondaryZoneId"] == "cn-hongkong-c"
    assert redis["ssl"] == {"SSLEnabled": "Enable"} and redis["tde"] == {"TDEStatus": "Enabled"}
    assert redis["backup_policy"]["EnableBackupLog"] == 1
    assert redis["security_ips"]["SecurityIpGroups"]["SecurityIpGroup"][0]["SecurityIpList"] == "10.0.0.0/8"
    alb = region["alb"]["load_balancers"][0]
    assert [z["ZoneId"] for z in alb["attribute"]["ZoneMappings"]] == ["cn-hongkong-b", "cn-hongkong-c"]
    assert alb["listeners"][0]["ListenerProtocol"] == "HTTPS"
    assert alb["listeners"][0]["SecurityPolicyId"] == "tls_cipher_policy_1_2"
    assert alb["listeners"][0]["LoadBalancerId"] == "alicloud_alb_load_balancer.api"
    assert alb["attribute"]["DeletionProtectionConfig"] == {"Enabled": False}
    assert alb["attribute"]["AccessLogConfig"] == {"LogProject": "", "LogStore": ""}
    bucket = region["oss"]["buckets"][0]
    assert bucket["acl"] == {"AccessControlList": {"Grant": "private"}}
    assert bucket["info"]["DataRedundancyType"] == "ZRS" and bucket["logging"] == {}
    rds = region["rds"]["instances"][0]
    assert rds["ip_arrays"] == [{"DBInstanceIPArrayName": "default", "SecurityIPList": "10.0.0.0/8"}]
    # one call-scope entry per call the plan cannot answer
    calls = {f"{u['product']}:{u['action']}" for u in snap["accounts"][0]["unavailable"]}
    assert calls == set(terraform.unanswered_calls()) and "hbr:DescribeBackupPlans" in calls
    assert "oss:GetBucketLogging" not in calls


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
        "alicloud_disk.data", "alicloud_slb_listener.http", "alicloud_security_group.admin"}


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
    assert code == 0 and assessed(report) == {}
    # the account-level rules still say why they have no verdict
    assert not_assessable(report)[("ram-password-min-length", "terraform-plan")] == ["ram:GetPasswordPolicy"]
    assert "nothing was checked" in result.stderr
    assert "not assessed (no mapping for alicloud_vpc): alicloud_vpc.main" in result.stderr


def _plan_snapshot(name: str, with_context: bool = False):
    with open(plan_path(name), encoding="utf-8") as fh:
        snap, ctx = terraform.to_snapshot(json.load(fh), name)
    return (snap, ctx) if with_context else snap


def test_the_engine_never_lets_call_scope_entries_hide_a_verdict():
    """The engine ignores a plan's call-scope entries (a FAIL stays FAIL, whatever the snapshot's source);
    only the plan's annotation makes the rules needing an unanswered call NOT_APPLICABLE."""
    snap, ctx = _plan_snapshot("mixed", with_context=True)
    rules = all_rules()
    findings = engine.evaluate(snap, rules, Settings())
    verdict = {(f["rule"], f["resource_id"]): f["status"] for f in findings}
    assert verdict[("hbr-oss-bucket-covered", "claims-archive")] == "FAIL"  # no backup plan: the engine says FAIL
    assert verdict[("actiontrail-multi-region-trail", "terraform-plan")] == "FAIL"
    assert "NOT_APPLICABLE" not in {s for (r, _), s in verdict.items() if r.startswith(("hbr-", "actiontrail-"))}
    plan = {(f["rule"], f["resource_id"]): f["status"] for f in terraform.not_assessable(findings, ctx, rules)}
    assert plan[("hbr-oss-bucket-covered", "claims-archive")] == "NOT_APPLICABLE"
    assert plan[("actiontrail-multi-region-trail", "terraform-plan")] == "NOT_APPLICABLE"


def test_call_scope_entries_only_silence_rules_needing_that_call():
    """oss:GetBucketLogging unanswered silences oss-bucket-logging, not the other OSS rules (per call, not per product)."""
    snap, ctx = _plan_snapshot("mixed", with_context=True)
    ctx.unanswered["cn-hongkong"]["oss:GetBucketLogging"] = terraform.NOT_IN_PLAN
    rules = all_rules()
    by = {(f["rule"], f["resource_id"]): f
          for f in terraform.not_assessable(engine.evaluate(snap, rules, Settings()), ctx, rules)}
    logging = by[("oss-bucket-logging", "claims-archive")]
    assert logging["status"] == "NOT_APPLICABLE"
    assert logging["reason"] == ("not assessable from a Terraform plan: needs oss:GetBucketLogging; "
                                 "a live scan checks it")
    assert by[("oss-bucket-versioning", "claims-archive")]["status"] == "PASS"
    assert by[("oss-bucket-tls-version", "claims-archive")]["status"] == "FAIL"


def test_a_product_unavailable_in_a_live_scan_still_only_silences_its_own_rules():
    snap = _plan_snapshot("mixed")
    snap["source"] = "live"
    snap["accounts"][0]["unavailable"] = [{"product": "kms", "action": "ListKeys", "region": "cn-hongkong",
                                           "code": "Forbidden.KmsServiceNotActivated"}]
    by = {(f["rule"], f["resource_id"]): f["status"] for f in engine.evaluate(snap, all_rules(), Settings())}
    assert by[("kms-key-rotation", "cn-hongkong")] == "NOT_APPLICABLE"
    assert by[("polardb-tde-cmk", "alicloud_polardb_cluster.core")] == "PASS"


def test_security_group_rules_map_to_permissions_with_documented_defaults(tmp_path):
    doc = _fixed_doc()
    change, exprs = _change(doc, "alicloud_security_group_rule.web_in")
    change["after"].update({"port_range": "3389/3389", "policy": None, "priority": None})
    change["after_unknown"].update({"policy": True, "priority": True})
    exprs.pop("policy"), exprs.pop("priority")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    code, report, _ = scan_plan(str(path))
    by = {(f["rule"], f["resource_id"]): f for f in report["findings"]}
    rdp = by[("ecs-sg-no-public-rdp", "alicloud_security_group.web")]
    assert rdp["status"] == "FAIL" and code == 1  # policy accept and priority 1 are the documented defaults
    assert rdp["evidence"]["DescribeSecurityGroupAttribute.Permission.Policy"] == "accept"
    assert by[("ecs-sg-no-public-ssh", "alicloud_security_group.web")]["status"] == "PASS"


def test_a_rule_on_an_existing_security_group_is_error_naming_the_rule(tmp_path):
    doc = _fixed_doc()
    change, exprs = _change(doc, "alicloud_security_group_rule.web_in")
    change["after"]["security_group_id"] = "sg-j6cexisting01"
    change["after_unknown"].pop("security_group_id")
    exprs["security_group_id"] = {"constant_value": "sg-j6cexisting01"}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    code, report, _ = scan_plan(str(path))
    on_existing = [f for f in report["findings"] if f.get("rule_resource_id") == "sg-j6cexisting01"]
    assert {f["rule"] for f in on_existing} == set(SG_RULES)
    assert {f["status"] for f in on_existing} == {"ERROR"} and code == 3
    assert {f["resource_id"] for f in on_existing} == {"alicloud_security_group_rule.web_in"}
    assert "sg-j6cexisting01 is not created by this plan" in on_existing[0]["reason"]


@pytest.mark.parametrize("address, attribute, value, rule, resource", [
    ("alicloud_oss_bucket.records", "acl", "public-read", "oss-bucket-acl-not-public", "alicloud_oss_bucket.records"),
    ("alicloud_oss_bucket.records", "redundancy_type", "LRS", "oss-bucket-zrs", "alicloud_oss_bucket.records"),
    ("alicloud_oss_bucket.records", "logging", [], "oss-bucket-logging", "alicloud_oss_bucket.records"),
    ("alicloud_oss_bucket_public_access_block.records", "block_public_access", False,
     "oss-bucket-block-public-access", "alicloud_oss_bucket.records"),
    ("alicloud_oss_bucket_https_config.records", "tls_versions", ["TLSv1.0", "TLSv1.2"], "oss-bucket-tls-version",
     "alicloud_oss_bucket.records"),
    ("alicloud_alb_load_balancer.api", "deletion_protection_enabled", False, "alb-deletion-protection",
     "alicloud_alb_load_balancer.api"),
    ("alicloud_alb_load_balancer.api", "access_log_config", [], "alb-access-log-enabled",
     "alicloud_alb_load_balancer.api"),
    ("alicloud_kvstore_instance.sessions", "instance_release_protection", False, "redis-release-protection",
     "alicloud_kvstore_instance.sessions"),
    ("alicloud_kvstore_instance.sessions", "security_ips", ["0.0.0.0/0"], "redis-whitelist-not-open",
     "alicloud_kvstore_instance.sessions"),
    ("alicloud_alb_rule.to_https", "rule_actions", [{"order": 1, "type": "ForwardGroup"}], "alb-listener-https-only",
     "alicloud_alb_listener.api_http"),
])
def test_each_new_mapping_turns_a_bad_value_into_a_fail(tmp_path, address, attribute, value, rule, resource):
    doc = _fixed_doc()
    change, exprs = _change(doc, address)
    change["after"][attribute] = value
    exprs[attribute] = {"constant_value": value}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    code, report, _ = scan_plan(str(path))
    assert verdicts(report)[(rule, resource)] == "FAIL"
    assert code == 1


def test_a_kvstore_instance_without_a_vswitch_is_error_not_a_network_fail(tmp_path):
    doc = _fixed_doc()
    change, exprs = _change(doc, "alicloud_kvstore_instance.sessions")
    change["after"]["vswitch_id"] = None
    change["after_unknown"].pop("vswitch_id")
    exprs.pop("vswitch_id")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    code, report, _ = scan_plan(str(path))
    f = [f for f in report["findings"] if f["rule"] == "redis-vpc-network"][0]
    assert f["status"] == "ERROR" and "no vswitch_id" in f["reason"] and code == 3
