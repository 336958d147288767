"""STS 2015-04-01: who is calling, and AssumeRole (temporary keys for the roles in the snapshot's "fake" section)."""

import datetime as dt
import hashlib
import re
import secrets
import time

from .rpc import Call
from .wire import ApiError

PRODUCT = "sts"
VERSION = "2015-04-01"
HOST_PREFIXES = ("sts",)

_ROLE_ARN = re.compile(r"^acs:ram::(?P<account>\d+):role/(?P<name>[A-Za-z0-9.@_-]{1,64})$")
_SESSION = re.compile(r"^[a-zA-Z0-9.@_-]{2,64}$")


def get_caller_identity(call: Call) -> dict:
    call.fail_if_recorded()
    account = call.account_id
    key = call.state.keys.get(call.principal.access_key_id, {})
    if key.get("arn"):
        return {
            "IdentityType": "AssumedRoleUser",
            "AccountId": account,
            "PrincipalId": key["role_id"],
            "RoleId": key["role_id"].split(":")[0],
            "Arn": key["arn"],
        }
    return {
        "IdentityType": "Account",
        "AccountId": account,
        "PrincipalId": account,
        "UserId": account,
        "Arn": f"acs:ram::{account}:root",
    }


def assume_role(call: Call) -> dict:
    """Documented errors: NoPermission (403) when the role does not exist or does not trust the caller;
    InvalidParameter.RoleSessionName / InvalidParameter.DurationSeconds (400)."""
    call.fail_if_recorded()
    arn = call.require("RoleArn")
    session = call.require("RoleSessionName")
    if not _SESSION.match(session):
        raise ApiError("InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed.")
    duration = call.int_param("DurationSeconds", 3600, 900, 43200)
    m = _ROLE_ARN.match(arn)
    role = call.state.role(m.group("account"), m.group("name")) if m else None
    if role is None or call.account_id not in role.get("trusted_accounts", []):
        raise ApiError("NoPermission", "No permission perform sts:AssumeRole on this Role. Maybe the role doesn't "
                       "exist or the role's trust policy doesn't allow this principal.", 403)
    account = m.group("account")
    key_id = "STS.fake" + secrets.token_hex(8)
    secret, token = secrets.token_hex(16), "fake-token-" + secrets.token_hex(24)
    expires = time.time() + duration
    call.state.add_temporary_key(key_id, secret, token, account, role.get("policy"), expires)
    role_id = "3" + str(int(hashlib.sha256(f"{account}/{role['name']}".encode()).hexdigest(), 16))[:17]
    role_arn = f"acs:ram::{account}:assumed-role/{role['name'].lower()}/{session}"
    with call.state.lock:
        call.state.keys[key_id].update(arn=role_arn, role_id=f"{role_id}:{session}")
    expiration = dt.datetime.fromtimestamp(expires, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "Credentials": {"AccessKeyId": key_id, "AccessKeySecret": secret, "SecurityToken": token,
                        "Expiration": expiration},
        "AssumedRoleUser": {"Arn": role_arn, "AssumedRoleId": f"{role_id}:{session}"},
    }


ACTIONS = {"GetCallerIdentity": get_caller_identity, "AssumeRole": assume_role}
