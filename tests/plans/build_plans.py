"""Build the test plans: what `terraform show -json` prints for a saved plan.

The shape follows HashiCorp's documented JSON output format (format_version 1.x: resource_changes
with change.after / after_unknown, configuration with provider_config and expression references,
planned_values, variables); the attributes are the alicloud provider's documented argument names
(website/docs/r/*.html.markdown of aliyun/terraform-provider-alicloud). Values the provider
computes are in after_unknown, as Terraform writes them for a create.

    python tests/plans/build_plans.py      # rewrites tests/plans/*.plan.json
"""

from __future__ import annotations

import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
PROVIDER = "registry.terraform.io/aliyun/alicloud"


class Plan:
    def __init__(self, region_expr: dict | None = None, variables: dict | None = None, version: str = "1.2"):
        self.version = version
        self.variables = variables or {}
        self.region_expr = region_expr if region_expr is not None else {"constant_value": "cn-hongkong"}
        self.changes: list[dict] = []
        self.config: list[dict] = []

    def add(self, rtype: str, name: str, after: dict, unknown: dict | None = None, refs: dict | None = None,
            actions=("create",), before: dict | None = None, mode: str = "managed") -> "Plan":
        unknown = {"id": True, **(unknown or {})} if mode == "managed" and "create" in actions else dict(unknown or {})
        address = ("data." if mode == "data" else "") + f"{rtype}.{name}"
        self.changes.append({
            "address": address, "mode": mode, "type": rtype, "name": name, "provider_name": PROVIDER,
            "change": {"actions": list(actions), "before": before, "after": after, "after_unknown": unknown,
                       "before_sensitive": False if before is None else {}, "after_sensitive": {}},
        })
        exprs: dict = {}
        for key, value in after.items():
            if key in ("id",) or value is None:
                continue
            if isinstance(value, list) and value and isinstance(value[0], dict):
                exprs[key] = [{k: {"constant_value": v} for k, v in block.items() if v is not None} for block in value]
            else:
                exprs[key] = {"constant_value": value}
        for key, references in (refs or {}).items():
            head, _, rest = key.partition(".")
            if rest:  # a reference inside a nested block: "block.0.attr"
                idx, _, attr = rest.partition(".")
                exprs[head][int(idx)][attr] = {"references": references}
            else:
                exprs[key] = {"references": references}
        self.config.append({"address": address, "mode": mode, "type": rtype, "name": name,
                            "provider_config_key": "alicloud", "expressions": exprs, "schema_version": 0})
        return self

    def doc(self) -> dict:
        planned = []
        for rc in self.changes:
            if rc["mode"] != "managed" or "delete" in rc["change"]["actions"] and "create" not in rc["change"]["actions"]:
                continue
            values = {k: v for k, v in rc["change"]["after"].items() if rc["change"]["after_unknown"].get(k) is not True}
            planned.append({"address": rc["address"], "mode": "managed", "type": rc["type"], "name": rc["name"],
                            "provider_name": PROVIDER, "schema_version": 0, "values": values, "sensitive_values": {}})
        return {
            "format_version": self.version,
            "terraform_version": "1.7.5",
            "variables": {k: {"value": v} for k, v in self.variables.items()},
            "planned_values": {"root_module": {"resources": planned}},
            "resource_changes": self.changes,
            "configuration": {
                "provider_config": {"alicloud": {"name": "alicloud", "full_name": PROVIDER,
                                                 "expressions": {"region": self.region_expr}}},
                "root_module": {"resources": self.config},
            },
            "timestamp": "2025-01-15T02:00:00Z",
            "errored": False,
        }


def disk_unencrypted(p: Plan) -> None:
    p.add("alicloud_disk", "data", {"availability_zone": "cn-hongkong-b", "category": "cloud_essd", "size": 100,
                                    "name": "batch-data", "description": None, "encrypted": False,
                                    "snapshot_id": None, "tags": None},
          unknown={"status": True})


def lb(p: Plan) -> None:
    p.add("alicloud_slb_load_balancer", "web", {"load_balancer_name": "web", "address_type": "internet",
                                                "load_balancer_spec": "slb.s2.small", "master_zone_id": "cn-hongkong-b",
                                                "slave_zone_id": "cn-hongkong-c", "payment_type": "PayAsYouGo"},
          unknown={"address": True, "vswitch_id": True, "status": True})


