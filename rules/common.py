"""Readings of API values that several rules share."""

from __future__ import annotations

import fnmatch
from typing import Any

SERVICE_KEY_CREATORS = {"Ecs", "Oss", "Rds", "Kms", "Acs"}


def is_customer_key(meta: dict | None) -> bool:
    """A customer master key: created by an account (Creator is an account id), not by a cloud service."""
    if not meta:
        return False
    creator = str(meta.get("Creator") or "")
    return creator.isdigit()


def key_index(acct, region: str) -> dict[str, dict]:
    """KeyId and KeyArn -> key item, for one region."""
    out = {}
    for key in acct.in_region(region, "kms", "keys"):
        out[key.get("KeyId")] = key
        if key.get("KeyArn"):
            out[key["KeyArn"]] = key
    return out


# CLB/ALB TLS policies and the oldest TLS version each accepts.
TLS_POLICY_MIN_VERSION = {
    "tls_cipher_policy_1_0": "1.0",
    "tls_cipher_policy_1_1": "1.1",
    "tls_cipher_policy_1_2": "1.2",
    "tls_cipher_policy_1_2_strict": "1.2",
    "tls_cipher_policy_1_2_strict_with_1_3": "1.2",
}


def version_tuple(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in str(v).split("."))


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _is_false(value: Any) -> bool:
    return any(str(v).lower() == "false" for v in _as_list(value))


def _denies_plain_http(condition: dict) -> bool:
    for operator, entries in (condition or {}).items():
        if operator.lower() not in ("bool", "stringequals", "stringequalsignorecase"):
            continue
        for key, value in (entries or {}).items():
            if key.lower() == "acs:securetransport" and _is_false(value):
                return True
    return False


def _covers_objects_of(resource: str, bucket: str) -> bool:
    """Whether an OSS resource ARN (acs:oss:<region>:<account>:<bucket>/<object>) covers every object of bucket."""
    if resource == "*":
        return True
    parts = resource.split(":", 4)
    if len(parts) != 5 or parts[0] != "acs" or parts[1] not in ("oss", "*"):
        return False
    if parts[4] in (f"{bucket}/*", "*", "*/*"):
        return True
    # every object: the pattern must match any object name, so test two unlike names
    return all(fnmatch.fnmatchcase(f"{bucket}/{name}", parts[4]) for name in ("a", "z/0.bin"))


def https_only_statement(policy: dict | None, bucket: str) -> dict | None:
    """The statement of a bucket policy that denies every principal any object access over plain HTTP."""
    if not isinstance(policy, dict):
        return None
    for stmt in _as_list(policy.get("Statement")):
        if not isinstance(stmt, dict) or stmt.get("Effect") != "Deny":
            continue
        if "*" not in _as_list(stmt.get("Principal")):
            continue
        actions = [str(a) for a in _as_list(stmt.get("Action"))]
        covers_objects = any(a in ("oss:*", "*") for a in actions) or {"oss:GetObject", "oss:PutObject"} <= set(actions)
        if not covers_objects:
            continue
        if not any(_covers_objects_of(str(r), bucket) for r in _as_list(stmt.get("Resource"))):
            continue
        if _denies_plain_http(stmt.get("Condition")):
            return stmt
    return None


def open_to_internet(ip_list: Any) -> list[str]:
    """The entries of a comma-separated whitelist that admit every address (0.0.0.0/0, ::/0)."""
    import ipaddress

    out = []
    for entry in str(ip_list or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            net = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        if net.prefixlen == 0:
            out.append(entry)
    return out


def as_int(value: Any) -> int | None:
    """An integer the API may send as a number or as a string ("7"); None when it is neither."""
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
