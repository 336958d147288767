"""VPC 2016-04-28: VPCs and flow logs (PageNumber/PageSize, at most 50 a page)."""

from .rpc import Call, page_by_number

PRODUCT = "vpc"
VERSION = "2016-04-28"
HOST_PREFIXES = ("vpc",)


def describe_vpcs(call: Call) -> dict:
    items = call.items("vpcs")
    if call.params.get("VpcId"):
        wanted = set(call.params["VpcId"].split(","))
        items = [v for v in items if v.get("VpcId") in wanted]
    page, number, size = page_by_number(call, items, default=10, maximum=50)
    return {"Vpcs": {"Vpc": page}, "TotalCount": len(items), "PageNumber": number, "PageSize": size}


def describe_flow_logs(call: Call) -> dict:
    items = call.items("flow_logs")
    for param in ("ResourceId", "ResourceType", "Status", "FlowLogId", "VpcId"):
        if call.params.get(param):
            items = [f for f in items if f.get(param) == call.params[param]]
    page, number, size = page_by_number(call, items, default=20, maximum=50)
    # Documented with string counters and a Success flag.
    return {"FlowLogs": {"FlowLog": page}, "TotalCount": str(len(items)), "PageNumber": str(number),
            "PageSize": str(size), "Success": "true"}


ACTIONS = {"DescribeVpcs": describe_vpcs, "DescribeFlowLogs": describe_flow_logs}
