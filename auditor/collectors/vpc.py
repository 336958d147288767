"""VPC: VPCs and flow logs, per region (vpc.<region>.aliyuncs.com). A region where flow logs are not
offered answers with an error, which is recorded: the flow-log rule then reports ERROR there."""

from __future__ import annotations

from . import pager
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import ListCall, PageNumber, Product

# DescribeVpcs and DescribeFlowLogs: PageSize 1-50 with TotalCount (a string in DescribeFlowLogs;
# tests/documented/SOURCES-issue4.md).
SPEC = Product("vpc", lists=(
    ListCall("DescribeVpcs", items="Vpcs.Vpc", id="VpcId", into="vpcs", paging=PageNumber(max_size=50),
             require=("VpcId",)),
    ListCall("DescribeFlowLogs", items="FlowLogs.FlowLog", id="FlowLogId", into="flow_logs",
             paging=PageNumber(max_size=50), require=("ResourceId", "ResourceType", "Status")),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
PAGE_SIZE = 50  # the documented maximum of both calls


def collect_region(col: Collection, region: str) -> None:
    out = col.section(region, "vpc")
    for spec in SPEC.lists:
        out[spec.into] = pager.list_rpc(col, PRODUCT, spec, region, {"region_id": region}).items


def min_calls(account: dict, region: str) -> Cost:
    """DescribeVpcs and DescribeFlowLogs, 50 a page (documented maximum)."""
    s = region_section(account, region, "vpc")
    vpcs, logs = pages(len(s.get("vpcs") or []), PAGE_SIZE), pages(len(s.get("flow_logs") or []), PAGE_SIZE)
    cost = Cost().list("vpc:DescribeVpcs", vpcs).list("vpc:DescribeFlowLogs", logs)
    cost.chain = max(vpcs, logs)
    return cost
