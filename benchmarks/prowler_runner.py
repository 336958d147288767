"""Run Prowler's Alibaba Cloud provider in process against aliaudit's fake (through `responses`).

Runs in Prowler's own virtualenv (its dependencies clash with aliaudit's), started by
benchmarks/prowler_compare.py:

    /work/prowler-venv/bin/python benchmarks/prowler_runner.py --state tenant.json --latency-ms 50 \
        --out DIR --region cn-hongkong ap-southeast-1 ...

Every HTTP request Prowler's SDK clients make goes to `aliaudit.fakes.FakeCloud` (responses, no
passthrough). A request the fake does not serve (a product or action it does not implement) gets the
fake's documented "not found" error, is counted as unserved, and still takes the same latency as a
served call. Sockets to anything but loopback are refused before they connect (and name lookups of
anything but localhost), so no real endpoint can be reached; refused attempts are counted.

Prints one JSON line: wall_s, api_calls (every request), served_calls, unserved_calls (by
product:Action), blocked_network, exit_code, findings, resources (distinct resource uids in
Prowler's findings) and checks.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import glob
import json
import os
import socket
import sys
import threading
import time
from collections import Counter

LOOPBACK = ("127.0.0.1", "::1", "localhost")
blocked: Counter = Counter()


def _guard_network() -> None:
    """Refuse every connection and lookup that is not loopback."""
    real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def _check(address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in LOOPBACK and not isinstance(address, (str, bytes)):
            blocked[str(host)] += 1
            raise ConnectionRefusedError(f"benchmark network guard: {host} is not loopback")

    def connect(self, address):
        _check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        _check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK and host is not None:
            name = host.decode() if isinstance(host, bytes) else str(host)
            blocked[name] += 1
            raise socket.gaierror(socket.EAI_NONAME, f"benchmark network guard: no lookup of {name}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo


def _error_code(resp) -> str:
    body = resp.body.decode(errors="replace") if isinstance(resp.body, bytes) else str(resp.body)
    for marker in ('"Code":"', '"Code": "', "<Code>"):
        if marker in body:
            return body.split(marker, 1)[1].split('"' if marker != "<Code>" else "<", 1)[0]
    return ""


def _v1_valid(req, secret: str) -> bool:
    """The RPC signature V1 (HMAC-SHA1 over the sorted, percent-encoded parameters, key secret + "&"), as
    Alibaba Cloud's "Request signatures" page for RPC APIs documents it."""
    from urllib.parse import parse_qsl, quote

    params = dict(req.query)
    if req.body and "x-www-form-urlencoded" in req.headers.get("content-type", ""):
        params.update(parse_qsl(req.body.decode(), keep_blank_values=True))
    sent = params.pop("Signature", None)
    if not sent or params.get("SignatureMethod") != "HMAC-SHA1":
        return False

    def pct(v: str) -> str:
        return quote(v, safe="-_.~")

    canonical = "&".join(f"{pct(k)}={pct(v)}" for k, v in sorted(params.items()))
    to_sign = f"{req.method}&{pct('/')}&{pct(canonical)}"
    digest = hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), sent)


def _resign_v1(state, req) -> bool:
    """Prowler 5.46 pins SDK releases that sign RPC calls with signature V1; the fake checks only ACS3
    (the current SDKs' default). A V1 request whose signature is valid for a key of the fake is signed
    again with ACS3 for the same key, so the fake's own authentication passes it; anything else is left
    as sent (and the fake refuses it)."""
    from aliaudit.fakes.auth import acs3_signature

    if "authorization" in req.headers or "Signature" not in req.query and b"Signature=" not in req.body:
        return False
    key_id = req.query.get("AccessKeyId") or dict(
        p.split("=", 1) for p in req.body.decode(errors="replace").split("&") if "=" in p).get("AccessKeyId")
    key = state.keys.get(key_id or "")
    if key is None or not _v1_valid(req, key["secret"]):
        return False
    req.headers["host"] = req.headers.get("host") or req.host
    signed = ["host"]
    req.headers["authorization"] = (f"ACS3-HMAC-SHA256 Credential={key_id},SignedHeaders={';'.join(signed)},"
                                    f"Signature={acs3_signature(req, key['secret'], signed)}")
    return True


