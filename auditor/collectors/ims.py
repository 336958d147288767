"""IMS (account level): the account security report, the documented place that says whether the
Alibaba Cloud account (root) has AccessKeys (AccountSecurityPracticeUserInfo.RootWithAccessKey).
IMS is central (ims.aliyuncs.com). Stored in the RAM section: global.ram.security_report."""

from __future__ import annotations

from .base import Collection
from .cost import Cost
from .spec import Detail, Product

SPEC = Product("ims", regional=False, details=(
    Detail("GetAccountSecurityPracticeReport", scope="account", into="security_report",
           require="AccountSecurityPracticeInfo.AccountSecurityPracticeUserInfo"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
REGIONAL_SECTIONS = False


def collect_account(col: Collection) -> None:
    region = col.regions[0] if col.regions else "cn-hongkong"
    body = col.rpc("ims", "GetAccountSecurityPracticeReport", None, None,
                   require="AccountSecurityPracticeInfo.AccountSecurityPracticeUserInfo", client_region=region)
    if body is not None:
        col.section(None, "ram")["security_report"] = [body["AccountSecurityPracticeInfo"]]


def min_calls_account(account: dict, regions: list[str]) -> Cost:
    cost = Cost().list("ims:GetAccountSecurityPracticeReport", 1)
    cost.chain = 1
    return cost
