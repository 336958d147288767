"""ApsaraDB RDS: instances with their attributes, backup policy, TDE, SSL, IP allow-lists and cross-region backup."""

from __future__ import annotations

from collections.abc import Callable

from .. import sdk
from . import pager
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import Detail, ListCall, PageNumber, Product

# DescribeDBInstances: PageSize 1-100 with TotalRecordCount in PageNumber mode (in MaxResults mode the
# count covers one page only, so PageNumber is used; tests/documented/NOTES.md). The IP allow-lists
# have no paging.
SPEC = Product("rds", lists=(
    ListCall("DescribeDBInstances", items="Items.DBInstance", id="DBInstanceId", into="instances",
             paging=PageNumber(max_size=100, total="TotalRecordCount"), require=("DBInstanceId", "Engine")),
    ListCall("DescribeDBInstanceIPArrayList", scope="resource", per="DBInstanceId", items="Items.DBInstanceIPArray",
             id="DBInstanceIPArrayName", into="ip_arrays", require=("SecurityIPList", "DBInstanceIPArrayAttribute")),
), details=(
    Detail("DescribeDBInstanceAttribute", per="DBInstanceId", into="attribute",
           require="Items.DBInstanceAttribute[]"),
    Detail("DescribeBackupPolicy", per="DBInstanceId", into="backup_policy", require="BackupRetentionPeriod"),
    Detail("DescribeDBInstanceTDE", per="DBInstanceId", into="tde", require="TDEStatus"),
    Detail("DescribeDBInstanceSSL", per="DBInstanceId", into="ssl"),
    Detail("DescribeInstanceCrossBackupPolicy", per="DBInstanceId", into="cross_backup", require="BackupEnabled"),
    Detail("DescribeSQLCollectorPolicy", per="DBInstanceId", into="sql_audit", require="SQLCollectorStatus"),
    Detail("DescribeSQLCollectorRetention", per="DBInstanceId", into="sql_audit_retention", require="ConfigValue"),
    Detail("DescribeParameters", per="DBInstanceId", into="parameters", require="RunningParameters.DBInstanceParameter[]"),
))
# The engines each call is documented for (DescribeDBInstances Engine values: MySQL, SQLServer, PostgreSQL,
# MariaDB). SQL Explorer (SQL audit) and its retention: MySQL, SQL Server and PostgreSQL, not MariaDB
# (tests/documented/SOURCES-rds-audit.md); the instance parameters are read for PostgreSQL only, the one
# engine whose log_connections / log_disconnections / log_duration the rules judge.
SQL_AUDIT_ENGINES = ("MySQL", "SQLServer", "PostgreSQL")
PARAMETER_ENGINES = ("PostgreSQL",)
PRODUCT = SPEC.name
CALLS = SPEC.actions


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("rds")
    out = col.section(region, "rds")
    instances = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeDBInstances"), region, {"region_id": region}).items
    col.map(lambda inst: _details(col, m, region, inst), instances)
    out["instances"] = instances


# the keys the detail calls add to an instance, in the order of the calls
DETAIL_KEYS = ("attribute", "backup_policy", "tde", "ssl", "ip_arrays", "cross_backup", "sql_audit",
               "sql_audit_retention", "parameters")


def _details(col: Collection, m, region: str, inst: dict) -> None:
    """The instance's detail calls, at once (none depends on another)."""
    iid = inst["DBInstanceId"]

    def one(action: str, request, key: str, require: str | None = None, pick=lambda body: body) -> Callable:
        def run() -> None:
            body = col.rpc("rds", action, region, request, resource=iid, require=require)
            if body is not None:
                inst[key] = pick(body)
        return run

    def attribute() -> None:
        body = col.rpc("rds", "DescribeDBInstanceAttribute", region,
                       m.DescribeDBInstanceAttributeRequest(dbinstance_id=iid), resource=iid,
                       require="Items.DBInstanceAttribute[]")
        if body is not None and body["Items"]["DBInstanceAttribute"]:
            inst["attribute"] = body["Items"]["DBInstanceAttribute"][0]

    def ip_arrays() -> None:
        got = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeDBInstanceIPArrayList"), region,
                             {"dbinstance_id": iid}, resource=iid)
        if got.complete:
            inst["ip_arrays"] = got.items

    calls = [attribute,
             one("DescribeBackupPolicy", m.DescribeBackupPolicyRequest(dbinstance_id=iid), "backup_policy",
                 "BackupRetentionPeriod"),
             one("DescribeDBInstanceTDE", m.DescribeDBInstanceTDERequest(dbinstance_id=iid), "tde", "TDEStatus"),
             one("DescribeDBInstanceSSL", m.DescribeDBInstanceSSLRequest(dbinstance_id=iid), "ssl"),
             ip_arrays,
             # CrossBackupNotSupport (403) in regions or engines without cross-region backup is recorded as is.
             one("DescribeInstanceCrossBackupPolicy",
                 m.DescribeInstanceCrossBackupPolicyRequest(region_id=region, dbinstance_id=iid), "cross_backup",
                 "BackupEnabled")]
    engine = inst["Engine"]
    if engine in SQL_AUDIT_ENGINES:
        calls += [one("DescribeSQLCollectorPolicy", m.DescribeSQLCollectorPolicyRequest(dbinstance_id=iid),
                      "sql_audit", "SQLCollectorStatus"),
                  one("DescribeSQLCollectorRetention", m.DescribeSQLCollectorRetentionRequest(dbinstance_id=iid),
                      "sql_audit_retention", "ConfigValue")]
    if engine in PARAMETER_ENGINES:
        calls.append(one("DescribeParameters", m.DescribeParametersRequest(dbinstance_id=iid), "parameters",
                         "RunningParameters.DBInstanceParameter[]"))
    col.together(inst, DETAIL_KEYS, *calls)


def min_calls(account: dict, region: str) -> Cost:
    """DescribeDBInstances 100 a page (documented maximum); six detail calls per instance, each for one id,
    two more (SQL audit) for the engines that have it and one (parameters) for PostgreSQL."""
    instances = region_section(account, region, "rds").get("instances") or []
    n = len(instances)
    per_engine = {"DescribeSQLCollectorPolicy": SQL_AUDIT_ENGINES, "DescribeSQLCollectorRetention": SQL_AUDIT_ENGINES,
                  "DescribeParameters": PARAMETER_ENGINES}
    cost = Cost().list("rds:DescribeDBInstances", pages(n, 100))
    for action in CALLS[1:]:
        if action in per_engine:
            k = sum(1 for i in instances if i.get("Engine") in per_engine[action])
            if k:
                cost.detail(f"rds:{action}", k)
        else:
            cost.detail(f"rds:{action}", n)
    cost.chain = pages(n, 100) + (1 if n else 0)
    return cost
