"""RAM 2015-05-01 (global, ram.aliyuncs.com): password policy, users, login profiles, MFA devices, AccessKeys.

Users live in the snapshot's account section: global.ram.users[], each with `login_profile`
(null: no console login), `mfa_device` (null: none bound), `access_keys` (each with `last_used`), `detail`
(GetUser's User: LastLoginDate) and `policies` (ListPoliciesForUser). Custom policies: global.ram.policies[],
each with `default_version` (GetPolicyVersion's PolicyVersion for its DefaultVersion).
"""

from . import list_faults
from .common import find, strip
from .rpc import Call, _decode_token, _encode_token
from .wire import ApiError

PRODUCT = "ram"
VERSION = "2015-05-01"
HOST_PREFIXES = ("ram",)
USER_DETAILS = ("login_profile", "mfa_device", "access_keys", "detail", "policies")

# Served when the snapshot has no policy: a weak one (8 characters, nothing else required). Not a claim
# about the real default.
DEFAULT_POLICY = {"MinimumPasswordLength": 8, "RequireLowercaseCharacters": False, "RequireUppercaseCharacters": False,
                  "RequireNumbers": False, "RequireSymbols": False, "HardExpiry": False, "MaxPasswordAge": 0,
                  "PasswordReusePrevention": 0, "MaxLoginAttemps": 5}


def _users(call: Call) -> list[dict]:
    return call.state.global_items(call.account_id, "ram", "users") or []


def _user(call: Call) -> dict:
    name = call.require("UserName")
    call.fail_if_recorded(resource=name)
    user = call.state.find(call.account_id, None, "ram", "users", "UserName", name)
    if user is None:
        raise ApiError("EntityNotExist.User", "The user does not exist.", 404)
    return user


def get_password_policy(call: Call) -> dict:
    call.fail_if_recorded()
    stored = call.state.global_items(call.account_id, "ram", "password_policy")
    return {"PasswordPolicy": dict(stored[0]) if stored else dict(DEFAULT_POLICY)}


def list_users(call: Call) -> dict:
    """Marker / MaxItems (1-1000, default 100) pagination; IsTruncated and Marker in the response."""
    size = call.int_param("MaxItems", 100, 1, 1000)
    marker = call.params.get("Marker") or ""
    start = _decode_token(marker) if marker else 0
    call.fail_if_recorded(page=start // size + 1)
    users = _users(call)
    end = start + size
    page, marker = list_faults.page(call.fault, [strip(u, USER_DETAILS) for u in users[start:end]],
                                    _encode_token(end) if end < len(users) else "",
                                    request_cont=marker, after_page=_encode_token(end))
    body = {"Users": {"User": page}, "IsTruncated": bool(marker)}
    if marker:
        body["Marker"] = marker
    return body


def get_login_profile(call: Call) -> dict:
    user = _user(call)
    profile = user.get("login_profile")
    if not profile:
        raise ApiError("EntityNotExist.User.LoginProfile", "The user login profile does not exist.", 404)
    return {"LoginProfile": profile}


def get_user_mfa_info(call: Call) -> dict:
    user = _user(call)
    device = user.get("mfa_device")
    if not device:
        raise ApiError("EntityNotExist.User.MFADevice", "The user has not bound any MFA device.", 404)
    return {"MFADevice": device}


def list_access_keys(call: Call) -> dict:
    user = _user(call)
    return {"AccessKeys": {"AccessKey": [strip(k, ("last_used",)) for k in user.get("access_keys") or []]}}


def get_access_key_last_used(call: Call) -> dict:
    name = call.require("UserName")
    key_id = call.require("UserAccessKeyId")
    call.fail_if_recorded(resource=f"{name}/{key_id}")
    user = _user(call)
    key = find(user.get("access_keys") or [], "AccessKeyId", key_id)
    if key is None:
        raise ApiError("EntityNotExist.User.AccessKey", "The AccessKey does not exist.", 404)
    return {"AccessKeyLastUsed": key.get("last_used") or {"LastUsedDate": ""}}


def get_user(call: Call) -> dict:
    """GetUser: the user's details (the listing's fields, and LastLoginDate once the user has logged on)."""
    user = _user(call)
    return {"User": {**strip(user, USER_DETAILS), **(user.get("detail") or {})}}


def list_policies_for_user(call: Call) -> dict:
    """ListPoliciesForUser: every policy attached to the user itself, in one answer (no paging)."""
    user = _user(call)
    return {"Policies": {"Policy": list(user.get("policies") or [])}}


def _policies(call: Call) -> list[dict]:
    return call.state.global_items(call.account_id, "ram", "policies") or []


def list_policies(call: Call) -> dict:
    """ListPolicies: PolicyType System | Custom (none: both; the fake holds custom policies only), Marker /
    MaxItems (1-1000, default 100), IsTruncated and Marker in the response."""
    kind = call.params.get("PolicyType") or ""
    if kind not in ("", "System", "Custom"):
        raise ApiError("InvalidParameter.PolicyType.InvalidValue", "The parameter PolicyType is invalid.", 400)
    size = call.int_param("MaxItems", 100, 1, 1000)
    marker = call.params.get("Marker") or ""
    start = _decode_token(marker) if marker else 0
    call.fail_if_recorded(page=start // size + 1)
    policies = [p for p in _policies(call) if kind in ("", p.get("PolicyType"))]
    end = start + size
    page, marker = list_faults.page(call.fault, [strip(p, ("default_version",)) for p in policies[start:end]],
                                    _encode_token(end) if end < len(policies) else "",
                                    request_cont=marker, after_page=_encode_token(end))
    body = {"Policies": {"Policy": page}, "IsTruncated": bool(marker)}
    if marker:
        body["Marker"] = marker
    return body


def get_policy_version(call: Call) -> dict:
    """GetPolicyVersion (PolicyType, PolicyName, VersionId): the version with its PolicyDocument."""
    kind, name, version = call.require("PolicyType"), call.require("PolicyName"), call.require("VersionId")
    call.fail_if_recorded(resource=name)
    policy = next((p for p in _policies(call) if p.get("PolicyName") == name and p.get("PolicyType") == kind), None)
    if policy is None:
        raise ApiError("EntityNotExist.Policy", "The policy does not exist.", 404)
    stored = policy.get("default_version")
    if version != policy.get("DefaultVersion") or not stored:
        raise ApiError("EntityNotExist.Policy.Version", "The policy version does not exist.", 404)
    return {"PolicyVersion": stored}


ACTIONS = {
    "GetPasswordPolicy": get_password_policy,
    "ListUsers": list_users,
    "GetLoginProfile": get_login_profile,
    "GetUserMFAInfo": get_user_mfa_info,
    "ListAccessKeys": list_access_keys,
    "GetAccessKeyLastUsed": get_access_key_last_used,
    "GetUser": get_user,
    "ListPoliciesForUser": list_policies_for_user,
    "ListPolicies": list_policies,
    "GetPolicyVersion": get_policy_version,
}
