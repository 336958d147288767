"""VPC: VPCs and flow logs, per region (vpc.<region>.aliyuncs.com). A region where flow logs are not
offered answers with an error, which is recorded: the flow-log rule then reports ERROR there."""

from __future__ import annotations

from .. import sdk
from .base import Collection
from .cost import Cost, pages, region_section

PRODUCT = "vpc"
CALLS = ("DescribeVpcs", "DescribeFlowLogs")
PAGE_SIZE = 50  # the documented maximum of both calls


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("vpc")
    out = col.section(region, "vpc")
    out["vpcs"], _ = col.pages_by_number(
        "vpc", "DescribeVpcs", region,
        lambda page: m.DescribeVpcsRequest(region_id=region, page_size=PAGE_SIZE, page_number=page),
        "Vpcs.Vpc[]", page_size=PAGE_SIZE)
    out["flow_logs"], _ = col.pages_by_number(
        "vpc", "DescribeFlowLogs", region,
        lambda page: m.DescribeFlowLogsRequest(region_id=region, page_size=PAGE_SIZE, page_number=page),
        "FlowLogs.FlowLog[]", page_size=PAGE_SIZE)


def min_calls(account: dict, region: str) -> Cost:
    """DescribeVpcs and DescribeFlowLogs, 50 a page (documented maximum)."""
    s = region_section(account, region, "vpc")
    vpcs, logs = pages(len(s.get("vpcs") or []), PAGE_SIZE), pages(len(s.get("flow_logs") or []), PAGE_SIZE)
    cost = Cost().list("vpc:DescribeVpcs", vpcs).list("vpc:DescribeFlowLogs", logs)
    cost.chain = max(vpcs, logs)
    return cost
