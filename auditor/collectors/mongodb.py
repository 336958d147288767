"""ApsaraDB for MongoDB (API dds 2015-12-01): instances with attribute, TDE, SSL, backup policy and IP whitelists."""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import Detail, ListCall, PageNumber, Product

# DescribeDBInstances: PageSize 30, 50 or 100 with TotalCount; it lists replica set (and standalone)
# instances by default (DBInstanceType replicate): sharded clusters need a second listing with
# DBInstanceType sharding (tests/documented/SOURCES-mongodb.md). RAM and the endpoint name the product "dds".
# DescribeSecurityIps is a list without paging.
INSTANCE_TYPES = ("replicate", "sharding")
SPEC = Product("mongodb", ram_code="dds", lists=(
    ListCall("DescribeDBInstances", items="DBInstances.DBInstance", id="DBInstanceId", into="instances",
             paging=PageNumber(max_size=100, total="TotalCount"), require=("DBInstanceId",)),
    ListCall("DescribeSecurityIps", scope="resource", per="DBInstanceId", items="SecurityIpGroups.SecurityIpGroup",
             id="SecurityIpGroupName", into="security_ips", require=("SecurityIpList",)),
), details=(
    Detail("DescribeDBInstanceAttribute", per="DBInstanceId", into="attribute", require="DBInstances.DBInstance[]"),
    Detail("DescribeDBInstanceTDEInfo", per="DBInstanceId", into="tde", require="TDEStatus"),
    Detail("DescribeDBInstanceSSL", per="DBInstanceId", into="ssl", require="SSLStatus"),
    Detail("DescribeBackupPolicy", per="DBInstanceId", into="backup_policy", require="BackupRetentionPeriod"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
PAGE_SIZE = SPEC.list("DescribeDBInstances").page_size


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models(PRODUCT)
    out = col.section(region, PRODUCT)
    lists = col.at_once(*(lambda kind=kind: pager.list_rpc(col, PRODUCT, SPEC.list("DescribeDBInstances"), region,
                                                           {"region_id": region, "dbinstance_type": kind})
                          for kind in INSTANCE_TYPES))
    instances = [inst for got in lists for inst in got.items]
    col.map(lambda inst: _details(col, m, region, inst), instances)
    out["instances"] = instances


DETAILS = ("DescribeDBInstanceTDEInfo", "DescribeDBInstanceSSL", "DescribeBackupPolicy")


def _details(col: Collection, m, region: str, inst: dict) -> None:
    iid = inst["DBInstanceId"]

    def attribute() -> None:
        body = col.rpc(PRODUCT, "DescribeDBInstanceAttribute", region,
                       m.DescribeDBInstanceAttributeRequest(dbinstance_id=iid), resource=iid,
                       require="DBInstances.DBInstance[]")
        if body is not None and body["DBInstances"]["DBInstance"]:
            inst["attribute"] = body["DBInstances"]["DBInstance"][0]

    def security_ips() -> None:
        got = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeSecurityIps"), region, {"dbinstance_id": iid},
                             resource=iid)
        if got.complete:
            inst["security_ips"] = got.body

    # every call at once: none depends on another
    order = ("attribute", *(SPEC.call(a).into for a in DETAILS), "security_ips")
    col.together(inst, order, attribute, security_ips,
                 *[lambda a=a: pager.detail_rpc(col, PRODUCT, SPEC.call(a), region, inst, {"dbinstance_id": iid})
                   for a in DETAILS])


def min_calls(account: dict, region: str) -> Cost:
    """DescribeDBInstances 100 a page (documented maximum), once for replica sets and once for sharded
    clusters; five detail calls per instance, each for one id."""
    instances = region_section(account, region, PRODUCT).get("instances") or []
    by_type = [sum(1 for i in instances if (i.get("DBInstanceType") or "replicate") == kind) for kind in INSTANCE_TYPES]
    listing = [pages(n, PAGE_SIZE) for n in by_type]
    cost = Cost().list("mongodb:DescribeDBInstances", sum(listing))
    for action in CALLS[1:]:
        cost.detail(f"mongodb:{action}", len(instances))
    cost.chain = max(listing) + (1 if instances else 0)  # the two listings run at once
    return cost
