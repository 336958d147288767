"""Plan mode fidelity: module variables, unknown values, optional attributes, PolarDB allow-lists,
malformed resource_changes and messages, each through the real CLI on a plan in HashiCorp's documented
`terraform show -json` format (tests/plans/build_plans.py) with the alicloud provider's documented
attribute names (aliyun/terraform-provider-alicloud, website/docs/r/*.html.markdown)."""

import json
import os
import sys

import pytest
from click.testing import CliRunner

from aliaudit.cli import main
from aliaudit.plan.registry import ANSWERED_CALLS
from aliaudit.rules import all_rules
from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "plans"))
from build_plans import Plan  # noqa: E402

KEY = {"description": "disk key", "key_usage": "ENCRYPT/DECRYPT", "key_spec": "Aliyun_AES_256", "origin": "Aliyun_KMS",
       "protection_level": "SOFTWARE", "automatic_rotation": "Enabled", "pending_window_in_days": 7,
       "status": "Enabled", "deletion_protection": "Enabled"}
KEY_UNKNOWN = {"arn": True, "creator": True}


def scan(doc: dict, tmp_path, *extra):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    result = CliRunner().invoke(main, ["scan", "--terraform-plan", str(path), "--format", "json", *extra])
    report = json.loads(result.stdout) if result.stdout.strip().startswith("{") else None
    return result.exit_code, report, result


def by_key(report: dict) -> dict:
    return {(f["rule"], f["resource_id"]): f for f in report["findings"]}


# ------------------------------------------------------------------ module variables

def _module_plan() -> dict:
    """A key in the root module; a disk in module.storage and one in module.outer.module.inner, whose kms_key_id
    is var.key_id, fed by the module calls (root -> outer -> inner) from the key's id, as Terraform prints it:
    the disk's kms_key_id unknown until apply, the configuration's references naming var.key_id."""
    p = Plan()
    p.add("alicloud_kms_key", "root_key", dict(KEY), unknown=KEY_UNKNOWN)
    doc = p.doc()
    disk = {"zone_id": "cn-hongkong-b", "category": "cloud_essd", "size": 100, "encrypted": True, "kms_key_id": None,
            "enable_auto_snapshot": True}

    def change(module: str, name: str) -> dict:
        return {"address": f"{module}.alicloud_ecs_disk.{name}", "module_address": module, "mode": "managed",
                "type": "alicloud_ecs_disk", "name": name, "provider_name": "registry.terraform.io/aliyun/alicloud",
                "change": {"actions": ["create"], "before": None, "after": dict(disk),
                           "after_unknown": {"id": True, "kms_key_id": True}}}

    def resource(name: str) -> dict:
        return {"address": f"alicloud_ecs_disk.{name}", "mode": "managed", "type": "alicloud_ecs_disk", "name": name,
                "provider_config_key": "alicloud", "schema_version": 0,
                "expressions": {"encrypted": {"constant_value": True}, "kms_key_id": {"references": ["var.key_id"]}}}

    doc["resource_changes"] += [change("module.storage", "data"), change("module.outer.module.inner", "deep")]
    root = doc["configuration"]["root_module"]
    root["module_calls"] = {
        "storage": {"source": "./storage", "expressions": {"key_id": {"references": [
            "alicloud_kms_key.root_key.id", "alicloud_kms_key.root_key"]}},
            "module": {"resources": [resource("data")], "variables": {"key_id": {}}}},
        "outer": {"source": "./outer", "expressions": {"outer_key": {"references": [
            "alicloud_kms_key.root_key.id", "alicloud_kms_key.root_key"]}},
            "module": {"variables": {"outer_key": {}}, "module_calls": {
                "inner": {"source": "./inner", "expressions": {"key_id": {"references": ["var.outer_key"]}},
                          "module": {"resources": [resource("deep")], "variables": {"key_id": {}}}}}}},
    }
    return doc


def test_module_variables_are_resolved_across_nested_modules(tmp_path):
    code, report, _ = scan(_module_plan(), tmp_path)
    by = by_key(report)
    for address in ("module.storage.alicloud_ecs_disk.data", "module.outer.module.inner.alicloud_ecs_disk.deep"):
        cmk = by[("ecs-disk-encrypted-cmk", address)]
        assert cmk["status"] == "PASS", cmk["reason"]  # the key the root module creates, through var.key_id
        assert cmk["evidence"]["DescribeDisks.KMSKeyId"] == "alicloud_kms_key.root_key"


