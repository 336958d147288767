"""RAM (account level): password policy, users with their console login, MFA device and AccessKeys.

RAM is global: one central endpoint (ram.aliyuncs.com, the SDK's endpoint map for every region).
"Not configured" answers are documented 404s: EntityNotExist.User.LoginProfile (no console
login) and EntityNotExist.User.MFADevice (no MFA device); they are stored as null.
"""

from __future__ import annotations

from .. import sdk
from .base import ABSENT, Collection
from .cost import Cost, pages

PRODUCT = "ram"
CALLS = ("GetPasswordPolicy", "ListUsers", "GetLoginProfile", "GetUserMFAInfo", "ListAccessKeys",
         "GetAccessKeyLastUsed")
REGIONAL_SECTIONS = False
MAX_ITEMS = 1000
MAX_PAGES = 10_000


def collect_account(col: Collection) -> None:
    m = sdk.models("ram")
    region = col.regions[0] if col.regions else "cn-hongkong"
    out = col.section(None, "ram")
    body = col.rpc("ram", "GetPasswordPolicy", None, None, require="PasswordPolicy", client_region=region)
    if body is not None:
        out["password_policy"] = [body["PasswordPolicy"]]
    users = _users(col, m, region)
    if users is None:
        return
    col.map(lambda user: _user_details(col, m, region, user), users)
    out["users"] = users


def _users(col: Collection, m, region: str) -> list[dict] | None:
    users: list[dict] = []
    marker = None
    for page in range(1, MAX_PAGES + 1):
        body = col.rpc("ram", "ListUsers", None, m.ListUsersRequest(max_items=MAX_ITEMS, marker=marker),
                       page=page, require="Users.User[]", client_region=region)
        if body is None:
            return None
        users.extend(body["Users"]["User"])
        if not body.get("IsTruncated"):
            return users
        marker = body.get("Marker")
        if not marker:
            col.record_error("ram", "ListUsers", None, None,
                             {"code": "MalformedResponse", "message": "IsTruncated without Marker"}, page)
            return None
    return None


def _user_details(col: Collection, m, region: str, user: dict) -> None:
    name = user["UserName"]
    body = col.rpc("ram", "GetLoginProfile", None, m.GetLoginProfileRequest(user_name=name), resource=name,
                   require="LoginProfile", absent=("EntityNotExist.User.LoginProfile",), client_region=region)
    if body is ABSENT:
        user["login_profile"] = None
    elif body is not None:
        user["login_profile"] = body["LoginProfile"]
    body = col.rpc("ram", "GetUserMFAInfo", None, m.GetUserMFAInfoRequest(user_name=name), resource=name,
                   require="MFADevice", absent=("EntityNotExist.User.MFADevice",), client_region=region)
    if body is ABSENT:
        user["mfa_device"] = None
    elif body is not None:
        user["mfa_device"] = body["MFADevice"]
    body = col.rpc("ram", "ListAccessKeys", None, m.ListAccessKeysRequest(user_name=name), resource=name,
                   require="AccessKeys.AccessKey[]", client_region=region)
    if body is None:
        return
    keys = body["AccessKeys"]["AccessKey"]
    for key in keys:
        used = col.rpc("ram", "GetAccessKeyLastUsed", None,
                       m.GetAccessKeyLastUsedRequest(user_name=name, user_access_key_id=key["AccessKeyId"]),
                       resource=f"{name}/{key['AccessKeyId']}", require="AccessKeyLastUsed", client_region=region)
        if used is not None:
            key["last_used"] = used["AccessKeyLastUsed"]
    user["access_keys"] = keys


def min_calls_account(account: dict, regions: list[str]) -> Cost:
    """GetPasswordPolicy; ListUsers 1000 a page (MaxItems maximum); per user its login profile, MFA device
    and AccessKeys (no batch form), then when each key was last used."""
    users = ((account.get("global") or {}).get("ram") or {}).get("users") or []
    keys = sum(len(u.get("access_keys") or []) for u in users)
    cost = Cost().list("ram:GetPasswordPolicy", 1).list("ram:ListUsers", pages(len(users), MAX_ITEMS))
    for action in ("GetLoginProfile", "GetUserMFAInfo", "ListAccessKeys"):
        cost.detail(f"ram:{action}", len(users))
    cost.detail("ram:GetAccessKeyLastUsed", keys)
    cost.chain = pages(len(users), MAX_ITEMS) + (2 if keys else 1 if users else 0)
    return cost
