"""ECS rules: disk encryption, automatic snapshots, instances across zones, instance hardening (metadata mode,
release protection, no public address on data-tier instances)."""

from collections import defaultdict

from .base import BadField, check, each, not_applicable, rule, unknown
from .common import customer_key_check, read


@rule(id="ecs-disk-encrypted", product="ecs", severity="high", resource_type="ecs:disk",
      needs=("ecs:DescribeDisks",), informative=("DescribeDisks.Category",),
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
@each("ecs", "disks", "DiskId")
def disk_encrypted(disk, acct, settings):
    encrypted = read(disk, "Encrypted", "bool", name="DescribeDisks.Encrypted", optional=False)
    return check(disk.get("DiskId"), disk.region, encrypted,
                 {"DescribeDisks.Encrypted": encrypted, "DescribeDisks.Category": disk.get("Category")},
                 "" if encrypted else "the disk is not encrypted")


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
@each("ecs", "disks", "DiskId")
def disk_encrypted_cmk(disk, acct, settings):
    encrypted = read(disk, "Encrypted", "bool", name="DescribeDisks.Encrypted")
    key_id = read(disk, "KMSKeyId", "str", name="DescribeDisks.KMSKeyId") or ""
    evidence = {"DescribeDisks.Encrypted": encrypted, "DescribeDisks.KMSKeyId": key_id}
    if not encrypted or not key_id:
        return check(disk.get("DiskId"), disk.region, False, evidence, "the disk is not encrypted with a KMS key")
    return customer_key_check(acct, disk.get("DiskId"), disk.region, disk.region, key_id, evidence,
                              "the key is not among the account's KMS keys (a service-managed default key?)")


def _policy_index(acct, settings) -> dict:
    policies: dict = {}
    for p in acct.resources("ecs", "auto_snapshot_policies"):
        policies.setdefault((p.region, p.get("AutoSnapshotPolicyId")), []).append(p.data)
    return policies


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
@each("ecs", "disks", "DiskId", prepare=_policy_index)
def disk_auto_snapshot(disk, acct, settings, policies):
    policy_id = read(disk, "AutoSnapshotPolicyId", "str", name="DescribeDisks.AutoSnapshotPolicyId") or ""
    # when present, the flag must agree with the policy id (a Terraform plan has the id only)
    enabled = read(disk, "EnableAutomatedSnapshotPolicy", "bool", name="DescribeDisks.EnableAutomatedSnapshotPolicy")
    evidence = {"DescribeDisks.AutoSnapshotPolicyId": policy_id, "DescribeDisks.EnableAutomatedSnapshotPolicy": enabled}
    policy = (policies.get((disk.region, policy_id)) or [None])[0] if policy_id else None
    status = None
    if policy is not None:
        status = read(policy, "Status", "str", name="DescribeAutoSnapshotPolicyEx.Status", optional=False)
        evidence["DescribeAutoSnapshotPolicyEx.Status"] = status
    ok = bool(policy_id) and enabled is not False and policy is not None and status == "Normal"
    reason = "" if ok else ("no automatic snapshot policy is applied" if not policy_id or enabled is False else
                            "the applied policy is missing or not in the Normal state")
    return check(disk.get("DiskId"), disk.region, ok, evidence, reason)


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
@each("ecs", "auto_snapshot_policies", "AutoSnapshotPolicyId")
def snapshot_policy_retention(policy, acct, settings):
    need = settings.snapshot_retention_days
    # RetentionDays is documented as an Integer: -1 keeps snapshots permanently
    days = read(policy, "RetentionDays", "int", name="DescribeAutoSnapshotPolicyEx.RetentionDays", optional=False)
    ok = days == -1 or days >= need
    return check(policy.get("AutoSnapshotPolicyId"), policy.region, ok,
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
    bad = {}
    for inst in acct.resources("ecs", "instances"):
        zone = inst.get("ZoneId")
        if not isinstance(zone, str) or not zone:
            bad.setdefault(inst.region, (inst.get("InstanceId"), zone))
        zones[inst.region].add(zone)
        counts[inst.region] += 1
    for region in acct.regions:
        if not counts[region]:
            continue
        if region in bad:
            yield unknown(region, region, f"instance {bad[region][0]} has no readable ZoneId",
                          {"DescribeInstances.ZoneId": bad[region][1]})
            continue
        found = sorted(z for z in zones[region] if z)
        ok = len(found) >= settings.min_zones
        yield check(region, region, ok, {"DescribeInstances.ZoneId": found, "instances": counts[region],
                                         "required_zones": settings.min_zones},
                    "" if ok else f"all {counts[region]} instance(s) are in {len(found)} zone(s)")


# DescribeDisks Status (ECS "Disk states"): Deleting and Deleted are internal and never listed.
DISK_STATES = ("In_use", "Available", "Attaching", "Detaching", "Creating", "ReIniting")


@rule(id="ecs-unattached-disk-encrypted", product="ecs", severity="medium", resource_type="ecs:disk",
      needs=("ecs:DescribeDisks",),
      title="ECS disks not attached to an instance are encrypted",
      rationale="CIS 4.1: a detached disk is easily forgotten, and its data stays readable to anyone who can "
                "attach or copy it unless it is encrypted; GL8 5.1(b) asks that data at rest stays confidential.",
      remediation={
          "console": "ECS console > Storage & Snapshots > Disks: snapshot the unattached disk {resource_id}, create an "
                     "encrypted disk from the snapshot, then release {resource_id} (or release it if unneeded).",
          "cli": "aliyun ecs CreateSnapshot --DiskId {resource_id}; aliyun ecs CreateDisk --RegionId {region} "
                 "--ZoneId <zone> --SnapshotId <snapshot-id> --Encrypted true --KMSKeyId <kms-key-id>; "
                 "aliyun ecs DeleteDisk --DiskId {resource_id}",
          "terraform": "alicloud_ecs_disk replacing {resource_id} ({region}): encrypted = true, kms_key_id = <kms-key-id>",
      })
@each("ecs", "disks", "DiskId")
def unattached_disk_encrypted(disk, acct, settings):
    status = read(disk, "Status", "str", name="DescribeDisks.Status", optional=False, values=DISK_STATES)
    if status != "Available":  # attached (or attaching, detaching, being created): ecs-disk-encrypted judges it
        return not_applicable(disk.get("DiskId"), disk.region, f"the disk is attached or changing (Status {status})",
                              {"DescribeDisks.Status": status})
    encrypted = read(disk, "Encrypted", "bool", name="DescribeDisks.Encrypted", optional=False)
    return check(disk.get("DiskId"), disk.region, encrypted,
                 {"DescribeDisks.Status": status, "DescribeDisks.Encrypted": encrypted},
                 "" if encrypted else "the unattached disk is not encrypted")


@rule(id="ecs-instance-not-classic-network", product="ecs", severity="medium", resource_type="ecs:instance",
      needs=("ecs:DescribeInstances",),
      title="ECS instances are in a VPC, not on the classic network",
      rationale="CIS 3.1: the classic network is shared by all tenants of a region and cannot be isolated with "
                "VPC routing, flow logs or private subnets; GL20 protection asks that networks are segregated.",
      remediation={
          "console": "ECS console > Instances > {resource_id} > More > Network and Security Group > Migrate to VPC "
                     "(classic network to VPC migration).",
          "cli": "aliyun ecs CreateInstance --RegionId {region} --VSwitchId <vsw-id> ... (a VPC instance replacing "
                 "{resource_id}; migrate, then release {resource_id})",
          "terraform": "alicloud_instance replacing {resource_id} ({region}): vswitch_id = <vsw-id>",
      })
@each("ecs", "instances", "InstanceId")
def instance_not_classic(inst, acct, settings):
    network = read(inst, "InstanceNetworkType", "str", name="DescribeInstances.InstanceNetworkType",
                   optional=False, values=("classic", "vpc"))
    ok = network == "vpc"
    return check(inst.get("InstanceId"), inst.region, ok, {"DescribeInstances.InstanceNetworkType": network},
                 "" if ok else "the instance is on the classic network")


# ==== ECS hardening: instance metadata, deletion protection, public addresses on data-tier instances ====

METADATA_TOKENS = ("optional", "required")  # DescribeInstances MetadataOptions.HttpTokens
METADATA_ENDPOINT = ("enabled", "disabled")  # DescribeInstances MetadataOptions.HttpEndpoint


@rule(id="ecs-instance-metadata-hardened", product="ecs", severity="medium", resource_type="ecs:instance",
      needs=("ecs:DescribeInstances",),
      title="ECS instances serve metadata in security-hardened mode only (tokens required)",
      rationale="GL8 5.1(d) and GL20 protection.identity: in normal mode any process, or a server-side request "
                "forgery through a web application, can read the instance's RAM role credentials from the metadata "
                "service with a plain GET; hardened mode (HttpTokens required) asks for a token first.",
      remediation={
          "console": "ECS console > Instances > {resource_id} > More > Instance Settings > Modify Instance "
                     "Metadata Access Mode: Security Hardening Mode.",
          "cli": "aliyun ecs ModifyInstanceMetadataOptions --RegionId {region} --InstanceId {resource_id} "
                 "--HttpEndpoint enabled --HttpTokens required",
          "terraform": "alicloud_instance ({resource_id}, {region}): http_tokens = \"required\"",
      })
@each("ecs", "instances", "InstanceId")
def instance_metadata_hardened(inst, acct, settings):
    endpoint = read(inst, "MetadataOptions.HttpEndpoint", "str", name="DescribeInstances.MetadataOptions.HttpEndpoint",
                    optional=False, values=METADATA_ENDPOINT)
    tokens = read(inst, "MetadataOptions.HttpTokens", "str", name="DescribeInstances.MetadataOptions.HttpTokens",
                  optional=False, values=METADATA_TOKENS)
    evidence = {"DescribeInstances.MetadataOptions.HttpTokens": tokens,
                "DescribeInstances.MetadataOptions.HttpEndpoint": endpoint}
    if endpoint == "disabled":
        return check(inst.get("InstanceId"), inst.region, True, evidence, "the metadata endpoint is switched off")
    ok = tokens == "required"
    return check(inst.get("InstanceId"), inst.region, ok, evidence,
                 "" if ok else "tokens not required")


@rule(id="ecs-instance-deletion-protection", product="ecs", severity="low", resource_type="ecs:instance",
      needs=("ecs:DescribeInstances",),
      title="ECS instances have release (deletion) protection on",
      rationale="GL14 5.17 and GL20 recovery: a pay-as-you-go instance released by mistake, by a script or by a "
                "compromised identity takes its system and data disks with it; release protection stops that.",
      remediation={
          "console": "ECS console > Instances > {resource_id} > More > Instance Settings > Change Release "
                     "Protection Setting: on.",
          "cli": "aliyun ecs ModifyInstanceAttribute --InstanceId {resource_id} --DeletionProtection true",
          "terraform": "alicloud_instance ({resource_id}, {region}): deletion_protection = true",
      })
@each("ecs", "instances", "InstanceId")
def instance_deletion_protection(inst, acct, settings):
    on = read(inst, "DeletionProtection", "bool", name="DescribeInstances.DeletionProtection", optional=False)
    return check(inst.get("InstanceId"), inst.region, on, {"DescribeInstances.DeletionProtection": on},
                 "" if on else "release protection is off")


def _tags(inst) -> dict[str, str]:
    """DescribeInstances Tags.Tag[] as {TagKey: TagValue}; absent Tags is no tag."""
    tags = read(inst, "Tags.Tag", "list", name="DescribeInstances.Tags.Tag") or []
    out = {}
    for tag in tags:
        if not isinstance(tag, dict):
            raise BadField("DescribeInstances.Tags.Tag", tag, "a tag object")
        key = read(tag, "TagKey", "str", name="DescribeInstances.Tags.Tag.TagKey", optional=False)
        out[key] = read(tag, "TagValue", "str", name="DescribeInstances.Tags.Tag.TagValue") or ""
    return out


def _public_addresses(inst) -> list[str]:
    """The instance's public addresses: its fixed public IPs (PublicIpAddress.IpAddress[]) and the EIP
    associated with it (EipAddress.IpAddress, "" when none). Both are always in the answer."""
    fixed = read(inst, "PublicIpAddress.IpAddress", "list", name="DescribeInstances.PublicIpAddress.IpAddress",
                 optional=False)
    if not all(isinstance(a, str) for a in fixed):
        raise BadField("DescribeInstances.PublicIpAddress.IpAddress", fixed, "a list of addresses")
    eip = read(inst, "EipAddress.IpAddress", "str", name="DescribeInstances.EipAddress.IpAddress", optional=False)
    return [a for a in fixed if a] + ([eip] if eip else [])


@rule(id="ecs-data-tier-no-public-ip", product="ecs", severity="high", resource_type="ecs:instance",
      needs=("ecs:DescribeInstances",),
      title="Data-tier ECS instances have no public IP or EIP",
      rationale="GL8 5.1(d) and GL20 protection.exposure: a database or file server holding clients' data should be "
                "reachable only from the application tier inside the VPC; a public address puts it one security-"
                "group mistake away from the internet. Data-tier instances are those carrying the tag set by "
                "`data_tier_tag` (aliaudit:tier=data by default); with none so tagged the rule is NOT_APPLICABLE.",
      remediation={
          "console": "ECS console > Instances > {resource_id}: unassociate the EIP (More > Network and Security "
                     "Group > Unbind EIP) and/or convert or release the fixed public IP; reach the instance through "
                     "a bastion host or the VPC.",
          "cli": "aliyun vpc UnassociateEipAddress --RegionId {region} --InstanceId {resource_id} "
                 "--AllocationId <eip-allocation-id>",
          "terraform": "alicloud_instance ({resource_id}, {region}): internet_max_bandwidth_out = 0, and no "
                       "alicloud_eip_association for it",
      })
def data_tier_no_public_ip(acct, settings):
    key, _, value = settings.data_tier_tag.partition("=")
    marked = seen = 0
    for inst in acct.resources("ecs", "instances"):
        seen += 1
        iid = inst.get("InstanceId")
        try:
            if _tags(inst).get(key) != value:
                continue
            marked += 1
            public = _public_addresses(inst)
        except BadField as bad:
            marked += 1  # perhaps a data-tier instance: the account is not "none tagged"
            yield unknown(iid, inst.region, bad.reason, bad.evidence)
            continue
        evidence = {"DescribeInstances.Tags.Tag": settings.data_tier_tag,
                    "DescribeInstances.PublicIpAddress.IpAddress": inst.get("PublicIpAddress", {}).get("IpAddress"),
                    "DescribeInstances.EipAddress.IpAddress": inst.get("EipAddress", {}).get("IpAddress")}
        yield check(iid, inst.region, not public, evidence,
                    "" if not public else f"public address(es) {', '.join(public)}")
    if seen and not marked:  # no instance at all: nothing in scope, as for the per-instance rules
        yield not_applicable(acct.account_id, None, f"no ECS instance carries the data-tier tag {settings.data_tier_tag}",
                             {"data_tier_tag": settings.data_tier_tag})
