"""KMS: every key and its metadata (rotation, deletion protection, state)."""

from __future__ import annotations

from .. import sdk
from .base import Collection

PRODUCT = "kms"
CALLS = ("ListKeys", "DescribeKey")


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("kms")
    out = col.section(region, "kms")
    keys, _ = col.pages_by_number(
        "kms", "ListKeys", region,
        lambda page: m.ListKeysRequest(page_size=100, page_number=page),
        "Keys.Key[]")

    def describe(key: dict) -> None:
        body = col.rpc("kms", "DescribeKey", region, m.DescribeKeyRequest(key_id=key["KeyId"]),
                       resource=key["KeyId"], require="KeyMetadata")
        if body is not None:
            key["metadata"] = body["KeyMetadata"]

    col.map(describe, keys)
    out["keys"] = keys
