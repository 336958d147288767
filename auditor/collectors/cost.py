"""The fewest API calls a collection needs, and how they depend on each other: the model behind
`benchmarks/scan_bench.py`'s `min_api_calls` and `ideal_s`.

Each collector module has `min_calls(account, region)` (regional) and/or `min_calls_account(account,
regions)` next to its CALLS, computed from a snapshot of the tenant (what the fake serves) and the
documented maximum page and batch sizes the collector uses. A test checks them against the calls the
fake counts, so they stay in sync with the collectors.

Two kinds of calls:
- list calls, made by the (product, region) collector task itself: pages of a list, one after the other;
- detail calls, one resource (or one batch) each, spread over the `detail_workers` pool.
`chain` is the longest run of calls that must follow one another in a task: the longest list's pages (a
token or marker list: each page; a PageNumber list with a total: page 1, then every other page at once, so
two), then the deepest chain of detail calls behind one resource (for example ListAccessKeys, then
GetAccessKeyLastUsed for each key).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field


def pages(n: int, size: int) -> int:
    """Calls to list n items, size a page: one at least (an empty list still takes a call)."""
    return max(1, math.ceil(n / size))


@dataclass
class Cost:
    calls: Counter = field(default_factory=Counter)  # "product:Action" -> calls
    list_calls: int = 0
    detail_calls: int = 0
    chain: int = 0

    def list(self, call: str, n: int) -> "Cost":
        self.calls[call] += n
        self.list_calls += n
        return self

    def detail(self, call: str, n: int) -> "Cost":
        self.calls[call] += n
        self.detail_calls += n
        return self

    @property
    def total(self) -> int:
        return self.list_calls + self.detail_calls


def region_section(account: dict, region: str, product: str) -> dict:
    return (account.get("regions", {}).get(region) or {}).get(product) or {}


# --- The documented minimum ---------------------------------------------------------------------------
#
# The fewest calls ANY client needs to read the fields the rules read, from the APIs' documentation: each
# list at its documented maximum page size, each batch API at its documented batch, OSS GetBucketInfo for
# every bucket field it carries. Written from the documentation (tests/documented/NOTES*.md,
# SOURCES-performance.md), not from the collectors' code or specs, so that what the collectors call is
# measured against it rather than defining it. README "Performance" states the same model.
DOC_PAGE = {  # list call -> documented maximum page size
    "ecs:DescribeInstances": 100, "ecs:DescribeDisks": 500, "ecs:DescribeSecurityGroups": 100,
    "ecs:DescribeAutoSnapshotPolicyEx": 100, "kms:ListKeys": 100, "rds:DescribeDBInstances": 100,
    "slb:DescribeLoadBalancers": 100, "polardb:DescribeDBClusters": 100, "redis:DescribeInstances": 50,
    "alb:ListLoadBalancers": 100, "alb:ListSecurityPolicies": 100, "hbr:DescribeBackupPlans": 99,
    "vpc:DescribeVpcs": 50, "vpc:DescribeFlowLogs": 50, "oss:ListBuckets": 1000, "ram:ListUsers": 1000,
    "ram:ListPolicies": 1000,
    "nas:DescribeFileSystems": 100, "nas:DescribeAccessGroups": 100, "nas:DescribeAccessRules": 100,
    # ACK documents no maximum page size for DescribeClustersV1 (SOURCES-ack.md): 100, as the collector asks
    "ack:DescribeClustersV1": 100,
    "sls:ListProject": 500, "sls:ListLogStores": 500, "sls:ListAlerts": 200,
    # Security Center: no maximum is documented (default 20); 100 is accepted (Prowler 5.46 asks it)
    "sas:DescribeCloudCenterInstances": 100,
    "mongodb:DescribeDBInstances": 100,
}
# CloudMonitor documents no maximum page size (SOURCES-cms.md): 100, the contact list's documented default.
DOC_PAGE.update({"cms:DescribeContactList": 100, "cms:DescribeMetricRuleList": 100})
# WAF 3.0 documents no maximum for DescribeDefenseResources (SOURCES-waf.md): 10, its documented default.
DOC_PAGE.update({"waf:DescribeDefenseResources": 10})
# Cloud Firewall DescribeAssetList: PageSize at most 50 (SOURCES-cloudfw.md).
DOC_PAGE.update({"cloudfw:DescribeAssetList": 50})
DOC_RULES_PAGE = 1000      # ecs:DescribeSecurityGroupAttribute rules a page (MaxResults), per NicType
DOC_SLB_BATCH = 10         # slb:DescribeLoadBalancerListeners: LoadBalancerId takes up to 10 ids
DOC_ALB_BATCH = 20         # alb:ListListeners / ListRules: LoadBalancerIds takes up to 20 ids
DOC_CHILD_PAGE = 100       # listeners / rules a page (MaxResults) of those batched calls
# HBR DescribeBackupPlans: once per source type the rules read (the older page makes SourceType required).
DOC_HBR_SOURCE_TYPES = 4
# One id a call, no batch form documented (RDS DescribeDBInstanceAttribute's page warns against several ids).
DOC_PER_ITEM = {
    "kms": ("keys", ("DescribeKey",)),
    "rds": ("instances", ("DescribeDBInstanceAttribute", "DescribeBackupPolicy", "DescribeDBInstanceTDE",
                          "DescribeDBInstanceSSL", "DescribeDBInstanceIPArrayList",
                          "DescribeInstanceCrossBackupPolicy")),
    "polardb": ("clusters", ("DescribeDBClusterAttribute", "DescribeBackupPolicy", "DescribeDBClusterTDE",
                             "DescribeDBClusterSSL", "DescribeDBClusterAccessWhitelist")),
    "redis": ("instances", ("DescribeInstanceAttribute", "DescribeInstanceSSL", "DescribeBackupPolicy",
                            "DescribeSecurityIps")),
    "alb": ("load_balancers", ("GetLoadBalancerAttribute",)),
    "actiontrail": ("trails", ("GetTrailStatus",)),
}
# OSS: GetBucketInfo carries ACL, default encryption and key, versioning, Block Public Access, redundancy,
# whether cross-region replication is on and the logging target; not the policy nor the HTTPS config.
DOC_OSS_PER_BUCKET = ("GetBucketInfo", "GetBucketPolicy", "GetBucketHttpsConfig")


# Lists documented with PageNumber/PageSize and the total (TotalCount, TotalRecordCount): once page 1 gave
# the total, every other page can be asked at once.
DOC_PAGE_NUMBER = {"ecs:DescribeAutoSnapshotPolicyEx", "hbr:DescribeBackupPlans", "kms:ListKeys",
                   "nas:DescribeAccessGroups", "nas:DescribeAccessRules", "nas:DescribeFileSystems",
                   "polardb:DescribeDBClusters", "rds:DescribeDBInstances", "redis:DescribeInstances",
                   "sas:DescribeCloudCenterInstances", "slb:DescribeLoadBalancers", "vpc:DescribeFlowLogs",
                   "vpc:DescribeVpcs"}


def _count(n: int, call: str) -> int:
    return pages(n, DOC_PAGE[call])


def _span(n: int, call: str) -> int:
    """The calls of a list that must follow one another: every page of a token list, at most two of a
    PageNumber list (page 1, then the rest at once)."""
    return min(_count(n, call), 2) if call in DOC_PAGE_NUMBER else _count(n, call)


def documented_minimum(account: dict, regions: list[str]) -> list[Cost]:
    """One Cost per (product[, region]) task of a discovering scan of this account (a snapshot section):
    the documented minimum, its calls per API and the longest chain of calls that must follow each other.
    The identity call (sts:GetCallerIdentity) is not included."""
    tasks = [_regions(), _ram(account), _ims(), _oss(account, regions), _sas(account), _cms(account),
             _waf(account, regions), _cloudfw(account, regions)]
    for region in regions:
        tasks += [_ecs(account, region), _per_item(account, region), _balancers(account, region),
                  _hbr(account, region), _vpc(account, region), _trails(account, region), _nas(account, region),
                  _ack(account, region), _sls(account, region), _mongodb(account, region)]
    return tasks


def _regions() -> Cost:
    cost = Cost().list("ecs:DescribeRegions", 1)
    cost.chain = 1
    return cost


def _cms(account: dict) -> Cost:
    """CloudMonitor: alert contacts and alert rules, each listed once for the account."""
    section = (account.get("global") or {}).get("cms") or {}
    contacts = _count(len(section.get("contacts") or []), "cms:DescribeContactList")
    alarms = _count(len(section.get("alarms") or []), "cms:DescribeMetricRuleList")
    cost = Cost().list("cms:DescribeContactList", contacts).list("cms:DescribeMetricRuleList", alarms)
    cost.chain = max(contacts, alarms)
    return cost


def _waf(account: dict, regions: list[str]) -> Cost:
    """WAF 3.0: DescribeInstance once per site serving the regions (the mainland, or outside it); where an
    instance exists, its protected objects and each object's log status (one object a call, no batch documented)."""
    stored = {s.get("region"): s for s in ((account.get("global") or {}).get("waf") or {}).get("sites") or []}
    wanted = {"cn-hangzhou" if r.startswith("cn-") and r != "cn-hongkong" else "ap-southeast-1" for r in regions}
    cost = Cost()
    for site in sorted(wanted):
        cost.list("waf:DescribeInstance", 1)
        cost.chain += 1
        entry = stored.get(site) or {}
        if (entry.get("instance") or {}).get("InstanceId"):
            objects = entry.get("defense_resources") or []
            listing = _count(len(objects), "waf:DescribeDefenseResources")
            cost.list("waf:DescribeDefenseResources", listing)
            if objects:
                cost.detail("waf:DescribeResourceLogStatus", len(objects))
            cost.chain += listing + (1 if objects else 0)
    return cost