def http_listener(p: Plan, forward: str) -> None:
    after = {"load_balancer_id": None, "frontend_port": 80, "backend_port": 8080, "protocol": "http",
             "bandwidth": -1, "listener_forward": forward, "forward_port": 443 if forward == "on" else None,
             "health_check": "on", "sticky_session": "off"}
    p.add("alicloud_slb_listener", "http", after, unknown={"load_balancer_id": True},
          refs={"load_balancer_id": ["alicloud_slb_load_balancer.web.id", "alicloud_slb_load_balancer.web"]})


def security_group(p: Plan, name: str, port: str, cidr: str) -> None:
    p.add("alicloud_security_group", name, {"security_group_name": name, "vpc_id": "vpc-j6cexample01",
                                            "security_group_type": "normal"})
    p.add("alicloud_security_group_rule", f"{name}_in", {"type": "ingress", "ip_protocol": "tcp", "port_range": port,
                                                        "cidr_ip": cidr, "policy": "accept", "priority": 1,
                                                        "nic_type": "intranet", "security_group_id": None},
          unknown={"security_group_id": True},
          refs={"security_group_id": [f"alicloud_security_group.{name}.id", f"alicloud_security_group.{name}"]})


def gaps_plan() -> Plan:
    p = Plan()
    disk_unencrypted(p)
    lb(p)
    http_listener(p, "off")
    security_group(p, "admin", "22/22", "0.0.0.0/0")  # SSH open to the internet
    return p


