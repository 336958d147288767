"""RAM policy enforcement: which calls a key's policy allows, as RAM evaluates identity policies.

A key without a policy may call everything (it stands for the account itself). A key with a
policy may call what an Allow statement matches and no Deny statement matches: explicit Deny
wins, and what nothing allows is denied (implicit deny). Actions match case-insensitively,
resources case-sensitively; both accept the `*` and `?` wildcards. Conditions are not evaluated:
a statement with a Condition is refused when the policy is attached.

The action of a call is `<ram code>:<Action>` (ecs:DescribeDisks, oss:GetBucketInfo); its resource
is an ARN `acs:<product>:<region>:<account>:<type>/<id>` when the call names one resource, `*`
for list calls, and `acs:oss:*:<account>:<bucket>` for OSS.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import re
from functools import lru_cache

from aliaudit.collectors import ram_action

from .products import RPC_PRODUCTS
from .wire import ApiError

STS_EXEMPT = {"sts:getcalleridentity"}  # every identity may ask who it is


@lru_cache(maxsize=1)
def resource_params() -> dict:
    """product -> (request parameter naming one resource, ARN resource type): each fake product module's
    RESOURCE (found with the fake's products)."""
    return {m.PRODUCT: m.RESOURCE for m in RPC_PRODUCTS if hasattr(m, "RESOURCE")}

ALLOW, EXPLICIT_DENY, IMPLICIT_DENY = "Allow", "ExplicitDeny", "ImplicitDeny"


class PolicyError(ValueError):
    """A policy document RAM would reject."""


def validate(policy) -> dict:
    """The policy if it is a RAM policy document; PolicyError says what is wrong otherwise."""
    if not isinstance(policy, dict):
        raise PolicyError("a policy is a JSON object with Version and Statement")
    if str(policy.get("Version")) != "1":
        raise PolicyError('Version must be "1"')
    statements = policy.get("Statement")
    if not isinstance(statements, list) or not statements:
        raise PolicyError("Statement must be a non-empty list")
    for n, st in enumerate(statements, 1):
        if not isinstance(st, dict):
            raise PolicyError(f"Statement {n} is not an object")
        if st.get("Effect") not in ("Allow", "Deny"):
            raise PolicyError(f"Statement {n}: Effect must be Allow or Deny")
        for field in ("Action", "Resource"):
            value = st.get(field)
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
                raise PolicyError(f"Statement {n}: {field} must be a string or a list of strings")
    return policy


@lru_cache(maxsize=1024)
def _pattern(pattern: str, ignore_case: bool) -> re.Pattern:
    return re.compile(fnmatch.translate(pattern), re.IGNORECASE if ignore_case else 0)


def _matches(patterns, value: str, ignore_case: bool) -> bool:
    patterns = [patterns] if isinstance(patterns, str) else patterns
    return any(_pattern(p, ignore_case).match(value) for p in patterns)


def evaluate(policy: dict, action: str, resource: str) -> str:
    """Allow, ExplicitDeny or ImplicitDeny for one action on one resource."""
    allowed = False
    for st in policy.get("Statement", []):
        if not (_matches(st["Action"], action, True) and _matches(st["Resource"], resource, False)):
            continue
        if st.get("Condition"):
            continue
        if st["Effect"] == "Deny":
            return EXPLICIT_DENY
        allowed = True
    return ALLOW if allowed else IMPLICIT_DENY


def _detail(principal, action: str, verdict: str) -> dict:
    detail = {
        "PolicyType": "AccountLevelIdentityBasedPolicy",
        "AuthPrincipalOwnerId": principal.account_id,
        "AuthPrincipalType": principal.principal_type,
        "AuthPrincipalDisplayName": principal.access_key_id,
        "NoPermissionType": verdict,
        "AuthAction": action,
    }
    detail["EncodedDiagnosticMessage"] = base64.b64encode(json.dumps(detail).encode()).decode()
    return detail


def rpc_action_resource(call) -> tuple[str, str]:
    action = ram_action(f"{call.product}:{call.action}")
    code = action.split(":", 1)[0]
    spec = resource_params().get(call.product)
    if spec and call.params.get(spec[0]) and "," not in call.params[spec[0]]:
        return action, f"acs:{code}:{call.region}:{call.account_id}:{spec[1]}/{call.params[spec[0]]}"
    return action, "*"


def authorize_rpc(call, silent: bool = False) -> str:
    """ALLOW, or raises Forbidden.RAM. With `silent` (an action documented to answer an empty list to a
    RAM identity without permission, like ECS DescribeInstances) a refusal returns the verdict instead."""
    policy = call.principal.policy
    if policy is None:
        return ALLOW
    action, resource = rpc_action_resource(call)
    if action.lower() in STS_EXEMPT:
        return ALLOW
    verdict = evaluate(policy, action, resource)
    if verdict != ALLOW and silent:
        return verdict
    if verdict != ALLOW:
        raise ApiError("Forbidden.RAM",
                       "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
                       403, AccessDeniedDetail=_detail(call.principal, action, verdict))
    return ALLOW


def oss_resource(account_id: str, bucket: str | None) -> str:
    return f"acs:oss:*:{account_id}:{bucket or '*'}"


def authorize_oss(principal, action: str, bucket: str | None) -> None:
    policy = principal.policy
    if policy is None:
        return
    verdict = evaluate(policy, f"oss:{action}", oss_resource(principal.account_id, bucket))
    if verdict != ALLOW:
        extra = {"EC": "0003-00000201"} if verdict == EXPLICIT_DENY else {}
        raise ApiError("AccessDenied", f"You have no right to access this resource because of RAM policy ({verdict}).",
                       403, **extra)
