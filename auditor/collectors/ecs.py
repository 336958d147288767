"""ECS: regions, zones, instances, disks, automatic snapshot policies, security groups and their rules."""

from __future__ import annotations

from .. import sdk
from .base import ABSENT, Collection

PRODUCT = "ecs"
CALLS = ("DescribeRegions", "DescribeZones", "DescribeInstances", "DescribeDisks", "DescribeAutoSnapshotPolicyEx",
         "DescribeSecurityGroups", "DescribeSecurityGroupAttribute")


def collect_account(col: Collection) -> None:
    m = sdk.models("ecs")
    region = col.regions[0] if col.regions else "cn-hongkong"
    body = col.rpc("ecs", "DescribeRegions", None, m.DescribeRegionsRequest(accept_language="en-US"),
                   require="Regions.Region[]", client_region=region)
    if body is not None:
        col.section(None, "ecs")["regions"] = body["Regions"]["Region"]


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("ecs")
    out = col.section(region, "ecs")
    body = col.rpc("ecs", "DescribeZones", region, m.DescribeZonesRequest(region_id=region, accept_language="en-US"),
                   require="Zones.Zone[]")
    out["zones"] = body["Zones"]["Zone"] if body else []
    out["instances"], complete = col.pages_by_token(
        "ecs", "DescribeInstances", region,
        lambda token: m.DescribeInstancesRequest(region_id=region, max_results=100, next_token=token),
        "Instances.Instance[]")
    if complete and not out["instances"]:
        _confirm_no_instances(col, m, region)
    out["disks"], _ = col.pages_by_token(
        "ecs", "DescribeDisks", region,
        lambda token: m.DescribeDisksRequest(region_id=region, max_results=500, next_token=token),
        "Disks.Disk[]")
    out["auto_snapshot_policies"], _ = col.pages_by_number(
        "ecs", "DescribeAutoSnapshotPolicyEx", region,
        lambda page: m.DescribeAutoSnapshotPolicyExRequest(region_id=region, page_size=100, page_number=page),
        "AutoSnapshotPolicies.AutoSnapshotPolicy[]")
    out["security_groups"], _ = col.pages_by_token(
        "ecs", "DescribeSecurityGroups", region,
        lambda token: m.DescribeSecurityGroupsRequest(region_id=region, max_results=100, next_token=token),
        "SecurityGroups.SecurityGroup[]")
    for group in out["security_groups"]:
        _permissions(col, m, region, group)


def _permissions(col: Collection, m, region: str, group: dict) -> None:
    """Every rule of a group (both directions). A classic-network group keeps its internet rules apart
    (NicType internet), so it is asked twice; a VPC group has intranet rules only."""
    gid = group["SecurityGroupId"]
    nic_types = ("intranet",) if group.get("VpcId") else ("intranet", "internet")
    rules: list[dict] = []
    for nic in nic_types:
        got, complete = col.pages_by_token(
            "ecs", "DescribeSecurityGroupAttribute", region,
            lambda token: m.DescribeSecurityGroupAttributeRequest(region_id=region, security_group_id=gid,
                                                                  nic_type=nic, max_results=1000, next_token=token),
            "Permissions.Permission[]", resource=gid)
        if not complete:
            return
        rules.extend(got)
    group["permissions"] = rules


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
