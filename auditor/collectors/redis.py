"""ApsaraDB for Redis / Tair (R-kvstore): instances with attribute, TLS, TDE, backup policy and IP whitelists."""

from __future__ import annotations

from .. import sdk
from .base import Collection
from .cost import Cost, pages, region_section

PRODUCT = "redis"
CALLS = ("DescribeInstances", "DescribeInstanceAttribute", "DescribeInstanceSSL", "DescribeInstanceTDEStatus",
         "DescribeBackupPolicy", "DescribeSecurityIps")
PAGE_SIZE = 50  # documented maximum


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("redis")
    out = col.section(region, "redis")
    instances, _ = col.pages_by_number(
        "redis", "DescribeInstances", region,
        lambda page: m.DescribeInstancesRequest(region_id=region, page_size=PAGE_SIZE, page_number=page),
        "Instances.KVStoreInstance[]", total_field="TotalCount", page_size=PAGE_SIZE)
    col.map(lambda inst: _details(col, m, region, inst), instances)
    out["instances"] = instances


def _details(col: Collection, m, region: str, inst: dict) -> None:
    iid = inst["InstanceId"]
    body = col.rpc("redis", "DescribeInstanceAttribute", region, m.DescribeInstanceAttributeRequest(instance_id=iid),
                   resource=iid, require="Instances.DBInstanceAttribute[]")
    if body is not None and body["Instances"]["DBInstanceAttribute"]:
        inst["attribute"] = body["Instances"]["DBInstanceAttribute"][0]
    for key, action, request, require in (
            ("ssl", "DescribeInstanceSSL", "DescribeInstanceSSLRequest", "SSLEnabled"),
            ("backup_policy", "DescribeBackupPolicy", "DescribeBackupPolicyRequest", "BackupRetentionPeriod"),
            ("security_ips", "DescribeSecurityIps", "DescribeSecurityIpsRequest", "SecurityIpGroups.SecurityIpGroup[]")):
        body = col.rpc("redis", action, region, getattr(m, request)(instance_id=iid), resource=iid, require=require)
        if body is not None:
            inst[key] = body
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
