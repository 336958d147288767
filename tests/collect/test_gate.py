"""The in-flight gate (collectors/gate.py): its waiters served by priority, then arrival; held at the wire."""

import threading
import time

import pytest

from aliaudit import sdk
from aliaudit.collectors import gate
from aliaudit.collectors.base import Collection
from aliaudit.fakes import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, FakeState
from aliaudit.fakes.server import FakeServer
from benchmarks import synthetic
from fake_server_helpers import count_in_flight

KEY = sdk.StaticKey(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET)


def _queued(g: gate.Gate, n: int) -> None:
    deadline = time.monotonic() + 5
    while len(g._queue) < n:
        assert time.monotonic() < deadline, "a waiter never queued"
        time.sleep(0.001)


def test_waiters_go_by_priority_then_arrival():
    g = gate.Gate(threading.BoundedSemaphore(1))
    g.acquire(gate.LIST)  # the one permit, held
    served: list[str] = []
    door = threading.Thread(target=lambda: (g.acquire(gate.DETAIL), served.append("door"), g.release()))
    door.start()  # the first waiter is at the door (blocked on the permit itself), not in the queue
    time.sleep(0.05)
    threads = []
    for name, priority in (("detail-1", gate.DETAIL), ("list", gate.LIST), ("detail-2", gate.DETAIL),
                           ("retry", gate.RETRY)):
        t = threading.Thread(target=lambda n=name, p=priority: (g.acquire(p), served.append(n), g.release()))
        t.start()
        threads.append(t)
        _queued(g, len(threads))
    g.release()
    for t in [door, *threads]:
        t.join(5)
    assert served == ["door", "retry", "list", "detail-1", "detail-2"]


def test_the_permit_is_held_on_the_wire_only_and_every_request_goes_through_the_gate():
    """max_in_flight 1: the fake never sees two requests at once, although four threads call together; each
    thread's requests went through a gated adapter (none bypassed the gate)."""
    doc = synthetic.generate(50)
    with FakeServer(FakeState(doc), log=None) as server:
        peak = count_in_flight(server, 0.005)
        col = Collection(sdk.Clients(KEY, server.url), {"account_id": "x", "regions": {}, "errors": []},
                         ["cn-hongkong"], in_flight=gate.Gate(threading.BoundedSemaphore(1)))
        m = sdk.models("ecs")
        sends: list[int] = []

        def work():
            before = sdk.wire_sends()
            for _ in range(5):
                assert col.rpc("ecs", "DescribeZones", "cn-hongkong", m.DescribeZonesRequest(region_id="cn-hongkong"))
            sends.append(sdk.wire_sends() - before)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        served = sum(server.requests.values())
    assert col.account["errors"] == []
    assert peak[0] == 1
    assert sends == [5, 5, 5, 5] and served == 20


def test_at_once_runs_together_keeps_the_order_and_raises_what_failed():
    from aliaudit.collectors import base

    col = Collection(sdk.Clients(KEY), {"account_id": "x", "regions": {}, "errors": []}, ["cn-hongkong"])
    started, depths = threading.Barrier(3, timeout=5), []

    def one(n):
        started.wait()  # all three run at the same time, or this times out
        depths.append(getattr(base._task, "depth", 0))
        return n

    assert col.at_once(*(lambda n=n: one(n) for n in range(3))) == [0, 1, 2]
    base._task.depth = 1  # called from a detail task: its threads map to the pool below, as it would
    try:
        col.at_once(lambda: depths.append(base._task.depth), lambda: depths.append(base._task.depth))
    finally:
        base._task.depth = 0
    assert depths == [0, 0, 0, 1, 1]
    finished = []

    def boom():
        raise ValueError("boom")

    def slow():
        time.sleep(0.05)
        finished.append(True)

    with pytest.raises(ValueError, match="boom"):
        col.at_once(boom, slow)
    assert finished == [True]  # raised once every call had ended
