"""Web Application Firewall 3.0 (waf-openapi 2021-10-01, account level): the WAF instance of each WAF
site that serves the scanned regions, its protected objects and whether each one's logs go to Log Service.

WAF 3.0 has two sites, each with its own instance: cn-hangzhou (the Chinese mainland) and ap-southeast-1
(outside the Chinese mainland, Hong Kong included). Each site that serves a scanned region is asked once,
into global.waf.sites: {"region": <site>, "instance": <DescribeInstance body>, "defense_resources": [...]}.
An account that has not bought WAF 3.0 at a site gets a DescribeInstance answer without an InstanceId
(tests/documented/SOURCES-waf.md): the rules then FAIL the site, never PASS it.
"""

from __future__ import annotations

from . import pager
from .base import Collection
from .cost import Cost, pages
from .spec import Detail, ListCall, PageNumber, Product

MAINLAND, OUTSIDE = "cn-hangzhou", "ap-southeast-1"
# DescribeDefenseResources: PageNumber/PageSize (default 10) with TotalCount; no maximum is documented, so
# the documented default is asked for. DescribeResourceLogStatus takes protected object names
# (comma-separated, no documented limit): one object a call.
SPEC = Product("waf", ram_code="yundun-waf", regional=False, lists=(
    ListCall("DescribeDefenseResources", scope="resource", per="InstanceId", items="Resources", id="Resource",
             into="defense_resources", paging=PageNumber(max_size=10, total="TotalCount"),
             require=("Resource", "Product"), max_items=10_000),
), details=(
    Detail("DescribeInstance", scope="account", into="instance"),
    Detail("DescribeResourceLogStatus", per="Resource", into="log_status", require="Result"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
REGIONAL_SECTIONS = False


def site_of(region: str) -> str:
    """The WAF 3.0 site that serves a region: the mainland site for mainland regions, else the other one."""
    return MAINLAND if region.startswith("cn-") and region != "cn-hongkong" else OUTSIDE


def sites(regions: list[str]) -> list[str]:
    return sorted({site_of(r) for r in regions})


def collect_account(col: Collection) -> None:
    from .. import sdk

    m = sdk.models("waf")
    out = col.section(None, "waf")
    found = []
    for site in sites(col.regions or ["cn-hongkong"]):
        body = col.rpc("waf", "DescribeInstance", None, m.DescribeInstanceRequest(region_id=site), client_region=site)
        if body is None:
            continue  # recorded: every WAF rule is ERROR
        entry = {"region": site, "instance": body}
        found.append(entry)
        instance_id = body.get("InstanceId")
        if not instance_id:
            continue  # no WAF 3.0 instance at this site: nothing is protected there
        got = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeDefenseResources"), None,
                             {"instance_id": instance_id, "region_id": site}, resource=instance_id,
                             client_region=site)
        if not got.complete:
            continue

        def log_status(resource: dict) -> None:
            name = resource["Resource"]
            status = col.rpc("waf", "DescribeResourceLogStatus", None,
                             m.DescribeResourceLogStatusRequest(instance_id=instance_id, region_id=site, resources=name),
                             resource=f"{instance_id}/{name}", require="Result", client_region=site)
            if status is not None:
                resource["log_status"] = status

        col.map(log_status, got.items)
        entry["defense_resources"] = got.items
    out["sites"] = found


def min_calls_account(account: dict, regions: list[str]) -> Cost:
    """DescribeInstance once per WAF site serving the regions; where an instance exists, its protected
    objects 10 a page and DescribeResourceLogStatus once per object."""
    stored = {s.get("region"): s for s in ((account.get("global") or {}).get("waf") or {}).get("sites") or []}
    cost = Cost()
    chain = 0  # the sites are read one after the other
    for site in sites(regions or ["cn-hongkong"]):
        cost.list("waf:DescribeInstance", 1)
        entry = stored.get(site) or {}
        if not (entry.get("instance") or {}).get("InstanceId"):
            chain += 1
            continue
        objects = entry.get("defense_resources") or []
        listing = pages(len(objects), 10)
        cost.list("waf:DescribeDefenseResources", listing)
        if objects:
            cost.detail("waf:DescribeResourceLogStatus", len(objects))
        chain += 1 + listing + (1 if objects else 0)
    cost.chain = chain
    return cost
