"""ECS 2014-05-26: regions, zones, instances, disks, automatic snapshot policies, security groups."""

from .common import strip
from .rpc import Call, page_by_number, page_by_token
from .wire import ApiError

PRODUCT = "ecs"
VERSION = "2014-05-26"
HOST_PREFIXES = ("ecs",)


def describe_regions(call: Call) -> dict:
    call.fail_if_recorded()
    stored = call.state.global_items(call.account_id, "ecs", "regions")
    if stored is None:
        stored = [
            {"RegionId": r, "LocalName": r, "RegionEndpoint": f"ecs.{r}.aliyuncs.com", "Status": "available"}
            for r in call.state.region_ids(call.account_id)
        ]
    return {"Regions": {"Region": stored}}


def describe_zones(call: Call) -> dict:
    call.fail_if_recorded()
    return {"Zones": {"Zone": call.items("zones")}}


def _filtered(call: Call, kind: str, ids_param: str, id_field: str) -> list[dict]:
    items = call.items(kind)
    ids = call.json_list(ids_param, 100)
    if ids is not None:
        wanted = set(ids)
        items = [i for i in items if i.get(id_field) in wanted]
    for param in ("ZoneId", "InstanceId"):
        if call.params.get(param):
            items = [i for i in items if i.get(param) == call.params[param]]
    return items


def _paged(call: Call, items: list, *, max_results: int, min_results: int = 1) -> dict:
    """DescribeInstances / DescribeDisks document two ways to page, one at a time: NextToken + MaxResults
    (MaxResults 1 to `max_results`, default 10; PageSize and PageNumber are then ignored), or PageNumber +
    PageSize (1 to 100, default 10) with TotalCount (tests/documented/NOTES.md)."""
    if call.params.get("NextToken") or call.params.get("MaxResults"):
        page, token, size = page_by_token(call, items, default=10, minimum=min_results, maximum=max_results)
        return {"page": page, "NextToken": token, "TotalCount": len(items), "PageSize": size}
    page, number, size = page_by_number(call, items, default=10, maximum=100)
    return {"page": page, "TotalCount": len(items), "PageNumber": number, "PageSize": size}


def describe_instances(call: Call) -> dict:
    out = _paged(call, _filtered(call, "instances", "InstanceIds", "InstanceId"), max_results=100)
    return {"Instances": {"Instance": out.pop("page")}, **out}


def describe_disks(call: Call) -> dict:
    out = _paged(call, _filtered(call, "disks", "DiskIds", "DiskId"), max_results=500, min_results=10)
    return {"Disks": {"Disk": out.pop("page")}, **out}


def describe_auto_snapshot_policy_ex(call: Call) -> dict:
    items = call.items("auto_snapshot_policies")
    if call.params.get("AutoSnapshotPolicyId"):
        items = [p for p in items if p.get("AutoSnapshotPolicyId") == call.params["AutoSnapshotPolicyId"]]
    page, number, size = page_by_number(call, items, default=10, maximum=100)
    return {
        "AutoSnapshotPolicies": {"AutoSnapshotPolicy": page},
        "TotalCount": len(items),
        "PageNumber": number,
        "PageSize": size,
    }


def _no_instances(call: Call) -> dict:
    out = _paged(call, [], max_results=100)
    return {"Instances": {"Instance": out.pop("page")}, **out}


# Documented: "If you are using a RAM user or RAM role that does not have the permissions to call
# this operation, an empty list is returned." (DescribeInstances; tests/documented/NOTES.md)
EMPTY_WHEN_DENIED = {"DescribeInstances": _no_instances}
# DryRun=true: "DryRunOperation" when the identity may call it, the RAM error otherwise (same page).
DRY_RUN_ACTIONS = {"DescribeInstances"}


def describe_security_groups(call: Call) -> dict:
    items = _filtered(call, "security_groups", "SecurityGroupIds", "SecurityGroupId")
    if call.params.get("VpcId"):
        items = [g for g in items if g.get("VpcId") == call.params["VpcId"]]
    page, token, size = page_by_token(call, items, default=10, maximum=100)
    # TotalCount is not returned when MaxResults/NextToken are used (documented).
    return {"SecurityGroups": {"SecurityGroup": [strip(g, ("permissions",)) for g in page]},
            "NextToken": token, "RegionId": call.region}


def describe_security_group_attribute(call: Call) -> dict:
    gid = call.require("SecurityGroupId")
    call.fail_if_recorded(resource=gid)
    group = call.find("security_groups", "SecurityGroupId", gid)
    if group is None:
        raise ApiError("InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.", 404)
    rules = group.get("permissions") or []
    direction = call.params.get("Direction") or "all"
    if direction != "all":
        rules = [r for r in rules if r.get("Direction") == direction]
    nic = call.params.get("NicType") or "intranet"
    rules = [r for r in rules if (r.get("NicType") or "intranet") == nic]
    page, token, _ = page_by_token(call, rules, default=500, minimum=10, maximum=1000)
    body = {k: group[k] for k in ("SecurityGroupId", "SecurityGroupName", "Description", "VpcId") if k in group}
    body.update({"RegionId": call.region, "InnerAccessPolicy": "Accept", "Permissions": {"Permission": page},
                 "NextToken": token})
    return body


def describe_prefix_list_attributes(call: Call) -> dict:
    """ECS DescribePrefixListAttributes (documented example: tests/documented/ecs/DescribePrefixListAttributes.json).
    A stored prefix list is the documented body itself (PrefixListId, AddressFamily, Entries.Entry[] of Cidr)."""
    list_id = call.require("PrefixListId")
    call.fail_if_recorded(resource=list_id)
    found = call.find("prefix_lists", "PrefixListId", list_id)
    if found is None:
        raise ApiError("InvalidPrefixListId.NotFound", "The specified prefix list was not found.", 404)
    return {**found, "RegionId": call.region}


ACTIONS = {
    "DescribeRegions": describe_regions,
    "DescribeZones": describe_zones,
    "DescribeInstances": describe_instances,
    "DescribeDisks": describe_disks,
    "DescribeAutoSnapshotPolicyEx": describe_auto_snapshot_policy_ex,
    "DescribeSecurityGroups": describe_security_groups,
    "DescribeSecurityGroupAttribute": describe_security_group_attribute,
    "DescribePrefixListAttributes": describe_prefix_list_attributes,
}
