"""Collection shared out between worker processes (collection.processes), so that it uses every core.

The SDKs' HTTP path, signing and models cost about a millisecond of CPU a call, under the GIL: one process
collects on one core. With N processes the products are split into N groups of about equal weight; each
product, so each API and its adaptive bucket (ratelimit.AdaptiveBucket), is in exactly one process, and the
`max_in_flight` budget is one semaphore shared by the workers (SharedGate): a worker whose products are done
leaves its slots to the others. Each worker counts the permits it holds; when a worker ends, the parent gives
back whatever it still held (a worker killed mid-call), so the others are never starved by a dead one.

The parent forks the workers after the shared imports, identity and region discovery, from its main thread
only, with no pooled connection left open (a connection must never be shared by two processes). Each
worker builds fresh clients from the same credential (it refreshes it on its own), runs its products'
collectors for the account and regions exactly as one process would (`run`, collect.collect_here), and
writes back, over a pipe, its progress, its retries' waits and finally its section of the snapshot (its
products' data, errors, unavailable regions, duplicates). The parent merges the sections into the snapshot
one process would have given.

A worker that dies, or sends nothing back by the collectors' deadline (plus a grace), has its products
recorded as failed (`WorkerFailed`, for every call of theirs, in every region): their rules are ERROR,
never empty. A worker dies with its parent (PR_SET_PDEATHSIG on Linux, and a watch on its parent's pid):
SIGINT/SIGTERM end the parent at once (cli_output.interruptible) and leave no worker behind. SIGINT and
SIGTERM also end a worker itself, silently (default handlers).

Not forked (one process collects): not the main thread (accounts of an organisation collected in
threads), a platform without fork, or an in-process HTTP fake (`responses` patching requests): the fake
would not see a worker's calls.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import selectors
import signal
import struct
import sys
import threading
import time
from typing import Callable

# Relative CPU weight of each product's collection: its calls in the bench's synthetic tenant at 10,000
# resources (the documented minimum, benchmarks/synthetic.py), ECS raised for its 500-item pages of disks.
# A product not listed weighs DEFAULT.
WEIGHTS = {"oss": 2000, "rds": 1800, "ram": 1400, "ecs": 1200, "redis": 760, "polardb": 510, "kms": 210,
           "alb": 150, "hbr": 45, "slb": 35, "nas": 25, "vpc": 25, "actiontrail": 15, "ims": 1}
DEFAULT = 100
GRACE_S = 30.0  # past the collectors' deadline, how long a worker may take to send its section


def can_fork() -> bool:
    """Whether this process may fork collection workers (see the module's docstring)."""
    if not hasattr(os, "fork") or threading.current_thread() is not threading.main_thread():
        return False
    adapters = sys.modules.get("requests.adapters")
    send = getattr(getattr(adapters, "HTTPAdapter", None), "send", None)
    return send is None or getattr(send, "__module__", None) == "requests.adapters"


def weight(collector) -> int:
    return WEIGHTS.get(collector.SPEC.name, DEFAULT)


def split(collectors, processes: int) -> list[tuple]:
    """The collectors in at most `processes` groups of about equal weight (the heaviest first, each to the
    lightest group so far); each group keeps the collectors' order."""
    n = max(1, min(processes, len(collectors)))
    groups: list[list] = [[] for _ in range(n)]
    loads = [0] * n
    for c in sorted(collectors, key=weight, reverse=True):
        i = loads.index(min(loads))
        groups[i].append(c)
        loads[i] += weight(c)
    rank = {id(c): i for i, c in enumerate(collectors)}
    return [tuple(sorted(g, key=lambda c: rank[id(c)])) for g in groups if g]


def collect(run: Callable[..., dict], clients, account_id: str, regions: list[str], groups: list[tuple], *,
            max_in_flight: int, progress: Callable[[str, int, int], None] | None = None, retry=None,
            deadline: float | None = None, order: tuple = (), **kwargs) -> dict:
    """The account's section, collected by one worker process per group and merged (unsorted); `order`:
    the collectors in the order one process runs them (its sections are created in that order)."""
    from .. import snapshot

    # the parent only waits, then unpickles and merges the sections: long-lived objects, which the cyclic
    # collector would traverse again and again for nothing (snapshot.no_cycle_collection)
    with snapshot.no_cycle_collection():
        return _collect(run, clients, account_id, regions, groups, max_in_flight=max_in_flight, progress=progress,
                        retry=retry, deadline=deadline, order=order, **kwargs)


def _collect(run: Callable[..., dict], clients, account_id: str, regions: list[str], groups: list[tuple], *,
             max_in_flight: int, progress, retry, deadline: float | None, order: tuple, **kwargs) -> dict:
    from .. import snapshot

    forget_connections()  # nothing pooled in the parent at fork: no connection is shared by two processes
    gc.freeze()  # what the parent holds is the workers' too: their collections do not walk (nor copy) it
    total = sum(_tasks(g, regions) for g in groups)
    workers: list[_Worker] = []
    ctx = multiprocessing.get_context("fork")
    permits = ctx.BoundedSemaphore(max(1, max_in_flight))
    try:
        for group in groups:
            held = ctx.Value("i", 0)
            workers.append(_fork(run, clients, account_id, regions, group, workers, max_in_flight=max_in_flight,
                                 in_flight=SharedGate(permits, held), retry=retry, deadline=deadline,
                                 progress=progress is not None, **kwargs))
            workers[-1].held = held
        _gather(workers, account_id, total, progress, retry, deadline, permits)
    finally:
        for w in workers:
            w.stop()
        gc.unfreeze()
    account = snapshot.new_account(account_id)
    for w in workers:
        if w.section is not None:
            merge(account, w.section)
        else:
            failed(account, w, regions)
    flat = [c for g in groups for c in g]
    rank = {id(c): i for i, c in enumerate(order)}
    return _ordered(account, sorted(flat, key=lambda c: rank.get(id(c), len(rank))), regions)


def merge(account: dict, part: dict) -> None:
    """A worker's section into the account's: its products' sections, and its lists (errors, unavailable,
    duplicates...) appended."""
    for key, value in part.items():
        if key == "account_id":
            continue
        if key == "regions":
            for region, products in value.items():
                _merge_products(account["regions"].setdefault(region, {}), products)
        elif key == "global":
            _merge_products(account.setdefault("global", {}), value)
        elif isinstance(value, list):
            account.setdefault(key, []).extend(value)
        elif isinstance(value, dict):
            account.setdefault(key, {}).update(value)
        else:
            account[key] = value


def _merge_products(into: dict, products: dict) -> None:
    """Product sections key by key: two collectors may write one product's section (IMS writes RAM's)."""
    for product, section in products.items():
        have = into.get(product)
        if isinstance(have, dict) and isinstance(section, dict):
            have.update(section)
        else:
            into[product] = section


def failed(account: dict, worker: "_Worker", regions: list[str]) -> None:
    """A worker that sent no section: every call of its products fails, in every region (and account-wide
    for what it collects once per account), so that their rules are ERROR."""
    names = ", ".join(c.SPEC.name for c in worker.group)
    message = f"the collection process of {names} ended without its results ({worker.why()})"
    for c in worker.group:
        wheres = ([None] if hasattr(c, "collect_account") else []) + (
            list(regions) if hasattr(c, "collect_region") else [])
        for where in wheres:
            for action in c.SPEC.actions:
                account["errors"].append({"product": c.PRODUCT, "action": action, "region": where, "resource": None,
                                          "code": "WorkerFailed", "message": message, "http_status": None,
                                          "request_id": None})


def _ordered(account: dict, collectors: list, regions: list[str]) -> dict:
    """Regions and products in the order one process would have created them (regions, then collectors)."""
    out = dict(account)
    ordered: dict = {}
    for region in regions:
        have = account["regions"].get(region, {})
        ordered[region] = {}
        for c, regional in sections(collectors):
            if regional:
                ordered[region][c.PRODUCT] = have.get(c.PRODUCT, {})
        ordered[region].update({k: v for k, v in have.items() if k not in ordered[region]})
    ordered.update({r: v for r, v in account["regions"].items() if r not in ordered})
    out["regions"] = ordered
    return out


def sections(collectors) -> list:
    """(collector, whether it has a section in every region) for each collector."""
    return [(c, bool(hasattr(c, "collect_region") or getattr(c, "REGIONAL_SECTIONS", True)
                     and hasattr(c, "collect_account"))) for c in collectors]


def forget_connections() -> None:
    """Drop the SDKs' pooled HTTP sessions (class-level caches of darabonba and Tea) in this process."""
    for module, cls in (("darabonba.core", "DaraCore"), ("Tea.core", "TeaCore")):
        core = getattr(sys.modules.get(module), cls, None)
        if core is not None and getattr(core, "_sessions", None):
            sessions, core._sessions = core._sessions, {}
            for s in sessions.values():
                try:
                    s.close()
                except OSError:
                    pass


class SharedGate:
    """The permits of a worker's gate.Gate: the semaphore the workers share, each permit counted in this
    worker's `held` so that the parent can give back what a worker that died still held."""

    def __init__(self, permits, held):
        self.permits, self.held = permits, held

    def acquire(self) -> None:
        self.permits.acquire()
        with self.held.get_lock():
            self.held.value += 1

    def release(self) -> None:
        with self.held.get_lock():
            self.held.value -= 1
        self.permits.release()

    def __enter__(self):
        self.acquire()

    def __exit__(self, *exc):
        self.release()


def _give_back(w: "_Worker", permits) -> None:
    """A worker has ended: the permits it still holds (killed mid-call) return to the others."""
    held = getattr(w, "held", None)
    if held is None or permits is None:
        return
    with held.get_lock():
        n, held.value = held.value, 0
    for _ in range(max(0, n)):
        try:
            permits.release()
        except ValueError:  # already full
            break


def _tasks(group, regions) -> int:
    return (sum(1 for c in group if hasattr(c, "collect_account"))
            + len(regions) * sum(1 for c in group if hasattr(c, "collect_region")))


class _Worker:
    def __init__(self, pid: int, fd: int, group: tuple):
        self.pid, self.fd, self.group = pid, fd, group
        self.buffer = bytearray()
        self.done = 0
        self.section: dict | None = None
        self.error: str | None = None
        self.status: int | None = None
        self.late = False  # still running past the collectors' deadline and the grace: killed

    def stop(self) -> None:
        """Kill the worker if it still runs, and reap it (its CPU time counts in the parent's children)."""
        if self.status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid == 0:
                    os.kill(self.pid, signal.SIGKILL)
                    pid, status = os.waitpid(self.pid, 0)
                self.status = status
            except ChildProcessError:
                self.status = -1
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def why(self) -> str:
        if self.error:
            return self.error
        if self.late:
            return f"it sent nothing back within {GRACE_S:.0f} s of the collectors' deadline and was stopped"
        if self.status is not None and self.status > 0:
            if os.WIFSIGNALED(self.status):
                return f"killed by {signal.Signals(os.WTERMSIG(self.status)).name}"
            return f"exit status {os.waitstatus_to_exitcode(self.status)}"
        return "it sent nothing back by the collectors' deadline"


def _fork(run, clients, account_id, regions, group, siblings, **kwargs) -> _Worker:
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the worker: never returns
        os.close(read_fd)
        for s in siblings:
            os.close(s.fd)
        _work(write_fd, parent, run, clients, account_id, regions, group, **kwargs)
    os.close(write_fd)
    return _Worker(pid, read_fd, group)


def _work(fd: int, parent: int, run, clients, account_id, regions, group, *, max_in_flight: int, retry,
          progress: bool, **kwargs) -> None:
    code = 1
    lock = threading.Lock()

    def send(message) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        with lock:
            _write_all(fd, struct.pack("!Q", len(data)) + data)

    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        gc.enable()  # paused in the parent while it waits (collect), not in a worker: its calls make cycles
        _die_with(parent)
        forget_connections()
        fresh = _fresh(clients, max_in_flight)
        if retry is not None and retry.on_wait is not None:
            import dataclasses

            retry = dataclasses.replace(retry, on_wait=lambda err, tries, wait: send(("wait", err, tries, wait)))
        kwargs["progress"] = (lambda _a, done, _t: send(("progress", done))) if progress else None
        section = run(fresh, account_id, regions, collectors=group, max_in_flight=max_in_flight, retry=retry,
                      **kwargs)
        send(("section", section))
        code = 0
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which records the products as failed
        try:
            send(("failed", f"{type(exc).__name__}: {exc}"))
        except BaseException:  # noqa: BLE001 - the parent is gone or the pipe is broken: nothing to tell
            pass
    finally:
        os._exit(code)


def _fresh(clients, max_connections: int):
    """The parent's sdk.Clients with every setting (credential, endpoint, timeouts...) but no client built yet,
    and connection pools sized to the calls in flight (the budget the workers share)."""
    import copy

    fresh = copy.copy(clients)
    fresh._cache, fresh._building, fresh._lock = {}, {}, threading.Lock()
    fresh.max_connections = max_connections
    return fresh


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _die_with(parent: int) -> None:
    """End this worker when its parent ends, however it ends."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _gather(workers: list[_Worker], account_id: str, total: int, progress, retry, deadline: float | None,
            permits=None) -> None:
    """Read every worker's messages until each has closed its pipe (or the deadline and grace pass)."""
    sel = selectors.DefaultSelector()
    for w in workers:
        sel.register(w.fd, selectors.EVENT_READ, w)
    open_ = len(workers)
    until = deadline + GRACE_S if deadline is not None else None
    try:
        while open_:
            timeout = None if until is None else max(0.0, until - time.monotonic())
            ready = sel.select(timeout)
            if not ready and until is not None and time.monotonic() >= until:
                for w in workers:
                    w.late = w.section is None and w.error is None
                return
            for key, _ in ready:
                w: _Worker = key.data
                chunk = os.read(w.fd, 1 << 20)
                if not chunk:
                    sel.unregister(w.fd)
                    open_ -= 1
                    _give_back(w, permits)
                    continue
                w.buffer += chunk
                at = 0
                while len(w.buffer) - at >= 8:
                    size = struct.unpack_from("!Q", w.buffer, at)[0]
                    if len(w.buffer) - at < 8 + size:
                        break
                    # read in place: a slice of the buffer would copy a whole section (hundreds of MB at 100k)
                    with memoryview(w.buffer) as view, view[at + 8:at + 8 + size] as part:
                        message = pickle.loads(part)
                    at += 8 + size
                    _handle(w, message, workers, account_id, total, progress, retry)
                del w.buffer[:at]
                if not w.buffer:  # give back what a large section took
                    w.buffer = bytearray()
    finally:
        sel.close()


def _handle(w: _Worker, message: tuple, workers, account_id, total, progress, retry) -> None:
    kind = message[0]
    if kind == "progress":
        w.done = message[1]
        if progress is not None:
            progress(account_id, sum(x.done for x in workers), total)
    elif kind == "wait":
        if retry is not None and retry.on_wait is not None:
            retry.on_wait(*message[1:])
    elif kind == "section":
        w.section = message[1]
    elif kind == "failed":
        w.error = message[1]
