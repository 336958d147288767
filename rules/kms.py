"""KMS rules: customer master keys rotate, are protected from deletion, and are not being deleted."""

from .base import check, not_applicable, rule
from .common import is_customer_key

SYMMETRIC_SPECS = {"Aliyun_AES_256", "Aliyun_AES_128", "Aliyun_AES_192", "Aliyun_SM4"}


def _customer_keys(acct):
    for key in acct.resources("kms", "keys"):
        meta = key.get("metadata") or {}
        yield key, meta


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
def key_rotation(acct, settings):
    for key, meta in _customer_keys(acct):
        evidence = {"DescribeKey.KeyMetadata.AutomaticRotation": meta.get("AutomaticRotation"),
                    "DescribeKey.KeyMetadata.KeySpec": meta.get("KeySpec"),
                    "DescribeKey.KeyMetadata.KeyState": meta.get("KeyState")}
        if meta and not is_customer_key(meta):
            yield not_applicable(key.get("KeyId"), key.region, "a service-managed key", evidence)
        elif meta.get("KeySpec") and meta.get("KeySpec") not in SYMMETRIC_SPECS:
            yield not_applicable(key.get("KeyId"), key.region, "asymmetric keys do not support automatic rotation", evidence)
        elif meta.get("KeyState") not in (None, "Enabled"):
            yield not_applicable(key.get("KeyId"), key.region, f"the key is {meta.get('KeyState')}", evidence)
        else:
            ok = meta.get("AutomaticRotation") == "Enabled"
            yield check(key.get("KeyId"), key.region, ok, evidence, "" if ok else "automatic rotation is not enabled")


@rule(id="kms-key-deletion-protection", product="kms", severity="medium", resource_type="kms:key",
      needs=("kms:ListKeys", "kms:DescribeKey"),
      title="Customer master keys have deletion protection",
      rationale="Deleting a key destroys every copy of the data it encrypts, backups included (GL8 5.1(c), 5.1(d)).",
      remediation={
          "console": "KMS console > Keys > the key > Enable Deletion Protection.",
          "cli": "aliyun kms SetDeletionProtection --region {region} --ProtectedResourceArn acs:kms:{region}:{account_id}:key/{resource_id} --EnableDeletionProtection true",
          "terraform": "alicloud_kms_key ({resource_id}, {region}): deletion_protection = \"Enabled\"",
      })
def key_deletion_protection(acct, settings):
    for key, meta in _customer_keys(acct):
        evidence = {"DescribeKey.KeyMetadata.DeletionProtection": meta.get("DeletionProtection"),
                    "DescribeKey.KeyMetadata.Creator": meta.get("Creator")}
        if meta and not is_customer_key(meta):
            yield not_applicable(key.get("KeyId"), key.region, "a service-managed key", evidence)
            continue
        ok = meta.get("DeletionProtection") == "Enabled"
        yield check(key.get("KeyId"), key.region, ok, evidence, "" if ok else "deletion protection is off")


@rule(id="kms-key-not-pending-deletion", product="kms", severity="high", resource_type="kms:key",
      needs=("kms:ListKeys", "kms:DescribeKey"),
      title="No customer master key is scheduled for deletion",
      rationale="A key pending deletion will make the data it protects unrecoverable on its delete date.",
      remediation={
          "console": "KMS console > Keys > the key > Cancel Deletion, unless its data is confirmed obsolete.",
          "cli": "aliyun kms CancelKeyDeletion --region {region} --KeyId {resource_id}",
          "terraform": "remove the pending_window_in_days destroy; keep alicloud_kms_key ({resource_id}, {region}) in state",
      })
def key_not_pending_deletion(acct, settings):
    for key, meta in _customer_keys(acct):
        state = meta.get("KeyState")
        ok = state != "PendingDeletion"
        yield check(key.get("KeyId"), key.region, ok,
                    {"DescribeKey.KeyMetadata.KeyState": state, "DescribeKey.KeyMetadata.DeleteDate": meta.get("DeleteDate")},
                    "" if ok else f"the key will be deleted on {meta.get('DeleteDate')}")
