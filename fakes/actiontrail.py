"""ActionTrail 2020-07-06: trails (TrailList is a bare array) and trail status."""

from .common import strip
from .rpc import Call
from .wire import ApiError

PRODUCT = "actiontrail"
VERSION = "2020-07-06"
HOST_PREFIXES = ("actiontrail",)


def _trails(call: Call) -> list[dict]:
    return call.items("trails")


def describe_trails(call: Call) -> dict:
    call.fail_if_recorded()
    trails = _trails(call)
    if str(call.params.get("IncludeShadowTrails", "")).lower() != "true":
        trails = [t for t in trails if (t.get("HomeRegion") or call.region) == call.region]
    if str(call.params.get("IncludeOrganizationTrail", "")).lower() != "true":
        trails = [t for t in trails if not t.get("IsOrganizationTrail")]
    names = call.params.get("NameList")
    if names:
        wanted = set(names.split(","))
        trails = [t for t in trails if t.get("Name") in wanted]
    return {"TrailList": [strip(t, ("status",)) for t in trails]}


def get_trail_status(call: Call) -> dict:
    name = call.require("Name")
    call.fail_if_recorded(resource=name)
    for region, trail in call.state.all_items(call.account_id, "actiontrail", "trails"):
        if trail.get("Name") == name and (trail.get("HomeRegion") or region) == call.region:
            return dict(trail.get("status") or {"IsLogging": False})
    # Not-found code of the fake: the API reference lists no error table for this action.
    raise ApiError("TrailNotFoundException", f"The trail {name} does not exist in {call.region}.", 404)


ACTIONS = {"DescribeTrails": describe_trails, "GetTrailStatus": get_trail_status}
