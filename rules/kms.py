"""KMS rules: customer master keys rotate, are protected from deletion, and are not being deleted."""

from .base import check, each, not_applicable, rule
from .common import is_customer_key, read

KEY_STATES = ("Enabled", "Disabled", "PendingDeletion", "PendingImport")  # DescribeKey KeyMetadata.KeyState
ROTATION = ("Enabled", "Disabled", "Suspended")  # KeyMetadata.AutomaticRotation
PROTECTION = ("Enabled", "Disabled")  # KeyMetadata.DeletionProtection


def _meta(key) -> dict:
    """KeyMetadata (DescribeKey) of a listed key; {} when it was not read (the engine reports that call)."""
    return read(key, "metadata", "dict", name="DescribeKey.KeyMetadata") or {}

SYMMETRIC_SPECS = {"Aliyun_AES_256", "Aliyun_AES_128", "Aliyun_AES_192", "Aliyun_SM4"}


@rule(id="kms-key-rotation", product="kms", severity="medium", resource_type="kms:key",
      needs=("kms:ListKeys", "kms:DescribeKey"),
      title="Customer master keys rotate automatically",
      rationale="Rotation limits how much data one key protects and how long a leaked key stays useful "
                "(GL8 5.1(d): protection of clients' personal information).",
      remediation={
          "console": "KMS console > Keys > the key > Key Rotation: enable automatic rotation (for example 365 days).",
          "cli": "aliyun kms UpdateRotationPolicy --region {region} --KeyId {resource_id} --EnableAutomaticRotation true --RotationInterval 31536000s",
          "terraform": "alicloud_kms_key ({resource_id}, {region}): automatic_rotation = \"Enabled\" (rotation_interval = \"31536000s\")",
      })
@each("kms", "keys", "KeyId")
def key_rotation(key, acct, settings):
    meta = _meta(key)
    evidence = {"DescribeKey.KeyMetadata.AutomaticRotation": meta.get("AutomaticRotation"),
                "DescribeKey.KeyMetadata.KeySpec": meta.get("KeySpec"),
                "DescribeKey.KeyMetadata.KeyState": meta.get("KeyState")}
    if meta and not is_customer_key(meta):
        return not_applicable(key.get("KeyId"), key.region, "a service-managed key", evidence)
    spec = read(meta, "KeySpec", "str", name="DescribeKey.KeyMetadata.KeySpec")
    if spec and spec not in SYMMETRIC_SPECS:
        return not_applicable(key.get("KeyId"), key.region, "asymmetric keys do not support automatic rotation", evidence)
    state = read(meta, "KeyState", "str", name="DescribeKey.KeyMetadata.KeyState", values=KEY_STATES)
    if state not in (None, "Enabled"):
        return not_applicable(key.get("KeyId"), key.region, f"the key is {state}", evidence)
    rotation = read(meta, "AutomaticRotation", "str", name="DescribeKey.KeyMetadata.AutomaticRotation", values=ROTATION)
    ok = rotation == "Enabled"
    return check(key.get("KeyId"), key.region, ok, evidence, "" if ok else "automatic rotation is not enabled")


@rule(id="kms-key-deletion-protection", product="kms", severity="medium", resource_type="kms:key",
      needs=("kms:ListKeys", "kms:DescribeKey"),
      title="Customer master keys have deletion protection",
      rationale="Deleting a key destroys every copy of the data it encrypts, backups included (GL8 5.1(c), 5.1(d)).",
      remediation={
          "console": "KMS console > Keys > the key > Enable Deletion Protection.",
          "cli": "aliyun kms SetDeletionProtection --region {region} --ProtectedResourceArn acs:kms:{region}:{account_id}:key/{resource_id} --EnableDeletionProtection true",
          "terraform": "alicloud_kms_key ({resource_id}, {region}): deletion_protection = \"Enabled\"",
      })
@each("kms", "keys", "KeyId")
def key_deletion_protection(key, acct, settings):
    meta = _meta(key)
    evidence = {"DescribeKey.KeyMetadata.DeletionProtection": meta.get("DeletionProtection"),
                "DescribeKey.KeyMetadata.Creator": meta.get("Creator")}
    if meta and not is_customer_key(meta):
        return not_applicable(key.get("KeyId"), key.region, "a service-managed key", evidence)
    value = read(meta, "DeletionProtection", "str", name="DescribeKey.KeyMetadata.DeletionProtection", values=PROTECTION)
    ok = value == "Enabled"
    return check(key.get("KeyId"), key.region, ok, evidence, "" if ok else "deletion protection is off")


@rule(id="kms-key-not-pending-deletion", product="kms", severity="high", resource_type="kms:key",
      needs=("kms:ListKeys", "kms:DescribeKey"),
      title="No customer master key is scheduled for deletion",
      rationale="A key pending deletion will make the data it protects unrecoverable on its delete date.",
      remediation={
          "console": "KMS console > Keys > the key > Cancel Deletion, unless its data is confirmed obsolete.",
          "cli": "aliyun kms CancelKeyDeletion --region {region} --KeyId {resource_id}",
          "terraform": "remove the pending_window_in_days destroy; keep alicloud_kms_key ({resource_id}, {region}) in state",
      })
@each("kms", "keys", "KeyId")
def key_not_pending_deletion(key, acct, settings):
    meta = _meta(key)
    # the state must be read and be one the documentation lists: an unknown state is not "not pending"
    state = read(meta, "KeyState", "str", name="DescribeKey.KeyMetadata.KeyState", optional=False, values=KEY_STATES)
    ok = state != "PendingDeletion"
    date = meta.get("DeleteDate")
    return check(key.get("KeyId"), key.region, ok,
                 {"DescribeKey.KeyMetadata.KeyState": state, "DescribeKey.KeyMetadata.DeleteDate": date},
                 "" if ok else (f"the key will be deleted on {date}" if date else
                                "the key is pending deletion (no deletion date reported)"))
