"""Start `aliaudit fake serve` and `aliaudit scan` as the user would: separate processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from contextlib import contextmanager

CLI = [sys.executable, "-m", "aliaudit.cli"]
KEY_ENV = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "fake-access-key-id",
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "fake-access-key-secret"}


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
    env["HOME"] = env.get("HOME", "/tmp")
    env.update(extra)
    return env


@contextmanager
def fake_server(*args: str):
    """Run `aliaudit fake serve --port 0 ARGS`; yield (url, printed lines, process)."""
    proc = subprocess.Popen([*CLI, "fake", "serve", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=clean_env())
    try:
        lines = []
        while True:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError("fake serve exited: " + proc.stderr.read())
            lines.append(line.rstrip("\n"))
            m = re.match(r"aliaudit scan --endpoint-override (http://\S+)$", lines[-1])
            if m:
                yield m.group(1), lines, proc
                return
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def live_scan(url: str, *args: str, env: dict | None = None) -> tuple[int, dict | None, str]:
    """`aliaudit scan --endpoint-override URL --format json ARGS`: (exit code, report or None, stderr)."""
    done = subprocess.run([*CLI, "scan", "--endpoint-override", url, "--format", "json", *args],
                          capture_output=True, text=True, env=clean_env(**(env or KEY_ENV)), timeout=300)
    report = json.loads(done.stdout) if done.stdout.strip() else None
    return done.returncode, report, done.stderr


def verdicts(report: dict) -> tuple[list, list]:
    clauses = sorted((c["framework"], c["clause"], c["status"]) for c in report["clauses"])
    findings = sorted((f["rule"], f["account_id"], f["region"], f["resource_id"], f["status"])
                      for f in report["findings"])
    return clauses, findings


def count_in_flight(server, delay_s: float) -> list[int]:
    """Make an in-process FakeServer hold each request `delay_s` and count the requests it serves at once;
    returns [peak], updated as the server answers."""
    import threading
    import time

    now, peak, lock = [0], [0], threading.Lock()
    handle = server.router.handle

    def counting(req):
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        try:
            time.sleep(delay_s)
            return handle(req)
        finally:
            with lock:
                now[0] -= 1

    server.router.handle = counting
    return peak
