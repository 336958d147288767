"""OSS rules: encryption (KMS, customer key), HTTPS-only policy and TLS versions, versioning, replication,
zone redundancy, public access (ACL, policy, Block Public Access) and access logging."""

from dataclasses import replace

from .base import Check, check, each, rule
from .common import BadField, _as_list, customer_key_check, https_only_statement, read, version_tuple

EACH = ("oss", "buckets", "Name")
SSE_ALGORITHMS = ("KMS", "AES256", "SM4")  # GetBucketEncryption SSEAlgorithm


def each_bucket(fn):
    """@each over the buckets, naming GetBucketInfo in the evidence when the fields a verdict shows came from
    it (collection.oss_bucket_info): the collector lists those calls in the bucket's `info_carried`."""
    def judged(bucket, acct, settings):
        return _sourced(bucket, fn(bucket, acct, settings))

    judged.__name__, judged.__doc__ = fn.__name__, fn.__doc__
    return each(*EACH)(judged)


def _sourced(bucket, got):
    carried = bucket.get("info_carried")
    if not isinstance(got, Check) or not isinstance(carried, list):
        return got
    used = [action for action in carried if any(k.startswith(f"{action}.") for k in got.evidence)]
    if not used:
        return got
    note = f"carries the fields of {', '.join(used)} ({'it was' if len(used) == 1 else 'they were'} not called)"
    return replace(got, evidence={**got.evidence, "GetBucketInfo.Bucket": note})


def _policy(bucket) -> dict | None:
    """The bucket policy (GetBucketPolicy), None when the bucket has none (NoSuchBucketPolicy).
    A document without a usable Statement ({}, null inside, a string, a wrong type, statements that are not
    objects or whose Effect is neither Allow nor Deny) cannot be judged: BadField, so ERROR for every policy rule."""
    if "policy" in bucket and bucket.get("policy") is None:
        return None
    policy = read(bucket, "policy", "dict", name="GetBucketPolicy", optional=False)
    statements = policy.get("Statement")
    if not isinstance(statements, list):
        raise BadField("GetBucketPolicy.Statement", statements, "a list of statements")
    for stmt in statements:
        if not isinstance(stmt, dict):
            raise BadField("GetBucketPolicy.Statement", stmt, "a statement object")
        read(stmt, "Effect", "str", name="GetBucketPolicy.Statement.Effect", optional=False, values=("Allow", "Deny"))
        for key in ("Principal", "Action", "Resource"):
            value = stmt.get(key)
            if not (isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))):
                raise BadField(f"GetBucketPolicy.Statement.{key}", value, "a string or a list of strings")
        condition = stmt.get("Condition")
        if condition is not None and not (isinstance(condition, dict) and
                                          all(isinstance(v, dict) for v in condition.values())):
            raise BadField("GetBucketPolicy.Statement.Condition", condition, "an object of operator objects")
    return policy


def _sse(bucket) -> dict:
    """ApplyServerSideEncryptionByDefault (GetBucketEncryption); {} when the bucket has no encryption rule."""
    rule_ = read(bucket, "encryption.ApplyServerSideEncryptionByDefault", "dict",
                 name="GetBucketEncryption.ApplyServerSideEncryptionByDefault") or {}
    read(rule_, "SSEAlgorithm", "str", name="GetBucketEncryption.ApplyServerSideEncryptionByDefault.SSEAlgorithm",
         optional=not rule_, values=SSE_ALGORITHMS)
    read(rule_, "KMSMasterKeyID", "str", name="GetBucketEncryption.ApplyServerSideEncryptionByDefault.KMSMasterKeyID")
    return rule_


@rule(id="oss-bucket-sse-kms", product="oss", severity="high", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "oss:GetBucketEncryption"),
      title="OSS buckets encrypt objects by default with KMS",
      rationale="GL8 5.1(b) and (d): objects at rest are encrypted, with keys the insurer manages and can audit.",
      remediation={
          "console": "OSS console > the bucket > Content Security > Server-side Encryption: choose KMS and a key.",
          "cli": "aliyun oss bucket-encryption --method put oss://{resource_id} --sse-algorithm KMS --kms-masterkey-id <kms-key-id>",
          "terraform": "alicloud_oss_bucket_server_side_encryption (bucket = \"{resource_id}\", sse_algorithm = \"KMS\", kms_master_key_id)",
      })
