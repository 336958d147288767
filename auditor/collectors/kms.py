"""KMS: every key and its metadata (rotation, deletion protection, state)."""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import Detail, ListCall, PageNumber, Product

# ListKeys: PageSize 1-100, TotalCount (tests/documented/NOTES.md).
SPEC = Product("kms", lists=(
    ListCall("ListKeys", items="Keys.Key", id="KeyId", into="keys", require=("KeyId",),
             paging=PageNumber(max_size=100, total="TotalCount")),
), details=(
    Detail("DescribeKey", per="KeyId", into="metadata", require="KeyMetadata"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("kms")
    out = col.section(region, "kms")
    keys = pager.list_rpc(col, PRODUCT, SPEC.list("ListKeys"), region).items

    def describe(key: dict) -> None:
        body = col.rpc("kms", "DescribeKey", region, m.DescribeKeyRequest(key_id=key["KeyId"]),
                       resource=key["KeyId"], require="KeyMetadata")
        if body is not None:
            key["metadata"] = body["KeyMetadata"]

    col.map(describe, keys)
    out["keys"] = keys


def min_calls(account: dict, region: str) -> Cost:
    """ListKeys 100 a page (documented maximum), DescribeKey per key (no batch form)."""
    keys = region_section(account, region, "kms").get("keys") or []
    cost = Cost().list("kms:ListKeys", pages(len(keys), 100)).detail("kms:DescribeKey", len(keys))
    cost.chain = pages(len(keys), 100) + (1 if keys else 0)
    return cost
