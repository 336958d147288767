"""SDK clients and SDK errors, in one place. The SDKs are imported lazily.

Every RPC product is described by one row (its SDK module and version); the
collectors ask for a client by product name and region.
"""

from __future__ import annotations

import importlib
import json
import re
import sys
import threading
import time
from xml.etree import ElementTree
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# product -> (SDK package, API version). The fake routes on the same version.
RPC_SDKS = {
    "ecs": ("alibabacloud_ecs20140526", "2014-05-26"),
    "kms": ("alibabacloud_kms20160120", "2016-01-20"),
    "rds": ("alibabacloud_rds20140815", "2014-08-15"),
    "slb": ("alibabacloud_slb20140515", "2014-05-15"),
    "sts": ("alibabacloud_sts20150401", "2015-04-01"),
    "polardb": ("alibabacloud_polardb20170801", "2017-08-01"),
    "redis": ("alibabacloud_r_kvstore20150101", "2015-01-01"),
    "alb": ("alibabacloud_alb20200616", "2020-06-16"),
    "hbr": ("alibabacloud_hbr20170908", "2017-09-08"),
    "resourcemanager": ("alibabacloud_resourcemanager20200331", "2020-03-31"),
    "vpc": ("alibabacloud_vpc20160428", "2016-04-28"),
    "actiontrail": ("alibabacloud_actiontrail20200706", "2020-07-06"),
    "nas": ("alibabacloud_nas20170626", "2017-06-26"),
    # ACK (Container Service for Kubernetes): a ROA API (method + path), called through collectors/roa.py.
    "ack": ("alibabacloud_cs20151215", "2015-12-15"),
    # Security Center (central endpoints tds.cn-shanghai / tds.ap-southeast-1, from the SDK's endpoint map)
    "sas": ("alibabacloud_sas20181203", "2018-12-03"),
    # ApsaraDB for MongoDB: the SDK's endpoint and RAM code are "dds"; our product name is "mongodb".
    "mongodb": ("alibabacloud_dds20151201", "2015-12-01"),
    # Cloud Firewall: the edition (and log delivery), internet-facing assets and their protection.
    "cloudfw": ("alibabacloud_cloudfw20171207", "2017-12-07"),
    # CloudMonitor alert contacts and alert rules (account level).
    "cms": ("alibabacloud_cms20190101", "2019-01-01"),
    # WAF 3.0: instances per site, protected objects and their log status (account level).
    "waf": ("alibabacloud_waf_openapi20211001", "2021-10-01"),
    # RAM users, keys and password policy; the account security report is only in IMS.
    "ram": ("alibabacloud_ram20150501", "2015-05-01"),
    "ims": ("alibabacloud_ims20190815", "2019-08-15"),
    # SLS (Log Service): projects, logstores, alerts. Its calls go through execute() and the SLS gateway
    # (alibabacloud-gateway-sls, the "LOG" signature), not RPC; the fake routes them by host and signature.
    "sls": ("alibabacloud_sls20201230", "2020-12-30"),
}


@dataclass(frozen=True)
class StaticKey:
    """An AccessKey pair (and optional STS token), used for the fake and for explicit keys."""

    access_key_id: str
    access_key_secret: str
    security_token: str | None = None

    def __repr__(self) -> str:  # never print the secret
        return f"StaticKey(access_key_id={self.access_key_id!r})"


def models(product: str):
    """The product's SDK models; each model's file is imported the first time it is used (lazy_models.py)."""
    from .lazy_models import install

    package, _ = RPC_SDKS[product]
    return install(package)


_tls_lock = threading.Lock()
_tls_contexts: dict = {}


def _shared_tls_context(tls_min_version=None):
    """One TLS context (and certificate store) per process and minimum TLS version, as darabonba builds it
    (the system's default verify paths, then certifi's bundle), shared by every client's connection pool."""
    import ssl

    import certifi

    with _tls_lock:
        context = _tls_contexts.get(tls_min_version)
        if context is None:
            from darabonba.core import DaraCore

            context = DaraCore._set_tls_minimum_version(ssl.create_default_context(), tls_min_version)
            context.load_verify_locations(certifi.where())
            _tls_contexts[tls_min_version] = context
        return context


def share_tls_context() -> None:
    """darabonba builds a new TLS context, loading the whole certificate store, for every session, i.e. every
    endpoint (46-48 in a scan), and even for plain HTTP. Make its sessions share one per process instead; a
    plain HTTP session gets none (it never uses one). Idempotent."""
    from darabonba import core

    if getattr(core.DaraCore.get_adapter, "_aliaudit_shared", False):
        return

    def get_adapter(prefix, tls_min_version: str = None, pool_size: int = None):
        pool_maxsize = pool_size if pool_size is not None and pool_size > 0 else core.DEFAULT_POOL_MAXSIZE
        context = _shared_tls_context(tls_min_version) if prefix.upper() == "HTTPS" else None
        return _gated(core._TLSAdapter)(ssl_context=context, pool_connections=core.DEFAULT_POOL_SIZE,
                                        pool_maxsize=pool_maxsize)

    get_adapter._aliaudit_shared = True
    core.DaraCore.get_adapter = staticmethod(get_adapter)


