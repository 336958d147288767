"""OSS rules: encryption (KMS, customer key), HTTPS-only policy and TLS versions, versioning, replication,
zone redundancy, public access (ACL, policy, Block Public Access) and access logging."""

from .base import check, rule, unknown
from .common import _as_list, https_only_statement, is_customer_key, key_index, version_tuple


@rule(id="oss-bucket-sse-kms", product="oss", severity="high", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketEncryption"),
      title="OSS buckets encrypt objects by default with KMS",
      rationale="GL8 5.1(b) and (d): objects at rest are encrypted, with keys the insurer manages and can audit.",
      remediation={
          "console": "OSS console > the bucket > Content Security > Server-side Encryption: choose KMS and a key.",
          "cli": "aliyun oss bucket-encryption --method put oss://{resource_id} --sse-algorithm KMS --kms-masterkey-id <kms-key-id>",
          "terraform": "alicloud_oss_bucket_server_side_encryption (bucket = \"{resource_id}\", sse_algorithm = \"KMS\", kms_master_key_id)",
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
          "cli": "aliyun oss bucket-policy --method put oss://{resource_id} policy.json",
          "terraform": "alicloud_oss_bucket_policy (bucket = \"{resource_id}\") with a Deny statement conditioned on acs:SecureTransport = false",
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
          "cli": "aliyun oss bucket-versioning --method put oss://{resource_id} enabled",
          "terraform": "alicloud_oss_bucket_versioning (bucket = \"{resource_id}\"): status = \"Enabled\"",
      })
def bucket_versioning(acct, settings):
    for bucket in acct.resources("oss", "buckets"):
        status = (bucket.get("versioning") or {}).get("Status")
        ok = status == "Enabled"
        yield check(bucket.get("Name"), bucket.region, ok, {"GetBucketVersioning.Status": status},
                    "" if ok else ("versioning was never enabled" if status is None else f"versioning is {status}"))


@rule(id="oss-bucket-sse-byok", product="oss", severity="medium", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketEncryption", "kms:ListKeys", "kms:DescribeKey"),
      title="OSS buckets encrypt with a customer-managed KMS key (BYOK)",
      rationale="GL14 5.12 and 5.13: with a key the insurer creates and controls, access to objects is audited in "
                "KMS and can be revoked, and destroying the key renders the data unreadable at exit. KMS without "
                "KMSMasterKeyID uses a key OSS manages.",
      remediation={
          "console": "OSS console > the bucket > Content Security > Server-side Encryption: KMS, and choose a "
                     "customer master key you created (not the default key).",
          "cli": "aliyun oss bucket-encryption --method put oss://{resource_id} --sse-algorithm KMS --kms-masterkey-id <kms-key-id>",
          "terraform": "alicloud_oss_bucket_server_side_encryption (bucket = \"{resource_id}\"): kms_master_key_id = alicloud_kms_key.<cmk>.id",
      })
def bucket_sse_byok(acct, settings):
    keys = {r: key_index(acct, r) for r in acct.regions}
    for bucket in acct.resources("oss", "buckets"):
        rule_ = (bucket.get("encryption") or {}).get("ApplyServerSideEncryptionByDefault") or {}
        key_id = rule_.get("KMSMasterKeyID") or ""
        evidence = {"GetBucketEncryption.ApplyServerSideEncryptionByDefault.SSEAlgorithm": rule_.get("SSEAlgorithm"),
                    "GetBucketEncryption.ApplyServerSideEncryptionByDefault.KMSMasterKeyID": key_id}
        if rule_.get("SSEAlgorithm") != "KMS" or not key_id:
            yield check(bucket.get("Name"), bucket.region, False, evidence,
                        "objects are not encrypted with a named KMS key (OSS-managed or no encryption)")
            continue
        key = keys.get(bucket.region, {}).get(key_id)
        if key is None:
            yield check(bucket.get("Name"), bucket.region, False, evidence,
                        "the key is not among the account's KMS keys in the bucket's region")
            continue
        if "metadata" not in key:
            yield unknown(bucket.get("Name"), bucket.region, f"kms:DescribeKey for {key_id} was not read", evidence)
            continue
        evidence["DescribeKey.KeyMetadata.Creator"] = key["metadata"].get("Creator")
        ok = is_customer_key(key["metadata"])
        yield check(bucket.get("Name"), bucket.region, ok, evidence,
                    "" if ok else "the key was created by a cloud service, not the account")


def _tls_number(version: str) -> str:
    return str(version).upper().removeprefix("TLSV")


