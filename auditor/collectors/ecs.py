"""ECS: regions, zones, instances, disks, automatic snapshot policies, security groups and their rules."""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import ABSENT, Collection
from .cost import Cost, pages, region_section
from .spec import ListCall, NextToken, PageNumber, Product

# Documented pagination (tests/documented/NOTES.md): DescribeInstances and DescribeSecurityGroups MaxResults
# 1-100, DescribeDisks 1-500 (TotalCount is invalid with NextToken); DescribeAutoSnapshotPolicyEx PageSize
# 1-100 with TotalCount; DescribeSecurityGroupAttribute MaxResults 10-1000 (NOTES-issue4.md); DescribeRegions
# and DescribeZones have no paging.
SPEC = Product("ecs", lists=(
    ListCall("DescribeRegions", scope="account", items="Regions.Region", id="RegionId", into="regions",
             require=("RegionId",)),
    ListCall("DescribeZones", items="Zones.Zone", id="ZoneId", into="zones", require=("ZoneId",)),
    ListCall("DescribeInstances", items="Instances.Instance", id="InstanceId", into="instances",
             paging=NextToken(max_size=100), require=("InstanceId", "ZoneId")),
    ListCall("DescribeDisks", items="Disks.Disk", id="DiskId", into="disks", paging=NextToken(max_size=500),
             require=("DiskId", "Encrypted", "KMSKeyId", "AutoSnapshotPolicyId")),
    ListCall("DescribeAutoSnapshotPolicyEx", items="AutoSnapshotPolicies.AutoSnapshotPolicy",
             id="AutoSnapshotPolicyId", into="auto_snapshot_policies", paging=PageNumber(max_size=100),
             require=("AutoSnapshotPolicyId", "RetentionDays")),
    ListCall("DescribeSecurityGroups", items="SecurityGroups.SecurityGroup", id="SecurityGroupId",
             into="security_groups", paging=NextToken(max_size=100), require=("SecurityGroupId", "VpcId")),
    ListCall("DescribeSecurityGroupAttribute", scope="resource", per="SecurityGroupId",
             items="Permissions.Permission", id="SecurityGroupRuleId", into="permissions", paging=NextToken(max_size=1000),
             require=("Direction", "Policy", "IpProtocol", "PortRange", "SourceCidrIp", "NicType")),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions


def collect_account(col: Collection) -> None:
    if col.described_regions is not None:  # region discovery asked already: never twice per account
        col.section(None, "ecs")["regions"] = col.described_regions
        return
    region = col.regions[0] if col.regions else "cn-hongkong"
    got = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeRegions"), None, {"accept_language": "en-US"},
                         client_region=region)
    if got.complete:
        col.section(None, "ecs")["regions"] = got.items


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("ecs")
    out = col.section(region, "ecs")
    zones = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeZones"), region,
                           {"region_id": region, "accept_language": "en-US"})
    out["zones"] = zones.items
    for kind in ("DescribeInstances", "DescribeDisks", "DescribeAutoSnapshotPolicyEx", "DescribeSecurityGroups"):
        spec = SPEC.list(kind)
        got = pager.list_rpc(col, PRODUCT, spec, region, {"region_id": region})
        out[spec.into] = got.items
        if kind == "DescribeInstances" and got.complete and not got.items:
            _confirm_no_instances(col, m, region)
    col.map(lambda group: _permissions(col, region, group), out["security_groups"])


def _permissions(col: Collection, region: str, group: dict) -> None:
    """Every rule of a group (both directions). A classic-network group keeps its internet rules apart
    (NicType internet), so it is asked twice; a VPC group has intranet rules only."""
    gid = group["SecurityGroupId"]
    nic_types = ("intranet",) if group.get("VpcId") else ("intranet", "internet")
    rules: list[dict] = []
    for nic in nic_types:
        got = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeSecurityGroupAttribute"), region,
                             {"region_id": region, "security_group_id": gid, "nic_type": nic}, resource=gid)
        if not got.complete:
            return
        rules.extend(got.items)
    group["permissions"] = rules


# Documented maxima: DescribeInstances and DescribeSecurityGroups MaxResults 100, DescribeDisks 500,
# DescribeAutoSnapshotPolicyEx PageSize 100, DescribeSecurityGroupAttribute MaxResults 1000.
PAGE = {"DescribeInstances": ("instances", 100), "DescribeDisks": ("disks", 500),
        "DescribeAutoSnapshotPolicyEx": ("auto_snapshot_policies", 100),
        "DescribeSecurityGroups": ("security_groups", 100)}


def min_calls_account(account: dict, regions: list[str]) -> Cost:
    """DescribeRegions once per account (region discovery's answer is reused)."""
    cost = Cost().list("ecs:DescribeRegions", 1)
    cost.chain = 1
    return cost


def min_calls(account: dict, region: str) -> Cost:
    s = region_section(account, region, "ecs")
    cost = Cost().list("ecs:DescribeZones", 1)
    lists = {action: pages(len(s.get(kind) or []), size) for action, (kind, size) in PAGE.items()}
    if not s.get("instances"):
        lists["DescribeInstances"] += 1  # an empty answer is believed only after DryRun=true (see below)
    for action, n in lists.items():
        cost.list(f"ecs:{action}", n)
    deepest = 0
    for group in s.get("security_groups") or []:
        rules = group.get("permissions") or []
        nics = ("intranet",) if group.get("VpcId") else ("intranet", "internet")
        n = sum(pages(sum(1 for r in rules if (r.get("NicType") or "intranet") == nic), 1000) for nic in nics)
        cost.detail("ecs:DescribeSecurityGroupAttribute", n)
        deepest = max(deepest, n)
    cost.chain = max(*lists.values(), lists["DescribeSecurityGroups"] + deepest)
    return cost


def _confirm_no_instances(col: Collection, m, region: str) -> None:
    """DescribeInstances answers a RAM identity without the permission with an empty list, not an error
    (documented; tests/documented/NOTES.md). An empty list is only believed after DryRun=true says the
    call is allowed (DryRunOperation); a refusal is recorded like any failed list call."""
    got = col.rpc("ecs", "DescribeInstances", region, m.DescribeInstancesRequest(region_id=region, dry_run=True),
                  absent=("DryRunOperation",))
    if got is not None and got is not ABSENT:
        col.record_error("ecs", "DescribeInstances", region, None,
                         {"code": "MalformedResponse", "message": "DryRun=true was answered with a list, not "
                          "DryRunOperation: the permission to list instances is unconfirmed"})