def _cloudfw(account: dict, regions: list[str]) -> Cost:
    """Cloud Firewall: the edition once; with a valid instance, each region's assets 50 a page."""
    cost = Cost().list("cloudfw:DescribeUserBuyVersion", 1)
    edition = (((account.get("global") or {}).get("cloudfw") or {}).get("edition") or [{}])[0]
    deepest = 0
    if edition.get("InstanceStatus") != "free":
        for r in regions:
            n = _count(len(region_section(account, r, "cloudfw").get("assets") or []), "cloudfw:DescribeAssetList")
            cost.detail("cloudfw:DescribeAssetList", n)
            deepest = max(deepest, n)
    cost.chain = 1 + deepest
    return cost


def _ims() -> Cost:
    cost = Cost().list("ims:GetAccountSecurityPracticeReport", 1)
    cost.chain = 1
    return cost


def _ram(account: dict) -> Cost:
    ram = (account.get("global") or {}).get("ram") or {}
    users, policies = ram.get("users") or [], ram.get("policies") or []
    keys = sum(len(u.get("access_keys") or []) for u in users)
    console = sum(1 for u in users if u.get("login_profile"))  # GetUser: users with a console logon only
    listing = _count(len(users), "ram:ListUsers")
    cost = Cost().list("ram:GetPasswordPolicy", 1).list("ram:ListUsers", listing)
    cost.list("ram:ListPolicies", _count(len(policies), "ram:ListPolicies"))  # PolicyType Custom
    for action in ("GetLoginProfile", "GetUserMFAInfo", "ListAccessKeys", "ListPoliciesForUser"):
        cost.detail(f"ram:{action}", len(users))
    cost.detail("ram:GetAccessKeyLastUsed", keys)
    if console:
        cost.detail("ram:GetUser", console)
    if policies:
        cost.detail("ram:GetPolicyVersion", len(policies))  # the default version's document, one per policy
    cost.chain = listing + (2 if keys or console else 1 if users else 0)
    return cost