@rule(id="oss-bucket-tls-version", product="oss", severity="high", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketHttpsConfig"),
      title="OSS buckets accept only TLS 1.2 or later",
      rationale="GL8 5.1(b): TLS 1.0 and 1.1 are deprecated. Without TLS version control a bucket accepts every "
                "TLS version.",
      remediation={
          "console": "OSS console > the bucket > Bucket Settings > Transport Layer Security (TLS) version: enable "
                     "and select TLS 1.2 and TLS 1.3 only.",
          "cli": "aliyun oss api put-bucket-https-config --bucket {resource_id} --https-configuration "
                 "'{\"TLS\":{\"Enable\":true,\"TLSVersion\":[\"TLSv1.2\",\"TLSv1.3\"]}}'",
          "terraform": "alicloud_oss_bucket_https_config (bucket = \"{resource_id}\", enable = true, tls_versions = [\"TLSv1.2\", \"TLSv1.3\"])",
      })
def bucket_tls_version(acct, settings):
    need = version_tuple(settings.min_tls_version)
    for bucket in acct.resources("oss", "buckets"):
        tls = (bucket.get("https") or {}).get("TLS") or {}
        versions = [str(v) for v in _as_list(tls.get("TLSVersion"))]
        enabled = tls.get("Enable") is True or str(tls.get("Enable")).lower() == "true"
        evidence = {"GetBucketHttpsConfig.TLS.Enable": tls.get("Enable"), "GetBucketHttpsConfig.TLS.TLSVersion": versions,
                    "required_tls": settings.min_tls_version}
        if not enabled or not versions:
            yield check(bucket.get("Name"), bucket.region, False, evidence,
                        "TLS version control is off: every TLS version is accepted")
            continue
        try:
            old = [v for v in versions if version_tuple(_tls_number(v)) < need]
        except ValueError:
            yield unknown(bucket.get("Name"), bucket.region, f"unrecognised TLS version in {versions}", evidence)
            continue
        yield check(bucket.get("Name"), bucket.region, not old, evidence,
                    "" if not old else f"the bucket accepts {', '.join(old)}")


@rule(id="oss-bucket-cross-region-replication", product="oss", severity="medium", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketReplication"),
      title="OSS buckets replicate to another region",
      rationale="GL8 5.1(c) and GL14 5.18: a copy in a second region survives the loss of the primary region or "
                "of the bucket itself.",
      remediation={
          "console": "OSS console > the bucket > Redundancy for Fault Tolerance > Cross-Region Replication: add a "
                     "rule to a bucket in another region.",
          "cli": "aliyun oss replication --method put oss://{resource_id} replication.xml",
          "terraform": "alicloud_oss_bucket_replication (bucket = \"{resource_id}\", destination { bucket, location = another region })",
      })
def bucket_cross_region_replication(acct, settings):
    for bucket in acct.resources("oss", "buckets"):
        rules = [r for r in _as_list((bucket.get("replication") or {}).get("Rule")) if isinstance(r, dict)]
        own = (bucket.get("Location") or f"oss-{bucket.region}")
        active = [r for r in rules if str(r.get("Status") or "").lower() in ("starting", "doing")
                  and ((r.get("Destination") or {}).get("Location") or own) != own]
        evidence = {"GetBucketReplication.Rule": [{"ID": r.get("ID"), "Status": r.get("Status"),
                                                   "Destination.Location": (r.get("Destination") or {}).get("Location")}
                                                  for r in rules]}
        reason = "" if active else ("no replication configuration (NoSuchReplicationConfiguration)"
                                    if bucket.get("replication") is None else
                                    "no active rule replicates to another region")
        yield check(bucket.get("Name"), bucket.region, bool(active), evidence, reason)


@rule(id="oss-bucket-zrs", product="oss", severity="medium", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketInfo"),
      title="OSS buckets use zone-redundant storage (ZRS)",
      rationale="GL14 5.17: ZRS keeps objects in several zones of the region, so a zone failure loses no data and "
                "does not stop the service.",
      remediation={
          "console": "OSS console > the bucket > Redundancy for Fault Tolerance > convert to ZRS (or create a ZRS "
                     "bucket and copy the objects).",
          "cli": "aliyun oss mb oss://<new-bucket> --redundancy-type ZRS (then copy oss://{resource_id} into it)",
          "terraform": "alicloud_oss_bucket ({resource_id}): redundancy_type = \"ZRS\"",
      })
def bucket_zrs(acct, settings):
    for bucket in acct.resources("oss", "buckets"):
        value = (bucket.get("info") or {}).get("DataRedundancyType")
        ok = value == "ZRS"
        yield check(bucket.get("Name"), bucket.region, ok, {"GetBucketInfo.Bucket.DataRedundancyType": value},
                    "" if ok else f"redundancy is {value or 'not reported (LRS)'}")


PUBLIC_GRANTS = {"public-read", "public-read-write"}


@rule(id="oss-bucket-acl-not-public", product="oss", severity="high", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketAcl"),
      title="OSS bucket ACLs are private",
      rationale="GL8 5.1(d): a public-read or public-read-write bucket discloses (or lets anyone replace) every "
                "object, clients' personal information included.",
      remediation={
          "console": "OSS console > the bucket > Permission Control > ACL: Private.",
          "cli": "aliyun oss set-acl oss://{resource_id} private -b",
          "terraform": "alicloud_oss_bucket_acl (bucket = \"{resource_id}\"): acl = \"private\"",
      })
