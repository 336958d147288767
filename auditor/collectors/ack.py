"""ACK (Container Service for Kubernetes, API 2015-12-15, ROA style): clusters, their add-ons, their
control-plane logging and their node pools (tests/documented/SOURCES-ack.md).

The product is "ack" in the snapshot and in rules' `needs`; its RAM service code is "cs"
(cs:DescribeClustersV1...). DescribeClustersV1 pages by page_number/page_size with page_info.total_count;
the documentation states no maximum page size: 100 is asked for, and a service that answers fewer per page
with more left makes the list incomplete (ERROR), never shorter. The four per-cluster calls (add-ons, control-plane log,
node pools, cluster checks) are not paged.
"""

from __future__ import annotations

from .. import sdk
from . import roa
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import Detail, ListCall, PageNumber, Product

SPEC = Product("ack", ram_code="cs", lists=(
    ListCall("DescribeClustersV1", items="clusters", id="cluster_id", into="clusters", require=("cluster_id",),
             paging=PageNumber(max_size=100, total="page_info.total_count")),
), details=(
    Detail("ListClusterAddonInstances", per="cluster_id", into="addon_instances", require="addons[]"),
    Detail("CheckControlPlaneLogEnable", per="cluster_id", into="control_plane_log"),
    Detail("DescribeClusterNodePools", per="cluster_id", into="node_pools", require="nodepools[]"),
    # CIS 7.4: the cluster checks run on the cluster (GET /clusters/{cluster_id}/checks, not paged; no type
    # or target set: every check).
    Detail("ListClusterChecks", per="cluster_id", into="cluster_checks", require="checks[]"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
PAGE = 100


def collect_region(col: Collection, region: str) -> None:
    out = col.section(region, PRODUCT)
    clusters = roa.list_roa(col, PRODUCT, SPEC.list("DescribeClustersV1"), region, {"region_id": region}).items

    def read_cluster(cluster: dict) -> None:
        cid = cluster["cluster_id"]
        for spec in SPEC.details:
            # DescribeClusterNodePools and ListClusterChecks take query parameters (none set: every pool,
            # every check), so their SDK methods take a request model
            request = getattr(sdk.models(PRODUCT), f"{spec.action}Request")() \
                if spec.action in ("DescribeClusterNodePools", "ListClusterChecks") else None
            roa.detail(col, PRODUCT, spec, region, cluster, (cid,), request)

    col.map(read_cluster, clusters)
    out["clusters"] = clusters


def min_calls(account: dict, region: str) -> Cost:
    """DescribeClustersV1 100 a page; then four calls per cluster (add-ons, control-plane log, node pools,
    cluster checks)."""
    section = region_section(account, region, PRODUCT)
    n = len(section.get("clusters") or [])
    cost = Cost().list("ack:DescribeClustersV1", pages(n, PAGE))
    if n:
        for spec in SPEC.details:
            cost.detail(f"ack:{spec.action}", n)
    cost.chain = pages(n, PAGE) + (1 if n else 0)
    return cost