def _oss(account: dict, regions: list[str]) -> Cost:
    every = [b for r in account.get("regions", {}).values() for b in ((r.get("oss") or {}).get("buckets") or [])]
    scanned = [b for r in regions for b in region_section(account, r, "oss").get("buckets") or []]
    listing = _count(len(every), "oss:ListBuckets")
    cost = Cost().list("oss:ListBuckets", listing)
    for action in DOC_OSS_PER_BUCKET:
        cost.detail(f"oss:{action}", len(scanned))
    # the replication rules (destination, status) only where GetBucketInfo says replication is on
    replicating = sum(1 for b in scanned if (b.get("replication") or {}).get("Rule"))
    cost.detail("oss:GetBucketReplication", replicating)
    cost.chain = listing + (2 if replicating else 1 if scanned else 0)
    return cost


def _ecs(account: dict, region: str) -> Cost:
    s = region_section(account, region, "ecs")
    cost = Cost().list("ecs:DescribeZones", 1)
    lists = {call: _count(len(s.get(kind) or []), call) for call, kind in (
        ("ecs:DescribeInstances", "instances"), ("ecs:DescribeDisks", "disks"),
        ("ecs:DescribeSecurityGroups", "security_groups"), ("ecs:DescribeAutoSnapshotPolicyEx", "auto_snapshot_policies"))}
    for call, n in lists.items():
        cost.list(call, n)
    deepest = 0
    for group in s.get("security_groups") or []:
        rules = group.get("permissions") or []
        nics = ("intranet",) if group.get("VpcId") else ("intranet", "internet")
        n = sum(pages(sum(1 for r in rules if (r.get("NicType") or "intranet") == nic), DOC_RULES_PAGE) for nic in nics)
        cost.detail("ecs:DescribeSecurityGroupAttribute", n)
        deepest = max(deepest, n)
    spans = {call: min(n, 2) if call in DOC_PAGE_NUMBER else n for call, n in lists.items()}
    cost.chain = max(*spans.values(), spans["ecs:DescribeSecurityGroups"] + deepest)
    return cost