def bucket_acl_not_public(acct, settings):
    for bucket in acct.resources("oss", "buckets"):
        grant = ((bucket.get("acl") or {}).get("AccessControlList") or {}).get("Grant")
        ok = grant not in PUBLIC_GRANTS and grant is not None
        yield check(bucket.get("Name"), bucket.region, ok, {"GetBucketAcl.AccessControlList.Grant": grant},
                    "" if ok else f"the bucket ACL is {grant}")


RESTRICTING_CONDITIONS = {"acs:sourceip", "acs:sourcevpc", "acs:sourcevpcid", "acs:accessid"}


def _public_allow(policy: dict | None) -> dict | None:
    """An Allow statement for every principal ("*") that no source condition narrows."""
    if not isinstance(policy, dict):
        return None
    for stmt in _as_list(policy.get("Statement")):
        if not isinstance(stmt, dict) or stmt.get("Effect") != "Allow" or "*" not in _as_list(stmt.get("Principal")):
            continue
        keys = {k.lower() for entries in (stmt.get("Condition") or {}).values() if isinstance(entries, dict)
                for k in entries}
        if not keys & RESTRICTING_CONDITIONS:
            return stmt
    return None


@rule(id="oss-bucket-policy-not-public", product="oss", severity="high", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketPolicy"),
      title="OSS bucket policies do not grant access to everyone",
      rationale="GL8 5.1(d): an Allow for Principal \"*\" without a source IP or VPC condition makes objects public "
                "whatever the ACL says.",
      remediation={
          "console": "OSS console > the bucket > Permission Control > Bucket Policy: remove the statement that "
                     "authorises all accounts, or restrict it with acs:SourceIp / acs:SourceVpc.",
          "cli": "aliyun oss bucket-policy --method put oss://{resource_id} policy.json",
          "terraform": "alicloud_oss_bucket_policy (bucket = \"{resource_id}\") without Principal [\"*\"] Allow statements",
      })
def bucket_policy_not_public(acct, settings):
    for bucket in acct.resources("oss", "buckets"):
        stmt = _public_allow(bucket.get("policy"))
        yield check(bucket.get("Name"), bucket.region, stmt is None,
                    {"GetBucketPolicy.Statement": stmt} if stmt else {"GetBucketPolicy.Statement": "no public Allow"},
                    "" if stmt is None else "an Allow statement for Principal * has no source restriction")


@rule(id="oss-bucket-block-public-access", product="oss", severity="medium", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketPublicAccessBlock"),
      title="OSS buckets turn on Block Public Access",
      rationale="GL8 5.1(d): Block Public Access overrides any public ACL or policy added later by mistake.",
      remediation={
          "console": "OSS console > the bucket > Permission Control > Block Public Access: turn on.",
          "cli": "aliyun oss api put-bucket-public-access-block --bucket {resource_id} "
                 "--public-access-block-configuration '{\"BlockPublicAccess\":true}'",
          "terraform": "alicloud_oss_bucket_public_access_block (bucket = \"{resource_id}\"): block_public_access = true",
      })
def bucket_block_public_access(acct, settings):
    for bucket in acct.resources("oss", "buckets"):
        value = (bucket.get("public_access_block") or {}).get("BlockPublicAccess")
        ok = value is True or str(value).lower() == "true"
        yield check(bucket.get("Name"), bucket.region, ok,
                    {"GetBucketPublicAccessBlock.BlockPublicAccess": value},
                    "" if ok else "Block Public Access is off for the bucket")


@rule(id="oss-bucket-logging", product="oss", severity="medium", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketLogging"),
      title="OSS buckets log access",
      rationale="GL14 5.15(c) and GL20 monitoring: access logs show who read or changed customer data and are "
                "the evidence for a breach notification (GL14 5.14).",
      remediation={
          "console": "OSS console > the bucket > Logging > Log Storage: enable and choose a target bucket.",
          "cli": "aliyun oss logging --method put oss://{resource_id} oss://<log-bucket>/<prefix>",
          "terraform": "alicloud_oss_bucket_logging (bucket = \"{resource_id}\", target_bucket, target_prefix)",
      })
def bucket_logging(acct, settings):
    for bucket in acct.resources("oss", "buckets"):
        enabled = (bucket.get("logging") or {}).get("LoggingEnabled") or {}
        target = enabled.get("TargetBucket")
        yield check(bucket.get("Name"), bucket.region, bool(target),
                    {"GetBucketLogging.LoggingEnabled.TargetBucket": target,
                     "GetBucketLogging.LoggingEnabled.TargetPrefix": enabled.get("TargetPrefix")},
                    "" if target else "access logging is not configured")
