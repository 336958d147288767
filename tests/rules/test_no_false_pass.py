"""No rule says PASS on input it cannot trust.

Every registered rule runs over the bundled snapshots (gaps and compliant fixtures) while every field
it reads is recorded, per verdict. Then each of those fields, one at a time, is made malformed (a value
of another type, a number sent as a string, an empty XML element), absent (deleted, or null) or
unknown (a value outside what the documentation lists), and the verdict on the resource that read it
must not be PASS. Fields whose every string value is valid (names, free-form ids) are listed in
FREE_FORM with the reason; for them only wrong types and absence are tried.

Rules are called directly on the snapshot (no fake, no SDK): the point is the rules' reading of values,
and ~40k evaluations must stay fast.
"""

from __future__ import annotations

import copy
import json
import os
import re

import pytest

from aliaudit.model import PASS
from aliaudit.rules import all_rules
from aliaudit.settings import Settings
from aliaudit.snapshot import AccountView

from conftest import FIXTURES

class _Delete:
    def __repr__(self):
        return "<deleted>"


DELETE = _Delete()
UNKNOWN = "undocumented-value"

# Fields read only to show them in evidence, or to name things, never deciding a verdict: not mutated.
EVIDENCE_ONLY = {
    "Category", "Engine", "Description", "DBInstanceIPArrayAttribute", "SecurityIpGroupAttribute",
    "DBClusterIPArrayAttribute", "DBInstanceIPArrayName", "SecurityIpGroupName", "DBClusterIPArrayName",
    "NicType", "HotStandbyCluster", "ZoneType", "TrafficType", "FlowLogId", "SerialNumber", "MFABindRequired",
    "DBEndpointId", "SSLConnectionString", "SecurityGroupRuleId", "TargetPrefix", "ListenerPort",
    "DeleteDate", "Retention", "ID", "PlanId",
    # a second lookup key: resources name KMS keys by KeyId here, so the ARN of the key found is not deciding
    "KeyArn",
}
EVIDENCE_ONLY |= {"VpcId"}
# provenance: which OSS calls GetBucketInfo stood for; it names the source in the evidence, never decides
EVIDENCE_ONLY |= {"info_carried"}
EVIDENCE_ONLY_IN = {
    # (rule, field): evidence for that rule, deciding elsewhere
    ("rds-cross-region-backup", "Retention"),
    # these decide only NOT_APPLICABLE (an asymmetric or disabled key); a PASS needs AutomaticRotation Enabled
    ("kms-key-rotation", "KeySpec"), ("kms-key-rotation", "KeyState"),
    # KMS without a named key is KMS with an OSS-managed key: still KMS (the BYOK rule judges the key)
    ("oss-bucket-sse-kms", "KMSMasterKeyID"),
    ("hbr-backup-plan-enabled", "SourceType"),
    # an extra copy (RDS cross-region backups) can only raise a retention that the data backups already meet
    *{("rds-backup-retention", f) for f in ("cross_backup", "BackupEnabled", "Retention")},
    ("hbr-backup-plan-retention", "Rules"),  # backup rules add copies to a plan retention already met
    # the fixtures' instances are multi-zone by their ZoneId (MAZ); the standby's zone is a second source
    *{("rds-multi-zone", f) for f in ("attribute", "SlaveZones", "SlaveZone", "ZoneId")},
    # decides only NOT_APPLICABLE (a subscription cluster): a PASS needs the lock on
    ("polardb-deletion-protection", "PayType"), ("redis-release-protection", "ChargeType"),
    ("polardb-backup-retention", "DataLevel2BackupAnotherRegionRegion"),
    # Redis zones come from DescribeInstanceAttribute or DescribeInstances: either decides
    *{("redis-multi-zone", f) for f in ("attribute", "ZoneId", "SecondaryZoneId")},
    ("redis-password-required", "NetworkType"),
    # the fixtures' MongoDB hidden nodes share the primary's zone: the secondary's zone decides (a third source)
    ("mongodb-multi-zone", "HiddenZoneId"),
    ("ram-access-key-unused", "CreateDate"),  # decides only for a key never used (none in the fixtures)
    ("ram-user-single-active-key", "AccessKeyId"),  # names the active keys; their Status decides
    ("ram-console-user-idle", "login_profile"),  # any login profile (an object) means console access
    ("ram-console-user-idle", "CreateDate"),  # decides only for a user who never logged on (none in the fixtures)
    ("ram-console-user-mfa", "login_profile"),  # any login profile (an object) means console access; MFA decides  # decides only when VpcAuthMode is absent (NOT_APPLICABLE)
    ("redis-tde-enabled", "IsSupportTDE"), ("redis-tde-enabled", "attribute"),  # decides only NOT_APPLICABLE
    # the mutations of a policy statement's parts are valid policies here (a single string is the documented
    # one-value form, {} an empty Condition) that grant nothing to everyone: their PASS is right
    *{(r, f) for r in ("oss-bucket-policy-not-public", "oss-bucket-https-only")
      for f in ("Action", "Resource", "Condition", "Principal")},
    # a trail is named and de-duplicated by these; they do not decide whether it logs
    *{(r, f) for r in ("actiontrail-multi-region-trail", "actiontrail-trail-logging", "actiontrail-trail-delivery",
                       "actiontrail-trail-read-write", "actiontrail-oss-bucket-not-public")
      for f in ("Name", "TrailArn", "HomeRegion")},
    ("actiontrail-multi-region-trail", "EventRW"),
    # CIS 5.7: every Allow must carry a source condition whatever it grants to whom, and a Deny outside chosen
    # addresses decides alone: the other statements' parts (valid in every mutated form) do not decide
    *{("oss-bucket-source-ip-restricted", f) for f in ("Action", "Resource", "Condition", "Principal")},
    # NAS: the file system type and the group's mount-target count are shown, not deciding; a rule's id names it;
    # every rule counts whatever its RWAccess (read access to every address is already open)
    ("nas-encrypted-kms", "FileSystemType"), ("nas-access-rule-not-open", "MountTargetCount"),
    ("nas-access-rule-not-open", "AccessRuleId"), ("nas-access-rule-not-open", "RWAccess"),
    # CloudMonitor: a contact's name and an alert rule's name, namespace and metric are shown, never deciding
    ("cms-alarm-contact-active", "Name"),
    *{("cms-alarm-rule-notifies", f) for f in ("RuleName", "Namespace", "MetricName")},
    # WAF: a protected object's cloud service and its WAF site are shown, never deciding
    ("waf-protected-object-logging", "Product"), ("waf-protected-object-logging", "region"),
    # Cloud Firewall: shown with the verdict, never deciding
    *{("cloudfw-instance-active", f) for f in ("Version", "InstanceId")},
    *{("cloudfw-asset-protected", f) for f in ("ResourceType", "ResourceInstanceId", "BindInstanceId")},
    # shown with each trail's verdict; each decides another rule
    *{("actiontrail-trail-delivery", f) for f in ("Status", "TrailRegion", "EventRW", "IsLogging")},
    *{("actiontrail-trail-logging", f) for f in ("TrailRegion", "EventRW", "OssBucketName", "SlsProjectArn",
                                                 "OssBucketStatus", "SlsLogStoreStatus")},
    # delivery is to OSS or to SLS: with both set, losing one still delivers
    *{(r, f) for r in ("actiontrail-multi-region-trail", "actiontrail-trail-delivery")
      for f in ("OssBucketName", "SlsProjectArn", "OssBucketStatus", "SlsLogStoreStatus")},
    # ACK: the edition is shown with the Secrets verdict (only ACK Pro offers KMS encryption); the key decides
    ("ack-secrets-kms-encrypted", "cluster_spec"),
    # ACK cluster checks: a check's id and type name it in the evidence; its status and finished_at decide (any
    # type of check counts: CIS 7.4 asks for a check, the API's types are all cluster checks)
    ("ack-cluster-check-weekly", "check_id"), ("ack-cluster-check-weekly", "type"),
    # SLS: the BYOK key of an encrypted logstore and the hot tier's ttl are shown, not deciding
    ("sls-logstore-encrypted", "user_cmk_info"), ("sls-logstore-encrypted", "cmk_key_id"),
    ("sls-logstore-retention-365", "hot_ttl"),
    # Security Center: an asset is named by its InstanceId (its Uuid otherwise) and placed by its RegionId; the
    # agent's sub-status decides only NOT_APPLICABLE (a server shut down); the rest is shown, not deciding
    *{(r, f) for r in ("sas-agent-online", "sas-os-vulnerabilities-fixed", "sas-ecs-agent-online")
      for f in ("Uuid", "RegionId", "ClientSubStatus")},
    ("sas-ecs-agent-online", "Status"), ("sas-edition-advanced", "IsTrialVersion"),
}
# Fields where any string is a valid value (names, ids, zones): a different string is not "unknown", so only
# wrong types and absence are tried.
FREE_FORM = {
    "TargetBucket", "LogProject", "LogStore", "OssBucketName", "SlsProjectArn", "Name", "InstanceId", "Bucket",
    "UserName", "AccessKeyId", "ListenerId", "RuleId", "LoadBalancerId", "SecurityPolicyId", "TrailArn",
    "HomeRegion", "VpcId", "ResourceId", "DBInstanceId", "DBClusterId", "DiskId", "KeyId", "KeyArn", "Arn",
    "AutoSnapshotPolicyId", "SecurityGroupId", "Location", "ZoneId", "SecondaryZoneId", "ZoneIds", "MasterZoneId",
    "SlaveZoneId", "TDERegion", "CrossBackupRegion", "KMSKeyId", "KMSMasterKeyID", "EncryptionKey",
    "SourcePrefixListId", "DataLevel2BackupAnotherRegionRegion",
    # ACK: add-on names (any name is a valid add-on; a renamed one is another add-on), node pool ids, SLS projects
    "name", "nodepool_id", "log_project",
    # RDS DescribeParameters: any string names some parameter; the rule looks for its own by name
    "ParameterName",
    "PolicyName",  # a RAM policy's name: any name is valid (only AdministratorAccess is singled out)
    # CloudMonitor: an alert rule's contact group names, a contact's e-mail address
    "ContactGroups", "Mail",
}