def _per_item(account: dict, region: str) -> Cost:
    cost = Cost()
    for product, (kind, actions) in DOC_PER_ITEM.items():
        if product in ("alb", "actiontrail"):
            continue
        items = region_section(account, region, product).get(kind) or []
        listing = {"kms": "kms:ListKeys", "rds": "rds:DescribeDBInstances", "polardb": "polardb:DescribeDBClusters",
                   "redis": "redis:DescribeInstances"}[product]
        n = _count(len(items), listing)
        cost.list(listing, n)
        for action in actions:
            cost.detail(f"{product}:{action}", len(items))
        extra = 0
        if product == "redis":  # TDE status only where the attribute does not say IsSupportTDE false
            tde = sum(1 for i in items if (i.get("attribute") or i).get("IsSupportTDE") is not False)
            cost.detail("redis:DescribeInstanceTDEStatus", tde)
            extra = 1 if tde else 0
        if product == "rds":  # SQL audit where the engine has it; parameters for PostgreSQL (collectors/rds.py)
            audited = sum(1 for i in items if i.get("Engine") in ("MySQL", "SQLServer", "PostgreSQL"))
            postgres = sum(1 for i in items if i.get("Engine") == "PostgreSQL")
            for action, k in (("DescribeSQLCollectorPolicy", audited), ("DescribeSQLCollectorRetention", audited),
                              ("DescribeParameters", postgres)):
                if k:
                    cost.detail(f"rds:{action}", k)
        cost.chain = max(cost.chain, _span(len(items), listing) + (1 + extra if items else 0))
    return cost


