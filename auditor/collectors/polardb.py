"""PolarDB: clusters with their attributes, TDE, SSL, backup policy and IP whitelists."""

from __future__ import annotations

from .. import sdk
from .base import Collection
from .cost import Cost, pages, region_section

PRODUCT = "polardb"
CALLS = ("DescribeDBClusters", "DescribeDBClusterAttribute", "DescribeDBClusterTDE", "DescribeDBClusterSSL",
         "DescribeBackupPolicy", "DescribeDBClusterAccessWhitelist")
PAGE_SIZE = 100  # documented values: 30, 50, 100

# detail key -> (action, request class, the container the response must have)
DETAILS = (
    ("attribute", "DescribeDBClusterAttribute", "DescribeDBClusterAttributeRequest", "DBClusterId"),
    ("tde", "DescribeDBClusterTDE", "DescribeDBClusterTDERequest", "TDEStatus"),
    ("ssl", "DescribeDBClusterSSL", "DescribeDBClusterSSLRequest", "Items[]"),
    ("backup_policy", "DescribeBackupPolicy", "DescribeBackupPolicyRequest", "DataLevel1BackupRetentionPeriod"),
    ("whitelist", "DescribeDBClusterAccessWhitelist", "DescribeDBClusterAccessWhitelistRequest",
     "Items.DBClusterIPArray[]"),
)


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("polardb")
    out = col.section(region, "polardb")
    clusters, _ = col.pages_by_number(
        "polardb", "DescribeDBClusters", region,
        lambda page: m.DescribeDBClustersRequest(region_id=region, page_size=PAGE_SIZE, page_number=page),
        "Items.DBCluster[]", total_field="TotalRecordCount", page_size=PAGE_SIZE)
    col.map(lambda cluster: _details(col, m, region, cluster), clusters)
    out["clusters"] = clusters


def _details(col: Collection, m, region: str, cluster: dict) -> None:
    cid = cluster["DBClusterId"]
    for key, action, request, require in DETAILS:
        body = col.rpc("polardb", action, region, getattr(m, request)(dbcluster_id=cid), resource=cid,
                       require=require)
        if body is not None:
            cluster[key] = body


def min_calls(account: dict, region: str) -> Cost:
    """DescribeDBClusters 100 a page; five detail calls per cluster, each for one id."""
    n = len(region_section(account, region, "polardb").get("clusters") or [])
    cost = Cost().list("polardb:DescribeDBClusters", pages(n, PAGE_SIZE))
    for _, action, _, _ in DETAILS:
        cost.detail(f"polardb:{action}", n)
    cost.chain = pages(n, PAGE_SIZE) + (1 if n else 0)
    return cost