# Fields whose absence (or empty value) is a documented state with a documented meaning: for these, absence is
# not "unknown", so only wrong types (and unknown values) are tried.
OPTIONAL = {
    # a security-group rule has one kind of source; Policy defaults to Accept and Priority to 1
    "SourceCidrIp", "Ipv6SourceCidrIp", "SourcePrefixListId", "Policy", "Priority",
    # the applied policy's id decides; the flag, when present, must be true (a Terraform plan has the id only)
    "EnableAutomatedSnapshotPolicy",
    # PolarDB level-2 backups (and their cross-region copy) are off when 0, the documented default
    "DataLevel2BackupRetentionPeriod", "DataLevel2BackupAnotherRegionRetentionPeriod",
    "DataLevel2BackupAnotherRegionRegion",
}
# Per rule: a field that is one of two documented sources of the same fact, where the other one decides
# (PolarDB zones: ZoneIds or the nodes' ZoneId; Redis zones and charge type: DescribeInstanceAttribute or
# DescribeInstances), or an extra copy that can only raise a retention already met.
OPTIONAL_IN = {
    ("polardb-multi-zone", "ZoneIds"), ("polardb-multi-zone", "DBNodes"), ("polardb-multi-zone", "ZoneId"),
    ("polardb-tde-cmk", "TDERegion"),  # absent: the key is in the cluster's region
    ("oss-bucket-cross-region-replication", "Location"),  # absent: the bucket is in its listing region
    ("oss-bucket-policy-not-public", "policy"),  # null: no bucket policy (NoSuchBucketPolicy)
    ("alb-listener-https-only", "RuleConditions"),  # no condition: the rule matches every request
    # a key never used has no LastUsedDate: its idle time runs from CreateDate (GetAccessKeyLastUsed)
    ("ram-access-key-unused", "last_used"), ("ram-access-key-unused", "LastUsedDate"),
    ("ack-node-pool-disks-encrypted", "data_disks"),  # a node pool without data disks has none to encrypt
    # DescribeInstances EipAddress.IpAddress "" is the documented "no EIP associated" value
    ("ecs-data-tier-no-public-ip", "IpAddress"),
}
# Allow-list fields: "" is a group without entries (documented as a string of comma-separated entries)
EMPTY_OK = {"SecurityIPList", "SecurityIps", "SecurityIpList"}


