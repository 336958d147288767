"""Readings of API values that several rules share."""

from __future__ import annotations

import fnmatch
from typing import Any, Iterable

from .base import BadField, check, unknown  # noqa: F401  (BadField: read() raises it)

SERVICE_KEY_CREATORS = {"Ecs", "Oss", "Rds", "Kms", "Acs"}


def is_customer_key(meta: dict | None) -> bool:
    """A customer master key: created by an account (Creator is an account id), not by a cloud service.
    Creator is documented as a string; any other form is BadField."""
    if not meta:
        return False
    creator = read(meta, "Creator", "str", name="DescribeKey.KeyMetadata.Creator", optional=False)
    return creator.isdigit()


def key_index(acct, region: str) -> dict[str, dict]:
    """KeyId and KeyArn -> key item, for one region (built once per account view)."""
    cache = acct.__dict__.setdefault("_aliaudit_key_index", {})
    if region in cache:
        return cache[region]
    out = {}
    for key in acct.in_region(region, "kms", "keys"):
        for field in ("KeyId", "KeyArn"):
            if isinstance(key.get(field), str) and key[field]:
                out[key[field]] = key
    cache[region] = out
    return out


def customer_key_check(acct, resource_id, region: str, key_region: str, key_id: str, evidence: dict,
                       missing: str):
    """The verdict "encrypted with a customer-managed key" once a resource names KMS key `key_id`."""
    if key_region not in acct.regions:
        return unknown(resource_id, region, f"the key's region {key_region} was not scanned", evidence)
    key = key_index(acct, key_region).get(key_id)
    if key is None:
        return check(resource_id, region, False, evidence, missing)
    if "metadata" not in key:
        return unknown(resource_id, region, f"kms:DescribeKey for {key_id} was not read", evidence)
    meta = read(key, "metadata", "dict", name="DescribeKey.KeyMetadata", optional=False)
    evidence["DescribeKey.KeyMetadata.Creator"] = meta.get("Creator")
    ok = is_customer_key(meta)
    return check(resource_id, region, ok, evidence, "" if ok else "the key was created by a cloud service, not the account")


# The TLS versions of the system (predefined) TLS policies, as the documentation tables them:
#   CLB "TLS security policies" (alibabacloud.com/help/doc-detail/90740.html) and
#   ALB "TLS security policies" (alibabacloud.com/help/doc-detail/198572.html, help.aliyun.com .../tls-security-policies).
# Live ALB scans never use this table: ALB lists its system policies with their TLS versions
# (ListSystemSecurityPolicies). It decides only where no API gives the versions: CLB system policies
# (CLB lists custom policies only, and only where that feature is enabled), and a Terraform plan (no API at all).
DOCUMENTED_SYSTEM_TLS_POLICIES = {
    "tls_cipher_policy_1_0": ("TLSv1.0", "TLSv1.1", "TLSv1.2"),
    "tls_cipher_policy_1_1": ("TLSv1.1", "TLSv1.2"),
    "tls_cipher_policy_1_2": ("TLSv1.2",),
    "tls_cipher_policy_1_2_strict": ("TLSv1.2",),
    "tls_cipher_policy_1_2_strict_with_1_3": ("TLSv1.2", "TLSv1.3"),
    "tls_cipher_policy_1_0_to_1_3": ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"),  # ALB only
}
TLS_VERSIONS = ("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")


def oldest_tls(versions: Any, field: str) -> str:
    """The oldest of a policy's TLS versions ("TLSv1.1" -> "1.1"); BadField for an empty or unknown list."""
    if not isinstance(versions, (list, tuple)) or not versions or \
            not all(isinstance(v, str) and v in TLS_VERSIONS for v in versions):
        raise BadField(field, versions, "a list of TLSv1.0, TLSv1.1, TLSv1.2, TLSv1.3")
    return min((v.removeprefix("TLSv") for v in versions), key=version_tuple)


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


