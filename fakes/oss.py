"""OSS: ListBuckets and the bucket sub-resources aliaudit reads, in OSS's XML.

Virtual-hosted requests (``<bucket>.oss-<region>.aliyuncs.com``) and path-style
requests (``http://127.0.0.1:PORT/<bucket>/?encryption``) are both served.
"""

from __future__ import annotations

import json
import re

from . import auth, list_faults, policy
from .common import strip
from .wire import ApiError, Request, Response, http_date, replayed_error, request_id, to_xml, xml_document

PRODUCT = "oss"
DETAILS = ("info", "encryption", "policy", "versioning", "acl", "public_access_block", "logging", "replication", "https")
LIST_FIELDS = ("CreationDate", "ExtranetEndpoint", "IntranetEndpoint", "Location", "Name", "Region",
               "StorageClass", "ResourceGroupId", "Comment")

_HOST = re.compile(r"^(?:(?P<bucket>[a-z0-9][a-z0-9-]{1,61}[a-z0-9])\.)?oss-(?P<region>[a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$")
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[a-z0-9-]+)/oss/aliyun_v4_request")

# sub-resource query key -> action name
SUBRESOURCES = {
    "bucketInfo": "GetBucketInfo",
    "encryption": "GetBucketEncryption",
    "policy": "GetBucketPolicy",
    "versioning": "GetBucketVersioning",
    "acl": "GetBucketAcl",
    "publicAccessBlock": "GetBucketPublicAccessBlock",
    "logging": "GetBucketLogging",
    "replication": "GetBucketReplication",
    "httpsConfig": "GetBucketHttpsConfig",
}


def _target(req: Request) -> tuple[str | None, str]:
    """(bucket, region) from a virtual-hosted or a path-style request."""
    host = req.host.split(":")[0]
    m = _HOST.match(host)
    if m:
        return m.group("bucket"), m.group("region")
    scope = _SCOPE.search(req.headers.get("authorization", ""))
    region = scope.group("region") if scope else "cn-hongkong"
    parts = [p for p in req.path.split("/") if p]
    return (parts[0] if parts else None), region


def _error(err: ApiError, rid: str, host: str, bucket: str | None) -> Response:
    rid = err.extra.get("RequestId") or rid  # a recorded failure keeps its request id
    body = {"Code": err.code, "Message": err.message, "RequestId": rid, "HostId": host}
    if bucket:
        body["BucketName"] = bucket
    body["EC"] = err.extra.get("EC", "0000-00000000")
    headers = _headers(rid)
    headers["x-oss-ec"] = body["EC"]
    return Response(err.status, headers, xml_document("Error", body))


def _headers(rid: str, content_type: str = "application/xml") -> dict:
    return {"Content-Type": content_type, "x-oss-request-id": rid, "Date": http_date(), "Server": "AliyunOSS"}


ACTIONS = ("ListBuckets", *SUBRESOURCES.values())


def _action(req: Request, bucket: str | None) -> str | None:
    if bucket is None:
        return "ListBuckets"
    sub = next((k for k in req.query if k in SUBRESOURCES), None)
    return SUBRESOURCES[sub] if sub else None


def handle(router, req: Request) -> Response:
    state = router.state
    rid = request_id()
    bucket, region = _target(req)
    action = _action(req, bucket) if req.method == "GET" else None
    fault = None
    try:
        if action is None:
            if req.method != "GET":
                raise ApiError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
            raise ApiError("NotImplemented", "The fake serves only the bucket sub-resources aliaudit reads.", 501)
        fault = router.fault("oss", action, req)
        if fault is not None and fault.error is not None:
            raise fault.error("oss")
        principal = auth.authenticate_oss(state, req, bucket)
        policy.authorize_oss(principal, action, bucket)
        router.count("oss", action)
        if bucket is None:
            resp = _list_buckets(state, principal.account_id, req, rid, fault)
        else:
            item, item_region = _bucket(state, principal.account_id, bucket)
            if item_region != region:
                raise ApiError("AccessDenied", "The bucket you are attempting to access must be addressed using the specified endpoint.", 403)
            recorded = state.recorded_error(principal.account_id, "oss", action, region, bucket)
            if recorded:
                raise replayed_error(recorded, 403)
            if action == "GetBucketInfo":
                failing = frozenset(a for a in SUBRESOURCES.values()
                                    if state.recorded_error(principal.account_id, "oss", a, region, bucket))
                resp = Response(200, _headers(rid), xml_document(
                    "BucketInfo", {"Bucket": bucket_info(item, principal.account_id, failing)}))
            else:
                resp = _subresource(action, item, principal.account_id, rid)
    except ApiError as err:
        resp = _error(err, rid, req.host, bucket)
    if fault is not None and resp.status == 200:
        resp = fault.mangle(resp)
    resp.label = f"oss:{action or req.method}"
    return resp


