"""Slow endpoints: every call has a deadline, and so has every collector. A tenant whose calls hang is
scanned in bounded time through `aliaudit fake serve` (fault `latency` far beyond the deadlines): the
scan ends with exit 3 and the calls that hung are ERRORs, never a PASS."""

import json
import time

from aliaudit.collectors import PRODUCTS
from conftest import fixture_path
from fake_server_helpers import fake_server, live_scan

HANG_MS = 600_000  # ten minutes: far past every deadline below
# Deadlines small enough for a test; the defaults (10 s a try, 20 s a call, 90 s for the collectors) bound
# a fully hung scan at about two minutes the same way.
CONFIG = {"collection": {"read_timeout_s": 1, "connect_timeout_s": 1, "collector_deadline_s": 4,
                         "retry": {"max_total_s": 2, "base_delay_s": 0.05, "max_delay_s": 0.1}}}


def _files(tmp_path, faults):
    config = tmp_path / "aliaudit.json"
    config.write_text(json.dumps(CONFIG))
    fault_file = tmp_path / "faults.json"
    fault_file.write_text(json.dumps({"seed": 1, "faults": faults}))
    return str(config), str(fault_file)


def test_a_tenant_whose_every_call_hangs_ends_in_bounded_time_with_exit_3(tmp_path):
    config, faults = _files(tmp_path, [{"product": "*", "action": "*", "kind": "latency", "ms": HANG_MS}])
    with fake_server("--state", fixture_path("hk-insurer-gaps.json"), "--faults", faults, "--quiet") as (url, _, _):
        started = time.monotonic()
        code, report, stderr = live_scan(url, "--config", config)
        took = time.monotonic() - started
    assert code == 3, stderr
    assert "sts:GetCallerIdentity" in stderr and "Timeout" in stderr
    assert took < 30, took  # the identity call's deadline (2 s) plus start-up, not ten minutes


def test_collectors_whose_calls_hang_end_at_their_deadline_with_errors(tmp_path):
    # identity and region discovery answer; every collector call hangs
    hang = [{"product": p, "action": "*", "kind": "latency", "ms": HANG_MS}
            for p in sorted(PRODUCTS) if p != "ecs"]  # every product found (a new one cannot escape the test)
    assert {"kms", "oss", "rds", "ram", "nas"} <= set(PRODUCTS)
    hang.append({"product": "ecs", "action": "Describe[!R]*", "kind": "latency", "ms": HANG_MS})
    config, faults = _files(tmp_path, hang)
    with fake_server("--state", fixture_path("hk-insurer-gaps.json"), "--faults", faults, "--quiet") as (url, _, _):
        started = time.monotonic()
        code, report, stderr = live_scan(url, "--config", config, "--region", "cn-hongkong")
        took = time.monotonic() - started
    assert code == 3, stderr
    assert took < 40, took
    errors = report["collection_errors"]
    codes = {e["code"] for e in errors}
    assert codes <= {"Timeout", "DeadlineExceeded"}, codes
    assert {e["product"] for e in errors} >= {"ecs", "kms", "oss", "rds", "ram"}
    statuses = {f["status"] for f in report["findings"]}
    assert "PASS" not in statuses and "ERROR" in statuses
