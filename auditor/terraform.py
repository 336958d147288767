"""Terraform plans: `terraform show -json` output mapped into the snapshot model, so the same rules run before apply.

The plan JSON format is HashiCorp's documented one (format_version 1.x): each entry of
`resource_changes` carries `change.after` (the planned values) and `change.after_unknown` (the
leaves known only after apply). A planned `alicloud_*` resource becomes an API-shaped snapshot
item whose field names are the ones the rules read (DescribeDisks `Encrypted`, CLB listener
`HTTPListenerConfig.ListenerForward`, ...), and whose id is the resource ADDRESS
(`alicloud_ecs_disk.data`), so findings name what the reviewer sees in the plan.

Never a false PASS:
- A value unknown until apply is left out of the item and recorded as a "gap" on the item
  (`api` field, provider attribute, reason). After evaluation, every finding on that item whose
  evidence reads that field becomes ERROR, with the reason (see `annotate`).
- A value that is unknown because it refers to another resource of the same plan (a listener's
  `load_balancer_id`, a disk's `kms_key_id`, a policy's `bucket`) is resolved through the
  `configuration` references to that resource's address.
- A resource the plan refers to but does not create (an existing key or load balancer, a
  data source) is added as a stub whose detail is a gap; findings about the stub itself are
  dropped (it is not part of the change) and findings that depend on it are ERROR.
- A detail that lives in a resource type the plan does not contain (an RDS instance without an
  `alicloud_db_backup_policy`) is a gap too: the provider leaves it to the service default, which
  the plan cannot show.
- A call no planned resource type can answer (HBR backup plans, ActionTrail, RAM, VPC flow logs,
  PolarDB SSL endpoints, ...) is not in ANSWERED_CALLS. The snapshot's account lists each such call
  as an `unavailable` entry with scope "call", one per region of the plan, and the engine makes
  every rule needing one NOT_APPLICABLE: "not assessable from a Terraform plan: needs <call>; a
  live scan checks it". Never FAIL or PASS by omission.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import UsageError
from .model import ERROR

PLAN_ACCOUNT = "terraform-plan"
PLAN_SOURCE = "terraform-plan"  # the snapshot source; the engine honours call-scope entries only for it
NOT_IN_PLAN = "NotInTerraformPlan"

# The calls whose answers the planned resources below give (the snapshot keys they fill). A rule
# needing any other call is NOT_APPLICABLE in a plan scan.
ANSWERED_CALLS = frozenset({
    "ecs:DescribeInstances", "ecs:DescribeDisks", "ecs:DescribeAutoSnapshotPolicyEx",
    "ecs:DescribeSecurityGroups", "ecs:DescribeSecurityGroupAttribute",
    # a plan's rules name no prefix list (their sources are CIDRs), so no list is left unread
    "ecs:DescribePrefixListAttributes",
    "kms:ListKeys", "kms:DescribeKey",
    "oss:ListBuckets", "oss:GetBucketInfo", "oss:GetBucketEncryption", "oss:GetBucketVersioning",
    "oss:GetBucketPolicy", "oss:GetBucketAcl", "oss:GetBucketPublicAccessBlock", "oss:GetBucketLogging",
    "oss:GetBucketReplication", "oss:GetBucketHttpsConfig",
    "rds:DescribeDBInstances", "rds:DescribeDBInstanceAttribute", "rds:DescribeDBInstanceSSL",
    "rds:DescribeDBInstanceTDE", "rds:DescribeBackupPolicy", "rds:DescribeDBInstanceIPArrayList",
    "slb:DescribeLoadBalancers", "slb:DescribeLoadBalancerListeners",
    "alb:ListLoadBalancers", "alb:GetLoadBalancerAttribute", "alb:ListListeners", "alb:ListRules",
    "alb:ListSecurityPolicies", "alb:ListSystemSecurityPolicies",
    "polardb:DescribeDBClusters", "polardb:DescribeDBClusterAttribute", "polardb:DescribeDBClusterTDE",
    "polardb:DescribeDBClusterAccessWhitelist",
    "redis:DescribeInstances", "redis:DescribeInstanceAttribute", "redis:DescribeInstanceSSL",
    "redis:DescribeInstanceTDEStatus", "redis:DescribeSecurityIps",
})


def unanswered_calls(rules=None) -> list[str]:
    """The calls the rules need that a plan cannot answer."""
    if rules is None:
        from aliaudit.rules import all_rules

        rules = all_rules()
    return sorted({c for r in rules for c in r.needs} - ANSWERED_CALLS)
SUPPORTED_MAJOR = "1"
_REF = re.compile(r"^(?:(data)\.)?(alicloud_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?")


# ---------------------------------------------------------------- loading

def load(path: str) -> dict:
    """Read `terraform show -json` output; every problem is a one-line UsageError (exit 2)."""
    from . import inputs

    text = inputs.read_text(path, "a plan (the output of `terraform show -json PLAN`)", inputs.MAX_JSON_BYTES,
                            syntax="JSON")
    doc = inputs.parse_json(text, path)
    if not isinstance(doc, dict):
        raise UsageError("a plan is a JSON object", path, "top level")
    version = doc.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] != SUPPORTED_MAJOR:
        raise UsageError(f"unsupported plan format_version {version!r} (expected 1.x, from `terraform show -json`)",
                         path, "format_version")
    if "resource_changes" not in doc and "planned_values" not in doc:
        raise UsageError("no resource_changes: this is not a plan (state files are not supported)", path)
    if not isinstance(doc.get("resource_changes", []), list):
        raise UsageError("resource_changes is not a list", path, "resource_changes")
    return doc


# ---------------------------------------------------------------- plan context

@dataclass
class Gap:
    api: str          # the API field (or call) whose value the plan cannot give, e.g. "DescribeDisks.KMSKeyId"
    attribute: str    # the provider attribute, e.g. "kms_key_id"
    reason: str       # "unknown until apply", "not set by this plan: ...", ...
    kind: str = "unknown"  # unknown | outside


@dataclass
class Planned:
    address: str
    type: str
    actions: list
    region: str
    api_id: str | None


@dataclass
class PlanContext:
    path: str
    format_version: str
    terraform_version: str | None
    region: str
    planned: dict[str, Planned] = field(default_factory=dict)        # address -> planned resource
    items: dict[str, dict] = field(default_factory=dict)             # address -> snapshot item
    gaps: dict[str, list[Gap]] = field(default_factory=dict)         # snapshot id -> gaps
    rename: dict[str, str] = field(default_factory=dict)             # id a rule reports -> the address to report
    owner: dict[str, str] = field(default_factory=dict)              # id of a part (a disk of an instance) -> address
    settled: dict[tuple, str] = field(default_factory=dict)          # (existing bucket, API call) -> the address setting it
    stubs: set[str] = field(default_factory=set)                     # ids of resources outside the plan
    not_assessed: dict[str, list[str]] = field(default_factory=dict)  # alicloud type -> addresses
    skipped: list[dict] = field(default_factory=list)                # deletes, data sources

    def gap(self, sid: str, api: str, attribute: str, reason: str, kind: str = "unknown") -> None:
        self.gaps.setdefault(sid, []).append(Gap(api, attribute, reason, kind))

    def summary(self) -> dict:
        return {
            "path": self.path,
            "format_version": self.format_version,
            "terraform_version": self.terraform_version,
            "assessed": [{"address": p.address, "type": p.type, "actions": p.actions, "region": p.region,
                          "id": p.api_id} for p in self.planned.values()],
            "not_assessed": {t: sorted(a) for t, a in sorted(self.not_assessed.items())},
            "referenced_not_planned": sorted(self.stubs),
            "skipped": self.skipped,
        }


class _Values:
    """A planned resource's `after` with `after_unknown`, and its configuration expressions."""

    def __init__(self, rc: dict, config: dict | None):
        change = rc.get("change") or {}
        self.after = change.get("after") or {}
        self.unknown = change.get("after_unknown") or {}
        self.config = (config or {}).get("expressions") or {}

    def get(self, path: str) -> tuple[Any, bool]:
        """(value, unknown) at a dotted path; list indexes are numbers ("data_disks.0.encrypted")."""
        value, unk = self.after, self.unknown
        for part in path.split("."):
            key: Any = int(part) if part.isdigit() else part
            if unk is True:
                return None, True
            value = _step(value, key)
            unk = _step(unk, key)
        return value, unk is True

    def refs(self, path: str) -> list[str]:
        expr: Any = self.config
        for part in path.split("."):
            key: Any = int(part) if part.isdigit() else part
            expr = _step(expr, key)
            if expr is None:
                return []
        return list(expr.get("references") or []) if isinstance(expr, dict) else []