class _Tracked(dict):
    """A dict that logs (path, key) of every read."""

    __slots__ = ("path", "log")

    def get(self, key, default=None):
        self.log.append(self.path + (key,))
        return super().get(key, default)

    def __getitem__(self, key):
        self.log.append(self.path + (key,))
        return super().__getitem__(key)

    def __contains__(self, key):
        self.log.append(self.path + (key,))
        return super().__contains__(key)


def _track(value, path, log):
    if isinstance(value, dict):
        out = _Tracked({k: _track(v, path + (k,), log) for k, v in value.items()})
        out.path, out.log = path, log
        return out
    if isinstance(value, list):
        return [_track(v, path + (i,), log) for i, v in enumerate(value)]
    return value


def _resource_paths(account):
    """The paths under which resources sit (regions.<r>.<product>.<kind> and global.<product>.<kind>)."""
    out = []
    for region, products in account.get("regions", {}).items():
        for product, kinds in products.items():
            out += [("regions", region, product, kind) for kind in kinds]
    for product, kinds in account.get("global", {}).items():
        out += [("global", product, kind) for kind in kinds]
    return out


def _tracked_account(account, log):
    acct = copy.copy(account)
    acct["regions"] = {r: {p: {k: _track(items, ("regions", r, p, k), log) for k, items in kinds.items()}
                           for p, kinds in products.items()} for r, products in account["regions"].items()}
    acct["global"] = {p: {k: _track(items, ("global", p, k), log) for k, items in kinds.items()}
                      for p, kinds in account.get("global", {}).items()}
    return acct


