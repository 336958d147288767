"""SLS (Log Service) request signatures: the "LOG" signature (v1), verified as alibabacloud-gateway-sls
0.4.2 computes it (client.py get_signature / build_canonicalized_headers / build_canonicalized_resource),
which is the algorithm of the SLS API reference ("Request signatures"):

    Authorization: LOG <AccessKeyId>:<base64(HMAC-SHA256(secret, StringToSign))>
    StringToSign = VERB "\n" Content-MD5 "\n" Content-Type "\n" Date "\n"
                   CanonicalizedLOGHeaders                (every x-log-* and x-acs-* header, sorted: "name:value\n")
                   CanonicalizedResource                  (path, then "?" and the sorted query "k=v" joined by "&")

x-log-signaturemethod names the HMAC (hmac-sha256 from the SDK; hmac-sha1 in older clients, also accepted).
An STS key sends its token in x-acs-security-token (signed, as an x-acs-* header). The v4 signature
(SLS4-HMAC-SHA256, opt-in in the SDK) is not served: such a request is answered Unauthorized.
Errors as SLS documents them (JSON errorCode/errorMessage): 401 Unauthorized, InvalidAccessKeyId,
SignatureNotMatch; 400 MissingDate (tests/documented/SOURCES-sls.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import parse_qsl, unquote

from .auth import Principal, _expired
from .wire import ApiError, Request

_LOG = re.compile(r"^LOG (?P<key>[^:\s]+):(?P<signature>[A-Za-z0-9+/=]+)$")
_DIGESTS = {"hmac-sha256": hashlib.sha256, "hmac-sha1": hashlib.sha1}


def string_to_sign(req: Request) -> str:
    h = req.headers
    headers = "".join(f"{name}:{h[name]}\n" for name in sorted(h) if "x-log-" in name or "x-acs-" in name)
    resource = unquote(req.path or "/")
    pairs = sorted(parse_qsl(req.raw_query, keep_blank_values=True))
    if pairs:
        resource += "?" + "&".join(f"{k}={v}" for k, v in pairs)
    return f"{req.method}\n{h.get('content-md5', '')}\n{h.get('content-type', '')}\n{h.get('date', '')}\n{headers}{resource}"


def signature(req: Request, secret: str) -> str:
    digest = _DIGESTS.get(req.headers.get("x-log-signaturemethod", "hmac-sha1").lower())
    if digest is None:
        raise ApiError("Unauthorized", "The signature method is not supported.", 401)
    mac = hmac.new(secret.encode(), string_to_sign(req).encode(), digest)
    return base64.b64encode(mac.digest()).decode()


def authenticate(state, req: Request) -> Principal:
    m = _LOG.match(req.headers.get("authorization", "").strip())
    if not m:
        raise ApiError("Unauthorized", "The Authorization header is missing or not a LOG signature.", 401)
    if not req.headers.get("date"):
        raise ApiError("MissingDate", "Date does not exist in http header.", 400)
    key_id = m.group("key")
    key = state.keys.get(key_id)
    if key is None:
        raise ApiError("InvalidAccessKeyId", f"AccessKeyId {key_id} is not found.", 401)
    token = key.get("security_token")
    if token is not None:
        sent = req.headers.get("x-acs-security-token")
        if not sent or not hmac.compare_digest(sent, token):
            raise ApiError("Unauthorized", "The security token you provided is invalid.", 401)
        if _expired(key.get("expires")):
            raise ApiError("Unauthorized", "The security token you provided has expired.", 401)
    if not hmac.compare_digest(signature(req, key["secret"]), m.group("signature")):
        raise ApiError("SignatureNotMatch", "The request signature is not matched.", 401)
    return Principal(key_id, key["account_id"], key.get("policy"), token is not None)