def _balancers(account: dict, region: str) -> Cost:
    clb = region_section(account, region, "slb").get("load_balancers") or []
    alb_s = region_section(account, region, "alb")
    alb = alb_s.get("load_balancers") or []
    cost = Cost().list("slb:DescribeLoadBalancers", _count(len(clb), "slb:DescribeLoadBalancers"))
    cost.list("alb:ListLoadBalancers", _count(len(alb), "alb:ListLoadBalancers"))
    cost.list("alb:ListSecurityPolicies", _count(len(alb_s.get("security_policies") or []), "alb:ListSecurityPolicies"))
    # The system policies' TLS versions: one unpaged call (ListSystemSecurityPolicies takes no parameters).
    cost.list("alb:ListSystemSecurityPolicies", 1)
    deepest = 0
    for i in range(0, len(clb), DOC_SLB_BATCH):
        n = pages(sum(len(lb.get("listeners") or []) for lb in clb[i:i + DOC_SLB_BATCH]), DOC_CHILD_PAGE)
        cost.detail("slb:DescribeLoadBalancerListeners", n)
        deepest = max(deepest, n)
    cost.detail("alb:GetLoadBalancerAttribute", len(alb))
    for i in range(0, len(alb), DOC_ALB_BATCH):
        batch = alb[i:i + DOC_ALB_BATCH]
        listeners = [x for lb in batch for x in lb.get("listeners") or []]
        rules = sum(1 for x in listeners for r in x.get("rules") or [] if (r.get("Direction") or "Request") == "Request")
        n_l, n_r = pages(len(listeners), DOC_CHILD_PAGE), pages(rules, DOC_CHILD_PAGE)
        cost.detail("alb:ListListeners", n_l).detail("alb:ListRules", n_r)
        deepest = max(deepest, n_l + n_r)
    cost.chain = max(_span(len(clb), "slb:DescribeLoadBalancers"), _span(len(alb), "alb:ListLoadBalancers")) + deepest
    return cost


def _hbr(account: dict, region: str) -> Cost:
    plans = region_section(account, region, "hbr").get("backup_plans") or []
    cost = Cost().list("hbr:DescribeBackupPlans", max(DOC_HBR_SOURCE_TYPES, _count(len(plans), "hbr:DescribeBackupPlans")))
    cost.chain = _span(len(plans), "hbr:DescribeBackupPlans")  # the source types need not wait for each other
    return cost


def _vpc(account: dict, region: str) -> Cost:
    s = region_section(account, region, "vpc")
    vpcs, logs = _count(len(s.get("vpcs") or []), "vpc:DescribeVpcs"), _count(len(s.get("flow_logs") or []), "vpc:DescribeFlowLogs")
    cost = Cost().list("vpc:DescribeVpcs", vpcs).list("vpc:DescribeFlowLogs", logs)
    cost.chain = max(_span(len(s.get("vpcs") or []), "vpc:DescribeVpcs"),
                     _span(len(s.get("flow_logs") or []), "vpc:DescribeFlowLogs"))
    return cost


def _trails(account: dict, region: str) -> Cost:
    n = len(region_section(account, region, "actiontrail").get("trails") or [])
    cost = Cost().list("actiontrail:DescribeTrails", 1).detail("actiontrail:GetTrailStatus", n)
    cost.chain = 2 if n else 1
    return cost


def _mongodb(account: dict, region: str) -> Cost:
    """DescribeDBInstances 100 a page, once for replica sets (the default DBInstanceType) and once for sharded
    clusters; five calls per instance (attribute, TDE, SSL, backup policy, whitelists)."""
    instances = region_section(account, region, "mongodb").get("instances") or []
    by_kind = [_count(sum(1 for i in instances if (i.get("DBInstanceType") or "replicate") == kind),
                      "mongodb:DescribeDBInstances") for kind in ("replicate", "sharding")]
    listing = max(by_kind)  # the two kinds need not wait for each other
    cost = Cost().list("mongodb:DescribeDBInstances", sum(by_kind))
    for action in ("DescribeDBInstanceAttribute", "DescribeDBInstanceTDEInfo", "DescribeDBInstanceSSL",
                   "DescribeBackupPolicy", "DescribeSecurityIps"):
        cost.detail(f"mongodb:{action}", len(instances))
    cost.chain = listing + (1 if instances else 0)
    return cost