class Clients:
    """Creates and caches SDK clients per (product, region).

    `credential` is an `alibabacloud_credentials` client or a StaticKey.
    `endpoint_override` (a URL) sends every product's calls to one address.
    """

    def __init__(self, credential: Any, endpoint_override: str | None = None,
                 connect_timeout_ms: int = 5000, read_timeout_ms: int = 10000, max_connections: int = 64):
        self.credential = credential
        self.endpoint_override = endpoint_override
        self.connect_timeout_ms = connect_timeout_ms
        self.read_timeout_ms = read_timeout_ms
        # connections kept open per endpoint: as many as calls in flight, so none is reopened per call
        self.max_connections = max_connections
        self._cache: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()  # guards the two dicts only; a client is built under its own key's lock
        self._building: dict[tuple[str, str], threading.Lock] = {}

    def runtime(self):
        """Runtime options of one try: the configured timeouts, cut to what is left of the call's deadline."""
        from darabonba.runtime import RuntimeOptions

        connect, read = self.connect_timeout_ms, self.read_timeout_ms
        left = deadline_left_ms()
        if left is not None:
            connect, read = min(connect, left), min(read, left)
        return RuntimeOptions(autoretry=False, connect_timeout=connect, read_timeout=read,
                              max_idle_conns=self.max_connections)

    def oss_timeouts(self) -> dict:
        """oss-v2 operation options of one try (see runtime)."""
        left = deadline_left_ms()
        if left is None:
            return {}
        return {"readwrite_timeout": min(self.read_timeout_ms, left) / 1000}

    def _override(self) -> tuple[str, str] | None:
        if not self.endpoint_override:
            return None
        parts = urlsplit(self.endpoint_override)
        return parts.scheme or "https", parts.netloc or parts.path

    def _tea_credential(self):
        if isinstance(self.credential, StaticKey):
            from alibabacloud_credentials.client import Client as CredClient
            from alibabacloud_credentials.models import Config as CredConfig

            kind = "sts" if self.credential.security_token else "access_key"
            return CredClient(CredConfig(type=kind, access_key_id=self.credential.access_key_id,
                                         access_key_secret=self.credential.access_key_secret,
                                         security_token=self.credential.security_token))
        return self.credential

    def _get(self, key: tuple[str, str], build):
        """The cached client for key, built once: threads asking for other keys are not held up meanwhile."""
        client = self._cache.get(key)
        if client is not None:
            return client
        with self._lock:
            lock = self._building.setdefault(key, threading.Lock())
        with lock:
            client = self._cache.get(key)
            if client is None:
                client = build()
                with self._lock:
                    self._cache[key] = client
            return client

    def rpc(self, product: str, region: str):
        return self._get((product, region), lambda: self._new_rpc(product, region))

    def _new_rpc(self, product: str, region: str):
        from alibabacloud_tea_openapi.models import Config

        package, _ = RPC_SDKS[product]
        models(product)  # before the client module imports it: lazy
        share_tls_context()
        client_cls = importlib.import_module(f"{package}.client").Client
        config = Config(credential=self._tea_credential(), region_id=region, user_agent="aliaudit")
        override = self._override()
        if override:
            from alibabacloud_tea_openapi.utils_models import GlobalParameters

            config.protocol, config.endpoint = override
            # One address serves every region: name the region in the header the official core
            # SDKs send (x-acs-region-id), for actions without a RegionId parameter (KMS ListKeys).
            config.global_parameters = GlobalParameters(headers={"x-acs-region-id": region})
        if product == "sts" and not override:
            # Always the regional STS endpoint: the global sts.aliyuncs.com times out outside mainland China.
            config.endpoint = f"sts.{region}.aliyuncs.com"
        return client_cls(config)

    def oss(self, region: str):
        return self._get(("oss", region), lambda: self._new_oss(region))

    def _new_oss(self, region: str):
        import alibabacloud_oss_v2 as oss

        cfg = oss.config.load_default()
        cfg.region = region
        cfg.credentials_provider = _OssCredentials(self)
        cfg.retryer = oss.retry.NopRetryer()
        cfg.connect_timeout = self.connect_timeout_ms / 1000
        cfg.readwrite_timeout = self.read_timeout_ms / 1000
        cfg.http_client = oss.transport.RequestsHttpClient(
            session=_oss_session(self.max_connections), connect_timeout=cfg.connect_timeout, readwrite_timeout=cfg.readwrite_timeout,
            max_connections=self.max_connections)
        override = self._override()
        if override:
            scheme, netloc = override
            cfg.endpoint = f"{scheme}://{netloc}"
            cfg.use_path_style = True
            cfg.disable_ssl = scheme == "http"
        return oss.Client(cfg)