def _resign_oss_v1(state, req) -> bool:
    """Prowler 5.46 signs OSS ListBuckets itself with the OSS V1 header signature ("OSS id:sig", HMAC-SHA1
    over VERB, Content-MD5, Content-Type, Date, the x-oss- headers and the resource, as the OSS
    "Include signatures in the Authorization header" page documents); the fake checks only V4. A valid
    V1 request is signed again with V4 for the same key; anything else is left as sent."""
    from aliaudit.fakes.auth import oss_v4_signature
    from aliaudit.fakes.oss import _target

    auth = req.headers.get("authorization", "")
    if not auth.startswith("OSS ") or ":" not in auth:
        return False
    key_id, sent = auth[4:].rsplit(":", 1)
    key = state.keys.get(key_id)
    if key is None:
        return False
    bucket, region = _target(req)
    oss_headers = "".join(f"{k}:{v}\n" for k, v in sorted(req.headers.items()) if k.startswith("x-oss-"))
    resource = "/" + (f"{bucket}/" if bucket else "") + (req.path.lstrip("/") if bucket and req.host.startswith(bucket + ".") else "")
    if req.raw_query:
        resource += "?" + req.raw_query
    to_sign = "\n".join([req.method, req.headers.get("content-md5", ""), req.headers.get("content-type", ""),
                         req.headers.get("date", ""), oss_headers + resource])
    digest = base64.b64encode(hmac.new(key["secret"].encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
    if not hmac.compare_digest(digest, sent):
        return False
    now = time.gmtime()
    req.headers["x-oss-date"] = time.strftime("%Y%m%dT%H%M%SZ", now)
    req.headers["x-oss-content-sha256"] = "UNSIGNED-PAYLOAD"
    date = time.strftime("%Y%m%d", now)
    sig = oss_v4_signature(req, key["secret"], bucket, date, region, "oss", [])
    req.headers["authorization"] = (f"OSS4-HMAC-SHA256 Credential={key_id}/{date}/{region}/oss/aliyun_v4_request, "
                                    f"Signature={sig}")
    return True


UNSERVED_CODES = {"InvalidProduct.NotFound", "InvalidAction.NotFound", "NotImplemented", "InvalidVersion",
                  "MethodNotAllowed"}


def _use_this_checkout() -> None:
    """Import aliaudit (its fakes) from the checkout this runner is in, whatever Prowler's virtualenv has
    installed: its editable install may point at another checkout, or at one that is gone."""
    import importlib.abc
    import importlib.util

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    places = {"aliaudit": os.path.join(root, "auditor"), "aliaudit.fakes": os.path.join(root, "fakes"),
              "aliaudit.rules": os.path.join(root, "rules")}

    class Checkout(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path=None, target=None):
            if fullname not in places:
                return None  # submodules: found on their package's __path__, set below
            return importlib.util.spec_from_file_location(fullname, os.path.join(places[fullname], "__init__.py"),
                                                          submodule_search_locations=[places[fullname]])

    sys.meta_path.insert(0, Checkout())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--state", required=True, help="the tenant (a snapshot) the fake serves")
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--out", required=True, help="Prowler's output directory")
    ap.add_argument("--region", nargs="+", required=True, help="regions Prowler audits")
    args = ap.parse_args(argv)
    _guard_network()
    _use_this_checkout()

    from aliaudit.fakes import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, FakeCloud

    for name in [k for k in os.environ if k.startswith(("ALIBABA_CLOUD_", "ALIYUN_"))]:
        del os.environ[name]
    os.environ.update(ALIBABA_CLOUD_ACCESS_KEY_ID=DEFAULT_ACCESS_KEY_ID,
                      ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEFAULT_ACCESS_KEY_SECRET)

    latency = args.latency_ms / 1000
    cloud = FakeCloud(faults={"seed": 1, "faults": [{"product": "*", "action": "*", "kind": "latency",
                                                     "rate": 1.0, "ms": args.latency_ms}]})
    with open(args.state, encoding="utf-8") as fh:
        cloud.load(json.load(fh))
    lock = threading.Lock()
    requests_seen: Counter = Counter()
    unserved: Counter = Counter()
    resigned: Counter = Counter()
    errors: Counter = Counter()
    handle = cloud.router.handle

    def counted(req):
        started = time.perf_counter()
        if _resign_v1(cloud.state, req):
            with lock:
                resigned["rpc_v1"] += 1
        elif _resign_oss_v1(cloud.state, req):
            with lock:
                resigned["oss_v1"] += 1
        resp = handle(req)
        label = getattr(resp, "label", None) or f"{req.host}:{req.query.get('Action', req.method)}"
        code = _error_code(resp) if resp.status >= 400 else ""
        with lock:
            requests_seen[label] += 1
            if code:
                errors[f"{label}:{resp.status} {code}"] += 1
            if code in UNSERVED_CODES:
                product = "sls" if ".log." in req.host else req.host.split(".")[0]
                unserved[f"{product}:{label.split(':', 1)[-1] or req.method + ' ' + req.path}"] += 1
        rest = latency - (time.perf_counter() - started)
        if code in UNSERVED_CODES and rest > 0:  # the fake adds latency only to what it serves
            time.sleep(rest)
        return resp

    cloud.router.handle = counted
    os.makedirs(args.out, exist_ok=True)
    sys.argv = ["prowler", "alibabacloud", "--region", *args.region, "--output-formats", "json-ocsf",
                "--output-directory", args.out, "--output-filename", "prowler", "--no-banner"]
    from prowler.__main__ import prowler

    code = 0
    with cloud:
        started = time.perf_counter()
        try:
            prowler()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        wall = time.perf_counter() - started
    findings = []
    for path in glob.glob(os.path.join(args.out, "*.ocsf.json")):  # not compliance/, which repeats them
        with open(path, encoding="utf-8") as fh:
            findings.extend(json.load(fh))
    resources = {r.get("uid") or r.get("name") for f in findings for r in f.get("resources", [])}
    checks = Counter(f.get("metadata", {}).get("event_code") for f in findings)
    types = Counter(r.get("type") for f in findings for r in f.get("resources", []))
    out = {"wall_s": round(wall, 2), "api_calls": sum(requests_seen.values()),
           "served_calls": sum(cloud.calls.values()),
           "served_by_call": {f"{p}:{a}": n for (p, a), n in sorted(cloud.calls.items())}, "unserved_calls": sum(unserved.values()),
           "unserved_by_call": dict(unserved.most_common()), "blocked_network": dict(blocked), "resigned": dict(resigned),
           "errors_by_call": dict(errors.most_common()),
           "exit_code": code, "findings": len(findings), "resources": len(resources), "checks": len(checks),
           "findings_by_resource_type": dict(types.most_common()),
           "status": dict(Counter(f.get("status_code") for f in findings))}
    sys.stdout.flush()
    print("PROWLER_RUNNER " + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
