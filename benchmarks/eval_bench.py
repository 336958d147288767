"""Offline evaluation benchmark: rules + clause roll-up over a synthetic snapshot, time and peak memory.

    python -m benchmarks.eval_bench 1000 10000 100000

Prints one JSON line per size: resources, eval_s (rules + roll-up, snapshot already in memory),
peak_rss_mb (of a fresh process that generated and evaluated that size alone).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def run_one(n: int) -> dict:
    from aliaudit import clauses, engine
    from aliaudit.rules import all_rules
    from aliaudit.settings import Settings
    from benchmarks.synthetic import generate, resource_count

    doc = generate(n)
    rules = all_rules()
    cats = clauses.load()
    started = time.perf_counter()
    findings = engine.evaluate(doc, rules, Settings())
    clauses.roll_up(cats, findings)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"resources": resource_count(doc), "findings": len(findings), "eval_s": round(elapsed, 3),
            "peak_rss_mb": round(peak, 1)}


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--one":
        print(json.dumps(run_one(int(argv[1]))))
        return 0
    for size in [int(a) for a in argv] or [1000, 10000, 100000]:
        out = subprocess.run([sys.executable, "-m", "benchmarks.eval_bench", "--one", str(size)],
                             capture_output=True, text=True, check=True)
        print(out.stdout.strip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
