"""Which regions a scan covers. Never a hard-coded list: ECS DescribeRegions says which exist.

Default ("the regions where the tenant has resources"): every region DescribeRegions
returns is collected, then a region is left out of the snapshot only when every
list call there succeeded and came back empty. The trade-off: one list call per
product per region (about 6 x the region count, each a cheap first page; detail
calls only happen where there is something), against a dedicated probe such as
Resource Center, which would need another service enabled and another
permission, and would be one more thing that can silently miss a product. A
region where any call failed is kept, so its errors make the affected checks
ERROR: an unreachable region is never silently dropped. The regions left out are
listed in the snapshot (account "regions_without_resources").

`--region` narrows the scan to the regions given, each of which must be one that
DescribeRegions returns; those are kept even when empty.
"""

from __future__ import annotations

from . import sdk, snapshot
from .collectors.base import RetryPolicy, attempt, sdk_method
from .errors import IncompleteScan, UsageError
from .model import COMPLIANT, INCOMPLETE, NOT_APPLICABLE


class DiscoveryFailed(IncompleteScan):
    """ECS DescribeRegions failed (refused, unavailable, unparseable): the scan cannot know its regions."""

    def __init__(self, err: dict):
        self.err = err
        super().__init__(f"cannot list regions: ecs:DescribeRegions failed: {err['code']}: {err['message']}")


# Lists that describe a region rather than resources in it.
METADATA_KINDS = {("ecs", "zones")}


def discover(clients: sdk.Clients, via_region: str, retry: RetryPolicy | None = None) -> list[str]:
    """Region ids from ECS DescribeRegions (through the endpoint of via_region)."""
    return ids(describe(clients, via_region, retry))


def ids(described: list[dict]) -> list[str]:
    return sorted(r["RegionId"] for r in described if isinstance(r, dict) and r.get("RegionId"))


def describe(clients: sdk.Clients, via_region: str, retry: RetryPolicy | None = None) -> list[dict]:
    """ECS DescribeRegions' Regions.Region (the ECS collector stores the same list: it is asked once)."""
    m = sdk.models("ecs")
    client = clients.rpc("ecs", via_region)
    resp, err = attempt(lambda: sdk_method(client, "DescribeRegions")(
        m.DescribeRegionsRequest(accept_language="en-US"), clients.runtime()), retry or RetryPolicy())
    if err is not None:
        raise DiscoveryFailed(err)
    body = resp.body.to_map() if resp is not None and resp.body is not None else {}
    regions = (body.get("Regions") or {}).get("Region") if isinstance(body, dict) else None
    if not isinstance(regions, list):
        raise DiscoveryFailed({"code": "MalformedResponse", "message": "the answer has no Regions.Region",
                               "http_status": resp.status_code if resp is not None else None, "request_id": None})
    return regions


DISCOVERY = ("ecs", "DescribeRegions")


def discovery_failed(account_id: str, err: dict, via_region: str) -> dict:
    """The section of an account whose regions could not be listed: nothing else is collected (the scan does
    not know where to look), and the failure is recorded as an account-level error of ecs:DescribeRegions."""
    account = snapshot.new_account(account_id)
    account["errors"].append({"product": DISCOVERY[0], "action": DISCOVERY[1], "region": None, "resource": None,
                              "code": err["code"], "message": f"{err['message']} (through {via_region}): the "
                              "regions could not be listed, so nothing was checked in this account",
                              "http_status": err.get("http_status"), "request_id": err.get("request_id")})
    return account


def unlisted(collected: dict) -> dict[str, dict]:
    """account id -> the DescribeRegions error, for the accounts whose regions could not be listed."""
    out = {}
    for account in collected.get("accounts", []):
        if account.get("regions"):
            continue
        for e in account.get("errors", []):
            if (e.get("product"), e.get("action")) == DISCOVERY and e.get("region") is None:
                out[account["account_id"]] = e
    return out


def mark_unlisted(failed: dict[str, dict], clause_results: list[dict]) -> str:
    """No verdict stands for an account whose regions are unknown (its findings are left out by the caller):
    every checked clause that would read COMPLIANT or NOT_APPLICABLE is INCOMPLETE. Returns the reason."""
    reason = "; ".join(f"account {a}: cannot list regions (ecs:DescribeRegions failed: {e['code']})"
                       for a, e in sorted(failed.items()))
    for c in clause_results:
        if c.get("kind") != "manual" and c["status"] in (COMPLIANT, NOT_APPLICABLE):
            c["status"] = INCOMPLETE
            c["reason"] = f"nothing was checked: {reason}"
    return reason


def narrow(available: list[str], wanted: list[str]) -> list[str]:
    unknown = [r for r in wanted if r not in available]
    if unknown:
        raise UsageError(f"unknown region(s) {', '.join(unknown)} (DescribeRegions lists: {', '.join(available)})")
    return list(dict.fromkeys(wanted))


def has_resources(section: dict) -> bool:
    for product, kinds in section.items():
        for kind, items in kinds.items():
            if (product, kind) not in METADATA_KINDS and items:
                return True
    return False


def prune_empty(account: dict, keep: set[str] = frozenset()) -> list[str]:
    """Drop the regions where everything succeeded and nothing was found; returns their names."""
    touched = {e.get("region") for e in account.get("errors", [])}
    dropped = []
    for region, section in list(account["regions"].items()):
        if region in keep or region in touched or has_resources(section):
            continue
        dropped.append(region)
        del account["regions"][region]
    if dropped:
        account["regions_without_resources"] = sorted(dropped)
        account["unavailable"] = [u for u in account.get("unavailable", []) if u["region"] not in dropped]
    return dropped
