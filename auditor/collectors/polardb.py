"""PolarDB: clusters with their attributes, TDE, SSL, backup policy and IP whitelists."""

from __future__ import annotations

from . import pager
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import Detail, ListCall, PageNumber, Product

# DescribeDBClusters: PageSize 30, 50 or 100 with TotalRecordCount (tests/documented/NOTES-issue4.md).
# The SSL endpoints and the whitelist are lists without paging; the whole body is stored on the cluster.
SPEC = Product("polardb", lists=(
    ListCall("DescribeDBClusters", items="Items.DBCluster", id="DBClusterId", into="clusters",
             paging=PageNumber(max_size=100, total="TotalRecordCount"), require=("DBClusterId", "Engine")),
    ListCall("DescribeDBClusterSSL", scope="resource", per="DBClusterId", items="Items", id="DBEndpointId",
             into="ssl", require=("DBEndpointId", "SSLEnabled", "SSLConnectionString")),
    ListCall("DescribeDBClusterAccessWhitelist", scope="resource", per="DBClusterId", items="Items.DBClusterIPArray",
             id="DBClusterIPArrayName", into="whitelist", require=("DBClusterIPArrayName", "SecurityIps")),
), details=(
    Detail("DescribeDBClusterAttribute", per="DBClusterId", into="attribute", require="DBClusterId"),
    Detail("DescribeDBClusterTDE", per="DBClusterId", into="tde", require="TDEStatus"),
    Detail("DescribeBackupPolicy", per="DBClusterId", into="backup_policy", require="DataLevel1BackupRetentionPeriod"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
PAGE_SIZE = SPEC.list("DescribeDBClusters").page_size


def collect_region(col: Collection, region: str) -> None:
    out = col.section(region, "polardb")
    clusters = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeDBClusters"), region, {"region_id": region}).items
    col.map(lambda cluster: _details(col, region, cluster), clusters)
    out["clusters"] = clusters


def _details(col: Collection, region: str, cluster: dict) -> None:
    cid = cluster["DBClusterId"]

    def listing(spec) -> None:
        got = pager.list_rpc(col, PRODUCT, spec, region, {"dbcluster_id": cid}, resource=cid)
        if got.complete:
            cluster[spec.into] = got.body

    # every detail and per-cluster list at once: none depends on another
    order = [d.into for d in SPEC.details] + [s.into for s in SPEC.lists[1:]]
    col.together(cluster, order,
                 *[lambda d=d: pager.detail_rpc(col, PRODUCT, d, region, cluster, {"dbcluster_id": cid})
                   for d in SPEC.details],
                 *[lambda s=s: listing(s) for s in SPEC.lists[1:]])


def min_calls(account: dict, region: str) -> Cost:
    """DescribeDBClusters 100 a page; five detail calls per cluster, each for one id."""
    n = len(region_section(account, region, "polardb").get("clusters") or [])
    cost = Cost().list("polardb:DescribeDBClusters", pages(n, PAGE_SIZE))
    for action in CALLS[1:]:
        cost.detail(f"polardb:{action}", n)
    cost.chain = pages(n, PAGE_SIZE) + (1 if n else 0)
    return cost
