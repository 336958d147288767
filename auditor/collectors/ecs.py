"""ECS: regions, zones, instances, disks, automatic snapshot policies, security groups and their rules."""

from __future__ import annotations

from .. import sdk
from .base import ABSENT, Collection
from .cost import Cost, pages, region_section

PRODUCT = "ecs"
CALLS = ("DescribeRegions", "DescribeZones", "DescribeInstances", "DescribeDisks", "DescribeAutoSnapshotPolicyEx",
         "DescribeSecurityGroups", "DescribeSecurityGroupAttribute", "DescribePrefixListAttributes")


def collect_account(col: Collection) -> None:
    if col.described_regions is not None:  # region discovery asked already: never twice per account
        col.section(None, "ecs")["regions"] = col.described_regions
        return
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
    col.map(lambda group: _permissions(col, m, region, group), out["security_groups"])
    lists = prefix_list_ids(out["security_groups"])
    out["prefix_lists"] = [pl for pl in col.map(lambda pl: _prefix_list(col, m, region, pl), lists) if pl is not None]


def prefix_list_ids(groups: list[dict]) -> list[str]:
    """The prefix lists that the groups' rules name as their source (SourcePrefixListId), sorted."""
    return sorted({p["SourcePrefixListId"] for g in groups for p in g.get("permissions") or []
                   if isinstance(p.get("SourcePrefixListId"), str) and p["SourcePrefixListId"]})


def _prefix_list(col: Collection, m, region: str, list_id: str) -> dict | None:
    """DescribePrefixListAttributes: the list's CIDR entries (Entries.Entry[]), all in one answer (no
    paging; a list holds at most MaxEntries). A failure is recorded for the list; the rules then judge
    every rule naming it ERROR, never PASS."""
    return col.rpc("ecs", "DescribePrefixListAttributes", region,
                   m.DescribePrefixListAttributesRequest(region_id=region, prefix_list_id=list_id),
                   resource=list_id, require="Entries.Entry[]")


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
    n_lists = len(prefix_list_ids(s.get("security_groups") or []))
    if n_lists:
        cost.detail("ecs:DescribePrefixListAttributes", n_lists)
    cost.chain = max(*lists.values(), lists["DescribeSecurityGroups"] + deepest + (1 if n_lists else 0))
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
