"""OSS rules: default encryption with KMS, HTTPS-only bucket policy, versioning."""

from .base import check, rule
from .common import https_only_statement


@rule(id="oss-bucket-sse-kms", product="oss", severity="high", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketEncryption"),
      title="OSS buckets encrypt objects by default with KMS",
      rationale="GL8 5.1(b) and (d): objects at rest are encrypted, with keys the insurer manages and can audit.",
      remediation={
          "console": "OSS console > the bucket > Content Security > Server-side Encryption: choose KMS and a key.",
          "cli": "aliyun oss bucket-encryption --method put oss://<bucket> --sse-algorithm KMS --kms-masterkey-id <key-id>",
          "terraform": "alicloud_oss_bucket_server_side_encryption (sse_algorithm = \"KMS\", kms_master_key_id)",
      })
def bucket_sse_kms(acct, settings):
    for bucket in acct.resources("oss", "buckets"):
        rule_ = (bucket.get("encryption") or {}).get("ApplyServerSideEncryptionByDefault") or {}
        algorithm = rule_.get("SSEAlgorithm")
        ok = algorithm == "KMS"
        reason = "" if ok else ("no default encryption rule" if bucket.get("encryption") is None
                                else f"default encryption is {algorithm}, not KMS")
        yield check(bucket.get("Name"), bucket.region, ok,
                    {"GetBucketEncryption.ApplyServerSideEncryptionByDefault.SSEAlgorithm": algorithm,
                     "GetBucketEncryption.ApplyServerSideEncryptionByDefault.KMSMasterKeyID": rule_.get("KMSMasterKeyID")},
                    reason)


@rule(id="oss-bucket-https-only", product="oss", severity="high", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketPolicy"),
      title="OSS bucket policies deny access over plain HTTP",
      rationale="GL8 5.1(b) covers data in transit: only a Deny on acs:SecureTransport=false stops clients "
                "from reading or writing objects without TLS.",
      remediation={
          "console": "OSS console > the bucket > Permission Control > Bucket Policy: add a Deny statement for all "
                     "principals and oss:* on <bucket>/* with the condition acs:SecureTransport = false.",
          "cli": "aliyun oss bucket-policy --method put oss://<bucket> policy.json",
          "terraform": "alicloud_oss_bucket_policy with a Deny statement conditioned on acs:SecureTransport = false",
      })
def bucket_https_only(acct, settings):
    for bucket in acct.resources("oss", "buckets"):
        policy = bucket.get("policy")
        stmt = https_only_statement(policy, bucket.get("Name"))
        reason = "" if stmt else ("the bucket has no policy" if policy is None
                                  else "no Deny statement on acs:SecureTransport = false covers all objects")
        yield check(bucket.get("Name"), bucket.region, stmt is not None,
                    {"GetBucketPolicy.Statement": stmt if stmt else (policy or {}).get("Statement")}, reason)


@rule(id="oss-bucket-versioning", product="oss", severity="medium", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketVersioning"),
      title="OSS buckets keep object versions",
      rationale="Versioning lets overwritten or deleted objects be recovered (GL8 5.1(c) backups; tamper recovery).",
      remediation={
          "console": "OSS console > the bucket > Redundancy for Fault Tolerance > Versioning: Enable.",
          "cli": "aliyun oss bucket-versioning --method put oss://<bucket> enabled",
          "terraform": "alicloud_oss_bucket_versioning.status = \"Enabled\"",
      })
def bucket_versioning(acct, settings):
    for bucket in acct.resources("oss", "buckets"):
        status = (bucket.get("versioning") or {}).get("Status")
        ok = status == "Enabled"
        yield check(bucket.get("Name"), bucket.region, ok, {"GetBucketVersioning.Status": status},
                    "" if ok else ("versioning was never enabled" if status is None else f"versioning is {status}"))
