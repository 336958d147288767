"""Offline and start-up benchmark: the figures of issue 13, each from real `aliaudit` processes.

    python -m benchmarks.offline_bench                      # everything but the 100k live scan
    python -m benchmarks.offline_bench --live-sizes 10000,100000

Prints one JSON line per measurement, then a summary line, each with the acceptance limit:
  demo_scan_s          `aliaudit scan --fixture examples/fixtures/hk-insurer-gaps.json` (table to stdout),
                       median of --runs                                                  (limit 1.0 s)
  recording_scan_s     a 2,750-resource tenant recorded through the fake (in process, the same
                       record.write `--record` uses), scanned with --format json --output FILE,
                       median of --runs; `table_s`: the same with the default table         (limit 2.0 s)
  recording_100k_s     a 100k-resource synthetic tenant written as a recording (record.write; collecting
                       it through the fake would take many minutes), scanned with --format json
                       --output FILE, median of --runs-100k, and its peak RSS     (limits 15 s, 1,536 MB)
  live_peak_rss_mb     `aliaudit scan --endpoint-override` against `aliaudit fake serve` serving the
                       synthetic tenant of each --live-sizes, no added latency (scan_bench.run_scan)
                                                               (limits 10k: 400 MB, 100k: 1,536 MB)
  help_s               `aliaudit --help`, median of --runs                                  (limit 0.2 s)
  first_call_s         a live scan from process start to the first request the fake logs
                       (sts:GetCallerIdentity), median of --runs                            (limit 0.5 s)

Wall times on a shared machine are noisy: each line also gives the CPU time (user + system) of the
timed process, which varies less. Every child process is stopped when the run ends.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "examples", "fixtures", "hk-insurer-gaps.json")
LIMITS = {"demo_scan_s": 1.0, "recording_scan_s": 2.0, "recording_100k_s": 15.0, "recording_100k_peak_rss_mb": 1536,
          "live_10000_peak_rss_mb": 400, "live_100000_peak_rss_mb": 1536, "help_s": 0.2, "first_call_s": 0.5}
CLI = [sys.executable, "-m", "aliaudit.cli"]


def hwm_mb(pid: int) -> float | None:
    """The process's own peak resident memory (VmHWM), or None once it is gone. Unlike ru_maxrss it does
    not count the memory of the parent the process was forked from."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def wait_with_peak(proc: subprocess.Popen, every_s: float, deadline: float | None = None):
    """Wait for proc, sampling its own peak RSS (VmHWM, MB) every every_s: (wait status, rusage, peak or
    None). Past `deadline` (a time.perf_counter() value) the process is killed and RuntimeError raised."""
    peak = None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return status, usage, peak
        now = hwm_mb(proc.pid)
        if now is not None:
            peak = now if peak is None else max(peak, now)
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            raise RuntimeError("the process ran past its deadline")
        time.sleep(every_s)


