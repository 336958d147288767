"""OSS through alibabacloud-oss-v2: buckets with their info, encryption, policy, versioning, ACL,
Block Public Access, logging, cross-region replication and TLS versions.

oss-v2 returns model objects; `as_api` turns them back into the XML's own
element names so the snapshot stays API-shaped.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .. import sdk
from . import pager
from .base import ABSENT, Collection
from .cost import Cost, pages
from .spec import Detail, ListCall, Marker, Product

# ListBuckets (GetService): max-keys 1-1000, marker; NextMarker while IsTruncated is true, and both left out
# when every bucket fits in one page (tests/documented/NOTES.md). Each sub-resource is one call per bucket.
SPEC = Product("oss", regional=True, lists=(
    ListCall("ListBuckets", scope="account", items="Buckets.Bucket", id="Name", into="buckets",
             paging=Marker(max_size=1000, size_param="max-keys", marker_param="marker", marker_field="NextMarker",
                          truncated_optional=True),
             require=("Name", "Region", "Location")),
), details=(
    Detail("GetBucketInfo", per="Name", into="info", require="Bucket"),
    Detail("GetBucketEncryption", per="Name", into="encryption", absent=("NoSuchServerSideEncryptionRule",),
           carried_by="GetBucketInfo"),
    Detail("GetBucketPolicy", per="Name", into="policy", absent=("NoSuchBucketPolicy",)),
    Detail("GetBucketVersioning", per="Name", into="versioning", carried_by="GetBucketInfo"),
    Detail("GetBucketAcl", per="Name", into="acl", carried_by="GetBucketInfo"),
    Detail("GetBucketPublicAccessBlock", per="Name", into="public_access_block", carried_by="GetBucketInfo"),
    Detail("GetBucketLogging", per="Name", into="logging", carried_by="GetBucketInfo"),
    Detail("GetBucketReplication", per="Name", into="replication", absent=("NoSuchReplicationConfiguration",),
           carried_by="GetBucketInfo"),
    Detail("GetBucketHttpsConfig", per="Name", into="https", absent=("NoSuchHttpsConfig",)),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
# The sub-resource keys GetBucketInfo can stand for, and the call each stands for.
CARRIED = {d.into: d.action for d in SPEC.details if d.carried_by == "GetBucketInfo"}
PAGE_SIZE = SPEC.list("ListBuckets").page_size


def as_api(model: Any) -> Any:
    """An oss-v2 model as a dict keyed by the XML element names (nested for 'A/B' paths)."""
    if isinstance(model, list):
        return [as_api(m) for m in model]
    if isinstance(model, dt.datetime):
        return model.strftime("%Y-%m-%dT%H:%M:%S.") + f"{model.microsecond // 1000:03d}Z"
    attribute_map = getattr(model, "_attribute_map", None)
    if attribute_map is None:
        return model
    out: dict = {}
    for attr, spec in attribute_map.items():
        if spec.get("tag") != "xml":
            continue
        value = getattr(model, attr, None)
        if value is None:
            continue
        *parents, leaf = spec["rename"].split("/")
        node = out
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = as_api(value)
    return out


def collect_account(col: Collection) -> None:
    import alibabacloud_oss_v2 as oss

    wanted = set(col.regions)
    for region in col.regions:
        col.section(region, "oss").setdefault("buckets", [])
    client = col.clients.oss(col.regions[0] if col.regions else "cn-hongkong")
    spec = SPEC.list("ListBuckets")
    listing = pager.run(col, PRODUCT, spec, None,
                        lambda page, marker: col.call(PRODUCT, "ListBuckets", None,
                                                      lambda: _list(client, oss, spec, marker), page=page))
    if not listing.complete:
        return
    buckets = listing.items
    placed = []
    for bucket in buckets:
        region = bucket.get("Region") or (bucket.get("Location") or "").removeprefix("oss-")
        if region in wanted:
            placed.append((region, bucket))
    col.map(lambda rb: _details(col, oss, *rb), placed)
    for region, bucket in placed:
        col.section(region, "oss")["buckets"].append(bucket)


def _list(client, oss, spec: ListCall, marker: str | None) -> dict:
    """One ListBuckets page as the XML says it (read before oss-v2's model, which would turn a missing
    Buckets element into no buckets), checked against the spec."""
    op = oss.serde.serialize_input(oss.ListBucketsRequest(max_keys=spec.page_size, marker=marker or None),
                                   oss.OperationInput(op_name="ListBuckets", method="GET"))
    root = _xml_root(client, op, "ListAllMyBucketsResult")
    body = xml_dict(root, lists=("Bucket",))
    if not isinstance(body.get("Owner"), dict):
        raise sdk.MalformedResponse("ListBuckets response has no ListAllMyBucketsResult/Owner")
    if body.get("Buckets") == "":  # <Buckets/>: no bucket at all
        body["Buckets"] = {"Bucket": []}
    if "IsTruncated" in body:
        body["IsTruncated"] = {"true": True, "false": False}.get(body["IsTruncated"], body["IsTruncated"])
    pager.check_page(spec, body)
    return body


def xml_dict(elem, lists: tuple[str, ...] = ()):
    """An XML element as the API's JSON would have it: text for a leaf, an object for an element with
    children; children named in `lists` are always a list (one Bucket is still a list of one)."""
    children = list(elem)
    if not children:
        return (elem.text or "").strip()
    out: dict = {}
    for child in children:
        tag = _local(child.tag)
        value = xml_dict(child, lists)
        if tag in lists:
            out.setdefault(tag, []).append(value)
        else:
            out[tag] = value
    return out


def _detail(col: Collection, region: str, bucket: dict, key: str, action: str, fetch, convert,
            absent: tuple[str, ...] = ()) -> None:
    """One sub-resource call: bucket[key] = convert(result); None when `absent` says "not configured";
    left unset when the call failed (the failure is in the snapshot's errors)."""
    got = col.call("oss", action, region, fetch, resource=bucket["Name"], absent=absent)
    if got is ABSENT:
        bucket[key] = None
    elif got is not None:
        bucket[key] = convert(got)


def _details(col: Collection, oss, region: str, bucket: dict) -> None:
    """GetBucketInfo, with the policy and the HTTPS config at the same time. With collection.oss_bucket_info
    (the default) it stands for the calls whose fields it carries: the ACL, default encryption and its key,
    versioning, Block Public Access, redundancy, whether cross-region replication is on, and the logging target
    (documented elements, tests/documented/SOURCES-performance.md). Only what it does not carry, or leaves out,
    is asked with the sub-resource's own call: the policy and the HTTPS config always, the replication rules
    when CrossRegionReplication is not "Disabled", and every sub-resource when GetBucketInfo itself failed."""
    client = col.clients.oss(region)
    name = bucket["Name"]

    def info_then_rest() -> None:
        _detail(col, region, bucket, "info", "GetBucketInfo",
                lambda: _require(client.get_bucket_info(oss.GetBucketInfoRequest(bucket=name)), "bucket_info"),
                lambda r: as_api(r.bucket_info))
        carried = from_info(bucket.get("info")) if col.oss_bucket_info else {}
        bucket.update(carried)
        if carried:  # provenance: the rules name GetBucketInfo as the source of these calls' fields
            bucket["info_carried"] = sorted(CARRIED[key] for key in carried)
        if "encryption" not in carried:
            _detail(col, region, bucket, "encryption", "GetBucketEncryption",
                    lambda: _require(client.get_bucket_encryption(oss.GetBucketEncryptionRequest(bucket=name)),
                                     "server_side_encryption_rule"),
                    lambda r: as_api(r.server_side_encryption_rule), absent=("NoSuchServerSideEncryptionRule",))
        if "versioning" not in carried:
            _detail(col, region, bucket, "versioning", "GetBucketVersioning",
                    lambda: _versioning(client.get_bucket_versioning(oss.GetBucketVersioningRequest(bucket=name))),
                    lambda r: {"Status": r.version_status} if r.version_status else {})
        _access_and_resilience(col, oss, client, region, bucket, carried)

    def policy() -> None:
        _detail(col, region, bucket, "policy", "GetBucketPolicy",
                lambda: _policy(client.get_bucket_policy(oss.GetBucketPolicyRequest(bucket=name))),
                lambda doc: doc, absent=("NoSuchBucketPolicy",))

    def https() -> None:
        _detail(col, region, bucket, "https", "GetBucketHttpsConfig",
                lambda: _require(client.get_bucket_https_config(oss.GetBucketHttpsConfigRequest(bucket=name)),
                                 "https_configuration"),
                lambda r: as_api(r.https_configuration), absent=("NoSuchHttpsConfig",))

    # the policy and the HTTPS config (never carried) beside GetBucketInfo: a bucket's chain is one call long,
    # two when its replication rules are asked after GetBucketInfo
    col.together(bucket, BUCKET_KEYS, info_then_rest, policy, https)


# The order of a bucket's keys, whichever answer came first (a recording does not depend on it).
BUCKET_KEYS = ("info", "acl", "encryption", "versioning", "public_access_block", "logging", "replication",
               "info_carried", "policy", "https")


def from_info(info: Any) -> dict:
    """The sub-resources GetBucketInfo's Bucket element answers, in their own calls' shapes; a field it
    leaves out is left out here (its own call is made instead)."""
    if not isinstance(info, dict):
        return {}
    out: dict = {}
    grant = (info.get("AccessControlList") or {}).get("Grant") if isinstance(info.get("AccessControlList"), dict) else None
    if isinstance(grant, str) and grant:
        out["acl"] = {"AccessControlList": {"Grant": grant}}
        if isinstance(info.get("Owner"), dict):
            out["acl"]["Owner"] = info["Owner"]
    sse = info.get("ServerSideEncryptionRule")
    if isinstance(sse, dict) and isinstance(sse.get("SSEAlgorithm"), str):
        algorithm = sse["SSEAlgorithm"]
        if algorithm in ("", "None"):  # documented: None when no default encryption is set
            out["encryption"] = None
        else:
            rule = {k: sse[k] for k in ("SSEAlgorithm", "KMSMasterKeyID", "KMSDataEncryption") if sse.get(k)}
            out["encryption"] = {"ApplyServerSideEncryptionByDefault": rule}
    # Versioning: Enabled or Suspended, left out while never enabled (the documented example has none).
    versioning = info.get("Versioning")
    out["versioning"] = {"Status": versioning} if isinstance(versioning, str) and versioning else {}
    if isinstance(info.get("BlockPublicAccess"), bool):
        out["public_access_block"] = {"BlockPublicAccess": info["BlockPublicAccess"]}
    policy = info.get("BucketPolicy")  # <BucketPolicy><LogBucket/><LogPrefix/></BucketPolicy> when not logging
    if isinstance(policy, dict):
        target = policy.get("LogBucket") or ""
        out["logging"] = ({"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": policy.get("LogPrefix") or ""}}
                          if target else {})
    if info.get("CrossRegionReplication") == "Disabled":
        out["replication"] = None  # as GetBucketReplication's NoSuchReplicationConfiguration says it
    return out


