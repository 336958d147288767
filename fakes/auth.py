"""Who is calling: access key lookup and signature checks."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

from .wire import ApiError, Request

_ACS3 = re.compile(r"ACS3-HMAC-SHA256\s+Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)")
_OSS4 = re.compile(r"OSS4-HMAC-SHA256\s+Credential=([^/,]+)/")


@dataclass(frozen=True)
class Principal:
    access_key_id: str
    account_id: str
    policy: dict | None


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


def authenticate_rpc(state, req: Request) -> Principal:
    header = req.headers.get("authorization", "")
    m = _ACS3.match(header)
    if not m:
        raise ApiError("MissingAuthorization", "The Authorization header is missing or malformed.", 400)
    key_id, signed, signature = m.group(1), m.group(2).split(";"), m.group(3)
    key = state.keys.get(key_id)
    if key is None:
        raise ApiError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
    expected = acs3_signature(req, key["secret"], signed)
    if not hmac.compare_digest(expected, signature):
        raise ApiError("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.", 400)
    return Principal(key_id, key["account_id"], key.get("policy"))


def authenticate_oss(state, req: Request, bucket: str | None = None) -> Principal:
    header = req.headers.get("authorization", "")
    m = _OSS4.match(header)
    if not m:
        raise ApiError("AccessDenied", "AccessDenied: no OSS4-HMAC-SHA256 authorization.", 403)
    key_id = m.group(1)
    key = state.keys.get(key_id)
    if key is None:
        raise ApiError("InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.", 403)
    return Principal(key_id, key["account_id"], key.get("policy"))