def timed(args: list[str], env: dict | None = None) -> dict:
    """wall_s, cpu_s and peak_rss_mb of one process (its stdout discarded); exit codes 0, 1 and 3 are results.

    The peak is VmHWM sampled every 20 ms (ru_maxrss where /proc is not there)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    status, usage, peak = wait_with_peak(proc, 0.02)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode not in (0, 1, 3):
        raise RuntimeError(f"{' '.join(args[2:])} failed (exit {proc.returncode}): {err.strip()[-1000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": peak if peak is not None else usage.ru_maxrss / 1024}


def median_of(runs: int, args: list[str], env: dict | None = None) -> dict:
    got = [timed(args, env) for _ in range(runs)]
    return {"runs": runs, "wall_s": round(statistics.median(g["wall_s"] for g in got), 3),
            "cpu_s": round(statistics.median(g["cpu_s"] for g in got), 3),
            "peak_rss_mb": round(max(g["peak_rss_mb"] for g in got), 1)}


def record_through_fake(size: int, path: str) -> int:
    """A synthetic tenant collected through the in-process fake and the SDK collectors, saved as `--record`
    saves it. Returns its resource count."""
    from aliaudit import record, scan as scanning
    from aliaudit.fakes import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, FakeCloud
    from aliaudit.sdk import StaticKey
    from benchmarks.synthetic import generate, resource_count

    doc = generate(size)
    with FakeCloud().load(doc):
        collected = scanning.collect_live(StaticKey(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET),
                                          scanning.ScanOptions())
    record.write(path, collected, [DEFAULT_ACCESS_KEY_SECRET])
    return resource_count(collected)


def write_synthetic(size: int, path: str) -> int:
    from aliaudit import record
    from benchmarks.synthetic import generate, resource_count

    doc = generate(size)
    record.write(path, doc, [])
    return resource_count(doc)


def first_call(runs: int) -> dict:
    """Seconds from starting a live scan to the fake's log line of its first request."""
    fake = subprocess.Popen([*CLI, "fake", "serve", "--state", DEMO, "--port", "0", "--host", "127.0.0.1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        first = fake.stdout.readline()
        if " at http://" not in first:
            raise RuntimeError(f"the fake did not start: {first!r}")
        url = first.rsplit(" at ", 1)[1].strip()
        lines: list[tuple[float, str]] = []
        threading.Thread(target=lambda: [lines.append((time.perf_counter(), line)) for line in fake.stderr],
                         daemon=True).start()
        from aliaudit.fakes import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET

        env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
        env.update(ALIBABA_CLOUD_ACCESS_KEY_ID=DEFAULT_ACCESS_KEY_ID,
                   ALIBABA_CLOUD_ACCESS_KEY_SECRET=DEFAULT_ACCESS_KEY_SECRET)
        got, calls = [], set()
        for _ in range(runs):
            seen = len(lines)
            started = time.perf_counter()
            timed([*CLI, "scan", "--endpoint-override", url, "--format", "json", "--output", os.devnull], env)
            deadline = time.perf_counter() + 10
            while len(lines) <= seen and time.perf_counter() < deadline:
                time.sleep(0.01)
            at, line = lines[seen]
            got.append(at - started)
            calls.add(line.split()[1])
        return {"runs": runs, "first_call_s": round(statistics.median(got), 3), "first_call": sorted(calls)}
    finally:
        fake.terminate()
        try:
            fake.wait(timeout=10)
        except subprocess.TimeoutExpired:
            fake.kill()
            fake.wait()


def make(kind: str, size: int, path: str) -> int:
    """Build the recording in a child process: a process keeps its peak memory, and a child forked from a
    parent that built a 100k tenant would inherit that peak in its own ru_maxrss."""
    proc = subprocess.run([sys.executable, "-m", "benchmarks.offline_bench", "--make", kind, str(size), path],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    return int(proc.stdout.strip())


def emit(out: dict, name: str, **values) -> None:
    line = {"measure": name, **values}
    print(json.dumps(line), flush=True)
    out.update({k: v for k, v in values.items() if k in LIMITS})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per timed measure (median; default 5)")
    ap.add_argument("--runs-100k", type=int, default=1, help="runs of the 100k offline scan (default 1)")
    ap.add_argument("--recording-size", type=int, default=2750, help="resources of the recorded tenant")
    ap.add_argument("--big-size", type=int, default=100000, help="resources of the big offline tenant (0: skip)")
    ap.add_argument("--live-sizes", default="10000", help="comma-separated live tenant sizes (default 10000)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before a live scan is stopped")
    ap.add_argument("--skip", default="", help="comma-separated measures to skip: demo,recording,big,live,help,first")
    ap.add_argument("--make", nargs=3, metavar=("KIND", "SIZE", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.make:
        kind, size, path = args.make
        print((record_through_fake if kind == "recording" else write_synthetic)(int(size), path))
        return 0
    skip = set(filter(None, args.skip.split(",")))
    summary: dict = {}
    print(json.dumps({"measure": "start", "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                      "cpus": os.cpu_count(), "load_1min": round(os.getloadavg()[0], 2)}), flush=True)
    with tempfile.TemporaryDirectory(prefix="aliaudit-offline-bench-") as tmp:
        report = os.path.join(tmp, "report.json")
        if "help" not in skip:
            got = median_of(args.runs, [*CLI, "--help"])
            emit(summary, "help", help_s=got["wall_s"], cpu_s=got["cpu_s"], runs=got["runs"])
        if "demo" not in skip:
            got = median_of(args.runs, [*CLI, "scan", "--fixture", DEMO])
            emit(summary, "demo", demo_scan_s=got["wall_s"], cpu_s=got["cpu_s"], peak_rss_mb=got["peak_rss_mb"],
                 runs=got["runs"])
        if "recording" not in skip:
            path = os.path.join(tmp, "recording.json")
            n = make("recording", args.recording_size, path)
            got = median_of(args.runs, [*CLI, "scan", "--fixture", path, "--format", "json", "--output", report])
            table = median_of(args.runs, [*CLI, "scan", "--fixture", path])
            emit(summary, "recording", resources=n, recording_scan_s=got["wall_s"], cpu_s=got["cpu_s"],
                 peak_rss_mb=got["peak_rss_mb"], table_s=table["wall_s"], table_cpu_s=table["cpu_s"], runs=got["runs"])
        if "big" not in skip and args.big_size:
            path = os.path.join(tmp, "big.json")
            n = make("synthetic", args.big_size, path)
            got = median_of(args.runs_100k, [*CLI, "scan", "--fixture", path, "--format", "json", "--output", report])
            emit(summary, "recording_100k", resources=n, file_mb=round(os.path.getsize(path) / 2**20, 1),
                 recording_100k_s=got["wall_s"], cpu_s=got["cpu_s"], recording_100k_peak_rss_mb=got["peak_rss_mb"],
                 runs=got["runs"])
            os.unlink(path)
        if "first" not in skip:
            got = first_call(args.runs)
            emit(summary, "first_call", **got)
        if "live" not in skip:
            from benchmarks.scan_bench import run_scan

            for size in [int(s) for s in args.live_sizes.split(",") if s.strip()]:
                got = run_scan(size, latency_ms=0, max_in_flight=64, rate_limit=None, timeout_s=args.timeout)
                emit(summary, f"live_{size}", resources=got["resources"], wall_s=got["wall_s"],
                     **{f"live_{size}_peak_rss_mb": got["peak_rss_mb"]}, api_calls=got["api_calls"])
    verdicts = {k: {"value": v, "limit": LIMITS[k], "ok": v <= LIMITS[k]} for k, v in summary.items()}
    print(json.dumps({"measure": "summary", **verdicts}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