def _oss_session(max_connections: int):
    """A requests session for oss-v2, as its own transport would make it (no retries, no redirects) but
    with `max_connections` kept open, and, with no proxy in the environment, without reading the
    environment (proxies, netrc) again on every request: that was a tenth of the CPU of an OSS call."""
    import urllib.request

    import requests
    from urllib3.util.retry import Retry

    session = requests.Session()
    session.trust_env = bool(urllib.request.getproxies())
    adapter = _gated(requests.adapters.HTTPAdapter)(
        max_retries=Retry(total=False, redirect=False, raise_on_status=False),
        pool_maxsize=max_connections, pool_connections=max_connections)
    for prefix in ("http://", "https://"):
        session.mount(prefix, adapter)
    return session


class _OssCredentials:
    """Feeds oss-v2 from the same credential chain as the RPC clients."""

    def __init__(self, clients: Clients):
        self._clients = clients

    def get_credentials(self):
        import alibabacloud_oss_v2 as oss

        cred = self._clients.credential
        if isinstance(cred, StaticKey):
            return oss.credentials.Credentials(cred.access_key_id, cred.access_key_secret, cred.security_token)
        c = cred.get_credential()
        return oss.credentials.Credentials(c.access_key_id, c.access_key_secret, c.security_token)


# --- the in-flight gate, at the wire (set by collectors.base.Collection.call) -------------------------
#
# A call holds its in-flight permit (collectors/gate.py) only while its request is on the wire: from the
# adapter's send to the response read, not while the SDK builds, signs or parses (CPU, under the GIL). Every
# session the clients use gets a gated adapter (share_tls_context for the Tea clients, _oss_session for OSS);
# tests/collect/test_gate.py proves that every request of a scan went through one.

_wire = threading.local()


def wire_gate(held) -> None:
    """What the current thread's next requests hold while on the wire (a gate's `hold(...)`), or None."""
    _wire.held = held


def wire_sends() -> int:
    """Requests this thread has sent through a gated adapter (the tests count them)."""
    return getattr(_wire, "sends", 0)


_GATED: dict[type, type] = {}


def _gated(adapter_cls: type) -> type:
    """adapter_cls whose send() holds the thread's wire gate, if any, while the request is on the wire."""
    found = _GATED.get(adapter_cls)
    if found is None:
        def send(self, request, *args, **kwargs):
            _wire.sends = getattr(_wire, "sends", 0) + 1
            held = getattr(_wire, "held", None)
            if held is None:
                return adapter_cls.send(self, request, *args, **kwargs)
            with held:
                return adapter_cls.send(self, request, *args, **kwargs)

        found = _GATED[adapter_cls] = type(f"Gated{adapter_cls.__name__}", (adapter_cls,), {"send": send})
    return found


# --- the deadline of the call being tried, per thread (set by collectors.base.attempt) ---------------

_try = threading.local()


def set_deadline(deadline: float | None) -> None:
    """The monotonic time the current thread's call must end by (None: no deadline)."""
    _try.deadline = deadline


def deadline_left_ms() -> int | None:
    deadline = getattr(_try, "deadline", None)
    if deadline is None:
        return None
    return max(1, int((deadline - time.monotonic()) * 1000))


# --- errors ---------------------------------------------------------------

class MalformedResponse(Exception):
    """A response the SDK accepted but that lacks what the API documents."""