def test_a_module_variable_fed_by_nothing_in_the_plan_is_error_saying_so(tmp_path):
    doc = _module_plan()
    doc["configuration"]["root_module"]["module_calls"]["storage"]["expressions"]["key_id"] = {
        "references": ["data.alicloud_kms_keys.existing.ids"]}
    code, report, _ = scan(doc, tmp_path)
    cmk = by_key(report)[("ecs-disk-encrypted-cmk", "module.storage.alicloud_ecs_disk.data")]
    assert cmk["status"] == "ERROR" and "data source data.alicloud_kms_keys.existing" in cmk["reason"]


# ------------------------------------------------------------------ unknown means unknown

POLICY_RULES = sorted(r.id for r in all_rules() if "oss:GetBucketPolicy" in r.needs and set(r.needs) <= ANSWERED_CALLS)
# rules that read the policy and also a call no plan answers (actiontrail-oss-bucket-not-public: the trails):
# not assessable from a plan, so NOT_APPLICABLE naming the call, never PASS
POLICY_RULES_NOT_ASSESSABLE = sorted(r.id for r in all_rules()
                                     if "oss:GetBucketPolicy" in r.needs and not set(r.needs) <= ANSWERED_CALLS)


@pytest.mark.parametrize("companion", [False, True], ids=["inline", "alicloud_oss_bucket_policy"])
def test_a_bucket_policy_known_only_after_apply_is_error_for_every_policy_rule(tmp_path, companion):
    """alicloud_oss_bucket.policy, or alicloud_oss_bucket_policy.policy, computed from something known at apply.
    The companion resource must not "settle" the gap it leaves itself."""
    p = Plan()
    p.add("alicloud_oss_bucket", "records", {"bucket": "records-bucket", "acl": "private", "policy": None},
          unknown={"policy": not companion})
    if companion:
        p.add("alicloud_oss_bucket_policy", "records", {"bucket": "records-bucket", "policy": None},
              unknown={"policy": True})
    code, report, _ = scan(p.doc(), tmp_path)
    on_bucket = {f["rule"]: f for f in report["findings"] if f["rule"] in POLICY_RULES}
    assert set(on_bucket) == set(POLICY_RULES) and len(POLICY_RULES) >= 2
    assert {f["status"] for f in on_bucket.values()} == {"ERROR"}
    assert all("policy is unknown until apply" in f["reason"] for f in on_bucket.values())
    assert not any("has no policy" in f["reason"] for f in report["findings"])
    blind = [f for f in report["findings"] if f["rule"] in POLICY_RULES_NOT_ASSESSABLE]
    assert blind and {f["status"] for f in blind} == {"NOT_APPLICABLE"}
    assert all("actiontrail:DescribeTrails" in str(f.get("not_assessable") or f["reason"]) for f in blind)


# ------------------------------------------------------------------ optional attributes

def _rds(**after) -> dict:
    base = {"engine": "MySQL", "engine_version": "8.0", "instance_type": "mysql.n2.medium.2c", "instance_storage": 100,
            "zone_id": "cn-hongkong-b", "ssl_action": "Open", "tde_status": "Enabled", "security_ips": ["10.0.0.0/8"]}
    return {**base, **after}


def test_an_unknown_optional_attribute_that_decides_nothing_leaves_the_verdict(tmp_path):
    """rds-multi-zone: `category` is Optional and computed (unknown when unset); zone_id_slave_a decides."""
    p = Plan()
    p.add("alicloud_db_instance", "claims", _rds(zone_id_slave_a="cn-hongkong-c", category=None),
          unknown={"category": True})
    code, report, _ = scan(p.doc(), tmp_path)
    multi = by_key(report)[("rds-multi-zone", "alicloud_db_instance.claims")]
    assert multi["status"] == "PASS", multi["reason"]
    assert "plan_gaps" not in multi["evidence"]


def test_an_unknown_attribute_that_decides_still_makes_the_rule_error(tmp_path):
    p = Plan()
    p.add("alicloud_db_instance", "claims", _rds(zone_id_slave_a=None, category=None),
          unknown={"category": True, "zone_id_slave_a": True})
    code, report, _ = scan(p.doc(), tmp_path)
    multi = by_key(report)[("rds-multi-zone", "alicloud_db_instance.claims")]
    assert multi["status"] == "ERROR" and "zone_id_slave_a is unknown until apply" in multi["reason"]


