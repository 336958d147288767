"""Cloud Firewall (cloudfw 2017-12-07): the account's Cloud Firewall edition (DescribeUserBuyVersion, once) and,
where an instance is valid, the internet-facing assets of each scanned region with their protection status
(DescribeAssetList with RegionNo, into the region's cloudfw.assets).

An account without Cloud Firewall answers DescribeUserBuyVersion with InstanceStatus "free" ("no valid
instance exists", tests/documented/SOURCES-cloudfw.md): the assets are then not asked for, and the rules say
so (FAIL for the instance, NOT_APPLICABLE for what only a firewall can have). The instance is asked through
the endpoint of the first scanned region (the SDK's map: cloudfw.aliyuncs.com outside its listed regions).
"""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import Detail, ListCall, PageNumber, Product

# DescribeAssetList: CurrentPage/PageSize ("maximum value: 50") with TotalCount.
SPEC = Product("cloudfw", ram_code="yundun-cloudfirewall", lists=(
    ListCall("DescribeAssetList", items="Assets", id=("ResourceInstanceId", "InternetAddress"), into="assets",
             paging=PageNumber(max_size=50, total="TotalCount", number_param="current_page"),
             require=("InternetAddress", "ProtectStatus"), max_items=100_000),
), details=(
    Detail("DescribeUserBuyVersion", scope="account", into="edition", require="InstanceStatus"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions


def collect_account(col: Collection) -> None:
    region = col.regions[0] if col.regions else "cn-hongkong"
    body = col.rpc("cloudfw", "DescribeUserBuyVersion", None, sdk.models("cloudfw").DescribeUserBuyVersionRequest(),
                   require="InstanceStatus", client_region=region)
    if body is None:
        return  # recorded: every Cloud Firewall rule is ERROR
    col.section(None, "cloudfw")["edition"] = [body]
    if body.get("InstanceStatus") == "free":
        return  # no valid instance: no asset is protected; nothing more to ask

    def assets(r: str) -> None:
        got = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeAssetList"), r, {"region_no": r, "lang": "en"},
                             client_region=r)
        if got.complete:
            col.section(r, "cloudfw")["assets"] = got.items

    col.map(assets, col.regions)


def min_calls_account(account: dict, regions: list[str]) -> Cost:
    """DescribeUserBuyVersion once; with a valid instance, DescribeAssetList per region, 50 a page."""
    cost = Cost().list("cloudfw:DescribeUserBuyVersion", 1)
    edition = (((account.get("global") or {}).get("cloudfw") or {}).get("edition") or [{}])[0]
    if edition.get("InstanceStatus") == "free":
        cost.chain = 1
        return cost
    deepest = 0
    for r in regions:
        n = pages(len(region_section(account, r, "cloudfw").get("assets") or []), 50)
        cost.detail("cloudfw:DescribeAssetList", n)
        deepest = max(deepest, n)
    cost.chain = 1 + deepest
    return cost
