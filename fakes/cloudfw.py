"""Cloud Firewall (cloudfw 2017-12-07): the account's edition (global.cloudfw.edition) and each region's
internet-facing assets (regions.<r>.cloudfw.assets).

Written from the documentation (tests/documented/SOURCES-cloudfw.md), not from the collector's spec:
DescribeUserBuyVersion answers InstanceStatus "free" when no valid instance exists; DescribeAssetList
pages by CurrentPage/PageSize (required, PageSize at most 50) with TotalCount and filters by RegionNo.
"""

from .rpc import Call, page_by_number
from .wire import ApiError

PRODUCT = "cloudfw"
VERSION = "2017-12-07"
HOST_PREFIXES = ("cloudfw",)

FREE = {"InstanceStatus": "free", "UserStatus": False, "LogStatus": False, "Version": 0}


def describe_user_buy_version(call: Call) -> dict:
    call.fail_if_recorded()
    stored = call.state.global_items(call.account_id, "cloudfw", "edition")
    return dict(stored[0]) if stored else dict(FREE)


def describe_asset_list(call: Call) -> dict:
    for name in ("CurrentPage", "PageSize"):
        call.require(name)
    edition = call.state.global_items(call.account_id, "cloudfw", "edition")
    if not edition or edition[0].get("InstanceStatus") == "free":
        raise ApiError("ErrorFirewallNotPurchased", "Cloud Firewall is not purchased.", 400)
    region = call.params.get("RegionNo") or call.region
    assets = call.state.items(call.account_id, region, "cloudfw", "assets") or []
    page, _, _ = page_by_number(call, assets, number_param="CurrentPage", default=10, maximum=50)
    return {"TotalCount": len(assets), "Assets": page}


ACTIONS = {
    "DescribeUserBuyVersion": describe_user_buy_version,
    "DescribeAssetList": describe_asset_list,
}
