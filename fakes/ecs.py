"""ECS 2014-05-26: regions, zones, instances, disks, automatic snapshot policies."""

from .rpc import Call, page_by_number, page_by_token

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


def describe_instances(call: Call) -> dict:
    items = _filtered(call, "instances", "InstanceIds", "InstanceId")
    page, token, size = page_by_token(call, items, default=10, maximum=100)
    return {"Instances": {"Instance": page}, "NextToken": token, "TotalCount": len(items), "PageSize": size}


def describe_disks(call: Call) -> dict:
    items = _filtered(call, "disks", "DiskIds", "DiskId")
    page, token, size = page_by_token(call, items, default=10, minimum=10, maximum=500)
    return {"Disks": {"Disk": page}, "NextToken": token, "TotalCount": len(items), "PageSize": size}


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
    page, token, size = page_by_token(call, [], default=10, maximum=100)
    return {"Instances": {"Instance": page}, "NextToken": token, "TotalCount": 0, "PageSize": size}


# Documented: "If you are using a RAM user or RAM role that does not have the permissions to call
# this operation, an empty list is returned." (DescribeInstances; tests/documented/NOTES.md)
EMPTY_WHEN_DENIED = {"DescribeInstances": _no_instances}

ACTIONS = {
    "DescribeRegions": describe_regions,
    "DescribeZones": describe_zones,
    "DescribeInstances": describe_instances,
    "DescribeDisks": describe_disks,
    "DescribeAutoSnapshotPolicyEx": describe_auto_snapshot_policy_ex,
}