def _step(node: Any, key: Any) -> Any:
    if isinstance(node, dict):
        return node.get(key) if isinstance(key, str) else None
    if isinstance(node, list) and isinstance(key, int):
        return node[key] if 0 <= key < len(node) else None
    return None


# ---------------------------------------------------------------- the adapter

class Adapter:
    def __init__(self, doc: dict, path: str, default_region: str | None):
        self.doc = doc
        self.configs = _config_index(doc.get("configuration") or {})
        self.variables = {k: (v or {}).get("value") for k, v in (doc.get("variables") or {}).items()}
        self.default_region = default_region
        self.ctx = PlanContext(path=path, format_version=doc.get("format_version"),
                               terraform_version=doc.get("terraform_version"), region="")
        self.regions: dict[str, dict] = {}
        self.changes: list[tuple[dict, _Values, str]] = []
        self.by_api_id: dict[str, str] = {}

    # -- regions and references

    def region_of(self, rc: dict) -> str:
        conf = self.configs.get(_config_address(rc)) or {}
        key = conf.get("provider_config_key") or "alicloud"
        provider = ((self.doc.get("configuration") or {}).get("provider_config") or {}).get(key) or {}
        expr = (provider.get("expressions") or {}).get("region") or {}
        if isinstance(expr.get("constant_value"), str):
            return expr["constant_value"]
        for ref in expr.get("references") or []:
            if ref.startswith("var.") and isinstance(self.variables.get(ref[4:]), str):
                return self.variables[ref[4:]]
        env = os.environ.get("ALIBABA_CLOUD_REGION") or os.environ.get("ALICLOUD_REGION")
        region = self.default_region or env
        if not region:
            raise UsageError(f"cannot tell the region of {rc.get('address')}: the provider's region is not a "
                             "constant or a variable in the plan; pass --region", self.ctx.path)
        return region

    def resolve(self, rc: dict, values: _Values, attr: str) -> tuple[str | None, str]:
        """The snapshot id that an unknown reference attribute points at, or (None, why)."""
        module = rc.get("module_address")
        for ref in values.refs(attr):
            m = _REF.match(ref)
            if not m:
                continue
            if m.group(1):
                return None, f"comes from data source data.{m.group(2)}.{m.group(3)}, read only at apply"
            base = (module + "." if module else "") + f"{m.group(2)}.{m.group(3)}"
            if m.group(4):
                exact = base + m.group(4)
                if exact in self.ctx.planned:
                    return exact, ""
            matches = [a for a in self.ctx.planned if a == base or a.startswith(base + "[")]
            if len(matches) == 1:
                return matches[0], ""
            if matches:
                return None, f"refers to one of {len(matches)} instances of {base}"
            return None, f"refers to {base}, which this plan does not create"
        return None, "unknown until apply"

    def ref_value(self, sid: str, rc: dict, values: _Values, attr: str, api: str) -> tuple[Any, bool]:
        """An id-valued attribute: the literal id (mapped to a planned address when it is one), or the
        address of the planned resource a reference names. Records a gap when neither is possible."""
        value, unknown = values.get(attr)
        if unknown:
            target, why = self.resolve(rc, values, attr)
            if target:
                return target, True
            self.ctx.gap(sid, api, attr, f"{attr} {why}")
            return None, False
        if isinstance(value, str) and value in self.by_api_id:
            return self.by_api_id[value], True
        return value, False

    def known(self, sid: str, values: _Values, attr: str, api: str) -> Any:
        value, unknown = values.get(attr)
        if unknown:
            self.ctx.gap(sid, api, attr, f"{attr} is unknown until apply")
            return None
        return value

    def known_or_default(self, sid: str, values: _Values, attr: str, api: str, default: Any) -> Any:
        """An attribute with a documented provider default: the default when the configuration does not
        set it (Terraform shows such computed values as unknown), a gap when the configuration sets it
        to something known only at apply."""
        value, unknown = values.get(attr)
        if unknown:
            if attr.split(".")[-1] in _config_keys(values, attr):
                self.ctx.gap(sid, api, attr, f"{attr} is unknown until apply")
                return None
            return default
        return default if value is None else value

    def _provider_region(self) -> str:
        """The default provider's region, for account-level entries of a plan that maps no resource."""
        try:
            return self.region_of({"address": "(provider)"})
        except UsageError:
            return "*"

    def region_bucket(self, region: str, product: str, kind: str) -> list:
        return self.regions.setdefault(region, {}).setdefault(product, {}).setdefault(kind, [])

    # -- the run

    def run(self) -> tuple[dict, PlanContext]:
        for rc in self.doc.get("resource_changes") or []:
            if not isinstance(rc, dict):
                continue
            actions = list((rc.get("change") or {}).get("actions") or [])
            address = rc.get("address", "?")
            if rc.get("mode") != "managed":
                self.ctx.skipped.append({"address": address, "why": "data source"})
                continue
            if rc.get("deposed"):
                continue
            if "delete" in actions and "create" not in actions:
                self.ctx.skipped.append({"address": address, "why": "deleted by the plan"})
                continue
            rtype = rc.get("type") or ""
            if not rtype.startswith("alicloud_"):
                continue
            if rtype not in MAPPERS:
                self.ctx.not_assessed.setdefault(rtype, []).append(address)
                continue
            values = _Values(rc, self.configs.get(_config_address(rc)))
            region = self.region_of(rc)
            api_id, unk = values.get("id")
            api_id = None if unk or not isinstance(api_id, str) else api_id
            self.ctx.planned[address] = Planned(address, rtype, actions, region, api_id)
            if api_id:
                self.by_api_id[api_id] = address
            self.changes.append((rc, values, region))
        # resources first, then what attaches to them
        for order in (0, 1, 2):
            for rc, values, region in self.changes:
                mapper, stage = MAPPERS[rc["type"]]
                if stage == order:
                    mapper(self, rc, values, region)
        regions = sorted({p.region for p in self.ctx.planned.values()})
        self.ctx.region = regions[0] if regions else (self.default_region or "")
        account = {"account_id": PLAN_ACCOUNT, "global": {}, "regions": self.regions, "errors": []}
        unavailable = [{"product": call.split(":")[0], "action": call.split(":")[1], "region": region,
                        "scope": "call", "code": NOT_IN_PLAN,
                        "message": "a Terraform plan does not describe this; a live scan checks it"}
                       for region in sorted(self.regions) or [self._provider_region()] for call in unanswered_calls()]
        if unavailable:
            account["unavailable"] = unavailable
        snap = {"format": "aliaudit-snapshot/1", "collected_at": None, "source": PLAN_SOURCE,
                "accounts": [account], "identities": []}
        return snap, self.ctx


def _config_keys(values: _Values, attr: str) -> set[str]:
    """The attribute names the configuration sets in the block that holds `attr`."""
    node: Any = values.config
    for part in attr.split(".")[:-1]:
        node = _step(node, int(part) if part.isdigit() else part)
    return set(node) if isinstance(node, dict) else set()


def _config_address(rc: dict) -> str:
    module = rc.get("module_address") or ""
    module = re.sub(r"\[[^\]]*\]", "", module)
    return (module + "." if module else "") + f"{rc.get('type')}.{rc.get('name')}"