class FailedInBody(Exception):
    """An HTTP 200 answer that says in its body that the call failed (HBR: `Success: false` with a `Code`)."""

    def __init__(self, code: str, message: str, request_id: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status_code = 200
        self.request_id = request_id


def sdk_errors() -> tuple[type[BaseException], ...]:
    """The exception types an SDK call raises for a failed call (and nothing else)."""
    import requests
    from Tea.exceptions import TeaException, UnretryableException

    out = (TeaException, UnretryableException, requests.RequestException,
           MalformedResponse, FailedInBody, json.JSONDecodeError, ElementTree.ParseError)
    # OSS errors only once the OSS SDK is loaded (by Clients.oss): before that, no call can have raised one,
    # and loading it costs a third of a second of start-up.
    # Another thread may be importing it right now (a partially initialised module, BaseError not defined
    # yet): then no call can have raised one either.
    base = getattr(sys.modules.get("alibabacloud_oss_v2.exceptions"), "BaseError", None)
    return out + (base,) if base is not None else out


# What a request's credentials look like when an error message echoes the request back: query parameters,
# headers (as "Name: value", "'name': 'value'" or JSON), XML elements. Only the values go.
_SECRET_NAMES = (r"Signature|SignatureNonce|SecurityToken|AccessKeySecret|OSSAccessKeyId|x-acs-security-token|x-oss-security-token"
                 r"|x-acs-signature-[a-z0-9-]+|x-oss-signature[a-z0-9-]*|x-oss-credential|X-Amz-Signature"
                 r"|X-Amz-Security-Token|X-Amz-Credential|security[-_]token|access[-_]key[-_]secret")
_SECRET_VALUE = re.compile(r"(?i)(?<![A-Za-z0-9-])((?:" + _SECRET_NAMES + r")(?:\\?[\"'])?\s*[=:]\s*(?:\\?[\"'])?)"
                           r"(?!\[REDACTED\])[^\s&,;\"'}<>\\]+")
_SECRET_ELEMENT = re.compile(r"(?i)(<(?:" + _SECRET_NAMES + r"|Authorization)>)[^<]*")
_AUTHORIZATION = re.compile(r"(?i)(authorization(?:\\?[\"'])?\s*[=:]\s*(?:\\?[\"'])?)(?!\[REDACTED\])[^\"'\n}<\\]*")
_SIGNED_SCHEME = re.compile(r"(?i)\b((?:ACS3|OSS4)-HMAC-SHA256|acs|OSS)\s+(?!\[REDACTED\])"
                            r"[A-Za-z0-9._-]+:[A-Za-z0-9+/=]{16,}")
REDACTED = "[REDACTED]"
_known_secrets: set[str] = set()
_known_lock = threading.Lock()


def remember_secrets(*values: str | None) -> None:
    """Secrets of the run's credentials (AccessKey secrets, STS tokens): redact() removes them from any text."""
    with _known_lock:
        _known_secrets.update(v for v in values if v and len(v) >= 8)


def redact(text: str) -> str:
    """The text without request signatures, Authorization headers, STS tokens and the run's known secrets."""
    with _known_lock:
        known = sorted(_known_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, REDACTED)
    text = _AUTHORIZATION.sub(lambda m: m.group(1) + REDACTED, text)
    text = _SIGNED_SCHEME.sub(lambda m: m.group(1) + " " + REDACTED, text)
    text = _SECRET_ELEMENT.sub(lambda m: m.group(1) + REDACTED, text)
    return _SECRET_VALUE.sub(lambda m: m.group(1) + REDACTED, text)


def describe_error(exc: BaseException) -> dict:
    """code, message, http_status and request_id of a failed call, for the snapshot."""
    inner = exc
    unwrap = getattr(exc, "unwrap", None)
    if callable(unwrap) and unwrap() is not None:
        inner = unwrap()
    code = getattr(inner, "code", None)
    status = getattr(inner, "status_code", None) or getattr(inner, "statusCode", None)
    request_id = getattr(inner, "request_id", None) or getattr(inner, "requestId", None)
    data = getattr(inner, "data", None)
    if not request_id and isinstance(data, dict):  # the SLS gateway: data.requestId (x-log-requestid)
        request_id = data.get("requestId")
    message = getattr(inner, "message", None) or str(inner)
    if isinstance(inner, (MalformedResponse, json.JSONDecodeError, ElementTree.ParseError)):
        code = "MalformedResponse"
    elif not code:
        text = str(inner)
        if "timed out" in text.lower() or "timeout" in type(inner).__name__.lower():
            code = "Timeout"
        elif "parse" in text.lower() or "xml" in text.lower() or "json" in text.lower():
            code = "MalformedResponse"
        else:
            code = "RequestFailed"
    if isinstance(message, dict):
        message = message.get("message") or json.dumps(message)
    # Redacted here, where every failed call is captured: the snapshot, every report, the recording, the
    # history and the fatal one-line errors (identity, AssumeRole, DescribeRegions) all take it from here.
    message = redact(" ".join(str(message).split()))[:500]
    out = {"code": str(code), "message": message,
           "http_status": int(status) if isinstance(status, int) and status else None,
           "request_id": request_id}
    retry_after = getattr(inner, "retry_after", None)  # x-acs-retry-after, milliseconds (tea-openapi)
    if isinstance(retry_after, int) and retry_after > 0:
        out["retry_after_ms"] = retry_after
    headers = getattr(inner, "headers", None)  # oss-v2 ServiceError: HTTP Retry-After, seconds
    if isinstance(headers, dict) and "retry_after_ms" not in out:
        value = next((v for k, v in headers.items() if str(k).lower() == "retry-after"), None)
        if isinstance(value, str) and value.strip().isdigit() and int(value) > 0:
            out["retry_after_ms"] = int(value) * 1000
    return out
