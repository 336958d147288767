"""RAM (account level): password policy, users with their console login (and last logon), MFA device, AccessKeys
and directly attached policies; custom policies with their default version's document.

RAM is global: one central endpoint (ram.aliyuncs.com, the SDK's endpoint map for every region).
"Not configured" answers are documented 404s: EntityNotExist.User.LoginProfile (no console
login) and EntityNotExist.User.MFADevice (no MFA device); they are stored as null.
"""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import ABSENT, Collection, in_order
from .cost import Cost, pages
from .spec import Detail, ListCall, Marker, Product

# ListUsers: MaxItems 1-1000 with Marker/IsTruncated (tests/documented/SOURCES-issue4.md). ListAccessKeys
# has no paging. ListPolicies (PolicyType Custom): MaxItems 1-1000 with Marker/IsTruncated, like ListUsers.
SPEC = Product("ram", regional=False, lists=(
    ListCall("ListUsers", scope="account", items="Users.User", id="UserName", into="users",
             paging=Marker(max_size=1000), require=("UserName",)),
    ListCall("ListAccessKeys", scope="resource", per="UserName", items="AccessKeys.AccessKey", id="AccessKeyId",
             into="access_keys", require=("AccessKeyId", "Status", "CreateDate")),
    ListCall("ListPolicies", scope="account", items="Policies.Policy", id="PolicyName", into="policies",
             paging=Marker(max_size=1000), require=("PolicyName", "PolicyType", "DefaultVersion", "AttachmentCount")),
), details=(
    # the user's last console logon (User.LastLoginDate), asked for users with a login profile only
    Detail("GetUser", per="UserName", into="detail", require="User"),
    # the policies attached to the user itself: one unpaged answer, read whole (an empty list is valid)
    Detail("ListPoliciesForUser", per="UserName", into="policies", require="Policies.Policy[]"),
    # a custom policy's default version and its document
    Detail("GetPolicyVersion", per="PolicyName", into="default_version", require="PolicyVersion"),
    Detail("GetPasswordPolicy", scope="account", into="password_policy", require="PasswordPolicy"),
    Detail("GetLoginProfile", per="UserName", into="login_profile", require="LoginProfile",
           absent=("EntityNotExist.User.LoginProfile",)),
    Detail("GetUserMFAInfo", per="UserName", into="mfa_device", require="MFADevice",
           absent=("EntityNotExist.User.MFADevice",)),
    Detail("GetAccessKeyLastUsed", per="AccessKeyId", into="last_used", require="AccessKeyLastUsed"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
REGIONAL_SECTIONS = False
MAX_ITEMS = SPEC.list("ListUsers").page_size


def collect_account(col: Collection) -> None:
    m = sdk.models("ram")
    region = col.regions[0] if col.regions else "cn-hongkong"
    out = col.section(None, "ram")

    def settings() -> None:
        body = col.rpc("ram", "GetPasswordPolicy", None, None, require="PasswordPolicy", client_region=region)
        if body is not None:
            out["password_policy"] = [body["PasswordPolicy"]]
        policies = _custom_policies(col, m, region)
        if policies is not None:
            out["policies"] = policies

    def users() -> None:
        listed = _users(col, region)
        if listed is not None:
            col.map(lambda user: _user_details(col, m, region, user), listed)
            out["users"] = listed

    # The users are the longest chain (ListUsers, then a user's calls, then GetAccessKeyLastUsed a key): they
    # start at once, beside the password policy and the custom policies, not after them.
    col.at_once(users, settings)
    in_order(out, ("password_policy", "policies", "users"))  # the order one branch after the other gives


def _custom_policies(col: Collection, m, region: str) -> list[dict] | None:
    """ListPolicies PolicyType Custom (system policies are Alibaba's own), then each one's default version
    (GetPolicyVersion with its DefaultVersion); a failed GetPolicyVersion leaves `default_version` absent."""
    got = pager.list_rpc(col, PRODUCT, SPEC.list("ListPolicies"), None, {"policy_type": "Custom"},
                         client_region=region)
    if not got.complete:
        return None

    def version(policy: dict) -> None:
        name = policy["PolicyName"]
        body = col.rpc("ram", "GetPolicyVersion", None,
                       m.GetPolicyVersionRequest(policy_type="Custom", policy_name=name,
                                                 version_id=str(policy["DefaultVersion"])),
                       resource=name, require="PolicyVersion", client_region=region)
        if body is not None:
            policy["default_version"] = body["PolicyVersion"]

    col.map(version, got.items)
    return got.items


def _users(col: Collection, region: str) -> list[dict] | None:
    got = pager.list_rpc(col, PRODUCT, SPEC.list("ListUsers"), None, client_region=region)
    return got.items if got.complete else None


def _user_details(col: Collection, m, region: str, user: dict) -> None:
    """A user's login profile (then GetUser, for a console user), attached policies, MFA device and AccessKeys
    (then when each was last used): the four branches at once, so a user's chain is two calls long."""
    name = user["UserName"]

    def optional(action: str, request, field: str, key: str, absent: str) -> bool:
        """user[key] = the body's field, None when `absent` says there is none; True when there is one."""
        body = col.rpc("ram", action, None, request, resource=name, require=field, absent=(absent,),
                       client_region=region)
        if body is ABSENT:
            user[key] = None
        elif body is not None:
            user[key] = body[field]
            return True
        return False

    def login() -> None:
        if optional("GetLoginProfile", m.GetLoginProfileRequest(user_name=name), "LoginProfile", "login_profile",
                    "EntityNotExist.User.LoginProfile"):
            body = col.rpc("ram", "GetUser", None, m.GetUserRequest(user_name=name), resource=name, require="User",
                           client_region=region)
            if body is not None:
                user["detail"] = body["User"]

    def policies() -> None:
        body = col.rpc("ram", "ListPoliciesForUser", None, m.ListPoliciesForUserRequest(user_name=name),
                       resource=name, require="Policies.Policy[]", client_region=region)
        if body is not None:
            user["policies"] = body["Policies"]["Policy"]

    def mfa() -> None:
        optional("GetUserMFAInfo", m.GetUserMFAInfoRequest(user_name=name), "MFADevice", "mfa_device",
                 "EntityNotExist.User.MFADevice")

    def keys() -> None:
        got = pager.list_rpc(col, PRODUCT, SPEC.list("ListAccessKeys"), None, {"user_name": name}, resource=name,
                             client_region=region)
        if not got.complete:
            return

        def last_used(key: dict) -> None:
            used = col.rpc("ram", "GetAccessKeyLastUsed", None,
                           m.GetAccessKeyLastUsedRequest(user_name=name, user_access_key_id=key["AccessKeyId"]),
                           resource=f"{name}/{key['AccessKeyId']}", require="AccessKeyLastUsed",
                           client_region=region)
            if used is not None:
                key["last_used"] = used["AccessKeyLastUsed"]

        col.map(last_used, got.items)
        user["access_keys"] = got.items

    col.together(user, ("login_profile", "detail", "policies", "mfa_device", "access_keys"), login, policies, mfa, keys)


def min_calls_account(account: dict, regions: list[str]) -> Cost:
    """GetPasswordPolicy; ListUsers 1000 a page (MaxItems maximum); per user its login profile, MFA device,
    AccessKeys and attached policies (no batch form), then when each key was last used and, for a user with a
    login profile, GetUser; ListPolicies (Custom) 1000 a page, then each policy's default version."""
    ram = (account.get("global") or {}).get("ram") or {}
    users = ram.get("users") or []
    policies = ram.get("policies") or []
    keys = sum(len(u.get("access_keys") or []) for u in users)
    console = sum(1 for u in users if u.get("login_profile"))
    cost = Cost().list("ram:GetPasswordPolicy", 1).list("ram:ListUsers", pages(len(users), MAX_ITEMS))
    cost.list("ram:ListPolicies", pages(len(policies), MAX_ITEMS))
    for action in ("GetLoginProfile", "GetUserMFAInfo", "ListAccessKeys", "ListPoliciesForUser"):
        cost.detail(f"ram:{action}", len(users))
    cost.detail("ram:GetAccessKeyLastUsed", keys)
    if console:
        cost.detail("ram:GetUser", console)
    if policies:
        cost.detail("ram:GetPolicyVersion", len(policies))
    cost.chain = max(pages(len(users), MAX_ITEMS) + (2 if keys or console else 1 if users else 0),
                     pages(len(policies), MAX_ITEMS) + (1 if policies else 0))
    return cost
