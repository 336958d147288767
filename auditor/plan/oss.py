"""OSS in a plan: alicloud_oss_bucket with its inline blocks, and the companion resources that set one
sub-resource of a bucket (acl, logging, replication, public access block, https config, encryption,
versioning, policy) - on a bucket of the plan or on an existing one."""

from __future__ import annotations

import json

from .references import Values

ANSWERS = frozenset({"oss:ListBuckets", "oss:GetBucketInfo", "oss:GetBucketEncryption", "oss:GetBucketVersioning",
                     "oss:GetBucketPolicy", "oss:GetBucketAcl", "oss:GetBucketPublicAccessBlock", "oss:GetBucketLogging",
                     "oss:GetBucketReplication", "oss:GetBucketHttpsConfig"})


def map_bucket(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_oss_bucket with its inline server_side_encryption_rule / versioning / policy."""
    address = rc["address"]
    name, unk = v.get("bucket")
    # the rules read the bucket's name (policy resources name it): the name when the plan knows it
    sid = name if isinstance(name, str) and name and not unk else address
    if sid != address:
        ad.ctx.rename[sid] = address
        ad.by_api_id[sid] = address
    item: dict = {"Name": sid, "Location": f"oss-{region}"}
    sse, unk = v.get("server_side_encryption_rule")
    if unk:
        ad.ctx.gap(sid, "GetBucketEncryption", "server_side_encryption_rule", "server_side_encryption_rule is unknown until apply")
    elif sse:
        item["encryption"] = _sse(ad, sid, rc, v, region, "server_side_encryption_rule.0.")
    else:
        item["encryption"] = None
    ver, unk = v.get("versioning")
    if unk:
        ad.ctx.gap(sid, "GetBucketVersioning", "versioning", "versioning is unknown until apply")
    else:
        status = ad.known(sid, v, "versioning.0.status", "GetBucketVersioning.Status") if ver else None
        item["versioning"] = {"Status": status} if status else None
    item["policy"] = _policy(ad, sid, v, "policy")
    # documented defaults: acl "private" (provider docs before 1.220; alicloud_oss_bucket_acl may set it),
    # redundancy_type "LRS"
    acl = ad.known_or_default(sid, v, "acl", "GetBucketAcl", "private")
    if acl is not None:
        item["acl"] = {"AccessControlList": {"Grant": acl}}
    redundancy = ad.known_or_default(sid, v, "redundancy_type", "GetBucketInfo", "LRS")
    if redundancy is not None:
        item["info"] = {"Name": sid, "DataRedundancyType": redundancy}
    logging, unk = v.get("logging")
    if unk:
        ad.ctx.gap(sid, "GetBucketLogging", "logging", "logging is unknown until apply")
    elif logging:
        target, _ = ad.ref_value(sid, rc, v, "logging.0.target_bucket", "GetBucketLogging")
        item["logging"] = {"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": v.get("logging.0.target_prefix")[0]}}
    else:
        item["logging"] = {}
    # a new bucket has no replication rule and no TLS version setting until a companion resource adds one
    item["replication"] = None
    item["https"] = None
    ad.ctx.gap(sid, "GetBucketPublicAccessBlock", "alicloud_oss_bucket_public_access_block",
               "the plan has no alicloud_oss_bucket_public_access_block for this bucket: Block Public Access is the "
               "service default, which the plan cannot show", kind="missing")
    ad.region_bucket(region, "oss", "buckets").append(ad.register(address, item))


def _sse(ad, sid: str, rc: dict, v: Values, region: str, prefix: str) -> dict:
    algo = ad.known(sid, v, prefix + "sse_algorithm",
                    "GetBucketEncryption.ApplyServerSideEncryptionByDefault.SSEAlgorithm")
    key, _ = ad.ref_value(sid, rc, v, prefix + "kms_master_key_id",
                          "GetBucketEncryption.ApplyServerSideEncryptionByDefault.KMSMasterKeyID")
    rule = {"SSEAlgorithm": algo}
    if key:
        rule["KMSMasterKeyID"] = key
    data, unk = v.get(prefix + "kms_data_encryption")
    if data and not unk:
        rule["KMSDataEncryption"] = data
    return {"ApplyServerSideEncryptionByDefault": rule}


def _policy(ad, sid: str, v: Values, attr: str) -> dict | None:
    text, unk = v.get(attr)
    if unk:
        ad.ctx.gap(sid, "GetBucketPolicy", attr, f"{attr} is unknown until apply")
        return None
    if not text:
        return None
    try:
        doc = json.loads(text)
    except (TypeError, json.JSONDecodeError):
        ad.ctx.gap(sid, "GetBucketPolicy", attr, f"{attr} is not valid JSON")
        return None
    return doc if isinstance(doc, dict) else None


def _target_bucket(ad, rc: dict, v: Values, region: str) -> dict | None:
    sid = rc["address"]
    name, _ = ad.ref_value(sid, rc, v, "bucket", "ListBuckets")
    if not name:
        return None
    item = ad.ctx.items.get(name)
    if item is None:  # an existing bucket: only what this plan sets is known
        item = {"Name": name, "Location": f"oss-{region}"}
        ad.ctx.items[name] = item
        ad.ctx.stub(name, "the bucket")
        for api in BUCKET_DETAIL_CALLS:
            ad.ctx.gap(name, api, "bucket", f"the bucket {name} is not created by this plan", kind="outside")
        ad.region_bucket(region, "oss", "buckets").append(item)
    return item


BUCKET_DETAIL_CALLS = ("GetBucketEncryption", "GetBucketVersioning", "GetBucketPolicy", "GetBucketAcl", "GetBucketInfo",
                       "GetBucketLogging", "GetBucketReplication", "GetBucketHttpsConfig", "GetBucketPublicAccessBlock")




def map_bucket_acl(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_oss_bucket_acl (bucket, acl) -> GetBucketAcl AccessControlList.Grant."""
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        ad.ctx.settle(item["Name"], "GetBucketAcl", rc["address"])
        acl = ad.known(item["Name"], v, "acl", "GetBucketAcl")
        if acl is not None:
            item["acl"] = {"AccessControlList": {"Grant": acl}}


def map_bucket_logging(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_oss_bucket_logging (bucket, target_bucket, target_prefix) -> GetBucketLogging LoggingEnabled."""
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        ad.ctx.settle(item["Name"], "GetBucketLogging", rc["address"])
        target, _ = ad.ref_value(item["Name"], rc, v, "target_bucket", "GetBucketLogging")
        item["logging"] = {"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": v.get("target_prefix")[0]}}


def map_bucket_replication(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_oss_bucket_replication (bucket, destination {bucket, location}) -> a GetBucketReplication Rule.

    A rule the plan creates starts replicating once applied: Status "starting", as the API reports it then."""
    item = _target_bucket(ad, rc, v, region)
    if item is None:
        return
    name = item["Name"]
    ad.ctx.settle(name, "GetBucketReplication", rc["address"])
    location = ad.known(name, v, "destination.0.location", "GetBucketReplication")
    dest, _ = ad.ref_value(name, rc, v, "destination.0.bucket", "GetBucketReplication")
    rules = list(((item.get("replication") or {}).get("Rule")) or [])
    rules.append({"ID": rc["address"], "Status": "starting",
                  "Destination": {"Bucket": dest, "Location": location}})
    item["replication"] = {"Rule": rules}


def map_bucket_public_access_block(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_oss_bucket_public_access_block (bucket, block_public_access) -> GetBucketPublicAccessBlock."""
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        name = item["Name"]
        ad.ctx.settle(name, "GetBucketPublicAccessBlock", rc["address"])
        block = ad.known(name, v, "block_public_access", "GetBucketPublicAccessBlock")
        if block is not None:
            item["public_access_block"] = {"BlockPublicAccess": bool(block)}


def map_bucket_https_config(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_oss_bucket_https_config (bucket, enable, tls_versions) -> GetBucketHttpsConfig TLS."""
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        name = item["Name"]
        ad.ctx.settle(name, "GetBucketHttpsConfig", rc["address"])
        enable = ad.known(name, v, "enable", "GetBucketHttpsConfig")
        versions = ad.known(name, v, "tls_versions", "GetBucketHttpsConfig")
        if enable is not None:
            item["https"] = {"TLS": {"Enable": bool(enable), "TLSVersion": list(versions or [])}}


def map_bucket_sse(ad, rc: dict, v: Values, region: str) -> None:
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        item["encryption"] = _sse(ad, item["Name"], rc, v, region, "")
        ad.ctx.settle(item["Name"], "GetBucketEncryption", rc["address"])


def map_bucket_versioning(ad, rc: dict, v: Values, region: str) -> None:
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        status = ad.known(item["Name"], v, "status", "GetBucketVersioning.Status")
        item["versioning"] = {"Status": status} if status else None
        ad.ctx.settle(item["Name"], "GetBucketVersioning", rc["address"])


def map_bucket_policy(ad, rc: dict, v: Values, region: str) -> None:
    item = _target_bucket(ad, rc, v, region)
    if item is not None:
        item["policy"] = _policy(ad, item["Name"], v, "policy")
        ad.ctx.settle(item["Name"], "GetBucketPolicy", rc["address"])



# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS = {
    "alicloud_oss_bucket": (map_bucket, 1),
    "alicloud_oss_bucket_server_side_encryption": (map_bucket_sse, 2),
    "alicloud_oss_bucket_versioning": (map_bucket_versioning, 2),
    "alicloud_oss_bucket_policy": (map_bucket_policy, 2),
    "alicloud_oss_bucket_acl": (map_bucket_acl, 2),
    "alicloud_oss_bucket_logging": (map_bucket_logging, 2),
    "alicloud_oss_bucket_replication": (map_bucket_replication, 2),
    "alicloud_oss_bucket_public_access_block": (map_bucket_public_access_block, 2),
    "alicloud_oss_bucket_https_config": (map_bucket_https_config, 2),
}
