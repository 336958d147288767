"""Collection shared out between worker processes (collection.processes, auditor/collectors/processes.py):
the same snapshot as one process, finding by finding; a worker that dies makes its products ERROR, never
empty; SIGINT/SIGTERM end the scan with 130/143 and leave no worker behind.

Through the real SDKs against `aliaudit fake serve` (another process: an in-process fake would not see a
worker's calls, and collection does not fork when one is active)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
import responses

from conftest import fixture_path, scan
from fake_server_helpers import CLI, KEY_ENV, clean_env, fake_server, live_scan, verdicts
from aliaudit import clauses, snapshot
from aliaudit.collect import collect_account
from aliaudit.collectors import COLLECTORS, kms
from aliaudit.collectors import processes as processes_mod
from aliaudit.fakes.state import account_key
from aliaudit.rules import all_rules
from aliaudit.sdk import Clients, StaticKey

GAPS = fixture_path("hk-insurer-gaps.json")


def _config(tmp_path, processes: int, extra: str = "") -> str:
    path = tmp_path / f"processes-{processes}.yaml"
    path.write_text(f"collection:\n  processes: {processes}\n{extra}")
    return str(path)


@pytest.mark.parametrize("fixture", ["hk-insurer-gaps.json", "hk-insurer-compliant.json"])
def test_worker_processes_give_the_snapshot_and_findings_of_one_process(tmp_path, fixture):
    outcomes = {}
    with fake_server("--state", fixture_path(fixture), "--quiet") as (url, _, _):
        for n in (1, 2, 3):
            record = tmp_path / f"recorded-{n}.json"
            code, report, stderr = live_scan(url, "--config", _config(tmp_path, n), "--record", str(record),
                                             "--verbose")
            assert code in (0, 1), stderr
            done = [line for line in stderr.splitlines() if "collection tasks done" in line]
            assert done and done[-1].endswith(f"{len(done)}/{len(done)} collection tasks done"), stderr  # progress
            doc = json.loads(record.read_text())
            outcomes[n] = (code, verdicts(report), report["collection_errors"], doc["accounts"])
    assert outcomes[1][1][1], "no finding: the comparison proves nothing"
    assert outcomes[2] == outcomes[1]
    assert outcomes[3] == outcomes[1]


def test_worker_processes_tell_their_retries(tmp_path):
    """--verbose off a terminal prints the retries' waits: a worker's are sent to the parent, which prints them."""
    faults = tmp_path / "throttled.json"
    # a fifth of every call throttled: the draws depend on the fake's port, so many calls make a retry certain,
    # and eight tries make a call that is never answered all but impossible
    faults.write_text(json.dumps({"seed": 1, "faults": [{"product": "*", "action": "*", "kind": "throttle",
                                                         "rate": 0.2}]}))
    retry = "  retry:\n    attempts: 8\n    base_delay_s: 0.01\n    max_delay_s: 0.05\n"
    with fake_server("--state", GAPS, "--quiet", "--faults", str(faults)) as (url, _, _):
        code, report, stderr = live_scan(url, "--config", _config(tmp_path, 2, retry), "--verbose")
    assert code in (0, 1), stderr
    assert "aliaudit: retrying: Throttling" in stderr, stderr
    assert report["collection_errors"] == []


def _collect(url: str, account_id: str, regions: list[str], processes: int) -> dict:
    key_id, secret = account_key(account_id)
    return collect_account(Clients(StaticKey(key_id, secret), url), account_id, regions, processes=processes,
                           collector_deadline_s=60)


def _report(section: dict) -> dict:
    doc = snapshot.new("fixture")
    doc["identities"] = [{"account_id": section["account_id"]}]
    doc["accounts"].append(section)
    return scan(doc)


def test_a_worker_that_dies_makes_its_products_error_never_empty(monkeypatch):
    doc = snapshot.load(GAPS)
    account_id, regions = doc["accounts"][0]["account_id"], sorted(doc["accounts"][0]["regions"])
    groups = processes_mod.split(COLLECTORS, 2)
    dead = next(g for g in groups if kms in g)
    dead_products = {c.SPEC.name for c in dead}
    alive_products = {c.SPEC.name for c in COLLECTORS} - dead_products
    assert dead_products and alive_products
    with fake_server("--state", GAPS, "--quiet") as (url, _, _):
        whole = _collect(url, account_id, regions, 1)
        monkeypatch.setattr(kms, "collect_region", lambda col, region: os._exit(9))  # in the worker only
        broken = _collect(url, account_id, regions, 2)
    failed = [e for e in broken["errors"] if e["code"] == "WorkerFailed"]
    assert {e["product"] for e in failed} == dead_products
    assert all("ended without its results (exit status 9)" in e["message"] for e in failed), failed[0]
    for c in dead:  # every call of the dead products, wherever they collect
        for region in ([None] if hasattr(c, "collect_account") else []) + (
                regions if hasattr(c, "collect_region") else []):
            assert {e["action"] for e in failed if e["product"] == c.SPEC.name and e["region"] == region} \
                == set(c.SPEC.actions), (c.SPEC.name, region)
    # the other worker's products are as one process collected them
    for region in regions:
        for p in alive_products:
            assert broken["regions"][region].get(p) == whole["regions"][region].get(p), (region, p)
    assert [e for e in broken["errors"] if e["product"] in alive_products] == \
        [e for e in whole["errors"] if e["product"] in alive_products]

    before, after = _report(whole), _report(broken)
    dead_rules = {r.id for r in all_rules() if any(n.split(":")[0] in dead_products for n in r.needs)}
    dead_rules -= set(clauses.opt_in_frameworks())  # CIS-only rules are not in a default scan
    assert dead_rules & {f["rule"] for f in before["findings"] if f["status"] in ("PASS", "FAIL")}, \
        "the dead products had verdicts to lose"
    for f in after["findings"]:
        if f["rule"] in dead_rules:
            assert f["status"] == "ERROR", f  # never a PASS, a FAIL or nothing in scope
    assert dead_rules <= {f["rule"] for f in after["findings"]}, "a rule of a dead product has no finding"
    alive = [(f["rule"], f["resource_id"], f["status"]) for f in after["findings"] if f["rule"] not in dead_rules]
    assert alive == [(f["rule"], f["resource_id"], f["status"]) for f in before["findings"]
                     if f["rule"] not in dead_rules]
    assert "INCOMPLETE" in {c["status"] for c in after["clauses"]}


def test_a_worker_still_running_past_the_deadline_is_stopped_and_its_products_error(monkeypatch):
    doc = snapshot.load(GAPS)
    account_id, regions = doc["accounts"][0]["account_id"], sorted(doc["accounts"][0]["regions"])
    dead = next(g for g in processes_mod.split(COLLECTORS, 2) if kms in g)
    monkeypatch.setattr(processes_mod, "GRACE_S", 10)  # the other worker ends well within it, even on a busy machine
    monkeypatch.setattr(kms, "collect_region", lambda col, region: time.sleep(120))  # hangs, ignoring deadlines
    with fake_server("--state", GAPS, "--quiet") as (url, _, _):
        key_id, secret = account_key(account_id)
        started = time.monotonic()
        section = collect_account(Clients(StaticKey(key_id, secret), url), account_id, regions, processes=2,
                                  collector_deadline_s=2)
    assert time.monotonic() - started < 60
    failed = [e for e in section["errors"] if e["code"] == "WorkerFailed"]
    assert {e["product"] for e in failed} == {c.SPEC.name for c in dead}
    assert all("collectors' deadline and was stopped" in e["message"] for e in failed), failed[0]


def test_no_worker_process_while_an_in_process_fake_answers():
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        assert not processes_mod.can_fork()
    assert processes_mod.can_fork()


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except FileNotFoundError:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads the workers' pids from /proc (Linux)")
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_an_interrupted_scan_leaves_no_worker_behind(tmp_path, sig, code):
    faults = tmp_path / "slow.json"
    faults.write_text(json.dumps({"faults": [{"product": "*", "action": "*", "kind": "latency", "rate": 1.0,
                                              "ms": 400}]}))
    with fake_server("--state", GAPS, "--quiet", "--faults", str(faults)) as (url, _, _):
        proc = subprocess.Popen([*CLI, "scan", "--endpoint-override", url, "--format", "json",
                                 "--config", _config(tmp_path, 2)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=clean_env(**KEY_ENV))
        try:
            ends = time.monotonic() + 60
            while len(workers := _children(proc.pid)) < 2 and time.monotonic() < ends and proc.poll() is None:
                time.sleep(0.05)
            assert len(workers) == 2, (workers, proc.poll())
            proc.send_signal(sig)
            _, stderr = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == code, stderr
        assert f"interrupted by {sig.name}" in stderr
        ends = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < ends:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "a worker outlived the scan"


def test_collection_processes_setting():
    from aliaudit import ratelimit
    from aliaudit.errors import UsageError

    assert ratelimit.parse({"processes": 3}).worker_processes() == 3
    assert ratelimit.parse(None).worker_processes() == ratelimit.default_processes() >= 1
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(UsageError):
            ratelimit.parse({"processes": bad})


def test_split_keeps_each_product_whole():
    for n in (1, 2, 3, 5, 50):
        groups = processes_mod.split(COLLECTORS, n)
        flat = [c for g in groups for c in g]
        assert sorted(c.SPEC.name for c in flat) == sorted(c.SPEC.name for c in COLLECTORS)
        assert len(groups) == min(n, len(COLLECTORS))


def test_the_workers_share_one_in_flight_budget_and_a_dead_one_gives_its_permits_back():
    """One semaphore for every worker: what a worker holds is counted, and given back when it ends."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    permits, held = ctx.BoundedSemaphore(3), ctx.Value("i", 0)
    gate = processes_mod.SharedGate(permits, held)
    pid = os.fork()
    if pid == 0:  # a worker that dies holding two permits
        gate.__enter__()
        gate.__enter__()
        os._exit(9)
    os.waitpid(pid, 0)
    assert held.value == 2 and permits.acquire(block=False) and not permits.acquire(block=False)
    permits.release()

    class Ended:
        pass

    w = Ended()
    w.held = held
    processes_mod._give_back(w, permits)
    assert held.value == 0
    assert all(permits.acquire(block=False) for _ in range(3)) and not permits.acquire(block=False)
    for _ in range(3):
        permits.release()
    with gate:  # a call on the wire holds one permit while it lasts
        assert held.value == 1
    assert held.value == 0