def _access_and_resilience(col: Collection, oss, client, region: str, bucket: dict, carried: dict) -> None:
    name = bucket["Name"]
    if "acl" not in carried:
        _detail(col, region, bucket, "acl", "GetBucketAcl",
                lambda: _require(client.get_bucket_acl(oss.GetBucketAclRequest(bucket=name)), "acl"),
                as_api)
    if "public_access_block" not in carried:
        _detail(col, region, bucket, "public_access_block", "GetBucketPublicAccessBlock",
                lambda: _require(client.get_bucket_public_access_block(
                    oss.GetBucketPublicAccessBlockRequest(bucket=name)), "public_access_block_configuration"),
                lambda r: as_api(r.public_access_block_configuration))
    if "logging" not in carried:
        # Not configured is a 200 with an empty BucketLoggingStatus (documented), not an error.
        _detail(col, region, bucket, "logging", "GetBucketLogging", lambda: _logging(client, oss, name),
                lambda doc: doc)
    if "replication" not in carried:
        _detail(col, region, bucket, "replication", "GetBucketReplication",
                lambda: _require(client.get_bucket_replication(oss.GetBucketReplicationRequest(bucket=name)),
                                 "replication_configuration"),
                lambda r: as_api(r.replication_configuration), absent=("NoSuchReplicationConfiguration",))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _logging(client, oss, name: str) -> dict:
    """GetBucketLogging, parsed here: the documented response carries an XML namespace
    (xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com") that oss-v2's parser does not match, so its
    model comes back empty for a bucket that does log; that would be a false "not logging"."""
    root = _xml_root(client, oss.OperationInput(op_name="GetBucketLogging", method="GET", bucket=name,
                                                parameters={"logging": ""}), "BucketLoggingStatus")
    doc: dict = {}
    for section in root:
        if _local(section.tag) == "LoggingEnabled":
            doc["LoggingEnabled"] = {_local(e.tag): (e.text or "").strip() for e in section}
    return doc


