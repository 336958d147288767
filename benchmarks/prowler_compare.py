"""aliaudit against Prowler 5.46 on the bench's synthetic tenant, 50 ms per call, in one run, as a ratio.

    python -m benchmarks.prowler_compare --size 2750 --latency-ms 50

1. Builds the tenant (benchmarks/synthetic.py, the same seed as benchmarks/scan_bench.py).
2. aliaudit: a real `aliaudit scan` against `aliaudit fake serve` with the fault `latency` on every call
   (scan_bench.run_scan: subprocesses, loopback, the fake's GET /_aliaudit/calls counter).
3. Prowler: `prowler alibabacloud` in its own virtualenv (--prowler-python, default
   /work/prowler-venv/bin/python; its dependencies clash with ours), in process with
   `aliaudit.fakes.FakeCloud` through `responses` serving the same tenant with the same latency fault
   (benchmarks/prowler_runner.py). It audits the regions aliaudit's scan discovers (DescribeRegions of
   the tenant), not its own list of every region, so it makes no more calls than that needs.
   Sockets and name lookups to anything but loopback are refused in Prowler's process.

Setup, once:
    python3 -m venv /work/prowler-venv
    /work/prowler-venv/bin/pip install prowler==5.46.0
    /work/prowler-venv/bin/pip install --no-deps -e .     # aliaudit.fakes for the runner

Prints one JSON line: per tool wall_s, api_calls, resources audited (distinct resources in its
findings) and findings; Prowler's calls the fake does not serve (unserved_calls, by call: they get the
fake's "not found" error after the same latency); the ratio prowler wall_s / aliaudit wall_s; and the
load average before and after (the machine may be shared: say so with any figure).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PROWLER_PYTHON = "/work/prowler-venv/bin/python"


def run_aliaudit(size: int, latency_ms: int, max_in_flight: int, processes: int | None, timeout_s: float,
                 tmp: str) -> dict:
    from benchmarks.scan_bench import run_scan

    report = os.path.join(tmp, "aliaudit-report.json")
    out = run_scan(size, latency_ms, max_in_flight, None, timeout_s, keep=report, processes=processes)
    with open(report, encoding="utf-8") as fh:
        findings = json.load(fh)["findings"]
    resources = {(f["account_id"], f["region"], f["resource_type"], f["resource_id"]) for f in findings}
    out["resources_audited"] = len(resources)
    return out


def run_prowler(doc: dict, latency_ms: int, python: str, timeout_s: float, tmp: str) -> dict:
    from benchmarks.scan_bench import scanned_regions

    state = os.path.join(tmp, "tenant.json")
    with open(state, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
    regions = sorted({r for account in doc["accounts"] for r in scanned_regions(account)})
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "ALIYUN_"))}
    env.update(HOME=tmp, PYTHONPATH=ROOT)
    cmd = [python, os.path.join(ROOT, "benchmarks", "prowler_runner.py"), "--state", state,
           "--latency-ms", str(latency_ms), "--out", os.path.join(tmp, "prowler-out"), "--region", *regions]
    log = os.path.join(tmp, "prowler.log")
    with open(log, "w") as fh:
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=fh, text=True, env=env, cwd=tmp,
                                  timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"Prowler ran past --timeout {timeout_s}s") from None
    lines = [line for line in proc.stdout.splitlines() if line.startswith("PROWLER_RUNNER ")]
    if not lines:
        with open(log, encoding="utf-8", errors="replace") as fh:
            tail = fh.read()[-3000:]
        raise RuntimeError(f"the Prowler runner failed (exit {proc.returncode}): {tail}{proc.stdout[-2000:]}")
    out = json.loads(lines[-1].split(" ", 1)[1])
    out["regions"] = len(regions)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=2750, help="resources in the synthetic tenant (default 2750)")
    ap.add_argument("--latency-ms", type=int, default=50, help="latency the fake adds to every call (default 50)")
    ap.add_argument("--max-in-flight", type=int, default=64, help="aliaudit collection.max_in_flight (default 64)")
    ap.add_argument("--processes", type=int, default=None,
                    help="aliaudit collection.processes (default: aliaudit's own, the CPUs it may use)")
    ap.add_argument("--prowler-python", default=DEFAULT_PROWLER_PYTHON, help="python of Prowler's virtualenv")
    ap.add_argument("--timeout", type=float, default=480, help="seconds before each tool is stopped (default 480)")
    args = ap.parse_args(argv)
    from benchmarks.synthetic import generate, resource_count

    doc = generate(args.size)
    out = {"resources": resource_count(doc), "latency_ms": args.latency_ms, "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="aliaudit-prowler-") as tmp:
        out["aliaudit"] = run_aliaudit(args.size, args.latency_ms, args.max_in_flight, args.processes,
                                       args.timeout, tmp)
        out["prowler"] = run_prowler(doc, args.latency_ms, args.prowler_python, args.timeout, tmp)
    out["load_after"] = os.getloadavg()
    out["ratio"] = round(out["prowler"]["wall_s"] / out["aliaudit"]["wall_s"], 2)
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