def allowlist_open(groups: list[tuple[Any, Any]], field: str, *, percent_is_any: bool = False) -> list[Any]:
    """The allow-list groups through which every address is admitted, judged on the union of all groups.

    `groups` is [(group name, its comma-separated list)]. Documented entry forms are IP addresses and CIDR
    blocks (RDS ModifySecurityIps, PolarDB ModifyDBClusterAccessWhitelist, Redis ModifySecurityIps); for RDS,
    "%" also means any address (RDS "Set whitelist": "% or 0.0.0.0/0 indicates any IP address"). The
    union across entries and groups is open when it covers 0.0.0.0/0 or ::/0 (two /1 blocks in two groups
    are as open as 0.0.0.0/0). An entry of another form (a range "a-b", a name) cannot be placed: unless
    the list is open without it, that is BadField (ERROR), never PASS.
    Returns the names of the groups that contribute to an open union ([] when closed)."""
    from .netset import network, open_families

    nets: list = []
    odd: list[tuple[Any, str]] = []
    for name, value in groups:
        if not isinstance(value, str):  # "" is an empty group; a missing list is unknown
            raise BadField(field, value, "a comma-separated string of IP addresses and CIDR blocks")
        for entry in value.split(","):
            entry = entry.strip()
            if not entry:
                continue
            if entry == "%" and percent_is_any:
                nets += [(name, network("0.0.0.0/0"))]
                continue
            net = network(entry)
            if net is None:
                odd.append((name, entry))
            else:
                nets.append((name, net))
    families = open_families(n for _, n in nets)
    if families:
        return sorted({str(name) for name, n in nets if n.version in families}, key=str)
    if odd:
        raise BadField(field, odd[0][1], "an IP address or CIDR block",
                       reason=f"allow-list entry {odd[0][1]!r} (group {odd[0][0]}) is not an IP address or CIDR "
                              "block: whether it admits the internet is unknown")
    return []


def as_int(value: Any) -> int | None:
    """An integer the API may send as a number or as a string ("7"); None when it is neither."""
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


# ---- typed reads of API fields ----------------------------------------------------------------------
# A value of a form the documentation does not list (a bool sent as "true", a number as "7" where the
# API documents a number, an empty XML element, a list where an object is documented) cannot decide a
# verdict: reading it raises BadField, and `each` (rules/base.py) turns that into ERROR for the
# resource, with the raw value as evidence. Never PASS, never FAIL.

# BadField lives in base.py (where `each` catches it), so that base needs nothing from this module.


_KINDS = {
    "str": (lambda v: isinstance(v, str), "a string"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a number"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "dict": (lambda v: isinstance(v, dict), "an object"),
    # a whole number the API documents as a string ("7"), or sends as a number
    "intstr": (lambda v: as_int(v) is not None and not isinstance(v, float), "a whole number"),
    # a whole number the documentation types as a string, and only as a string ("7", "-1")
    "digits": (lambda v: isinstance(v, str) and as_int(v) is not None, "a string of a whole number"),
}


def read(data: Any, path: str, kind: str, *, name: str | None = None, optional: bool = True,
         values: Iterable | None = None) -> Any:
    """The value at `path` ("ssl.SSLEnabled") of an API item, checked against its documented form.

    Missing or None (the API sent nothing, or the sub-resource is not configured) is None when
    `optional`, else BadField. A value of another type, or outside the documented `values`, is BadField.
    `name` is the field's name in evidence (API.Field); it defaults to the path."""
    label = name or path
    value = data
    for part in path.split("."):
        if value is None:
            break
        if not isinstance(value, dict) and not isinstance(getattr(value, "data", None), dict):
            raise BadField(label, value, "an object")
        value = value.get(part)
    if value is None:
        if optional:
            return None
        raise BadField(label, None, _KINDS[kind][1])
    test, expected = _KINDS[kind]
    if not test(value):
        raise BadField(label, value, expected)
    if values is not None:
        allowed = tuple(values)
        if value not in allowed:
            raise BadField(label, value, "one of " + ", ".join(map(repr, allowed)))
    return int(value) if kind in ("intstr", "digits") else value


def items(data: Any, path: str, *, name: str | None = None, optional: bool = True) -> list[dict]:
    """A documented list of objects (the API's `Items.Item[]`); None/absent is [] when optional.
    A list member that is not an object is BadField."""
    got = read(data, path, "list", name=name, optional=optional)
    if got is None:
        return []
    for member in got:
        if not isinstance(member, dict):
            raise BadField(name or path, member, "a list of objects")
    return got
