"""The in-flight gate: at most `max_in_flight` calls on the wire, the calls that open more work first.

A plain semaphore serves its waiters in no useful order: under contention a detail call that has just
arrived can take the permit a list call has waited for, and the lists (whose answers are what the other
calls wait on) start late. `Gate` queues this process's waiters by (priority, arrival) in front of the
permits: lower priority numbers go first, equal ones in arrival order. Priorities used by the collectors
(`Collection.call`): RETRY for a call's second and later tries (it has waited already, and a chain of calls
waits on it), LIST for a list's pages and account- or region-level calls, DETAIL for a call about one
resource.

Only the head of the queue waits on the permits themselves (one thread per process), so the permits may
be a semaphore shared with other processes (processes.SharedGate): the processes compete for them
fairly, and each serves its own calls in priority order.
"""

from __future__ import annotations

import heapq
import itertools
import threading

RETRY, LIST, DETAIL = -1, 0, 1


class Gate:
    def __init__(self, permits):
        """`permits`: anything with acquire() and release(), e.g. a threading.BoundedSemaphore(max_in_flight)
        or a processes.SharedGate."""
        self.permits = permits
        self._lock = threading.Lock()
        self._queue: list = []      # (priority, arrival, event) of the threads waiting for the door
        self._door = False          # a thread is at the door: waiting on (or taking) a permit
        self._arrival = itertools.count()

    def acquire(self, priority: int = DETAIL) -> None:
        with self._lock:
            if self._door:
                event = threading.Event()
                heapq.heappush(self._queue, (priority, next(self._arrival), event))
            else:
                self._door, event = True, None
        if event is not None:
            event.wait()  # set by the thread that leaves the door to us
        try:
            self.permits.acquire()
        finally:
            with self._lock:
                if self._queue:
                    heapq.heappop(self._queue)[2].set()  # the door passes on; _door stays True
                else:
                    self._door = False

    def release(self) -> None:
        self.permits.release()

    def hold(self, priority: int = DETAIL) -> "_Held":
        return _Held(self, priority)


class _Held:
    __slots__ = ("gate", "priority")

    def __init__(self, gate: Gate, priority: int):
        self.gate, self.priority = gate, priority

    def __enter__(self):
        self.gate.acquire(self.priority)

    def __exit__(self, *exc):
        self.gate.release()