def fixed_plan() -> Plan:
    p = Plan()
    p.add("alicloud_kms_key", "disk", {"description": "disk key", "key_usage": "ENCRYPT/DECRYPT",
                                       "key_spec": "Aliyun_AES_256", "origin": "Aliyun_KMS",
                                       "protection_level": "SOFTWARE", "automatic_rotation": "Enabled",
                                       "rotation_interval": "31536000s", "pending_window_in_days": 7,
                                       "status": "Enabled", "deletion_protection": "Enabled"},
          unknown={"arn": True, "creator": True, "creation_date": True, "primary_key_version": True})
    p.add("alicloud_disk", "data", {"availability_zone": "cn-hongkong-b", "category": "cloud_essd", "size": 100,
                                    "name": "batch-data", "encrypted": True, "kms_key_id": None},
          unknown={"status": True, "kms_key_id": True},
          refs={"kms_key_id": ["alicloud_kms_key.disk.id", "alicloud_kms_key.disk"]})
    p.add("alicloud_ecs_auto_snapshot_policy", "daily", {"auto_snapshot_policy_name": "daily-30",
                                                         "repeat_weekdays": ["1", "2", "3", "4", "5", "6", "7"],
                                                         "time_points": ["2"], "retention_days": 30},
          unknown={"status": True})
    p.add("alicloud_ecs_auto_snapshot_policy_attachment", "data",
          {"auto_snapshot_policy_id": None, "disk_id": None},
          unknown={"auto_snapshot_policy_id": True, "disk_id": True},
          refs={"auto_snapshot_policy_id": ["alicloud_ecs_auto_snapshot_policy.daily.id",
                                            "alicloud_ecs_auto_snapshot_policy.daily"],
                "disk_id": ["alicloud_disk.data.id", "alicloud_disk.data"]})
    lb(p)
    http_listener(p, "on")
    p.add("alicloud_slb_listener", "https", {"load_balancer_id": None, "frontend_port": 443, "backend_port": 8080,
                                             "protocol": "https", "bandwidth": -1,
                                             "server_certificate_id": "1231579085529123_166f8204689_1714763408_709508",
                                             "tls_cipher_policy": "tls_cipher_policy_1_2_strict",
                                             "listener_forward": "off"},
          unknown={"load_balancer_id": True},
          refs={"load_balancer_id": ["alicloud_slb_load_balancer.web.id", "alicloud_slb_load_balancer.web"]})
    security_group(p, "web", "443/443", "0.0.0.0/0")  # HTTPS only from the internet
    bucket_ref = {"bucket": ["alicloud_oss_bucket.records.bucket", "alicloud_oss_bucket.records"]}
    p.add("alicloud_oss_bucket", "records", {"bucket": "policy-records", "storage_class": "Standard",
                                             "redundancy_type": "ZRS", "acl": "private",
                                             "server_side_encryption_rule": [{"sse_algorithm": "KMS",
                                                                              "kms_master_key_id": None}],
                                             "versioning": [{"status": "Enabled"}],
                                             "logging": [{"target_bucket": "policy-access-logs",
                                                          "target_prefix": "records/"}],
                                             "policy": json.dumps(source_limited(https_only_policy("policy-records"),
                                                                                 "policy-records"))},
          unknown={"server_side_encryption_rule": [{"kms_master_key_id": True}], "extranet_endpoint": True,
                   "intranet_endpoint": True, "location": True, "owner": True},
          refs={"server_side_encryption_rule.0.kms_master_key_id": ["alicloud_kms_key.disk.id", "alicloud_kms_key.disk"]})
    p.add("alicloud_oss_bucket_public_access_block", "records", {"bucket": None, "block_public_access": True},
          unknown={"bucket": True}, refs=bucket_ref)
    p.add("alicloud_oss_bucket_https_config", "records", {"bucket": None, "enable": True, "tls_versions": ["TLSv1.2",
                                                                                                       "TLSv1.3"]},
          unknown={"bucket": True}, refs=bucket_ref)
    p.add("alicloud_oss_bucket_replication", "records", {"bucket": None, "action": "ALL",
                                                         "destination": [{"bucket": "policy-records-dr",
                                                                          "location": "oss-ap-southeast-1"}]},
          unknown={"bucket": True, "status": True}, refs=bucket_ref)
    p.add("alicloud_kvstore_instance", "sessions", {"db_instance_name": "sessions", "instance_type": "Redis",
                                                    "instance_class": "redis.master.small.default",
                                                    "engine_version": "7.0", "zone_id": "cn-hongkong-b",
                                                    "secondary_zone_id": "cn-hongkong-c", "vswitch_id": None,
                                                    "ssl_enable": "Enable", "tde_status": "Enabled",
                                                    "instance_release_protection": True, "payment_type": "PostPaid",
                                                    "backup_period": ["Monday", "Thursday"],
                                                    "backup_time": "02:00Z-03:00Z", "enable_backup_log": 1,
                                                    "security_ips": ["10.0.0.0/8"]},
          unknown={"vswitch_id": True, "vpc_auth_mode": True, "connection_domain": True, "private_ip": True},
          refs={"vswitch_id": ["alicloud_vswitch.cache.id", "alicloud_vswitch.cache"]})
    p.add("alicloud_alb_load_balancer", "api", {"load_balancer_name": "api", "address_type": "Internet",
                                                "load_balancer_edition": "Standard",
                                                "deletion_protection_enabled": True,
                                                "access_log_config": [{"log_project": "hk-audit",
                                                                       "log_store": "alb-access"}],
                                                "zone_mappings": [{"zone_id": "cn-hongkong-b", "vswitch_id": "vsw-b1"},
                                                                  {"zone_id": "cn-hongkong-c", "vswitch_id": "vsw-c1"}]},
          unknown={"dns_name": True})
    alb_ref = {"load_balancer_id": ["alicloud_alb_load_balancer.api.id", "alicloud_alb_load_balancer.api"]}
    p.add("alicloud_alb_listener", "api_https", {"load_balancer_id": None, "listener_protocol": "HTTPS",
                                                 "listener_port": 443, "security_policy_id": "tls_cipher_policy_1_2",
                                                 "default_actions": [{"type": "ForwardGroup"}]},
          unknown={"load_balancer_id": True}, refs=alb_ref)
    p.add("alicloud_alb_listener", "api_http", {"load_balancer_id": None, "listener_protocol": "HTTP",
                                                "listener_port": 80, "default_actions": [{"type": "ForwardGroup"}]},
          unknown={"load_balancer_id": True}, refs=alb_ref)
    p.add("alicloud_alb_rule", "to_https", {"listener_id": None, "priority": 1, "rule_name": "to-https",
                                            "rule_conditions": [{"type": "Path", "path_config": [{"values": ["/*"]}]}],
                                            "rule_actions": [{"order": 1, "type": "Redirect",
                                                              "redirect_config": [{"protocol": "HTTPS", "port": "443",
                                                                                   "http_code": "301"}]}]},
          unknown={"listener_id": True},
          refs={"listener_id": ["alicloud_alb_listener.api_http.id", "alicloud_alb_listener.api_http"]})
    return p


