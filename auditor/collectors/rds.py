"""ApsaraDB RDS: instances with their attributes, backup policy, TDE, SSL, IP allow-lists and cross-region backup."""

from __future__ import annotations

from .. import sdk
from .base import Collection
from .cost import Cost, pages, region_section

PRODUCT = "rds"
CALLS = ("DescribeDBInstances", "DescribeDBInstanceAttribute", "DescribeBackupPolicy",
         "DescribeDBInstanceTDE", "DescribeDBInstanceSSL", "DescribeDBInstanceIPArrayList",
         "DescribeInstanceCrossBackupPolicy")


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("rds")
    out = col.section(region, "rds")
    instances, _ = col.pages_by_number(
        "rds", "DescribeDBInstances", region,
        lambda page: m.DescribeDBInstancesRequest(region_id=region, page_size=100, page_number=page),
        "Items.DBInstance[]", total_field="TotalRecordCount")
    col.map(lambda inst: _details(col, m, region, inst), instances)
    out["instances"] = instances


def _details(col: Collection, m, region: str, inst: dict) -> None:
    iid = inst["DBInstanceId"]
    body = col.rpc("rds", "DescribeDBInstanceAttribute", region,
                   m.DescribeDBInstanceAttributeRequest(dbinstance_id=iid), resource=iid,
                   require="Items.DBInstanceAttribute[]")
    if body is not None and body["Items"]["DBInstanceAttribute"]:
        inst["attribute"] = body["Items"]["DBInstanceAttribute"][0]
    body = col.rpc("rds", "DescribeBackupPolicy", region,
                   m.DescribeBackupPolicyRequest(dbinstance_id=iid), resource=iid,
                   require="BackupRetentionPeriod")
    if body is not None:
        inst["backup_policy"] = body
    body = col.rpc("rds", "DescribeDBInstanceTDE", region,
                   m.DescribeDBInstanceTDERequest(dbinstance_id=iid), resource=iid, require="TDEStatus")
    if body is not None:
        inst["tde"] = body
    body = col.rpc("rds", "DescribeDBInstanceSSL", region,
                   m.DescribeDBInstanceSSLRequest(dbinstance_id=iid), resource=iid)
    if body is not None:
        inst["ssl"] = body
    body = col.rpc("rds", "DescribeDBInstanceIPArrayList", region,
                   m.DescribeDBInstanceIPArrayListRequest(dbinstance_id=iid), resource=iid,
                   require="Items.DBInstanceIPArray[]")
    if body is not None:
        inst["ip_arrays"] = body["Items"]["DBInstanceIPArray"]
    # CrossBackupNotSupport (403) in regions or engines without cross-region backup is recorded as is.
    body = col.rpc("rds", "DescribeInstanceCrossBackupPolicy", region,
                   m.DescribeInstanceCrossBackupPolicyRequest(region_id=region, dbinstance_id=iid), resource=iid,
                   require="BackupEnabled")
    if body is not None:
        inst["cross_backup"] = body


def min_calls(account: dict, region: str) -> Cost:
    """DescribeDBInstances 100 a page (documented maximum); six detail calls per instance, each for one id."""
    n = len(region_section(account, region, "rds").get("instances") or [])
    cost = Cost().list("rds:DescribeDBInstances", pages(n, 100))
    for action in CALLS[1:]:
        cost.detail(f"rds:{action}", n)
    cost.chain = pages(n, 100) + (1 if n else 0)
    return cost
