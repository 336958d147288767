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


UNSERVED_CODES = {"InvalidProduct.NotFound", "InvalidAction.NotFound", "NotImplemented", "InvalidVersion",
                  "MethodNotAllowed"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--state", required=True, help="the tenant (a snapshot) the fake serves")
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--out", required=True, help="Prowler's output directory")
    ap.add_argument("--region", nargs="+", required=True, help="regions Prowler audits")
    args = ap.parse_args(argv)
    _guard_network()

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
    handle = cloud.router.handle

    def counted(req):
        started = time.perf_counter()
        resp = handle(req)
        label = getattr(resp, "label", None) or f"{req.host}:{req.query.get('Action', req.method)}"
        code = _error_code(resp) if resp.status >= 400 else ""
        with lock:
            requests_seen[label] += 1
            if code in UNSERVED_CODES:
                unserved[f"{req.host.split('.')[0]}:{label.split(':', 1)[-1]}"] += 1
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
    for path in glob.glob(os.path.join(args.out, "**", "*.ocsf.json"), recursive=True):
        with open(path, encoding="utf-8") as fh:
            findings.extend(json.load(fh))
    resources = {r.get("uid") or r.get("name") for f in findings for r in f.get("resources", [])}
    checks = {f.get("metadata", {}).get("event_code") for f in findings}
    out = {"wall_s": round(wall, 2), "api_calls": sum(requests_seen.values()),
           "served_calls": sum(cloud.calls.values()), "unserved_calls": sum(unserved.values()),
           "unserved_by_call": dict(unserved.most_common()), "blocked_network": dict(blocked),
           "exit_code": code, "findings": len(findings), "resources": len(resources), "checks": len(checks),
           "status": dict(Counter(f.get("status_code") for f in findings))}
    sys.stdout.flush()
    print("PROWLER_RUNNER " + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
