"""ECS rules: disk encryption, automatic snapshots, instances across zones."""

from collections import defaultdict

from .base import check, not_applicable, rule, unknown
from .common import is_customer_key, key_index


@rule(id="ecs-disk-encrypted", product="ecs", severity="high", resource_type="ecs:disk",
      needs=("ecs:DescribeDisks",),
      title="ECS disks are encrypted",
      rationale="GL8 5.1(b) asks that data at rest stays intact and confidential; an unencrypted disk exposes "
                "policyholder data to anyone who obtains a copy of the volume or its snapshots.",
      remediation={
          "console": "ECS console > Storage & Snapshots > Disks: create an encrypted disk (or an encrypted copy "
                     "from a snapshot), move the data, then release the unencrypted disk.",
          "cli": "aliyun ecs CreateDisk --RegionId {region} --ZoneId <zone> --Encrypted true --KMSKeyId <kms-key-id> ... "
                 "(then move the data of {resource_id} and release it)",
          "terraform": "alicloud_ecs_disk.encrypted = true (with kms_key_id), a new disk replacing {resource_id} ({region})",
      })
def disk_encrypted(acct, settings):
    for disk in acct.resources("ecs", "disks"):
        yield check(disk.get("DiskId"), disk.region, disk.get("Encrypted") is True,
                    {"DescribeDisks.Encrypted": disk.get("Encrypted"), "DescribeDisks.Category": disk.get("Category")},
                    "" if disk.get("Encrypted") is True else "the disk is not encrypted")


@rule(id="ecs-disk-encrypted-cmk", product="ecs", severity="medium", resource_type="ecs:disk",
      needs=("ecs:DescribeDisks", "kms:ListKeys", "kms:DescribeKey"),
      title="ECS disks are encrypted with a customer-managed KMS key",
      rationale="With a key the insurer controls, access to the data can be audited and revoked, and destroying "
                "the key renders the data unreadable when an outsourcing arrangement ends (GL14 5.13).",
      remediation={
          "console": "KMS console: create a customer master key; ECS console: re-create the disk encrypted with it.",
          "cli": "aliyun ecs CreateDisk --RegionId {region} --Encrypted true --KMSKeyId <customer-key-id> ... "
                 "(then move the data of {resource_id} and release it)",
          "terraform": "alicloud_ecs_disk replacing {resource_id} ({region}): kms_key_id = alicloud_kms_key.<cmk>.id",
      })
def disk_encrypted_cmk(acct, settings):
    keys_by_region = {r: key_index(acct, r) for r in acct.regions}
    for disk in acct.resources("ecs", "disks"):
        key_id = disk.get("KMSKeyId") or ""
        evidence = {"DescribeDisks.Encrypted": disk.get("Encrypted"), "DescribeDisks.KMSKeyId": key_id}
        if disk.get("Encrypted") is not True or not key_id:
            yield check(disk.get("DiskId"), disk.region, False, evidence,
                        "the disk is not encrypted with a KMS key")
            continue
        key = keys_by_region.get(disk.region, {}).get(key_id)
        if key is None:
            yield check(disk.get("DiskId"), disk.region, False, evidence,
                        "the key is not among the account's KMS keys (a service-managed default key?)")
            continue
        if "metadata" not in key:
            yield unknown(disk.get("DiskId"), disk.region, f"kms:DescribeKey for {key_id} was not read", evidence)
            continue
        evidence["DescribeKey.KeyMetadata.Creator"] = key["metadata"].get("Creator")
        yield check(disk.get("DiskId"), disk.region, is_customer_key(key["metadata"]), evidence,
                    "" if is_customer_key(key["metadata"]) else "the key was created by a cloud service, not the account")


@rule(id="ecs-disk-auto-snapshot", product="ecs", severity="medium", resource_type="ecs:disk",
      needs=("ecs:DescribeDisks", "ecs:DescribeAutoSnapshotPolicyEx"),
      title="ECS disks are covered by an active automatic snapshot policy",
      rationale="GL8 5.1(c) requires appropriate backups of databases and application software; automatic "
                "snapshots are the baseline backup of an ECS workload.",
      remediation={
          "console": "ECS console > Storage & Snapshots > Automatic Snapshot Policies: apply a policy to the disk.",
          "cli": "aliyun ecs ApplyAutoSnapshotPolicy --RegionId {region} --autoSnapshotPolicyId <sp-id> --diskIds '[\"{resource_id}\"]'",
          "terraform": "alicloud_ecs_auto_snapshot_policy_attachment (auto_snapshot_policy_id, disk_id = \"{resource_id}\")",
      })