def _config_index(configuration: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}

    def walk(module: dict, prefix: str) -> None:
        for res in module.get("resources") or []:
            out[(prefix + "." if prefix else "") + f"{res.get('type')}.{res.get('name')}"] = res
        for name, call in (module.get("module_calls") or {}).items():
            walk(call.get("module") or {}, (prefix + "." if prefix else "") + f"module.{name}")

    walk(configuration.get("root_module") or {}, "")
    return out


# ---------------------------------------------------------------- mappers (provider attribute -> API field)

def _register(ad: Adapter, address: str, item: dict) -> dict:
    ad.ctx.items[address] = item
    item["terraform"] = {"address": address, "id": ad.ctx.planned[address].api_id if address in ad.ctx.planned else None}
    return item


def _disk(ad: Adapter, sid: str, rc: dict, v: _Values, region: str, *, encrypted: str, kms: str, category: str,
          zone: str | None, policy: str | None, prefix: str = "") -> dict:
    item = {"DiskId": sid, "RegionId": region}
    item["Encrypted"] = ad.known_or_default(sid, v, prefix + encrypted, "DescribeDisks.Encrypted", False)
    key, _ = ad.ref_value(sid, rc, v, prefix + kms, "DescribeDisks.KMSKeyId")
    item["KMSKeyId"] = key or ""
    if key:
        _ensure_key(ad, region, key)
    item["Category"] = ad.known_or_default(sid, v, prefix + category, "DescribeDisks.Category", "cloud_efficiency")
    if zone:
        item["ZoneId"] = ad.known(sid, v, zone, "DescribeDisks.ZoneId")
    if policy:
        pid, _ = ad.ref_value(sid, rc, v, prefix + policy, "DescribeDisks.AutoSnapshotPolicyId")
        item["AutoSnapshotPolicyId"] = pid or ""
    return item