def _attributed_reads(rule, account, collected_at, settings):
    """[(check, set of field paths read since the previous check)] of one run."""
    log: list = []
    view = AccountView(_tracked_account(account, log), collected_at)
    out = []
    for check in rule(view, settings):
        reads = [p for p in log if len(p) > 5 and p[0] == "regions" or len(p) > 4 and p[0] == "global"]
        out.append((check, _relevant(account, reads, check)))
        log.clear()
    return out


def _item(account, path):
    return _at(account, (path[:5] if path[0] == "regions" else path[:4]) + (None,))


ID_LIKE = re.compile(r"^(?!cn-|ap-|us-|eu-|me-)[a-z]{1,5}-(?=[a-z-]*[0-9])[a-z0-9-]{6,}$")


SHARED_IDS = {"ResourceGroupId", "VaultId", "RequestId", "OwnerId", "VpcId", "VSwitchId", "RegionId"}


def _ids(item) -> set:
    """Ids that link an item to another (a KMS key id, an instance id); not those many items share."""
    if not isinstance(item, dict):
        return set()
    return {v for k, v in item.items() if k not in SHARED_IDS and isinstance(v, str) and ID_LIKE.match(v)}


def _relevant(account, reads, check) -> set:
    """The reads that concern the judged resource: its own fields, and those of items that name it or share an
    id with it (the KMS key a disk names, the backup plan that names an instance). A rule that reads all items
    to build an index reads much more; mutating an unrelated item is not about this verdict."""
    own = [p for p in reads if _mentions(_item(account, p), check.resource_id)]
    if not own:  # an account- or region-level verdict: everything it read in its region
        return {p for p in reads if check.region is None or p[0] != "regions" or p[1] == check.region}
    own_ids = _ids(_item(account, own[0]))  # the judged item is the first one read that names it
    return {p for p in reads if _mentions(_item(account, p), check.resource_id) or _ids(_item(account, p)) & own_ids}


