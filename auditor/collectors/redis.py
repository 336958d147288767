"""ApsaraDB for Redis / Tair (R-kvstore): instances with attribute, TLS, TDE, backup policy and IP whitelists."""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import Detail, ListCall, PageNumber, Product

# DescribeInstances: PageSize at most 50 with TotalCount (tests/documented/NOTES-issue4.md). RAM names the
# product "kvstore". DescribeSecurityIps is a list without paging; its whole body is stored.
SPEC = Product("redis", ram_code="kvstore", lists=(
    ListCall("DescribeInstances", items="Instances.KVStoreInstance", id="InstanceId", into="instances",
             paging=PageNumber(max_size=50, total="TotalCount"), require=("InstanceId",)),
    ListCall("DescribeSecurityIps", scope="resource", per="InstanceId", items="SecurityIpGroups.SecurityIpGroup",
             id="SecurityIpGroupName", into="security_ips", require=("SecurityIpList",)),
), details=(
    Detail("DescribeInstanceAttribute", per="InstanceId", into="attribute", require="Instances.DBInstanceAttribute[]"),
    Detail("DescribeInstanceSSL", per="InstanceId", into="ssl", require="SSLEnabled"),
    Detail("DescribeInstanceTDEStatus", per="InstanceId", into="tde", require="TDEStatus"),
    Detail("DescribeBackupPolicy", per="InstanceId", into="backup_policy", require="BackupRetentionPeriod"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
PAGE_SIZE = SPEC.list("DescribeInstances").page_size


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("redis")
    out = col.section(region, "redis")
    instances = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeInstances"), region, {"region_id": region}).items
    col.map(lambda inst: _details(col, m, region, inst), instances)
    out["instances"] = instances


def _details(col: Collection, m, region: str, inst: dict) -> None:
    iid = inst["InstanceId"]
    body = col.rpc("redis", "DescribeInstanceAttribute", region, m.DescribeInstanceAttributeRequest(instance_id=iid),
                   resource=iid, require="Instances.DBInstanceAttribute[]")
    if body is not None and body["Instances"]["DBInstanceAttribute"]:
        inst["attribute"] = body["Instances"]["DBInstanceAttribute"][0]
    for action in ("DescribeInstanceSSL", "DescribeBackupPolicy"):
        pager.detail_rpc(col, PRODUCT, SPEC.call(action), region, inst, {"instance_id": iid})
    got = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeSecurityIps"), region, {"instance_id": iid}, resource=iid)
    if got.complete:
        inst["security_ips"] = got.body
    # TDE exists only where the instance says it supports it (IsSupportTDE); the rule reads that flag.
    if (inst.get("attribute") or {}).get("IsSupportTDE") is not False:
        body = col.rpc("redis", "DescribeInstanceTDEStatus", region,
                       m.DescribeInstanceTDEStatusRequest(instance_id=iid), resource=iid, require="TDEStatus")
        if body is not None:
            inst["tde"] = body


def min_calls(account: dict, region: str) -> Cost:
    """DescribeInstances 50 a page (documented maximum); four detail calls per instance, and
    DescribeInstanceTDEStatus after the attribute where it does not say IsSupportTDE false."""
    instances = region_section(account, region, "redis").get("instances") or []
    n = len(instances)
    tde = sum(1 for i in instances if (i.get("attribute") or i).get("IsSupportTDE") is not False)
    cost = Cost().list("redis:DescribeInstances", pages(n, PAGE_SIZE))
    for action in ("DescribeInstanceAttribute", "DescribeInstanceSSL", "DescribeBackupPolicy", "DescribeSecurityIps"):
        cost.detail(f"redis:{action}", n)
    cost.detail("redis:DescribeInstanceTDEStatus", tde)
    cost.chain = pages(n, PAGE_SIZE) + (2 if tde else 1 if n else 0)
    return cost