def _xml_root(client, op, root_tag: str):
    """Run an oss-v2 operation and parse its raw XML body; MalformedResponse unless the root is root_tag."""
    from xml.etree import ElementTree

    out = client.invoke_operation(op)
    body = out.http_response.content if out.http_response is not None else b""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise sdk.MalformedResponse(f"{op.op_name} response is not XML: {exc}") from None
    if _local(root.tag) != root_tag:
        raise sdk.MalformedResponse(f"response has no {root_tag}")
    return root


def _versioning(result: Any) -> Any:
    # The service always answers <VersioningConfiguration> (empty when never enabled); oss-v2 parses an
    # empty body as "no status", which would read as "versioning off".
    if result.version_status is None and str((result.headers or {}).get("Content-Length", "")) == "0":
        raise sdk.MalformedResponse("GetBucketVersioning response has no VersioningConfiguration")
    return result


def _require(result: Any, attr: str) -> Any:
    if getattr(result, attr, None) is None:
        raise sdk.MalformedResponse(f"response has no {attr}")
    return result


def _policy(result: Any) -> dict:
    try:
        doc = json.loads(result.body or "")
    except ValueError:
        raise sdk.MalformedResponse("bucket policy is not valid JSON") from None
    if not isinstance(doc, dict):
        raise sdk.MalformedResponse("bucket policy is not a JSON object")
    return doc


def min_calls_account(account: dict, regions: list[str]) -> Cost:
    """ListBuckets 1000 a page (max-keys maximum) over the whole account, then each bucket of the scanned
    regions once per sub-resource (OSS has no batch form)."""
    all_buckets = sum(len(((r.get("oss") or {}).get("buckets")) or []) for r in account.get("regions", {}).values())
    scanned = sum(len((((account.get("regions", {}).get(r) or {}).get("oss") or {}).get("buckets")) or [])
                  for r in regions)
    cost = Cost().list("oss:ListBuckets", pages(all_buckets, PAGE_SIZE))
    for action in CALLS[1:]:
        cost.detail(f"oss:{action}", scanned)
    cost.chain = pages(all_buckets, PAGE_SIZE) + (1 if scanned else 0)
    return cost
