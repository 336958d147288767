"""Who is calling: access key lookup, STS security tokens and signature checks.

RPC: ACS3-HMAC-SHA256 (the Tea SDKs' default). OSS: the V4 signature, OSS4-HMAC-SHA256,
verified exactly as alibabacloud-oss-v2's ``signer/v4.py`` computes it (canonical request
-> string to sign -> key derived from ``"aliyun_v4" + secret`` over date, region, "oss",
"aliyun_v4_request"), which is the algorithm the OSS documentation points to.

Error codes: RPC per the API gateway's common error table (InvalidAccessKeyId.NotFound 404,
SignatureDoesNotMatch 400, MissingSecurityToken / InvalidSecurityToken.* 400); OSS per the OSS
403 troubleshooting pages (InvalidAccessKeyId, SignatureDoesNotMatch, InvalidSecurityToken,
SecurityTokenExpired). See tests/documented/NOTES-issue3.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

from .wire import ApiError, Request

_ACS3 = re.compile(r"ACS3-HMAC-SHA256\s+Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)")
_OSS4 = re.compile(r"^OSS4-HMAC-SHA256\s+(?P<fields>.*)$")
_SCOPE = re.compile(r"^(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<product>[^/]+)/aliyun_v4_request$")


@dataclass(frozen=True)
class Principal:
    access_key_id: str
    account_id: str
    policy: dict | None
    temporary: bool = False

    @property
    def principal_type(self) -> str:
        """AccessDeniedDetail.AuthPrincipalType: SubUser, AssumedRoleUser (or the account itself)."""
        if self.temporary:
            return "AssumedRoleUser"
        return "SubUser" if self.policy is not None else "Account"


def _pct(s: str) -> str:
    return quote(s, safe="-_.~")


def canonical_query(raw_query: str) -> str:
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    return "&".join(f"{_pct(k)}={_pct(v)}" for k, v in sorted(pairs))


def acs3_signature(req: Request, secret: str, signed_headers: list[str]) -> str:
    canon_headers = "".join(f"{h}:{req.headers.get(h, '').strip()}\n" for h in signed_headers)
    payload_hash = req.headers.get("x-acs-content-sha256") or hashlib.sha256(req.body).hexdigest()
    canonical = "\n".join([
        req.method,
        req.path or "/",
        canonical_query(req.raw_query),
        canon_headers,
        ";".join(signed_headers),
        payload_hash,
    ])
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def _expired(expires) -> bool:
    if expires is None:
        return False
    if isinstance(expires, (int, float)):
        expires = dt.datetime.fromtimestamp(expires, dt.timezone.utc)
    if isinstance(expires, str):
        expires = dt.datetime.fromisoformat(expires.replace("Z", "+00:00"))
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=dt.timezone.utc)
    return expires <= dt.datetime.now(dt.timezone.utc)


def _check_token(key: dict, sent: str | None, oss: bool) -> None:
    """A temporary (STS) key needs its own security token, unexpired."""
    token = key.get("security_token")
    if token is None:
        return
    if not sent:
        if oss:
            raise ApiError("InvalidSecurityToken", "The security token you provided is invalid.", 403)
        raise ApiError("MissingSecurityToken", "SecurityToken is mandatory for this action.", 400)
    if not hmac.compare_digest(sent, token):
        if oss:
            raise ApiError("InvalidSecurityToken", "The security token you provided is invalid.", 403)
        raise ApiError("InvalidSecurityToken.MismatchWithAccessKey",
                       "Specified SecurityToken mismatch with the AccessKey.", 400)
    if _expired(key.get("expires")):
        if oss:
            raise ApiError("SecurityTokenExpired", "The security token you provided has expired.", 403)
        raise ApiError("InvalidSecurityToken.Expired", "Specified SecurityToken is expired.", 400)


def _principal(key_id: str, key: dict) -> Principal:
    return Principal(key_id, key["account_id"], key.get("policy"), key.get("security_token") is not None)


def authenticate_rpc(state, req: Request) -> Principal:
    header = req.headers.get("authorization", "")
    m = _ACS3.match(header)
    if not m:
        raise ApiError("MissingAuthorization", "The Authorization header is missing or malformed.", 400)
    key_id, signed, signature = m.group(1), m.group(2).split(";"), m.group(3)
    key = state.keys.get(key_id)
    if key is None:
        raise ApiError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
    _check_token(key, req.headers.get("x-acs-security-token"), oss=False)
    expected = acs3_signature(req, key["secret"], signed)
    if not hmac.compare_digest(expected, signature):
        raise ApiError("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.", 400)
    return _principal(key_id, key)


# --- OSS V4 -------------------------------------------------------------------

def _oss_fields(header: str) -> dict | None:
    m = _OSS4.match(header.strip())
    if not m:
        return None
    fields = {}
    for part in m.group("fields").split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            return None
        fields[name] = value
    if "Credential" not in fields or "Signature" not in fields:
        return None
    return fields


def _oss_key_path(req: Request, bucket: str | None) -> str | None:
    """The object key, if any: the path after the bucket (path-style) or the whole path (virtual-hosted)."""
    path = req.path or "/"
    if bucket and path.startswith(f"/{bucket}") and not req.host.split(":")[0].startswith(bucket + "."):
        path = path[len(bucket) + 1:]
    key = path[1:] if path.startswith("/") else path
    return key or None


def oss_v4_signature(req: Request, secret: str, bucket: str | None, date: str, region: str, product: str,
                     additional: list[str]) -> str:
    uri = "/" + (bucket + "/" if bucket is not None else "") + (_oss_key_path(req, bucket) or "")
    pairs = []
    for pair in req.raw_query.split("&") if req.raw_query else []:
        k, _, v = pair.partition("=")
        pairs.append((k, v))
    query = "&".join(f"{k}={v}" if v else k for k, v in sorted(pairs))
    headers = sorted((k, v) for k, v in req.headers.items()
                     if k.startswith("x-oss-") or k in ("content-type", "content-md5") or k in additional)
    canonical = "\n".join([
        req.method,
        quote(uri, safe="/"),
        query,
        "".join(f"{k}:{v}\n" for k, v in headers),
        ";".join(additional),
        req.headers.get("x-oss-content-sha256", "UNSIGNED-PAYLOAD"),
    ])
    scope = f"{date}/{region}/{product}/aliyun_v4_request"
    to_sign = "\n".join(["OSS4-HMAC-SHA256", req.headers.get("x-oss-date", ""), scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("aliyun_v4" + secret).encode()
    for part in (date, region, product, "aliyun_v4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def authenticate_oss(state, req: Request, bucket: str | None = None) -> Principal:
    fields = _oss_fields(req.headers.get("authorization", ""))
    if fields is None:
        raise ApiError("AccessDenied", "AccessDenied: no valid OSS4-HMAC-SHA256 authorization.", 403)
    scope = _SCOPE.match(fields["Credential"])
    if not scope or scope.group("product") != "oss":
        raise ApiError("InvalidArgument", "Invalid credential in Authorization header.", 400)
    key_id = scope.group("key")
    key = state.keys.get(key_id)
    if key is None:
        raise ApiError("InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.", 403)
    _check_token(key, req.headers.get("x-oss-security-token"), oss=True)
    additional = [h for h in fields.get("AdditionalHeaders", "").split(";") if h]
    expected = oss_v4_signature(req, key["secret"], bucket, scope.group("date"), scope.group("region"),
                                scope.group("product"), additional)
    if not hmac.compare_digest(expected, fields["Signature"]):
        raise ApiError("SignatureDoesNotMatch", "The request signature we calculated does not match the "
                       "signature you provided. Check your key and signing method.", 403)
    return _principal(key_id, key)
