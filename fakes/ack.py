"""ACK (Container Service for Kubernetes) 2015-12-15, a ROA API: clusters, add-ons, control-plane logging,
node pools and cluster checks.

Written from the documentation (tests/documented/SOURCES-ack.md), not from the collector's spec:
DescribeClustersV1 (GET /api/v1/clusters) pages by page_number/page_size (the fake allows 1-100, default 10)
and answers page_info.total_count; region_id narrows the list to one region. The per-cluster calls take the
cluster id in the path and answer ErrorClusterNotFound (404) for an unknown cluster.
"""

from __future__ import annotations

from .common import strip
from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "ack"
VERSION = "2015-12-15"
HOST_PREFIXES = ("cs",)
# The path parameter naming one cluster, and its ARN type: acs:cs:{region}:{account}:cluster/{cluster_id}.
RESOURCE = ("cluster_id", "cluster")
DETAILS = ("addon_instances", "control_plane_log", "node_pools", "cluster_checks")

ROUTES = {
    ("GET", "/api/v1/clusters"): "DescribeClustersV1",
    ("GET", "/clusters/{cluster_id}/addon_instances"): "ListClusterAddonInstances",
    ("GET", "/clusters/{cluster_id}/controlplanelog"): "CheckControlPlaneLogEnable",
    ("GET", "/clusters/{cluster_id}/nodepools"): "DescribeClusterNodePools",
    ("GET", "/clusters/{cluster_id}/checks"): "ListClusterChecks",
}


def describe_clusters_v1(call: Call) -> dict:
    clusters = call.items("clusters")
    wanted = call.params.get("region_id")
    if wanted:
        clusters = [c for c in clusters if c.get("region_id") in (None, wanted)]
    page, number, size = page_by_number(call, clusters, size_param="page_size", number_param="page_number",
                                        default=10, maximum=100)
    return {"clusters": [strip(c, DETAILS) for c in page],
            "page_info": {"page_number": number, "page_size": size, "total_count": len(clusters)}}


def _cluster(call: Call) -> dict:
    cid = call.require("cluster_id")
    call.fail_if_recorded(resource=cid)
    cluster = call.find("clusters", "cluster_id", cid, any_region=True)
    if cluster is None:
        raise ApiError("ErrorClusterNotFound", f"cluster {cid} not found", 404)
    return cluster


def list_cluster_addon_instances(call: Call) -> dict:
    return _cluster(call).get("addon_instances") or {"addons": []}


def check_control_plane_log_enable(call: Call) -> dict:
    # A cluster without control-plane logging: no project, no components (the documented fields, empty).
    return _cluster(call).get("control_plane_log") or {"log_project": "", "log_ttl": "", "components": []}


def describe_cluster_node_pools(call: Call) -> dict:
    return _cluster(call).get("node_pools") or {"nodepools": []}


def list_cluster_checks(call: Call) -> dict:
    # Not paged; the documented query parameter `type` narrows the list (`target` names a check's object,
    # which the response does not show: the fake does not filter on it). A cluster never checked answers
    # an empty `checks` list.
    checks = (_cluster(call).get("cluster_checks") or {"checks": []})["checks"]
    wanted = call.params.get("type")
    return {"checks": [c for c in checks if c.get("type") == wanted] if wanted else checks}


ACTIONS = {
    "DescribeClustersV1": describe_clusters_v1,
    "ListClusterAddonInstances": list_cluster_addon_instances,
    "CheckControlPlaneLogEnable": check_control_plane_log_enable,
    "DescribeClusterNodePools": describe_cluster_node_pools,
    "ListClusterChecks": list_cluster_checks,
}