def disk_auto_snapshot(acct, settings):
    policies = {(p.region, p.get("AutoSnapshotPolicyId")): p for p in acct.resources("ecs", "auto_snapshot_policies")}
    for disk in acct.resources("ecs", "disks"):
        policy_id = disk.get("AutoSnapshotPolicyId") or ""
        policy = policies.get((disk.region, policy_id))
        policy = policy.data if policy is not None else None
        evidence = {"DescribeDisks.AutoSnapshotPolicyId": policy_id,
                    "DescribeDisks.EnableAutomatedSnapshotPolicy": disk.get("EnableAutomatedSnapshotPolicy")}
        if policy is not None:
            evidence["DescribeAutoSnapshotPolicyEx.Status"] = policy.get("Status")
        ok = bool(policy_id) and policy is not None and policy.get("Status") == "Normal"
        reason = "" if ok else ("no automatic snapshot policy is applied" if not policy_id else
                                "the applied policy is missing or not in the Normal state")
        yield check(disk.get("DiskId"), disk.region, ok, evidence, reason)


@rule(id="ecs-snapshot-policy-retention", product="ecs", severity="medium", resource_type="ecs:auto-snapshot-policy",
      needs=("ecs:DescribeAutoSnapshotPolicyEx",),
      title="Automatic snapshot policies keep snapshots long enough",
      rationale="A backup that is deleted before a problem is noticed does not allow recovery (GL8 5.1(c)).",
      remediation={
          "console": "ECS console > Automatic Snapshot Policies > Modify: set the retention to at least the "
                     "configured number of days, or keep snapshots permanently.",
          "cli": "aliyun ecs ModifyAutoSnapshotPolicyEx --RegionId {region} --autoSnapshotPolicyId {resource_id} --retentionDays {ev:required_days}",
          "terraform": "alicloud_ecs_auto_snapshot_policy ({resource_id}, {region}): retention_days >= {ev:required_days}",
      })
def snapshot_policy_retention(acct, settings):
    need = settings.snapshot_retention_days
    for policy in acct.resources("ecs", "auto_snapshot_policies"):
        days = policy.get("RetentionDays")
        ok = isinstance(days, int) and (days == -1 or days >= need)
        yield check(policy.get("AutoSnapshotPolicyId"), policy.region, ok,
                    {"DescribeAutoSnapshotPolicyEx.RetentionDays": days, "required_days": need},
                    "" if ok else f"snapshots are kept {days} days, fewer than {need}")


@rule(id="ecs-instances-multi-zone", product="ecs", severity="medium", resource_type="region",
      needs=("ecs:DescribeInstances",),
      title="ECS instances in a region span at least two zones",
      rationale="GL14 5.17 asks for a contingency plan; instances in one zone are lost together when the zone "
                "fails. Hong Kong has more than one zone.",
      remediation={
          "console": "Deploy instances of each tier in a second zone of the region (for example cn-hongkong-c) "
                     "behind a load balancer.",
          "cli": "aliyun ecs RunInstances --RegionId {region} --ZoneId <second-zone> ...",
          "terraform": "alicloud_instance.availability_zone / alicloud_ecs_instance_set across vswitches in two zones of {region}",
      })
def instances_multi_zone(acct, settings):
    zones = defaultdict(set)
    counts = defaultdict(int)
    for inst in acct.resources("ecs", "instances"):
        zones[inst.region].add(inst.get("ZoneId"))
        counts[inst.region] += 1
    for region in acct.regions:
        if not counts[region]:
            continue
        found = sorted(z for z in zones[region] if z)
        ok = len(found) >= settings.min_zones
        yield check(region, region, ok, {"DescribeInstances.ZoneId": found, "instances": counts[region],
                                         "required_zones": settings.min_zones},
                    "" if ok else f"all {counts[region]} instance(s) are in {len(found)} zone(s)")