def _mentions(item, resource_id) -> bool:
    if not isinstance(item, dict):
        return False
    return any(isinstance(v, str) and v and (v == resource_id or resource_id.startswith(v + "/"))
               for v in item.values())


def _mutations(original, field):
    muts = [] if field in OPTIONAL else [DELETE, None]
    if isinstance(original, bool):
        muts += ["true" if original else "false", 1 if original else 0, ""]
    elif isinstance(original, int):
        muts += [str(original), f"{original}x", ""]
    elif isinstance(original, str):
        muts += [12345, ["x"], {}]
        if field not in FREE_FORM:
            muts += [UNKNOWN] + ([] if field in OPTIONAL else [""])
    elif isinstance(original, list):
        muts += [{}, "x", 7, [None], [7]]
    elif isinstance(original, dict):
        muts += ["x", [], 7, {"Unexpected": UNKNOWN}]
    else:  # absent or null where the rule looked
        muts = [12345, {}, [], True] + ([] if field in FREE_FORM else [UNKNOWN])
    return muts


def _at(doc, path):
    for p in path[:-1]:
        doc = doc[p]
    return doc


def _apply(account, path, value):
    """Set (or delete) a field in place; returns an undo function, or None when the path does not exist."""
    try:
        parent = _at(account, path)
    except (KeyError, IndexError, TypeError):
        return None
    key = path[-1]
    if not isinstance(parent, dict):
        return None
    had, old = key in parent, parent.get(key)
    if value is DELETE:
        if not had:
            return None
        del parent[key]
    else:
        parent[key] = value

    def undo():
        if had:
            parent[key] = old
        else:
            parent.pop(key, None)
    return undo


def _status(rule, account, collected_at, settings, resource_id):
    try:
        checks = list(rule(AccountView(account, collected_at), settings))
    except Exception:  # the engine turns a crash into ERROR: not a PASS
        return None
    return [c.status for c in checks if c.resource_id == resource_id]


def _fixtures():
    out = []
    for name in ("hk-insurer-gaps.json", "hk-insurer-compliant.json"):
        with open(os.path.join(FIXTURES, name), encoding="utf-8") as fh:
            doc = json.load(fh)
        out += [(name, doc.get("collected_at"), acct) for acct in doc["accounts"]]
    return out


FIXTURE_ACCOUNTS = _fixtures()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_no_rule_passes_on_malformed_absent_or_unknown_input(rule):
    settings = Settings()
    bad = []
    tried = 0
    for name, collected_at, original in FIXTURE_ACCOUNTS:
        account = copy.deepcopy(original)
        for check, reads in _attributed_reads(rule, account, collected_at, settings):
            for path in sorted(reads, key=str):
                if any(isinstance(p, int) for p in path[-1:]):
                    continue
                try:
                    original_value = _at(account, path).get(path[-1])
                except (KeyError, IndexError, TypeError, AttributeError):
                    continue
                if path[-1] in EVIDENCE_ONLY or (rule.id, path[-1]) in EVIDENCE_ONLY_IN:
                    continue
                muts = _mutations(original_value, path[-1])
                if (rule.id, path[-1]) in OPTIONAL_IN:
                    muts = [m for m in muts if m is not DELETE and m is not None and not isinstance(m, (str, dict))]
                if path[-1] in EMPTY_OK:
                    muts = [m for m in muts if m != ""]
                for value in muts:
                    undo = _apply(account, path, value)
                    if undo is None:
                        continue
                    tried += 1
                    try:
                        statuses = _status(rule, account, collected_at, settings, check.resource_id)
                    finally:
                        undo()
                    if statuses and PASS in statuses:
                        bad.append(f"{name}: {check.resource_id}: {'.'.join(map(str, path))} = {value!r} "
                                   f"(was {original_value!r}) -> PASS")
    assert not bad, f"{len(bad)} false PASS of {tried} mutations:\n" + "\n".join(bad[:40])