def _bucket(state, account_id: str, name: str) -> tuple[dict, str]:
    found = state.find_anywhere(account_id, "oss", "buckets", "Name", name)
    if found is not None:
        return found[1], found[0]
    raise ApiError("NoSuchBucket", "The specified bucket does not exist.", 404, EC="0015-00000101")


def _list_buckets(state, account_id: str, req: Request, rid: str, fault=None) -> Response:
    recorded = state.recorded_error(account_id, "oss", "ListBuckets", None)
    if recorded:
        raise replayed_error(recorded, 403)
    prefix = req.query.get("prefix", "")
    marker = req.query.get("marker", "")
    try:
        max_keys = int(req.query.get("max-keys") or 100)
    except ValueError:
        max_keys = -1
    if not 1 <= max_keys <= 1000:
        raise ApiError("InvalidArgument", "Argument max-keys must be between 1 and 1000.", 400)
    names = sorted(
        (item for _, item in state.all_items(account_id, "oss", "buckets")),
        key=lambda b: b["Name"],
    )
    names = [b for b in names if b["Name"].startswith(prefix) and b["Name"] > marker]
    page = names[:max_keys]
    truncated = len(names) > max_keys
    page, next_marker = list_faults.page(fault, page, page[-1]["Name"] if truncated else "",
                                         request_cont=marker, after_page=page[-1]["Name"] if page else marker)
    result = {
        "Prefix": prefix,
        "Marker": marker,
        "MaxKeys": max_keys,
        "IsTruncated": bool(next_marker),
        "NextMarker": next_marker or None,
        "Owner": {"ID": account_id, "DisplayName": account_id},
        "Buckets": {"Bucket": [{k: b[k] for k in LIST_FIELDS if k in b} for b in page]},
    }
    return Response(200, _headers(rid), xml_document("ListAllMyBucketsResult", result))


def _default_info(item: dict, account_id: str) -> dict:
    info = {k: item[k] for k in ("Name", "Location", "CreationDate", "ExtranetEndpoint", "IntranetEndpoint",
                                 "StorageClass") if k in item}
    info.update({
        "Owner": {"ID": account_id, "DisplayName": account_id},
        "AccessControlList": {"Grant": "private"},
        "DataRedundancyType": "LRS",
    })
    return info


