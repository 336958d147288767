"""Scan benchmark: a real `aliaudit scan` against `aliaudit fake serve` with a fixed latency per call,
compared with the fewest calls and the shortest time the configured concurrency allows.

    python -m benchmarks.scan_bench --size 10000 --latency-ms 50

Prints one JSON line:
  resources        resources in the synthetic tenant (benchmarks/synthetic.py)
  latency_ms       latency the fake adds to every call (fault kind latency, rate 1.0)
  api_calls        requests the fake served during the scan (its GET /_aliaudit/calls counter)
  min_api_calls    the documented minimum (aliaudit.collectors.cost.documented_minimum; README
                   "Performance"), not what the collectors call; calls_over_min = api_calls / it
  ideal_s          the latency floor (below); wall_over_ideal = wall_s / ideal_s
  cpu_s            CPU time of the scan process (user + system), cpu_ms_per_call = cpu_s / api_calls,
                   cpu_floor_s = cpu_ms_per_call x min_api_calls; fake_cpu_s: the fake server's CPU
  wall_s           the scan process from start to exit (collect, evaluate, write the JSON report)
  avg_in_flight    the fake's busy time over the span from its first request to its last
  peak_rss_mb      peak resident memory of the scan process
  eval_*           an offline evaluation (rules + roll-up) of --eval-size resources, in its own process

The latency floor: every call takes latency L. Before collecting, two calls run one after the other
(STS GetCallerIdentity, then ECS DescribeRegions for region discovery). Then no collection can be shorter
than the longer of
  - its longest chain of calls that depend on each other (a list's pages, then the calls behind one
    resource), times L;
  - its calls spread over `max_in_flight` at a time: ceil(calls / max_in_flight) x L;
  - with rate limits, each API's calls beyond its burst, at its rate.
ideal_s = 2 L + the largest of these. It leaves out CPU time (the SDKs, the fake, evaluation, report):
cpu_floor_s shows that part.

Loopback only; every child process is stopped when the run ends or exceeds --timeout.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETUP_CALLS = ("sts:GetCallerIdentity", "ecs:DescribeRegions")  # one after the other, before collection


def scanned_regions(account: dict) -> list[str]:
    """The regions a discovering scan collects: what DescribeRegions lists (the fake's global list, else
    the state's regions)."""
    listed = ((account.get("global") or {}).get("ecs") or {}).get("regions")
    if listed:
        return sorted(r["RegionId"] for r in listed)
    return sorted(account.get("regions", {}))


def model(doc: dict, latency_s: float, max_in_flight: int = 64, rate_limits: dict | None = None,
          burst: float = 5) -> dict:
    """min_api_calls (with the count per call) and ideal_s for a discovering live scan of doc, from the
    documented minimum (aliaudit.collectors.cost.documented_minimum), not from what the collectors call."""
    from aliaudit.collectors.cost import documented_minimum
    from aliaudit.ratelimit import AdaptiveLimiter

    by_call: dict[str, int] = {"sts:GetCallerIdentity": 0}
    calls = chain = 0
    for account in doc["accounts"]:
        by_call["sts:GetCallerIdentity"] += 1
        for cost in documented_minimum(account, scanned_regions(account)):
            for call, n in cost.calls.items():
                by_call[call] = by_call.get(call, 0) + n
            calls += cost.total
            chain = max(chain, cost.chain)
    # the setup calls (identity, then DescribeRegions) run one after the other before collection
    calls -= len(doc["accounts"])
    bounds = {"chain": chain, "in_flight": math.ceil(calls / max_in_flight)}
    rate_s = 0.0
    if rate_limits:  # each API is capped at its most specific configured rate
        limiter = AdaptiveLimiter(rate_limits, burst)
        rate_s = max((max(0.0, n - burst) / limiter.ceiling(call) for call, n in by_call.items()
                      if limiter.ceiling(call)), default=0.0)
    collect_s = max(max(bounds.values()) * latency_s, rate_s)
    return {"min_api_calls": sum(by_call.values()), "ideal_s": round(len(SETUP_CALLS) * latency_s + collect_s, 3),
            "bound": max(bounds, key=bounds.get) if max(bounds.values()) * latency_s >= rate_s else "rate",
            "by_call": dict(sorted(by_call.items()))}


def _start_fake(state_path: str, faults_path: str, log) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "aliaudit.cli", "fake", "serve", "--state", state_path,
                             "--port", "0", "--host", "127.0.0.1", "--quiet", "--faults", faults_path],
                            stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT)
    first = proc.stdout.readline()
    if " at http://" not in first:
        proc.kill()
        raise RuntimeError(f"the fake did not start: {first!r}")
    return proc, first.rsplit(" at ", 1)[1].strip()


