"""ActionTrail: trails (DescribeTrails, with the shadow copies of multi-region trails) and their status.

A multi-region trail lives in its home region and shows up elsewhere as a shadow trail; its status
is asked of the home region's endpoint (actiontrail.<home>.aliyuncs.com)."""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import Collection
from .cost import Cost, region_section
from .spec import Detail, ListCall, Product

# DescribeTrails has no paging (documented: TrailList only); a trail's name is unique in the account (a
# multi-region trail shows up outside its home region as a shadow copy of the same name, once).
SPEC = Product("actiontrail", lists=(
    ListCall("DescribeTrails", items="TrailList", id="Name", into="trails",
             require=("Name", "HomeRegion", "TrailRegion", "EventRW", "OssBucketName", "SlsProjectArn")),
), details=(
    Detail("GetTrailStatus", per="Name", into="status", require="IsLogging"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("actiontrail")
    out = col.section(region, "actiontrail")
    got = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeTrails"), region,
                         {"include_shadow_trails": True, "include_organization_trail": True})
    if not got.complete:
        return
    trails = got.items

    def status(trail: dict) -> None:
        home = trail.get("HomeRegion") or region
        got = col.rpc("actiontrail", "GetTrailStatus", region,
                      m.GetTrailStatusRequest(name=trail["Name"],
                                              is_organization_trail=bool(trail.get("IsOrganizationTrail"))),
                      resource=trail["Name"], require="IsLogging", client_region=home)
        if got is not None:
            trail["status"] = got

    col.map(status, trails)
    out["trails"] = trails


def min_calls(account: dict, region: str) -> Cost:
    """DescribeTrails (no paging), GetTrailStatus per trail (shadow copies included)."""
    n = len(region_section(account, region, "actiontrail").get("trails") or [])
    cost = Cost().list("actiontrail:DescribeTrails", 1).detail("actiontrail:GetTrailStatus", n)
    cost.chain = 2 if n else 1
    return cost
