"""ActionTrail: trails (DescribeTrails, with the shadow copies of multi-region trails) and their status.

A multi-region trail lives in its home region and shows up elsewhere as a shadow trail; its status
is asked of the home region's endpoint (actiontrail.<home>.aliyuncs.com)."""

from __future__ import annotations

from .. import sdk
from .base import Collection

PRODUCT = "actiontrail"
CALLS = ("DescribeTrails", "GetTrailStatus")


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("actiontrail")
    out = col.section(region, "actiontrail")
    body = col.rpc("actiontrail", "DescribeTrails", region,
                   m.DescribeTrailsRequest(include_shadow_trails=True, include_organization_trail=True),
                   require="TrailList[]")
    if body is None:
        return
    trails = body["TrailList"]
    for trail in trails:
        home = trail.get("HomeRegion") or region
        status = col.rpc("actiontrail", "GetTrailStatus", region,
                         m.GetTrailStatusRequest(name=trail["Name"],
                                                 is_organization_trail=bool(trail.get("IsOrganizationTrail"))),
                         resource=trail["Name"], require="IsLogging", client_region=home)
        if status is not None:
            trail["status"] = status
    out["trails"] = trails