def https_only_policy(bucket: str) -> dict:
    return {"Version": "1", "Statement": [{"Effect": "Deny", "Principal": ["*"], "Action": ["oss:*"],
                                           "Resource": [f"acs:oss:*:*:{bucket}/*"],
                                           "Condition": {"Bool": {"acs:SecureTransport": ["false"]}}}]}


def source_limited(policy: dict, bucket: str) -> dict:
    """The policy plus a Deny for everyone outside the office and VPC ranges (CIS 5.7)."""
    policy["Statement"].append({"Effect": "Deny", "Principal": ["*"], "Action": ["oss:*"],
                                "Resource": [f"acs:oss:*:*:{bucket}", f"acs:oss:*:*:{bucket}/*"],
                                "Condition": {"NotIpAddress": {"acs:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"]}}})
    return policy


HTTPS_ONLY_POLICY = {"Version": "1", "Statement": [{
    "Effect": "Deny", "Principal": ["*"], "Action": ["oss:*"],
    "Resource": ["acs:oss:*:*:claims-archive/*"],
    "Condition": {"Bool": {"acs:SecureTransport": ["false"]}}}]}


def mixed_plan() -> Plan:
    """Unknown values, references to resources outside the plan, and every mapped product."""
    p = Plan(region_expr={"references": ["var.region"]}, variables={"region": "cn-hongkong"})
    p.add("alicloud_kms_keys", "existing", {"ids": ["key-hk-app-0a1b2c3d4e5f"]}, actions=("read",), mode="data")
    # encrypted with a key the plan does not create: encryption PASS, customer-key check ERROR
    p.add("alicloud_ecs_disk", "logs", {"zone_id": "cn-hongkong-b", "category": "cloud_essd", "size": 200,
                                        "disk_name": "logs", "encrypted": True, "kms_key_id": "key-hk-app-0a1b2c3d4e5f",
                                        "enable_auto_snapshot": True, "delete_with_instance": False},
          unknown={"status": True, "payment_type": True})
    # encrypted is computed from something known only at apply
    p.add("alicloud_ecs_disk", "scratch", {"zone_id": "cn-hongkong-c", "category": "cloud_essd", "size": 50,
                                           "disk_name": "scratch", "encrypted": None, "kms_key_id": None},
          unknown={"encrypted": True, "kms_key_id": True, "status": True},
          refs={"encrypted": ["data.alicloud_kms_keys.existing.ids", "data.alicloud_kms_keys.existing"],
                "kms_key_id": ["data.alicloud_kms_keys.existing.ids", "data.alicloud_kms_keys.existing"]})
    p.add("alicloud_oss_bucket", "claims", {"bucket": "claims-archive", "storage_class": "Standard",
                                            "redundancy_type": "ZRS",
                                            "server_side_encryption_rule": [{"sse_algorithm": "KMS",
                                                                             "kms_master_key_id": None}],
                                            "versioning": [{"status": "Enabled"}],
                                            "policy": json.dumps(HTTPS_ONLY_POLICY)},
          unknown={"server_side_encryption_rule": [{"kms_master_key_id": True}], "acl": True,
                   "extranet_endpoint": True, "intranet_endpoint": True, "location": True, "owner": True},
          refs={"server_side_encryption_rule.0.kms_master_key_id": ["alicloud_kms_key.oss.id", "alicloud_kms_key.oss"]})
    p.add("alicloud_kms_key", "oss", {"description": "oss key", "key_spec": "Aliyun_AES_256",
                                      "automatic_rotation": "Disabled", "pending_window_in_days": 7,
                                      "status": "Enabled", "deletion_protection": "Disabled"},
          unknown={"arn": True, "creator": True, "origin": True, "protection_level": True, "key_usage": True})
    # a policy on a bucket that already exists and is not in the plan
    p.add("alicloud_oss_bucket_policy", "legacy", {"bucket": "legacy-reports", "policy": json.dumps(
        {"Version": "1", "Statement": [{"Effect": "Allow", "Principal": ["*"], "Action": ["oss:GetObject"],
                                        "Resource": ["acs:oss:*:*:legacy-reports/*"]}]})})
    p.add("alicloud_db_instance", "claims", {"engine": "MySQL", "engine_version": "8.0",
                                             "instance_type": "mysql.n2.medium.2c", "instance_storage": 100,
                                             "zone_id": "cn-hongkong-b", "zone_id_slave_a": "cn-hongkong-c",
                                             "ssl_action": "Open", "tde_status": "Enabled", "category": "HighAvailability",
                                             "security_ips": ["10.0.0.0/8"]},
          unknown={"connection_string": True, "port": True, "encryption_key": True})
    # a listener on a load balancer that already exists
    p.add("alicloud_slb_listener", "legacy_http", {"load_balancer_id": "lb-j6clegacy01", "frontend_port": 8080,
                                                   "backend_port": 8080, "protocol": "http", "listener_forward": "off",
                                                   "bandwidth": -1})
    p.add("alicloud_polardb_cluster", "core", {"db_type": "MySQL", "db_version": "8.0",
                                               "db_node_class": "polar.mysql.x4.large", "zone_id": "cn-hongkong-b",
                                               "pay_type": "PostPaid", "hot_standby_cluster": "ON", "deletion_lock": 0,
                                               "tde_status": "Enabled", "encrypt_new_tables": "ON",
                                               "db_cluster_ip_array": [{"db_cluster_ip_array_name": "default",
                                                                        "security_ips": ["10.0.0.0/8"]}]},
          unknown={"connection_string": True, "port": True, "encryption_key": True},
          refs={"encryption_key": ["alicloud_kms_key.oss.id", "alicloud_kms_key.oss"]})
    p.add("alicloud_kvstore_instance", "sessions", {"db_instance_name": "sessions", "instance_class": "redis.master.small.default",
                                                    "instance_type": "Redis", "engine_version": "5.0",
                                                    "zone_id": "cn-hongkong-b", "secondary_zone_id": "cn-hongkong-c",
                                                    "ssl_enable": "Enable", "tde_status": "Enabled",
                                                    "backup_period": ["Monday", "Thursday"], "backup_time": "02:00Z-03:00Z",
                                                    "enable_backup_log": 1, "security_ips": ["10.0.0.0/8"],
                                                    "vpc_auth_mode": "Close", "vswitch_id": "vsw-j6cexample01"},
          unknown={"connection_domain": True, "private_ip": True})
    p.add("alicloud_alb_load_balancer", "api", {"load_balancer_name": "api", "address_type": "Internet",
                                                "load_balancer_edition": "Standard",
                                                "zone_mappings": [{"zone_id": "cn-hongkong-b", "vswitch_id": None},
                                                                  {"zone_id": "cn-hongkong-c", "vswitch_id": None}]},
          unknown={"zone_mappings": [{"vswitch_id": True}, {"vswitch_id": True}], "dns_name": True})
    p.add("alicloud_alb_listener", "api_https", {"load_balancer_id": None, "listener_protocol": "HTTPS",
                                                 "listener_port": 443, "security_policy_id": "tls_cipher_policy_1_2",
                                                 "default_actions": [{"type": "ForwardGroup"}]},
          unknown={"load_balancer_id": True},
          refs={"load_balancer_id": ["alicloud_alb_load_balancer.api.id", "alicloud_alb_load_balancer.api"]})
    p.add("alicloud_vpc", "main", {"vpc_name": "main", "cidr_block": "10.0.0.0/8"})
    p.add("alicloud_disk", "old", None or {"availability_zone": "cn-hongkong-b", "size": 10}, actions=("delete",),
          before={"availability_zone": "cn-hongkong-b", "size": 10, "encrypted": False})
    p.changes[-1]["change"]["after"] = None
    p.changes[-1]["change"]["after_unknown"] = {}
    return p


def bad_version_plan() -> Plan:
    p = gaps_plan()
    p.version = "2.0"
    return p


PLANS = {"gaps": gaps_plan, "fixed": fixed_plan, "mixed": mixed_plan, "bad-version": bad_version_plan}


def main() -> None:
    for name, build in PLANS.items():
        with open(os.path.join(HERE, f"{name}.plan.json"), "w", encoding="utf-8") as fh:
            json.dump(copy.deepcopy(build().doc()), fh, indent=2)
            fh.write("\n")


if __name__ == "__main__":
    main()