def _nas(account: dict, region: str) -> Cost:
    """File systems and permission groups 100 a page; a group's rules (DescribeAccessRules takes one
    AccessGroupName) 100 a page, so one call at least per group."""
    s = region_section(account, region, "nas")
    groups = s.get("access_groups") or []
    fs, grp = _count(len(s.get("file_systems") or []), "nas:DescribeFileSystems"), _count(len(groups), "nas:DescribeAccessGroups")
    rules = [_count(len(g.get("rules") or []), "nas:DescribeAccessRules") for g in groups]
    cost = Cost().list("nas:DescribeFileSystems", fs).list("nas:DescribeAccessGroups", grp)
    if rules:
        cost.detail("nas:DescribeAccessRules", sum(rules))
    cost.chain = max(_span(len(s.get("file_systems") or []), "nas:DescribeFileSystems"),
                     _span(len(groups), "nas:DescribeAccessGroups")
                     + max((_span(len(g.get("rules") or []), "nas:DescribeAccessRules") for g in groups), default=0))
    return cost


def _ack(account: dict, region: str) -> Cost:
    """ACK clusters 100 a page; each cluster's add-ons, control-plane log setting, node pools and cluster checks
    take one call each (each API takes one cluster id in its path, none is paged)."""
    clusters = region_section(account, region, "ack").get("clusters") or []
    n = _count(len(clusters), "ack:DescribeClustersV1")
    cost = Cost().list("ack:DescribeClustersV1", n)
    for action in ("ListClusterAddonInstances", "CheckControlPlaneLogEnable", "DescribeClusterNodePools",
                   "ListClusterChecks"):
        if clusters:
            cost.detail(f"ack:{action}", len(clusters))
    cost.chain = n + (1 if clusters else 0)
    return cost


def _sls(account: dict, region: str) -> Cost:
    """SLS projects 500 a page (offset/size); per project its alerts (200 a page) and its logstores (500 a page,
    names only), one call at least each; GetLogStore per logstore (no batch form: SOURCES-sls.md)."""
    projects = region_section(account, region, "sls").get("projects") or []
    listing = _count(len(projects), "sls:ListProject")
    cost = Cost().list("sls:ListProject", listing)
    deepest = 0
    for p in projects:
        alerts = _count(len(p.get("alerts") or []), "sls:ListAlerts")
        stores = _count(len(p.get("logstores") or []), "sls:ListLogStores")
        cost.detail("sls:ListAlerts", alerts).detail("sls:ListLogStores", stores)
        n = len(p.get("logstores") or [])
        if n:
            cost.detail("sls:GetLogStore", n)
        deepest = max(deepest, alerts, stores + (1 if n else 0))
    cost.chain = listing + deepest
    return cost


# Security Center: the service-linked roles its rules judge, and the asset fingerprint types (each call
# takes one ServiceLinkedRole / one Type; SOURCES-sas.md).
DOC_SAS_ROLES = 2
DOC_SAS_FINGERPRINT_TYPES = 9


def _sas(account: dict) -> Cost:
    """The edition and the scanned priorities once each; the server assets 100 a page; the notification and
    vulnerability settings (unpaged) once each; one call per service-linked role and per fingerprint type."""
    assets = ((account.get("global") or {}).get("sas") or {}).get("assets") or []
    n = _count(len(assets), "sas:DescribeCloudCenterInstances")
    cost = Cost().list("sas:DescribeVersionConfig", 1).list("sas:DescribeConcernNecessity", 1)
    cost.list("sas:DescribeCloudCenterInstances", n).list("sas:DescribeNoticeConfig", 1).list("sas:DescribeVulConfig", 1)
    cost.detail("sas:DescribeServiceLinkedRoleStatus", DOC_SAS_ROLES)
    cost.detail("sas:DescribePropertyScheduleConfig", DOC_SAS_FINGERPRINT_TYPES)
    cost.chain = _span(len(assets), "sas:DescribeCloudCenterInstances")  # no call needs another's answer
    return cost
