"""KMS in a plan: alicloud_kms_key, and stubs for the keys a resource uses but the plan does not create."""

from __future__ import annotations

from .references import Values

ANSWERS = frozenset({"kms:ListKeys", "kms:DescribeKey"})


def ensure_key(ad, region: str, key: str) -> None:
    """A key a resource uses but the plan does not create: a stub, whose metadata the plan cannot give."""
    if key in ad.ctx.planned or key in ad.ctx.stubs:
        return
    ad.ctx.stub(key, "the key")
    ad.region_bucket(region, "kms", "keys").append({"KeyId": key})
    ad.ctx.gap(key, "DescribeKey", "id", f"the key {key} is not created by this plan; its metadata cannot be read "
               "from the plan", kind="outside")


def map_kms_key(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_kms_key -> ListKeys item + DescribeKey KeyMetadata (a key the plan creates is a customer key)."""
    sid = rc["address"]
    meta = {"KeyId": sid, "Creator": PLAN_ACCOUNT_CREATOR, "Origin": ad.known(sid, v, "origin", "DescribeKey.KeyMetadata.Origin")}
    # documented defaults: automatic_rotation Disabled, key_spec Aliyun_AES_256, status Enabled
    meta["AutomaticRotation"] = ad.known_or_default(sid, v, "automatic_rotation",
                                                    "DescribeKey.KeyMetadata.AutomaticRotation", "Disabled")
    spec_attr = "spec" if v.get("spec")[0] is not None and v.get("key_spec")[0] is None else "key_spec"
    meta["KeySpec"] = ad.known_or_default(sid, v, spec_attr, "DescribeKey.KeyMetadata.KeySpec", "Aliyun_AES_256")
    meta["DeletionProtection"] = ad.known(sid, v, "deletion_protection", "DescribeKey.KeyMetadata.DeletionProtection")
    state_attr = "key_state" if v.get("key_state")[0] is not None and v.get("status")[0] is None else "status"
    meta["KeyState"] = ad.known_or_default(sid, v, state_attr, "DescribeKey.KeyMetadata.KeyState", "Enabled")
    meta["ProtectionLevel"] = ad.known(sid, v, "protection_level", "DescribeKey.KeyMetadata.ProtectionLevel")
    meta["KeyUsage"] = ad.known(sid, v, "key_usage", "DescribeKey.KeyMetadata.KeyUsage")
    item = {"KeyId": sid, "KeyArn": None, "metadata": meta}
    ad.region_bucket(region, "kms", "keys").append(ad.register(sid, item))


# The Creator of a key the plan creates: an account id (all digits) in the API; the rules read
# "created by an account" from it. The plan does not know the account, so a placeholder of digits.
PLAN_ACCOUNT_CREATOR = "000000000000"


# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS = {
    "alicloud_kms_key": (map_kms_key, 0),
}
