"""ECS in a plan: alicloud_disk / alicloud_ecs_disk, alicloud_instance (its system and data disks),
auto snapshot policies and their attachments, security groups and their rules."""

from __future__ import annotations

from .kms import ensure_key
from .references import Values, config_keys

ANSWERS = frozenset({"ecs:DescribeInstances", "ecs:DescribeDisks", "ecs:DescribeAutoSnapshotPolicyEx",
                     "ecs:DescribeSecurityGroups", "ecs:DescribeSecurityGroupAttribute",
                     # a plan's rules name no prefix list (their sources are CIDRs), so no list is left unread
                     "ecs:DescribePrefixListAttributes"})


def _disk(ad, sid: str, rc: dict, v: Values, region: str, *, encrypted: str, kms: str, category: str,
          zone: str | None, policy: str | None, prefix: str = "") -> dict:
    item = {"DiskId": sid, "RegionId": region}
    item["Encrypted"] = ad.known_or_default(sid, v, prefix + encrypted, "DescribeDisks.Encrypted", False)
    key, _ = ad.ref_value(sid, rc, v, prefix + kms, "DescribeDisks.KMSKeyId")
    item["KMSKeyId"] = key or ""
    if key:
        ensure_key(ad, region, key)
    item["Category"] = ad.known_or_default(sid, v, prefix + category, "DescribeDisks.Category", "cloud_efficiency")
    if zone:
        item["ZoneId"] = ad.known(sid, v, zone, "DescribeDisks.ZoneId")
    if policy:
        pid, _ = ad.ref_value(sid, rc, v, prefix + policy, "DescribeDisks.AutoSnapshotPolicyId")
        item["AutoSnapshotPolicyId"] = pid or ""
    return item


def map_disk(ad, rc: dict, v: Values, region: str) -> None:
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
    ad.region_bucket(region, "ecs", "disks").append(ad.register(sid, item))


DISK_ATTACHMENTS = ("alicloud_disk_attachment", "alicloud_ecs_disk_attachment")


def map_instance(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_instance: the instance, its system disk and its data_disks blocks as DescribeDisks items."""
    sid = rc["address"]
    inst = {"InstanceId": sid, "RegionId": region,
            "ZoneId": ad.known(sid, v, "availability_zone", "DescribeInstances.ZoneId")}
    # provider docs: vswitch_id "must be set unless you can create classic network instances"
    vswitch, unk = v.get("vswitch_id")
    inst["InstanceNetworkType"] = "vpc" if vswitch or unk else "classic"
    _hardening(ad, sid, v, inst)
    ad.region_bucket(region, "ecs", "instances").append(ad.register(sid, inst))
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


def _hardening(ad, sid: str, v: Values, inst: dict) -> None:
    """alicloud_instance metadata mode, release protection, tags and public address, under the DescribeInstances
    fields the rules read. Provider docs: http_tokens (optional | required, default optional) and http_endpoint
    (enabled | disabled, default enabled) since v1.192.0; deletion_protection (default false); tags (a map);
    internet_max_bandwidth_out > 0 allocates a public IP (its address is known only after apply). An EIP comes
    from a separate alicloud_eip_association, which is not mapped: on an instance the rules read it for
    (a data-tier one), the EIP is a gap, never "none"."""
    inst["MetadataOptions"] = {
        "HttpTokens": ad.known_or_default(sid, v, "http_tokens", "DescribeInstances.MetadataOptions.HttpTokens",
                                          "optional"),
        "HttpEndpoint": ad.known_or_default(sid, v, "http_endpoint", "DescribeInstances.MetadataOptions.HttpEndpoint",
                                            "enabled")}
    inst["DeletionProtection"] = ad.known_or_default(sid, v, "deletion_protection", "DescribeInstances.DeletionProtection",
                                                     False)
    tags = ad.known_or_default(sid, v, "tags", "DescribeInstances.Tags.Tag", {})
    # tags known only at apply: whether the instance is data tier is unknown, so its verdict is ERROR (not skipped)
    inst["Tags"] = {"Tag": [{"TagKey": k, "TagValue": "" if val is None else str(val)} for k, val in tags.items()]} \
        if isinstance(tags, dict) else {"Tag": "(unknown until apply)"}
    bandwidth = ad.known_or_default(sid, v, "internet_max_bandwidth_out", "DescribeInstances.PublicIpAddress.IpAddress", 0)
    public = isinstance(bandwidth, int) and bandwidth > 0
    inst["PublicIpAddress"] = {"IpAddress": ["(allocated at apply)"] if public else []}
    inst["EipAddress"] = {"IpAddress": ""}
    if not public:  # with a public IP the verdict does not wait on the EIP
            ad.ctx.gap(sid, "DescribeInstances.EipAddress.IpAddress", "alicloud_eip_association",
                   "whether an EIP is associated with the instance is not read from the plan", kind="missing")


def map_snapshot_policy(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_ecs_auto_snapshot_policy -> DescribeAutoSnapshotPolicyEx item (a planned policy is Normal once created)."""
    sid = rc["address"]
    item = {"AutoSnapshotPolicyId": sid, "RegionId": region,
            "RetentionDays": ad.known(sid, v, "retention_days", "DescribeAutoSnapshotPolicyEx.RetentionDays"),
            "Status": "Normal"}
    ad.region_bucket(region, "ecs", "auto_snapshot_policies").append(ad.register(sid, item))


def map_snapshot_policy_attachment(ad, rc: dict, v: Values, region: str) -> None:
    sid = rc["address"]
    disk, _ = ad.ref_value(sid, rc, v, "disk_id", "DescribeDisks.AutoSnapshotPolicyId")
    policy, _ = ad.ref_value(sid, rc, v, "auto_snapshot_policy_id", "DescribeDisks.AutoSnapshotPolicyId")
    item = ad.ctx.items.get(disk) if disk else None
    if item is not None and policy:
        item["AutoSnapshotPolicyId"] = policy


def map_security_group(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_security_group -> a DescribeSecurityGroups item; its rules come from alicloud_security_group_rule."""
    sid = rc["address"]
    vpc, _ = ad.ref_value(sid, rc, v, "vpc_id", "DescribeSecurityGroups.VpcId")
    item = {"SecurityGroupId": sid, "RegionId": region, "VpcId": vpc,
            "SecurityGroupName": v.get("security_group_name")[0] or v.get("name")[0], "permissions": []}
    ad.region_bucket(region, "ecs", "security_groups").append(ad.register(sid, item))


def map_security_group_rule(ad, rc: dict, v: Values, region: str) -> None:
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
            ad.ctx.stub(gid, "the security group")
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
        if unk and attr in config_keys(v, attr):
            ad.ctx.gap(gkey, api, attr, f"{attr} of {sid} is unknown until apply")
        elif value and not unk:
            perm[field_] = value
    group["permissions"].append(perm)



# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS = {
    "alicloud_ecs_auto_snapshot_policy": (map_snapshot_policy, 0),
    "alicloud_disk": (map_disk, 1),
    "alicloud_ecs_disk": (map_disk, 1),
    "alicloud_instance": (map_instance, 1),
    "alicloud_ecs_auto_snapshot_policy_attachment": (map_snapshot_policy_attachment, 2),
    "alicloud_security_group": (map_security_group, 0),
    "alicloud_security_group_rule": (map_security_group_rule, 1),
}
