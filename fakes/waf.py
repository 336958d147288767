"""Web Application Firewall 3.0 (waf-openapi 2021-10-01): the instance of each WAF site, its protected
objects and their log status, from global.waf.sites ({"region", "instance", "defense_resources"}).

Written from the documentation (tests/documented/SOURCES-waf.md), not from the collector's spec: two sites,
cn-hangzhou (the Chinese mainland) and ap-southeast-1 (outside it), named by RegionId; DescribeInstance
answers without an InstanceId where the account has no WAF 3.0 instance; DescribeDefenseResources pages
by PageNumber/PageSize (default 10) with TotalCount; DescribeResourceLogStatus takes comma-separated
protected object names and answers Result[] {Resource, Status}.
"""

from .common import strip
from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "waf"
VERSION = "2021-10-01"
HOST_PREFIXES = ("wafopenapi",)
SITES = ("cn-hangzhou", "ap-southeast-1")
DETAILS = ("log_status",)


def _site(call: Call) -> dict | None:
    region = call.params.get("RegionId") or "cn-hangzhou"
    if region not in SITES:
        raise ApiError("InvalidParameter.RegionId", "The specified RegionId is not valid.", 400)
    for site in call.state.global_items(call.account_id, "waf", "sites") or []:
        if site.get("region") == region:
            return site
    return None


def _instance(call: Call) -> tuple[dict, str]:
    """The site and the instance the request names (InstanceId, required)."""
    instance_id = call.require("InstanceId")
    site = _site(call)
    if site is None or (site.get("instance") or {}).get("InstanceId") != instance_id:
        raise ApiError("Waf.Instance.NotExist", "The specified WAF instance does not exist.", 400)
    return site, instance_id


def describe_instance(call: Call) -> dict:
    call.fail_if_recorded()
    site = _site(call)
    return dict((site or {}).get("instance") or {})  # no instance: an answer without InstanceId


def describe_defense_resources(call: Call) -> dict:
    site, instance_id = _instance(call)
    call.fail_if_recorded(resource=instance_id)
    resources = site.get("defense_resources") or []
    page, _, _ = page_by_number(call, resources, default=10, maximum=100)
    return {"TotalCount": len(resources), "Resources": [strip(r, DETAILS) for r in page]}


def describe_resource_log_status(call: Call) -> dict:
    site, instance_id = _instance(call)
    names = [n for n in call.require("Resources").split(",") if n]
    by_name = {r.get("Resource"): r for r in site.get("defense_resources") or []}
    result = []
    for name in names:
        call.fail_if_recorded(resource=f"{instance_id}/{name}")  # recorded as <instance>/<object>
        resource = by_name.get(name)
        if resource is None:
            raise ApiError("Waf.DefenseResource.NotExist", "The specified protected object does not exist.", 400)
        status = resource.get("log_status")
        entries = (status or {}).get("Result") if isinstance(status, dict) else None
        result.extend(entries if entries is not None else [{"Resource": name, "Status": False}])
    return {"Result": result}


ACTIONS = {
    "DescribeInstance": describe_instance,
    "DescribeDefenseResources": describe_defense_resources,
    "DescribeResourceLogStatus": describe_resource_log_status,
}