def map_disk(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_ecs_disk and the older alicloud_disk (availability_zone/name before zone_id/disk_name)."""
    sid = rc["address"]
    zone_attr = "zone_id" if "zone_id" in v.after or "zone_id" in v.unknown else "availability_zone"
    item = _disk(ad, sid, rc, v, region, encrypted="encrypted", kms="kms_key_id", category="category",
                 zone=zone_attr, policy=None)
    item["Type"] = "data"
    auto, unk = v.get("enable_auto_snapshot")
    if not unk and auto is not None:
        item["EnableAutomatedSnapshotPolicy"] = bool(auto)
    item["AutoSnapshotPolicyId"] = ""
    # DescribeDisks Status: attached at creation through instance_id (alicloud_ecs_disk), otherwise created
    # Available; an attachment resource in the plan (not mapped) may attach it, so then it is not known.
    attached_to, unk = v.get("instance_id")
    if attached_to or unk:
        item["Status"] = "In_use"
    elif any(t in ad.ctx.not_assessed for t in DISK_ATTACHMENTS) or \
            any(p.type in DISK_ATTACHMENTS for p in ad.ctx.planned.values()):
        ad.ctx.gap(sid, "DescribeDisks", "Status", "an attachment resource in the plan may attach the disk",
                   kind="missing")
    else:
        item["Status"] = "Available"
    ad.region_bucket(region, "ecs", "disks").append(_register(ad, sid, item))


DISK_ATTACHMENTS = ("alicloud_disk_attachment", "alicloud_ecs_disk_attachment")


def map_instance(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_instance: the instance, its system disk and its data_disks blocks as DescribeDisks items."""
    sid = rc["address"]
    inst = {"InstanceId": sid, "RegionId": region,
            "ZoneId": ad.known(sid, v, "availability_zone", "DescribeInstances.ZoneId")}
    # provider docs: vswitch_id "must be set unless you can create classic network instances"
    vswitch, unk = v.get("vswitch_id")
    inst["InstanceNetworkType"] = "vpc" if vswitch or unk else "classic"
    ad.region_bucket(region, "ecs", "instances").append(_register(ad, sid, inst))
    sys_id = f"{sid}/system_disk"
    disk = _disk(ad, sys_id, rc, v, region, encrypted="system_disk_encrypted", kms="system_disk_kms_key_id",
                 category="system_disk_category", zone=None, policy="system_disk_auto_snapshot_policy_id")
    disk.update({"Type": "system", "InstanceId": sid, "ZoneId": inst["ZoneId"], "Status": "In_use"})
    ad.ctx.owner[sys_id] = sid
    ad.region_bucket(region, "ecs", "disks").append(disk)
    data_disks, unk = v.get("data_disks")
    if unk:
        ad.ctx.gap(sid, "DescribeDisks", "data_disks", "data_disks is unknown until apply")
    for i, _ in enumerate(data_disks or []):
        did = f"{sid}/data_disks[{i}]"
        d = _disk(ad, did, rc, v, region, encrypted="encrypted", kms="kms_key_id", category="category", zone=None,
                  policy="auto_snapshot_policy_id", prefix=f"data_disks.{i}.")
        d.update({"Type": "data", "InstanceId": sid, "ZoneId": inst["ZoneId"], "Status": "In_use"})
        ad.ctx.owner[did] = sid
        ad.region_bucket(region, "ecs", "disks").append(d)


def map_snapshot_policy(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_ecs_auto_snapshot_policy -> DescribeAutoSnapshotPolicyEx item (a planned policy is Normal once created)."""
    sid = rc["address"]
    item = {"AutoSnapshotPolicyId": sid, "RegionId": region,
            "RetentionDays": ad.known(sid, v, "retention_days", "DescribeAutoSnapshotPolicyEx.RetentionDays"),
            "Status": "Normal"}
    ad.region_bucket(region, "ecs", "auto_snapshot_policies").append(_register(ad, sid, item))


def map_snapshot_policy_attachment(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    sid = rc["address"]
    disk, _ = ad.ref_value(sid, rc, v, "disk_id", "DescribeDisks.AutoSnapshotPolicyId")
    policy, _ = ad.ref_value(sid, rc, v, "auto_snapshot_policy_id", "DescribeDisks.AutoSnapshotPolicyId")
    item = ad.ctx.items.get(disk) if disk else None
    if item is not None and policy:
        item["AutoSnapshotPolicyId"] = policy


def _ensure_key(ad: Adapter, region: str, key: str) -> None:
    """A key a resource uses but the plan does not create: a stub, whose metadata the plan cannot give."""
    if key in ad.ctx.planned or key in ad.ctx.stubs:
        return
    ad.ctx.stubs.add(key)
    ad.region_bucket(region, "kms", "keys").append({"KeyId": key})
    ad.ctx.gap(key, "DescribeKey", "id", f"the key {key} is not created by this plan; its metadata cannot be read "
               "from the plan", kind="outside")


def map_kms_key(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_kms_key -> ListKeys item + DescribeKey KeyMetadata (a key the plan creates is a customer key)."""
    sid = rc["address"]
    meta = {"KeyId": sid, "Creator": PLAN_ACCOUNT_CREATOR, "Origin": ad.known(sid, v, "origin", "DescribeKey.KeyMetadata.Origin")}
    # documented defaults: automatic_rotation Disabled, key_spec Aliyun_AES_256, status Enabled
    meta["AutomaticRotation"] = ad.known_or_default(sid, v, "automatic_rotation",
                                                    "DescribeKey.KeyMetadata.AutomaticRotation", "Disabled")
    spec_attr = "spec" if v.get("spec")[0] is not None and v.get("key_spec")[0] is None else "key_spec"
    meta["KeySpec"] = ad.known_or_default(sid, v, spec_attr, "DescribeKey.KeyMetadata.KeySpec", "Aliyun_AES_256")
    meta["DeletionProtection"] = ad.known(sid, v, "deletion_protection", "DescribeKey.KeyMetadata.DeletionProtection")
    state_attr = "key_state" if v.get("key_state")[0] is not None and v.get("status")[0] is None else "status"
    meta["KeyState"] = ad.known_or_default(sid, v, state_attr, "DescribeKey.KeyMetadata.KeyState", "Enabled")
    meta["ProtectionLevel"] = ad.known(sid, v, "protection_level", "DescribeKey.KeyMetadata.ProtectionLevel")
    meta["KeyUsage"] = ad.known(sid, v, "key_usage", "DescribeKey.KeyMetadata.KeyUsage")
    item = {"KeyId": sid, "KeyArn": None, "metadata": meta}
    ad.region_bucket(region, "kms", "keys").append(_register(ad, sid, item))


# The Creator of a key the plan creates: an account id (all digits) in the API; the rules read
# "created by an account" from it. The plan does not know the account, so a placeholder of digits.
PLAN_ACCOUNT_CREATOR = "000000000000"


def map_bucket(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_oss_bucket with its inline server_side_encryption_rule / versioning / policy."""
    address = rc["address"]
    name, unk = v.get("bucket")
    # the rules read the bucket's name (policy resources name it): the name when the plan knows it
    sid = name if isinstance(name, str) and name and not unk else address
    if sid != address:
        ad.ctx.rename[sid] = address
        ad.by_api_id[sid] = address
    item: dict = {"Name": sid, "Location": f"oss-{region}"}
    sse, unk = v.get("server_side_encryption_rule")
    if unk:
        ad.ctx.gap(sid, "GetBucketEncryption", "server_side_encryption_rule", "server_side_encryption_rule is unknown until apply")
    elif sse:
        item["encryption"] = _sse(ad, sid, rc, v, region, "server_side_encryption_rule.0.")
    else:
        item["encryption"] = None
    ver, unk = v.get("versioning")
    if unk:
        ad.ctx.gap(sid, "GetBucketVersioning", "versioning", "versioning is unknown until apply")
    else:
        status = ad.known(sid, v, "versioning.0.status", "GetBucketVersioning.Status") if ver else None
        item["versioning"] = {"Status": status} if status else None
    item["policy"] = _policy(ad, sid, v, "policy")
    # documented defaults: acl "private" (provider docs before 1.220; alicloud_oss_bucket_acl may set it),
    # redundancy_type "LRS"
    acl = ad.known_or_default(sid, v, "acl", "GetBucketAcl", "private")
    if acl is not None:
        item["acl"] = {"AccessControlList": {"Grant": acl}}
    redundancy = ad.known_or_default(sid, v, "redundancy_type", "GetBucketInfo", "LRS")
    if redundancy is not None:
        item["info"] = {"Name": sid, "DataRedundancyType": redundancy}
    logging, unk = v.get("logging")
    if unk:
        ad.ctx.gap(sid, "GetBucketLogging", "logging", "logging is unknown until apply")
    elif logging:
        target, _ = ad.ref_value(sid, rc, v, "logging.0.target_bucket", "GetBucketLogging")
        item["logging"] = {"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": v.get("logging.0.target_prefix")[0]}}
    else:
        item["logging"] = {}
    # a new bucket has no replication rule and no TLS version setting until a companion resource adds one
    item["replication"] = None
    item["https"] = None
    ad.ctx.gap(sid, "GetBucketPublicAccessBlock", "alicloud_oss_bucket_public_access_block",
               "the plan has no alicloud_oss_bucket_public_access_block for this bucket: Block Public Access is the "
               "service default, which the plan cannot show", kind="missing")
    ad.region_bucket(region, "oss", "buckets").append(_register(ad, address, item))


def _sse(ad: Adapter, sid: str, rc: dict, v: _Values, region: str, prefix: str) -> dict:
    algo = ad.known(sid, v, prefix + "sse_algorithm",
                    "GetBucketEncryption.ApplyServerSideEncryptionByDefault.SSEAlgorithm")
    key, _ = ad.ref_value(sid, rc, v, prefix + "kms_master_key_id",
                          "GetBucketEncryption.ApplyServerSideEncryptionByDefault.KMSMasterKeyID")
    rule = {"SSEAlgorithm": algo}
    if key:
        rule["KMSMasterKeyID"] = key
    data, unk = v.get(prefix + "kms_data_encryption")
    if data and not unk:
        rule["KMSDataEncryption"] = data
    return {"ApplyServerSideEncryptionByDefault": rule}


def _policy(ad: Adapter, sid: str, v: _Values, attr: str) -> dict | None:
    text, unk = v.get(attr)
    if unk:
        ad.ctx.gap(sid, "GetBucketPolicy", attr, f"{attr} is unknown until apply")
        return None
    if not text:
        return None
    try:
        doc = json.loads(text)
    except (TypeError, json.JSONDecodeError):
        ad.ctx.gap(sid, "GetBucketPolicy", attr, f"{attr} is not valid JSON")
        return None
    return doc if isinstance(doc, dict) else None


def _target_bucket(ad: Adapter, rc: dict, v: _Values, region: str) -> dict | None:
    sid = rc["address"]
    name, _ = ad.ref_value(sid, rc, v, "bucket", "ListBuckets")
    if not name:
        return None
    item = ad.ctx.items.get(name)
    if item is None:  # an existing bucket: only what this plan sets is known
        item = {"Name": name, "Location": f"oss-{region}"}
        ad.ctx.items[name] = item
        ad.ctx.stubs.add(name)
        for api in BUCKET_DETAIL_CALLS:
            ad.ctx.gap(name, api, "bucket", f"the bucket {name} is not created by this plan", kind="outside")
        ad.region_bucket(region, "oss", "buckets").append(item)
    return item


BUCKET_DETAIL_CALLS = ("GetBucketEncryption", "GetBucketVersioning", "GetBucketPolicy", "GetBucketAcl", "GetBucketInfo",
                       "GetBucketLogging", "GetBucketReplication", "GetBucketHttpsConfig", "GetBucketPublicAccessBlock")


def _settled(ad: Adapter, name: str, api: str, address: str) -> None:
    """A sub-resource of this plan sets `api` on a bucket: drop the outside-the-plan gap, name the address."""
    ad.ctx.gaps[name] = [g for g in ad.ctx.gaps.get(name, []) if g.api != api]
    if name in ad.ctx.stubs:
        ad.ctx.settled[(name, api)] = address


def map_bucket_acl(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_oss_bucket_acl (bucket, acl) -> GetBucketAcl AccessControlList.Grant."""
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        _settled(ad, item["Name"], "GetBucketAcl", rc["address"])
        acl = ad.known(item["Name"], v, "acl", "GetBucketAcl")
        if acl is not None:
            item["acl"] = {"AccessControlList": {"Grant": acl}}


def map_bucket_logging(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_oss_bucket_logging (bucket, target_bucket, target_prefix) -> GetBucketLogging LoggingEnabled."""
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        _settled(ad, item["Name"], "GetBucketLogging", rc["address"])
        target, _ = ad.ref_value(item["Name"], rc, v, "target_bucket", "GetBucketLogging")
        item["logging"] = {"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": v.get("target_prefix")[0]}}


def map_bucket_replication(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_oss_bucket_replication (bucket, destination {bucket, location}) -> a GetBucketReplication Rule.

    A rule the plan creates starts replicating once applied: Status "starting", as the API reports it then."""
    item = _target_bucket(ad, rc, v, region)
    if item is None:
        return
    name = item["Name"]
    _settled(ad, name, "GetBucketReplication", rc["address"])
    location = ad.known(name, v, "destination.0.location", "GetBucketReplication")
    dest, _ = ad.ref_value(name, rc, v, "destination.0.bucket", "GetBucketReplication")
    rules = list(((item.get("replication") or {}).get("Rule")) or [])
    rules.append({"ID": rc["address"], "Status": "starting",
                  "Destination": {"Bucket": dest, "Location": location}})
    item["replication"] = {"Rule": rules}


def map_bucket_public_access_block(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_oss_bucket_public_access_block (bucket, block_public_access) -> GetBucketPublicAccessBlock."""
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        name = item["Name"]
        ad.ctx.gaps[name] = [g for g in ad.ctx.gaps.get(name, []) if g.api != "GetBucketPublicAccessBlock"]
        _settled(ad, name, "GetBucketPublicAccessBlock", rc["address"])
        block = ad.known(name, v, "block_public_access", "GetBucketPublicAccessBlock")
        if block is not None:
            item["public_access_block"] = {"BlockPublicAccess": bool(block)}


def map_bucket_https_config(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_oss_bucket_https_config (bucket, enable, tls_versions) -> GetBucketHttpsConfig TLS."""
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        name = item["Name"]
        _settled(ad, name, "GetBucketHttpsConfig", rc["address"])
        enable = ad.known(name, v, "enable", "GetBucketHttpsConfig")
        versions = ad.known(name, v, "tls_versions", "GetBucketHttpsConfig")
        if enable is not None:
            item["https"] = {"TLS": {"Enable": bool(enable), "TLSVersion": list(versions or [])}}


def map_bucket_sse(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        item["encryption"] = _sse(ad, item["Name"], rc, v, region, "")
        _settled(ad, item["Name"], "GetBucketEncryption", rc["address"])


def map_bucket_versioning(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        status = ad.known(item["Name"], v, "status", "GetBucketVersioning.Status")
        item["versioning"] = {"Status": status} if status else None
        _settled(ad, item["Name"], "GetBucketVersioning", rc["address"])


def map_bucket_policy(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        item["policy"] = _policy(ad, item["Name"], v, "policy")
        _settled(ad, item["Name"], "GetBucketPolicy", rc["address"])


SSL_ACTIONS = {"Open": "Yes", "Update": "Yes", "Close": "No"}


def map_db_instance(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_db_instance -> DescribeDBInstances item + attribute, ssl, tde; backup_policy from alicloud_db_backup_policy."""
    sid = rc["address"]
    zone = ad.known(sid, v, "zone_id", "DescribeDBInstances.ZoneId")
    item = {"DBInstanceId": sid, "RegionId": region, "ZoneId": zone,
            "Engine": ad.known(sid, v, "engine", "DescribeDBInstances.Engine"),
            "EngineVersion": ad.known(sid, v, "engine_version", "DescribeDBInstances.EngineVersion"),
            "Category": ad.known(sid, v, "category", "DescribeDBInstances.Category")}
    slave, unk = v.get("zone_id_slave_a")
    if unk:
        ad.ctx.gap(sid, "DescribeDBInstanceAttribute.SlaveZones", "zone_id_slave_a", "zone_id_slave_a is unknown until apply")
    slaves = [{"ZoneId": slave}] if slave and slave != "Auto" else []
    slave_b, unk_b = v.get("zone_id_slave_b")
    if slave_b and not unk_b and slave_b != "Auto":
        slaves.append({"ZoneId": slave_b})
    item["attribute"] = {"DBInstanceId": sid, "ZoneId": zone, "SlaveZones": {"SlaveZone": slaves}}
    action, unk = v.get("ssl_action")
    if unk:
        ad.ctx.gap(sid, "DescribeDBInstanceSSL", "ssl_action", "ssl_action is not set and the provider reads it back "
                   "only after apply; set ssl_action = \"Open\"")
    else:
        item["ssl"] = {"SSLEnabled": SSL_ACTIONS.get(action, "No")}
    tde, unk = v.get("tde_status")
    if unk:
        ad.ctx.gap(sid, "DescribeDBInstanceTDE", "tde_status", "tde_status is unknown until apply")
    else:
        key, _ = ad.ref_value(sid, rc, v, "tde_encryption_key", "DescribeDBInstanceTDE.EncryptionKey")
        if key:
            _ensure_key(ad, region, key)
        # no tde_encryption_key: TDE uses a service-managed key
        item["tde"] = {"TDEStatus": "Enabled" if tde == "Enabled" else "Disabled", "EncryptionKey": key or ""}
    arrays, unk_a = v.get("db_instance_ip_array")
    ips, unk_i = v.get("security_ips")
    if unk_a or unk_i:  # no documented default: a computed allow-list is only known after apply
        ad.ctx.gap(sid, "DescribeDBInstanceIPArrayList", "security_ips", "the IP allow-list is unknown until apply")
    else:  # security_ips is the "default" group; db_instance_ip_array blocks are named groups
        groups = [{"DBInstanceIPArrayName": "default", "SecurityIPList": ",".join(ips or [])}] if ips else []
        groups += [{"DBInstanceIPArrayName": a.get("db_instance_ip_array_name") or "default",
                    "SecurityIPList": ",".join(a.get("security_ips") or [])} for a in arrays or []]
        item["ip_arrays"] = groups
    # the backup policy lives in alicloud_db_backup_policy; without one it is the service default
    ad.ctx.gap(sid, "DescribeBackupPolicy", "alicloud_db_backup_policy",
               "the plan has no alicloud_db_backup_policy for this instance: its backup policy is the service "
               "default, which the plan cannot show", kind="missing")
    ad.region_bucket(region, "rds", "instances").append(_register(ad, sid, item))


def map_db_backup_policy(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    sid = rc["address"]
    attr = "db_instance_id" if v.get("db_instance_id")[0] is not None or v.get("db_instance_id")[1] else "instance_id"
    target, _ = ad.ref_value(sid, rc, v, attr, "DescribeBackupPolicy")
    item = ad.ctx.items.get(target) if target else None
    if item is None:
        ad.ctx.skipped.append({"address": sid, "why": f"its instance {target or '(unknown)'} is not created by this plan"})
        return
    iid = item["DBInstanceId"]
    ad.ctx.gaps[iid] = [g for g in ad.ctx.gaps.get(iid, []) if g.kind != "missing"]
    # documented defaults: backup_retention_period 7, enable_backup_log true (deprecated names before them)
    days_attr = "retention_period" if v.get("retention_period")[0] is not None and \
        v.get("backup_retention_period")[0] is None else "backup_retention_period"
    log_attr = "log_backup" if v.get("log_backup")[0] is not None and v.get("enable_backup_log")[0] is None \
        else "enable_backup_log"
    policy: dict = {}
    days = ad.known_or_default(iid, v, days_attr, "DescribeBackupPolicy.BackupRetentionPeriod", 7)
    if days is not None:
        policy["BackupRetentionPeriod"] = str(days)
    log = ad.known_or_default(iid, v, log_attr, "DescribeBackupPolicy.BackupLog", True)
    if log is not None:
        policy["BackupLog"] = "Enable" if str(log).lower() in ("true", "1") else "Disabled"
    item["backup_policy"] = policy


def map_slb(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    sid = rc["address"]
    item = {"LoadBalancerId": sid, "RegionId": region,
            "MasterZoneId": ad.known(sid, v, "master_zone_id", "DescribeLoadBalancers.MasterZoneId"),
            "SlaveZoneId": ad.known(sid, v, "slave_zone_id", "DescribeLoadBalancers.SlaveZoneId"),
            "AddressType": ad.known(sid, v, "address_type", "DescribeLoadBalancers.AddressType"),
            "listeners": []}
    ad.region_bucket(region, "slb", "load_balancers").append(_register(ad, sid, item))


def _stub_lb(ad: Adapter, region: str, lb: str, product: str) -> dict:
    items = ad.region_bucket(region, product, "load_balancers")
    for it in items:
        if it.get("LoadBalancerId") == lb:
            return it
    item = {"LoadBalancerId": lb, "listeners": []}
    ad.ctx.stubs.add(lb)
    ad.ctx.gap(lb, "DescribeLoadBalancers" if product == "slb" else "GetLoadBalancerAttribute", "id",
               f"the load balancer {lb} is not created by this plan", kind="outside")
    items.append(item)
    return item


def map_slb_listener(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_slb_listener -> a DescribeLoadBalancerListeners item on its load balancer."""
    sid = rc["address"]
    lb, _ = ad.ref_value(sid, rc, v, "load_balancer_id", "DescribeLoadBalancerListeners")
    lb_item = ad.ctx.items.get(lb) if lb else None
    if lb_item is None:
        lb_item = _stub_lb(ad, region, lb or sid + "/load_balancer", "slb")
    protocol = ad.known(sid, v, "protocol", "DescribeLoadBalancerListeners.ListenerProtocol")
    port = ad.known(sid, v, "frontend_port", "DescribeLoadBalancerListeners.ListenerPort")
    listener: dict = {"ListenerProtocol": protocol, "ListenerPort": port,
                      "LoadBalancerId": lb_item["LoadBalancerId"]}
    if (protocol or "").lower() == "http":
        fwd = ad.known_or_default(sid, v, "listener_forward",
                                  "DescribeLoadBalancerListeners.HTTPListenerConfig.ListenerForward", "off")
        listener["HTTPListenerConfig"] = {"ListenerForward": fwd,
                                          "ForwardPort": v.get("forward_port")[0]}
    elif (protocol or "").lower() == "https":
        tls = ad.known_or_default(sid, v, "tls_cipher_policy",
                                  "DescribeLoadBalancerListeners.HTTPSListenerConfig.TLSCipherPolicy", "tls_cipher_policy_1_0")
        listener["HTTPSListenerConfig"] = {"TLSCipherPolicy": tls}
    lb_item["listeners"].append(listener)
    lid = f"{lb_item['LoadBalancerId']}/{protocol}:{port}"
    ad.ctx.rename[lid] = sid
    for g in ad.ctx.gaps.pop(sid, []):
        ad.ctx.gaps.setdefault(lid, []).append(g)


def map_alb_load_balancer(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_alb_load_balancer -> ListLoadBalancers item + attribute.ZoneMappings (GetLoadBalancerAttribute)."""
    sid = rc["address"]
    zones, unk = v.get("zone_mappings")
    attribute: dict = {"LoadBalancerId": sid}
    if unk:
        ad.ctx.gap(sid, "GetLoadBalancerAttribute.ZoneMappings", "zone_mappings", "zone_mappings is unknown until apply")
    else:
        attribute["ZoneMappings"] = [{"ZoneId": z.get("zone_id"), "VSwitchId": z.get("vswitch_id")} for z in zones or []]
        for i, _ in enumerate(zones or []):
            if v.get(f"zone_mappings.{i}.zone_id")[1]:
                ad.ctx.gap(sid, "GetLoadBalancerAttribute.ZoneMappings", f"zone_mappings.{i}.zone_id",
                           "a zone of zone_mappings is unknown until apply")
    # documented default: deletion_protection_enabled false
    protect = ad.known_or_default(sid, v, "deletion_protection_enabled",
                                  "GetLoadBalancerAttribute.DeletionProtectionConfig.Enabled", False)
    if protect is not None:
        attribute["DeletionProtectionConfig"] = {"Enabled": bool(protect)}
    logs, unk = v.get("access_log_config")
    if unk:
        ad.ctx.gap(sid, "GetLoadBalancerAttribute.AccessLogConfig", "access_log_config",
                   "access_log_config is unknown until apply")
    else:
        project = ad.known(sid, v, "access_log_config.0.log_project", "GetLoadBalancerAttribute.AccessLogConfig") \
            if logs else None
        store = ad.known(sid, v, "access_log_config.0.log_store", "GetLoadBalancerAttribute.AccessLogConfig") \
            if logs else None
        attribute["AccessLogConfig"] = {"LogProject": project or "", "LogStore": store or ""}
    item = {"LoadBalancerId": sid, "RegionId": region,
            "AddressType": ad.known(sid, v, "address_type", "ListLoadBalancers.AddressType"),
            "attribute": attribute, "listeners": []}
    ad.region_bucket(region, "alb", "load_balancers").append(_register(ad, sid, item))


def map_alb_access_log(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_alb_load_balancer_access_log_config_attachment (load_balancer_id, log_project, log_store)."""
    sid = rc["address"]
    lb, _ = ad.ref_value(sid, rc, v, "load_balancer_id", "GetLoadBalancerAttribute.AccessLogConfig")
    item = ad.ctx.items.get(lb) if lb else None
    if item is None or lb in ad.ctx.stubs:
        ad.ctx.skipped.append({"address": sid, "why": f"its load balancer {lb or '(unknown)'} is not created by this plan"})
        return
    item["attribute"]["AccessLogConfig"] = {
        "LogProject": ad.known(lb, v, "log_project", "GetLoadBalancerAttribute.AccessLogConfig") or "",
        "LogStore": ad.known(lb, v, "log_store", "GetLoadBalancerAttribute.AccessLogConfig") or ""}


def map_alb_security_policy(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_alb_security_policy (tls_versions, ciphers) -> a ListSecurityPolicies item."""
    sid = rc["address"]
    item = {"SecurityPolicyId": sid, "TLSVersions": ad.known(sid, v, "tls_versions", "ListSecurityPolicies.TLSVersions"),
            "Ciphers": v.get("ciphers")[0]}
    ad.region_bucket(region, "alb", "security_policies").append(_register(ad, sid, item))


def _system_tls_policies(ad: Adapter, region: str) -> None:
    """A plan cannot call ListSystemSecurityPolicies: the region's system policies are the documented ones
    (rules.common.DOCUMENTED_SYSTEM_TLS_POLICIES, from the ALB "TLS security policies" page)."""
    from aliaudit.rules.common import DOCUMENTED_SYSTEM_TLS_POLICIES

    ad.region_bucket(region, "alb", "security_policies")  # the custom policies are those the plan creates
    bucket = ad.region_bucket(region, "alb", "system_security_policies")
    if not bucket:
        bucket.extend({"SecurityPolicyId": k, "TLSVersions": list(v)} for k, v in DOCUMENTED_SYSTEM_TLS_POLICIES.items())


def map_alb_listener(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_alb_listener -> a ListListeners item (ListenerProtocol HTTP|HTTPS|QUIC, SecurityPolicyId)."""
    sid = rc["address"]
    lb, _ = ad.ref_value(sid, rc, v, "load_balancer_id", "ListListeners")
    lb_item = ad.ctx.items.get(lb) if lb else None
    if lb_item is None:
        lb_item = _stub_lb(ad, region, lb or sid + "/load_balancer", "alb")
    policy, _ = ad.ref_value(sid, rc, v, "security_policy_id", "ListListeners.SecurityPolicyId")
    _system_tls_policies(ad, region)
    listener = {"ListenerId": sid, "LoadBalancerId": lb_item["LoadBalancerId"],
                "ListenerProtocol": ad.known(sid, v, "listener_protocol", "ListListeners.ListenerProtocol"),
                "ListenerPort": ad.known(sid, v, "listener_port", "ListListeners.ListenerPort"),
                "SecurityPolicyId": policy,
                "DefaultActions": [{"Type": a.get("type")} for a in (v.get("default_actions")[0] or [])],
                # a new listener has only the forwarding rules (alicloud_alb_rule) this plan gives it
                "rules": []}
    lb_item["listeners"].append(listener)
    ad.ctx.items[sid] = listener
    lid = f"{lb_item['LoadBalancerId']}/{listener['ListenerProtocol']}:{listener['ListenerPort']}"
    ad.ctx.rename[lid] = sid
    for g in ad.ctx.gaps.pop(sid, []):
        ad.ctx.gaps.setdefault(lid, []).append(g)


def map_alb_rule(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_alb_rule (listener_id, priority, rule_conditions, rule_actions) -> a ListRules item on its listener."""
    sid = rc["address"]
    target, _ = ad.ref_value(sid, rc, v, "listener_id", "ListRules")
    listener = ad.ctx.items.get(target) if target else None
    if listener is None or "rules" not in listener:
        ad.ctx.skipped.append({"address": sid, "why": f"its listener {target or '(unknown)'} is not created by this plan"})
        return
    lid = f"{listener['LoadBalancerId']}/{listener['ListenerProtocol']}:{listener['ListenerPort']}"

    def block(node, name):  # provider blocks are lists of one object; the API has an object
        inner = (node or {}).get(name) or []
        return inner[0] if isinstance(inner, list) and inner else (inner if isinstance(inner, dict) else {})

    conditions, unk_c = v.get("rule_conditions")
    actions, unk_a = v.get("rule_actions")
    priority, unk_p = v.get("priority")
    if unk_c or unk_a or unk_p:
        ad.ctx.gap(lid, "ListRules", "rule_actions", f"the rule {sid} is unknown until apply")
        return
    listener["rules"].append({
        "RuleId": sid, "Priority": priority,
        "RuleConditions": [{"Type": c.get("type"),
                            "PathConfig": {"Values": block(c, "path_config").get("values")},
                            "HostConfig": {"Values": block(c, "host_config").get("values")}} for c in conditions or []],
        "RuleActions": [{"Type": a.get("type"), "Order": a.get("order"),
                         "RedirectConfig": {"Protocol": block(a, "redirect_config").get("protocol")}}
                        for a in actions or []]})


def map_polardb(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_polardb_cluster -> DescribeDBClusters item + attribute, tde, whitelist (ssl and backups are other resources)."""
    sid = rc["address"]
    zone = ad.known(sid, v, "zone_id", "DescribeDBClusters.ZoneId")
    item: dict = {"DBClusterId": sid, "RegionId": region, "ZoneId": zone,
                  "DBType": ad.known(sid, v, "db_type", "DescribeDBClusters.DBType"),
                  "DBVersion": ad.known(sid, v, "db_version", "DescribeDBClusters.DBVersion"),
                  "DBNodeClass": ad.known(sid, v, "db_node_class", "DescribeDBClusters.DBNodeClass")}
    hot, unk = v.get("hot_standby_cluster")
    attribute: dict = {"DBClusterId": sid}
    if unk or hot not in ("ON", "OFF"):
        ad.ctx.gap(sid, "DescribeDBClusterAttribute.HotStandbyCluster", "hot_standby_cluster",
                   "hot_standby_cluster is unknown until apply" if unk else f"hot_standby_cluster {hot!r} has no known API value")
    else:
        attribute["HotStandbyCluster"] = "StandbyClusterON" if hot == "ON" else "StandbyClusterOFF"
    strict, unk = v.get("strict_consistency")
    if not unk and strict:
        attribute["StrictConsistency"] = strict
    # the zones of the standby are chosen by the service
    ad.ctx.gap(sid, "DescribeDBClusterAttribute.ZoneIds", "zone_id", "the cluster's zones are chosen at apply")
    pay = ad.known(sid, v, "pay_type", "DescribeDBClusterAttribute.PayType")
    if pay is not None:  # the provider says PrePaid/PostPaid, the API Prepaid/Postpaid
        attribute["PayType"] = "Prepaid" if str(pay).lower() == "prepaid" else "Postpaid"
    lock = ad.known(sid, v, "deletion_lock", "DescribeDBClusterAttribute.DeletionLock")  # no documented default
    if lock is not None:
        attribute["DeletionLock"] = int(lock)
    item["attribute"] = attribute
    tde = ad.known_or_default(sid, v, "tde_status", "DescribeDBClusterTDE", "Disabled")  # documented default
    if tde is not None:
        key, _ = ad.ref_value(sid, rc, v, "encryption_key", "DescribeDBClusterTDE.EncryptionKey")
        if key:
            _ensure_key(ad, region, key)
        item["tde"] = {"TDEStatus": "Enabled" if tde == "Enabled" else "Disabled",
                       "EncryptNewTables": v.get("encrypt_new_tables")[0], "EncryptionKey": key or ""}
    arrays, unk = v.get("db_cluster_ip_array")
    ips, unk_ips = v.get("security_ips")
    if unk or unk_ips:
        ad.ctx.gap(sid, "DescribeDBClusterAccessWhitelist", "db_cluster_ip_array", "the IP whitelist is unknown until apply")
    else:
        groups = [{"DBClusterIPArrayName": a.get("db_cluster_ip_array_name") or "default",
                   "SecurityIps": ",".join(a.get("security_ips") or [])} for a in arrays or []]
        if not groups and ips:
            groups = [{"DBClusterIPArrayName": "default", "SecurityIps": ",".join(ips)}]
        item["whitelist"] = {"Items": {"DBClusterIPArray": groups}}
    # SSL (alicloud_polardb_endpoint) and backups (alicloud_polardb_backup_policy) are not read from plans:
    # polardb:DescribeDBClusterSSL and polardb:DescribeBackupPolicy are not in ANSWERED_CALLS
    ad.region_bucket(region, "polardb", "clusters").append(_register(ad, sid, item))


def map_kvstore(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_kvstore_instance -> R-kvstore DescribeInstances item + attribute, ssl, tde, backup_policy, security_ips."""
    sid = rc["address"]
    zone_attr = "zone_id" if v.get("zone_id")[0] is not None or v.get("zone_id")[1] else "availability_zone"
    zone = ad.known(sid, v, zone_attr, "DescribeInstances.ZoneId")
    secondary, unk = v.get("secondary_zone_id")
    if unk:
        ad.ctx.gap(sid, "DescribeInstanceAttribute.SecondaryZoneId", "secondary_zone_id", "secondary_zone_id is unknown until apply")
    item: dict = {"InstanceId": sid, "RegionId": region, "ZoneId": zone,
                  "InstanceType": ad.known(sid, v, "instance_type", "DescribeInstances.InstanceType"),
                  "EngineVersion": ad.known(sid, v, "engine_version", "DescribeInstances.EngineVersion"),
                  "InstanceClass": ad.known(sid, v, "instance_class", "DescribeInstances.InstanceClass")}
    if secondary:
        item["SecondaryZoneId"] = secondary
    # a vswitch (known, or a reference known only at apply) puts the instance in a VPC; none: the classic network
    vswitch, unk = v.get("vswitch_id")
    network = "VPC" if vswitch or (unk and (v.refs("vswitch_id") or "vswitch_id" in _config_keys(v, "vswitch_id"))) \
        else None
    if network is None:
        ad.ctx.gap(sid, "DescribeInstances.NetworkType", "vswitch_id",
                   "vswitch_id is unknown until apply" if unk else
                   "no vswitch_id: the network is the service's choice, which the plan cannot show", kind="missing")
    item["NetworkType"] = network
    # documented defaults: vpc_auth_mode Open (meaningful for VPC instances), payment_type PostPaid
    auth = ad.known_or_default(sid, v, "vpc_auth_mode", "DescribeInstanceAttribute.VpcAuthMode", "Open")
    pay_attr = "instance_charge_type" if v.get("instance_charge_type")[0] and not v.get("payment_type")[0] \
        else "payment_type"
    charge = ad.known_or_default(sid, v, pay_attr, "DescribeInstanceAttribute.ChargeType", "PostPaid")
    # not set (null in the plan, not unknown): the provider never turns release protection on
    protect = ad.known(sid, v, "instance_release_protection", "DescribeInstanceAttribute.InstanceReleaseProtection")
    unk_protect = v.get("instance_release_protection")[1]
    item["attribute"] = {"InstanceId": sid, "ZoneId": zone, "SecondaryZoneId": secondary, "VpcAuthMode": auth,
                         "ChargeType": charge,
                         "InstanceReleaseProtection": None if unk_protect else bool(protect)}
    ssl, unk = v.get("ssl_enable")
    if unk:
        ad.ctx.gap(sid, "DescribeInstanceSSL", "ssl_enable", "ssl_enable is unknown until apply")
    else:
        item["ssl"] = {"SSLEnabled": "Enable" if ssl in ("Enable", "Update") else "Disable"}
    tde, unk = v.get("tde_status")
    if unk:
        ad.ctx.gap(sid, "DescribeInstanceTDEStatus", "tde_status", "tde_status is unknown until apply")
    else:
        item["tde"] = {"TDEStatus": "Enabled" if tde == "Enabled" else "Disable"}
    period, unk_p = v.get("backup_period")
    log, unk_l = v.get("enable_backup_log")
    if unk_p or unk_l:
        ad.ctx.gap(sid, "DescribeBackupPolicy", "backup_period", "the backup settings are unknown until apply")
    else:
        # the retention is not a provider attribute (redis:DescribeBackupPolicy is not in ANSWERED_CALLS)
        item["backup_policy"] = {"PreferredBackupPeriod": ",".join(period) if period else None,
                                 "PreferredBackupTime": v.get("backup_time")[0],
                                 "EnableBackupLog": int(log or 0)}
    ips, unk = v.get("security_ips")
    if unk:
        ad.ctx.gap(sid, "DescribeSecurityIps", "security_ips", "security_ips is unknown until apply")
    else:
        item["security_ips"] = {"SecurityIpGroups": {"SecurityIpGroup": [
            {"SecurityIpGroupName": v.get("security_ip_group_name")[0] or "default",
             "SecurityIpList": ",".join(ips or []), "SecurityIpGroupAttribute": ""}]}}
    ad.region_bucket(region, "redis", "instances").append(_register(ad, sid, item))


def map_security_group(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_security_group -> a DescribeSecurityGroups item; its rules come from alicloud_security_group_rule."""
    sid = rc["address"]
    vpc, _ = ad.ref_value(sid, rc, v, "vpc_id", "DescribeSecurityGroups.VpcId")
    item = {"SecurityGroupId": sid, "RegionId": region, "VpcId": vpc,
            "SecurityGroupName": v.get("security_group_name")[0] or v.get("name")[0], "permissions": []}
    ad.region_bucket(region, "ecs", "security_groups").append(_register(ad, sid, item))


def map_security_group_rule(ad: Adapter, rc: dict, v: _Values, region: str) -> None:
    """alicloud_security_group_rule -> a DescribeSecurityGroupAttribute Permission on its group.

    Documented defaults: policy accept, priority 1. A rule on a group this plan does not create cannot be
    judged alone (the group's other rules may outrank it): its findings are ERROR, naming the rule."""
    sid = rc["address"]
    gid, _ = ad.ref_value(sid, rc, v, "security_group_id", "DescribeSecurityGroupAttribute")
    group = ad.ctx.items.get(gid) if gid else None
    if group is None:
        gid = gid or sid + "/security_group"
        group = next((g for g in ad.region_bucket(region, "ecs", "security_groups") if g["SecurityGroupId"] == gid), None)
        if group is None:
            group = {"SecurityGroupId": gid, "RegionId": region, "permissions": []}
            ad.ctx.items[gid] = group
            ad.ctx.stubs.add(gid)
            ad.ctx.settled[(gid, "DescribeSecurityGroupAttribute")] = sid
            ad.ctx.gap(gid, "DescribeSecurityGroupAttribute", "security_group_id",
                       f"the security group {gid} is not created by this plan: its other rules cannot be read")
            ad.region_bucket(region, "ecs", "security_groups").append(group)
    api = "DescribeSecurityGroupAttribute"
    gkey = group["SecurityGroupId"]
    perm = {"SecurityGroupRuleId": sid,
            "Direction": ad.known(gkey, v, "type", api),
            "IpProtocol": ad.known(gkey, v, "ip_protocol", api),
            "PortRange": ad.known_or_default(gkey, v, "port_range", api, "-1/-1"),
            "Policy": ad.known_or_default(gkey, v, "policy", api, "accept"),
            "Priority": ad.known_or_default(gkey, v, "priority", api, 1)}
    for attr, field_ in (("cidr_ip", "SourceCidrIp"), ("ipv6_cidr_ip", "Ipv6SourceCidrIp")):
        value, unk = v.get(attr)
        if unk and attr in _config_keys(v, attr):
            ad.ctx.gap(gkey, api, attr, f"{attr} of {sid} is unknown until apply")
        elif value and not unk:
            perm[field_] = value
    group["permissions"].append(perm)


# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS: dict[str, tuple[Callable, int]] = {
    "alicloud_kms_key": (map_kms_key, 0),
    "alicloud_ecs_auto_snapshot_policy": (map_snapshot_policy, 0),
    "alicloud_disk": (map_disk, 1),
    "alicloud_ecs_disk": (map_disk, 1),
    "alicloud_instance": (map_instance, 1),
    "alicloud_ecs_auto_snapshot_policy_attachment": (map_snapshot_policy_attachment, 2),
    "alicloud_oss_bucket": (map_bucket, 1),
    "alicloud_oss_bucket_server_side_encryption": (map_bucket_sse, 2),
    "alicloud_oss_bucket_versioning": (map_bucket_versioning, 2),
    "alicloud_oss_bucket_policy": (map_bucket_policy, 2),
    "alicloud_oss_bucket_acl": (map_bucket_acl, 2),
    "alicloud_oss_bucket_logging": (map_bucket_logging, 2),
    "alicloud_oss_bucket_replication": (map_bucket_replication, 2),
    "alicloud_oss_bucket_public_access_block": (map_bucket_public_access_block, 2),
    "alicloud_oss_bucket_https_config": (map_bucket_https_config, 2),
    "alicloud_security_group": (map_security_group, 0),
    "alicloud_security_group_rule": (map_security_group_rule, 1),
    "alicloud_db_instance": (map_db_instance, 1),
    "alicloud_db_backup_policy": (map_db_backup_policy, 2),
    "alicloud_slb_load_balancer": (map_slb, 0),
    "alicloud_slb_listener": (map_slb_listener, 1),
    "alicloud_alb_load_balancer": (map_alb_load_balancer, 0),
    "alicloud_alb_listener": (map_alb_listener, 1),
    "alicloud_alb_rule": (map_alb_rule, 2),
    "alicloud_alb_security_policy": (map_alb_security_policy, 0),
    "alicloud_alb_load_balancer_access_log_config_attachment": (map_alb_access_log, 1),
    "alicloud_polardb_cluster": (map_polardb, 1),
    "alicloud_kvstore_instance": (map_kvstore, 1),
}


def to_snapshot(doc: dict, path: str, default_region: str | None = None) -> tuple[dict, PlanContext]:
    return Adapter(doc, path, default_region).run()


# ---------------------------------------------------------------- after evaluation

def _reads(evidence: dict, api: str) -> bool:
    """Whether a finding's evidence reads the API field `api` (or a field under it, or the call itself)."""
    for key in evidence or {}:
        if key == api or key.startswith(api + ".") or api.startswith(key + "."):
            return True
    return False


def annotate(findings: list[dict], ctx: PlanContext) -> list[dict]:
    """Findings of a plan scan: addresses as resource ids, gaps as ERROR, findings on what the plan does not change dropped."""
    out = []
    for f in findings:
        rid = f.get("resource_id")
        evidence = f.get("evidence") or {}
        gaps = [g for g in ctx.gaps.get(rid, []) if _reads(evidence, g.api)]
        address = ctx.rename.get(rid) or ctx.owner.get(rid) or (rid if rid in ctx.planned else None)
        if rid in ctx.stubs:
            settled = [a for (name, api), a in ctx.settled.items() if name == rid and _reads(evidence, api)]
            if not settled or any(g.kind == "outside" for g in gaps):
                continue  # about a resource this plan does not change: not part of the review
            address = settled[0]
        if gaps:
            f["status"] = ERROR
            f["reason"] = "cannot be decided from the plan: " + "; ".join(g.reason for g in gaps)
            f["evidence"] = {**evidence, "plan_gaps": [{"api": g.api, "attribute": g.attribute} for g in gaps]}
        key = evidence.get("DescribeDisks.KMSKeyId")
        if f["status"] == ERROR and key in ctx.stubs and "not created by this plan" not in f["reason"]:
            f["reason"] += f" (the key {key} is not created by this plan)"
        if address:
            planned = ctx.planned.get(address)
            f["terraform"] = {"address": address, "type": planned.type if planned else None,
                              "actions": planned.actions if planned else None, "id": planned.api_id if planned else None}
            if rid in ctx.rename or rid in ctx.stubs:
                f["rule_resource_id"] = rid
                f["resource_id"] = address
        out.append(f)
    return out