def bucket_info(item: dict, account_id: str, failing: frozenset = frozenset()) -> dict:
    """GetBucketInfo's Bucket element as documented (OSS API reference "GetBucketInfo": AccessControlList/
    Grant, DataRedundancyType, Versioning, ServerSideEncryptionRule/SSEAlgorithm (None when not set) and
    KMSMasterKeyID, CrossRegionReplication Enabled|Disabled, BlockPublicAccess, BucketPolicy/LogBucket and
    LogPrefix; tests/documented/SOURCES-performance.md), from the bucket's own sub-resources when the state
    has them. An element whose sub-resource call is recorded as failing (`failing`, action names) is left
    out, as a client then asks that call and meets the recorded failure."""
    info = dict(item.get("info") or _default_info(item, account_id))
    if "acl" in item:
        grant = ((item.get("acl") or {}).get("AccessControlList") or {}).get("Grant")
        info["AccessControlList"] = {"Grant": grant or "private"}
    if "versioning" in item:
        info.pop("Versioning", None)
        status = (item.get("versioning") or {}).get("Status")
        if status:
            info["Versioning"] = status
    if "encryption" in item:
        default = (item.get("encryption") or {}).get("ApplyServerSideEncryptionByDefault") or {}
        rule = {k: default[k] for k in ("SSEAlgorithm", "KMSMasterKeyID", "KMSDataEncryption") if default.get(k)}
        info["ServerSideEncryptionRule"] = rule if rule.get("SSEAlgorithm") else {"SSEAlgorithm": "None"}
    if "replication" in item:
        info["CrossRegionReplication"] = "Enabled" if (item.get("replication") or {}).get("Rule") else "Disabled"
    if "public_access_block" in item:
        info["BlockPublicAccess"] = bool((item.get("public_access_block") or {}).get("BlockPublicAccess"))
    if "logging" in item:
        enabled = (item.get("logging") or {}).get("LoggingEnabled") or {}
        info["BucketPolicy"] = {"LogBucket": enabled.get("TargetBucket", ""), "LogPrefix": enabled.get("TargetPrefix", "")}
    carried = {"GetBucketAcl": "AccessControlList", "GetBucketVersioning": "Versioning",
               "GetBucketEncryption": "ServerSideEncryptionRule", "GetBucketReplication": "CrossRegionReplication",
               "GetBucketPublicAccessBlock": "BlockPublicAccess", "GetBucketLogging": "BucketPolicy"}
    for action in failing:
        info.pop(carried.get(action, ""), None)
    return info


def _subresource(action: str, item: dict, account_id: str, rid: str) -> Response:
    if action == "GetBucketInfo":
        return Response(200, _headers(rid), xml_document("BucketInfo", {"Bucket": bucket_info(item, account_id)}))
    if action == "GetBucketEncryption":
        rule = item.get("encryption")
        if not rule:
            raise ApiError("NoSuchServerSideEncryptionRule", "The server side encryption configuration was not found.", 404, EC="0037-00000001")
        return Response(200, _headers(rid), xml_document("ServerSideEncryptionRule", rule))
    if action == "GetBucketPolicy":
        policy = item.get("policy")
        if policy is None:
            raise ApiError("NoSuchBucketPolicy", "The bucket policy does not exist.", 404, EC="0031-00000001")
        return Response(200, _headers(rid, "application/json"), json.dumps(policy).encode())
    if action == "GetBucketVersioning":
        return Response(200, _headers(rid), xml_document("VersioningConfiguration", item.get("versioning") or {}))
    if action == "GetBucketAcl":
        acl = item.get("acl") or {"Owner": {"ID": account_id, "DisplayName": account_id},
                                  "AccessControlList": {"Grant": ((item.get("info") or {}).get("AccessControlList")
                                                                  or {}).get("Grant", "private")}}
        return Response(200, _headers(rid), xml_document("AccessControlPolicy", acl))
    if action == "GetBucketPublicAccessBlock":
        pab = item.get("public_access_block") or {"BlockPublicAccess": False}
        return Response(200, _headers(rid), xml_document("PublicAccessBlockConfiguration", pab))
    if action == "GetBucketLogging":
        return Response(200, _headers(rid), xml_document("BucketLoggingStatus", item.get("logging") or {}))
    if action == "GetBucketReplication":
        rep = item.get("replication")
        if not rep or not rep.get("Rule"):
            raise ApiError("NoSuchReplicationConfiguration", "The replication configuration was not found.", 404)
        return Response(200, _headers(rid), xml_document("ReplicationConfiguration", rep))
    if action == "GetBucketHttpsConfig":
        https = item.get("https")
        if not https:
            raise ApiError("NoSuchHttpsConfig", "The https config does not exist.", 404)
        return Response(200, _headers(rid), xml_document("HttpsConfiguration", https))
    raise ApiError("NotImplemented", f"{action} is not implemented by the fake.", 501)


__all__ = ["handle", "strip", "to_xml"]