# ------------------------------------------------------------------ PolarDB allow-lists

def _polardb(after: dict, unknown: dict) -> dict:
    p = Plan()
    p.add("alicloud_polardb_cluster", "core", {"db_type": "MySQL", "db_version": "8.0", "db_node_class": "polar.mysql.x4.large",
                                               "zone_id": "cn-hongkong-b", "pay_type": "PostPaid", **after},
          unknown=unknown)
    return p.doc()


@pytest.mark.parametrize("after, unknown, status", [
    # db_cluster_ip_array set, the deprecated security_ips computed (provider docs: the "default" group's list)
    ({"db_cluster_ip_array": [{"db_cluster_ip_array_name": "default", "security_ips": ["10.0.0.0/8"]}]},
     {"security_ips": True}, "PASS"),
    ({"db_cluster_ip_array": [{"db_cluster_ip_array_name": "app", "security_ips": ["0.0.0.0/0"]}]},
     {"security_ips": True}, "FAIL"),
    # only the deprecated security_ips set, db_cluster_ip_array computed
    ({"security_ips": ["10.0.0.0/8"]}, {"db_cluster_ip_array": True}, "PASS"),
    ({"security_ips": ["10.0.0.0/8", "0.0.0.0/0"]}, {"db_cluster_ip_array": True}, "FAIL"),
    # both known: judged on both
    ({"security_ips": ["0.0.0.0/0"], "db_cluster_ip_array": [{"db_cluster_ip_array_name": "default",
                                                             "security_ips": ["10.0.0.0/8"]}]}, {}, "FAIL"),
    # neither known
    ({}, {"security_ips": True, "db_cluster_ip_array": True}, "ERROR"),
    # a group's list known only at apply
    ({"db_cluster_ip_array": [{"db_cluster_ip_array_name": "app"}]},
     {"security_ips": True, "db_cluster_ip_array": [{"security_ips": True}]}, "ERROR"),
])
def test_polardb_allow_list_is_judged_on_whichever_attribute_is_known(tmp_path, after, unknown, status):
    code, report, _ = scan(_polardb(after, unknown), tmp_path)
    assert by_key(report)[("polardb-whitelist-not-open", "alicloud_polardb_cluster.core")]["status"] == status


# ------------------------------------------------------------------ malformed input

@pytest.mark.parametrize("entry, says", [
    (None, "resource_changes[1] is null"),
    (7, "resource_changes[1] is a int"),
    ("alicloud_disk.data", "resource_changes[1] is a str"),
    ({"address": "alicloud_disk.data", "mode": "managed", "type": "alicloud_disk", "name": "data"},
     "resource_changes[1] (alicloud_disk.data) has no change object"),
])
def test_a_malformed_resource_change_is_exit_2_naming_its_index(tmp_path, entry, says):
    doc = Plan().add("alicloud_kms_key", "k", dict(KEY), unknown=KEY_UNKNOWN).doc()
    doc["resource_changes"].append(entry)
    code, report, result = scan(doc, tmp_path)
    assert code == 2 and report is None
    assert says in result.stderr


# ------------------------------------------------------------------ messages

def test_a_key_pending_deletion_in_a_plan_says_it_has_no_date(tmp_path):
    p = Plan()
    p.add("alicloud_kms_key", "old", {**KEY, "status": "PendingDeletion"}, unknown=KEY_UNKNOWN)
    code, report, _ = scan(p.doc(), tmp_path)
    pending = by_key(report)[("kms-key-not-pending-deletion", "alicloud_kms_key.old")]
    assert pending["status"] == "FAIL"
    assert "None" not in pending["reason"] and "no deletion date" in pending["reason"]


@pytest.mark.parametrize("name", ["gaps", "fixed", "mixed"])
def test_no_message_of_a_plan_scan_prints_none(name):
    result = CliRunner().invoke(main, ["scan", "--terraform-plan", os.path.join(ROOT, "tests", "plans", f"{name}.plan.json"),
                                       "--format", "json"])
    report = json.loads(result.stdout)
    assert report["findings"]
    assert [f["reason"] for f in report["findings"] if "None" in f["reason"]] == []