def _counts(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/_aliaudit/calls", timeout=10) as resp:
        return json.load(resp)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _cpu_s(pid: int) -> float:
    """utime + stime of a live process (Linux /proc), seconds."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_scan(size: int, latency_ms: int, max_in_flight: int, rate_limit: float | None, timeout_s: float,
             keep: str | None = None, throttle: float = 0.0, bucket_info: bool = True,
             processes: int | None = None, qps: int | None = None) -> dict:
    from benchmarks.synthetic import generate, resource_count

    doc = generate(size)
    rate_limits = {"default": rate_limit} if rate_limit else {}
    out = {"resources": resource_count(doc), "latency_ms": latency_ms, "max_in_flight": max_in_flight,
           "oss_bucket_info": bucket_info}
    if throttle:
        out["throttled_share"] = throttle
    if qps:
        out["qps_per_api"] = qps
    if rate_limit:
        out["rate_limit"] = rate_limit
    if processes:
        out["processes"] = processes
    expected = model(doc, latency_ms / 1000, max_in_flight, rate_limits)
    with tempfile.TemporaryDirectory(prefix="aliaudit-bench-") as tmp:
        state = os.path.join(tmp, "state.json")
        with open(state, "w", encoding="utf-8") as fh:
            json.dump(doc, fh)
        del doc
        faults = os.path.join(tmp, "faults.json")
        with open(faults, "w", encoding="utf-8") as fh:
            rules = [{"product": "*", "action": "*", "kind": "latency", "rate": 1.0, "ms": latency_ms}]
            if throttle:
                rules.append({"product": "*", "action": "*", "kind": "throttle", "rate": throttle})
            if qps:
                rules.append({"product": "*", "action": "*", "kind": "qps", "qps": qps})
            json.dump({"seed": 1, "faults": rules}, fh)
        config = os.path.join(tmp, "aliaudit.json")  # JSON is YAML
        with open(config, "w", encoding="utf-8") as fh:
            # workers and detail_workers: the scan's defaults (a thread per (product, region) task; 64)
            collection = {"max_in_flight": max_in_flight, "oss_bucket_info": bucket_info}
            if rate_limits:
                collection["rate_limits"] = rate_limits
            if processes:
                collection["processes"] = processes
            json.dump({"collection": collection}, fh)
        report = keep or os.path.join(tmp, "report.json")
        with open(os.path.join(tmp, "fake.log"), "w") as log:
            fake, url = _start_fake(state, faults, log)
            try:
                before = _counts(url)["total"]
                env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
                from aliaudit.fakes import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET

                env.update(ALIBABA_CLOUD_ACCESS_KEY_ID=DEFAULT_ACCESS_KEY_ID,
                           ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEFAULT_ACCESS_KEY_SECRET, HOME=tmp)
                started = time.perf_counter()
                scan = subprocess.Popen([sys.executable, "-m", "aliaudit.cli", "scan", "--endpoint-override", url,
                                         "--config", config, "--format", "json", "--output", report],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
                from benchmarks.offline_bench import wait_with_peak

                # the scan's own peak: its ru_maxrss also counts this process, which it was forked from
                try:
                    status, usage, hwm = wait_with_peak(scan, 0.05, deadline=started + timeout_s)
                except RuntimeError:
                    raise RuntimeError(f"the scan ran past --timeout {timeout_s}s") from None
                wall = time.perf_counter() - started
                code = os.waitstatus_to_exitcode(status)
                scan.returncode = code
                stderr = scan.stderr.read().decode(errors="replace")
                if code not in (0, 1, 3):
                    raise RuntimeError(f"the scan failed (exit {code}): {stderr.strip()[-2000:]}")
                counted = _counts(url)
                fake_cpu = _cpu_s(fake.pid)
            finally:
                _stop(fake)
        with open(report, encoding="utf-8") as fh:
            rep = json.load(fh)
    calls = counted["total"] - before
    cpu = usage.ru_utime + usage.ru_stime
    out.update(api_calls=calls, min_api_calls=expected["min_api_calls"],
               calls_over_min=round(calls / expected["min_api_calls"], 3), ideal_s=expected["ideal_s"],
               cpu_s=round(cpu, 2), cpu_ms_per_call=round(cpu / calls * 1000, 2),
               cpu_floor_s=round(cpu / calls * expected["min_api_calls"], 2), fake_cpu_s=round(fake_cpu, 2),
               wall_s=round(wall, 2),
               wall_over_ideal=round(wall / expected["ideal_s"], 2) if expected["ideal_s"] else None,
               avg_in_flight=round(counted["busy_s"] / counted["span_s"], 1) if counted.get("span_s") else None,
               peak_rss_mb=round(hwm if hwm is not None else usage.ru_maxrss / 1024, 1),
               ideal_bound=expected["bound"], exit_code=code, findings=len(rep["findings"]),
               collection_errors=len(rep["collection_errors"]),
               calls_span_s=round(counted["span_s"], 2) if counted.get("span_s") else None)
    extra = {k: counted["calls"].get(k, 0) - v for k, v in expected["by_call"].items() if counted["calls"].get(k, 0) != v}
    extra.update({k: n for k, n in counted["calls"].items() if k not in expected["by_call"]})
    if extra:
        out["calls_off_model"] = extra  # call -> calls made minus calls the model expects
    return out


def run_eval(size: int) -> dict:
    proc = subprocess.run([sys.executable, "-m", "benchmarks.eval_bench", "--one", str(size)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    one = json.loads(proc.stdout)
    return {"eval_resources": one["resources"], "eval_s": one["eval_s"], "eval_peak_rss_mb": one["peak_rss_mb"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=10000, help="resources in the synthetic tenant (default 10000)")
    ap.add_argument("--latency-ms", type=int, default=50, help="latency the fake adds to every call (default 50)")
    ap.add_argument("--max-in-flight", type=int, default=64, help="collection.max_in_flight (default 64)")
    ap.add_argument("--throttle", type=float, default=0.0, help="share of calls the fake throttles (fault throttle)")
    ap.add_argument("--qps", type=int, default=None,
                    help="flow control: each API (product, action, region) admits this many calls a second (fault qps)")
    ap.add_argument("--no-bucket-info", action="store_true",
                    help="collection.oss_bucket_info false: every OSS sub-resource asked with its own call")
    ap.add_argument("--rate-limit", type=float, default=None, help="collection.rate_limits.default, calls/s")
    ap.add_argument("--processes", type=int, default=None,
                    help="collection.processes (default: the scan's own default, the CPUs it may use)")
    ap.add_argument("--eval-size", type=int, default=100000, help="resources of the offline evaluation (0: skip)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds before the scan is stopped (default 900)")
    ap.add_argument("--keep-report", metavar="FILE", help="keep the scan's JSON report here")
    args = ap.parse_args(argv)
    out = {}
    if args.size > 0:
        out.update(run_scan(args.size, args.latency_ms, args.max_in_flight, args.rate_limit, args.timeout,
                            args.keep_report, args.throttle, not args.no_bucket_info, args.processes, args.qps))
    if args.eval_size > 0:
        out.update(run_eval(args.eval_size))
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
