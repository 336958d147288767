"""ECS: regions, zones, instances, disks, automatic snapshot policies."""

from __future__ import annotations

from .. import sdk
from .base import Collection

PRODUCT = "ecs"
CALLS = ("DescribeRegions", "DescribeZones", "DescribeInstances", "DescribeDisks", "DescribeAutoSnapshotPolicyEx")


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
    out["instances"], _ = col.pages_by_token(
        "ecs", "DescribeInstances", region,
        lambda token: m.DescribeInstancesRequest(region_id=region, max_results=100, next_token=token),
        "Instances.Instance[]")
    out["disks"], _ = col.pages_by_token(
        "ecs", "DescribeDisks", region,
        lambda token: m.DescribeDisksRequest(region_id=region, max_results=500, next_token=token),
        "Disks.Disk[]")
    out["auto_snapshot_policies"], _ = col.pages_by_number(
        "ecs", "DescribeAutoSnapshotPolicyEx", region,
        lambda page: m.DescribeAutoSnapshotPolicyExRequest(region_id=region, page_size=100, page_number=page),
        "AutoSnapshotPolicies.AutoSnapshotPolicy[]")