@each_bucket
def bucket_sse_kms(bucket, acct, settings):
    rule_ = _sse(bucket)
    algorithm = rule_.get("SSEAlgorithm")
    ok = algorithm == "KMS"
    reason = "" if ok else ("no default encryption rule" if not rule_ else f"default encryption is {algorithm}, not KMS")
    return check(bucket.get("Name"), bucket.region, ok,
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
@each_bucket
def bucket_https_only(bucket, acct, settings):
    policy = _policy(bucket)
    stmt = https_only_statement(policy, bucket.get("Name"))
    reason = "" if stmt else ("the bucket has no policy" if policy is None
                              else "no Deny statement on acs:SecureTransport = false covers all objects")
    return check(bucket.get("Name"), bucket.region, stmt is not None,
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
@each_bucket
def bucket_versioning(bucket, acct, settings):
    status = read(bucket, "versioning.Status", "str", name="GetBucketVersioning.Status", values=("Enabled", "Suspended"))
    ok = status == "Enabled"
    return check(bucket.get("Name"), bucket.region, ok, {"GetBucketVersioning.Status": status},
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
@each_bucket
def bucket_sse_byok(bucket, acct, settings):
    rule_ = _sse(bucket)
    key_id = rule_.get("KMSMasterKeyID") or ""
    evidence = {"GetBucketEncryption.ApplyServerSideEncryptionByDefault.SSEAlgorithm": rule_.get("SSEAlgorithm"),
                "GetBucketEncryption.ApplyServerSideEncryptionByDefault.KMSMasterKeyID": key_id}
    if rule_.get("SSEAlgorithm") != "KMS" or not key_id:
        return check(bucket.get("Name"), bucket.region, False, evidence,
                     "objects are not encrypted with a named KMS key (OSS-managed or no encryption)")
    return customer_key_check(acct, bucket.get("Name"), bucket.region, bucket.region, key_id, evidence,
                              "the key is not among the account's KMS keys in the bucket's region")


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
@each_bucket
def bucket_tls_version(bucket, acct, settings):
    need = version_tuple(settings.min_tls_version)
    tls = read(bucket, "https.TLS", "dict", name="GetBucketHttpsConfig.TLS") or {}
    enabled = read(tls, "Enable", "bool", name="GetBucketHttpsConfig.TLS.Enable")
    raw = tls.get("TLSVersion")
    versions = _as_list(raw)
    if not all(isinstance(v, str) for v in versions):
        raise BadField("GetBucketHttpsConfig.TLS.TLSVersion", raw, "TLS version names (TLSv1.2)")
    evidence = {"GetBucketHttpsConfig.TLS.Enable": enabled, "GetBucketHttpsConfig.TLS.TLSVersion": versions,
                "required_tls": settings.min_tls_version}
    if not enabled or not versions:
        return check(bucket.get("Name"), bucket.region, False, evidence,
                     "TLS version control is off: every TLS version is accepted")
    try:
        old = [v for v in versions if version_tuple(_tls_number(v)) < need]
    except ValueError:
        raise BadField("GetBucketHttpsConfig.TLS.TLSVersion", raw, "TLS version names (TLSv1.2)") from None
    return check(bucket.get("Name"), bucket.region, not old, evidence,
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
@each_bucket
def bucket_cross_region_replication(bucket, acct, settings):
    config = read(bucket, "replication", "dict", name="GetBucketReplication")
    raw = (config or {}).get("Rule")
    rules = _as_list(raw)
    if not all(isinstance(r, dict) for r in rules):
        raise BadField("GetBucketReplication.Rule", raw, "replication rules")
    own = read(bucket, "Location", "str", name="ListBuckets.Location") or f"oss-{bucket.region}"
    active = []
    for r in rules:
        status = read(r, "Status", "str", name="GetBucketReplication.Rule.Status", optional=False)
        target = read(r, "Destination.Location", "str", name="GetBucketReplication.Rule.Destination.Location",
                      optional=False)
        if status.lower() in ("starting", "doing") and target != own:
            active.append(r)
    evidence = {"GetBucketReplication.Rule": [{"ID": r.get("ID"), "Status": r.get("Status"),
                                               "Destination.Location": (r.get("Destination") or {}).get("Location")}
                                              for r in rules]}
    reason = "" if active else ("no replication configuration (NoSuchReplicationConfiguration)"
                                if config is None else "no active rule replicates to another region")
    return check(bucket.get("Name"), bucket.region, bool(active), evidence, reason)


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
@each_bucket
def bucket_zrs(bucket, acct, settings):
    value = read(bucket, "info.DataRedundancyType", "str", name="GetBucketInfo.Bucket.DataRedundancyType",
                 values=("LRS", "ZRS"))
    ok = value == "ZRS"
    return check(bucket.get("Name"), bucket.region, ok, {"GetBucketInfo.Bucket.DataRedundancyType": value},
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
@each_bucket
def bucket_acl_not_public(bucket, acct, settings):
    grant = read(bucket, "acl.AccessControlList.Grant", "str", name="GetBucketAcl.AccessControlList.Grant",
                 optional=False, values=("private", "public-read", "public-read-write"))
    ok = grant not in PUBLIC_GRANTS
    return check(bucket.get("Name"), bucket.region, ok, {"GetBucketAcl.AccessControlList.Grant": grant},
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
@each_bucket
def bucket_policy_not_public(bucket, acct, settings):
    stmt = _public_allow(_policy(bucket))
    return check(bucket.get("Name"), bucket.region, stmt is None,
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
@each_bucket
def bucket_block_public_access(bucket, acct, settings):
    value = read(bucket, "public_access_block.BlockPublicAccess", "bool", name="GetBucketPublicAccessBlock.BlockPublicAccess")
    ok = value is True
    return check(bucket.get("Name"), bucket.region, ok, {"GetBucketPublicAccessBlock.BlockPublicAccess": value},
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
@each_bucket
def bucket_logging(bucket, acct, settings):
    enabled = read(bucket, "logging.LoggingEnabled", "dict", name="GetBucketLogging.LoggingEnabled") or {}
    target = read(enabled, "TargetBucket", "str", name="GetBucketLogging.LoggingEnabled.TargetBucket")
    return check(bucket.get("Name"), bucket.region, bool(target),
                 {"GetBucketLogging.LoggingEnabled.TargetBucket": target,
                  "GetBucketLogging.LoggingEnabled.TargetPrefix": enabled.get("TargetPrefix")},
                 "" if target else "access logging is not configured")
