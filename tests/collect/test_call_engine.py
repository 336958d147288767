"""The call engine: calls in flight, one adaptive (AIMD) bucket per API, retry-after, deadlines.
Behaviour through the real SDKs against the fake; the bucket arithmetic on a fake clock."""

import time

import pytest

from aliaudit import scan as scanning
from aliaudit.collect import collect_account
from aliaudit.collectors.base import Collection, RetryPolicy
from aliaudit.fakes import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, FakeCloud, FakeState
from aliaudit.fakes.server import FakeServer
from aliaudit.ratelimit import AdaptiveBucket, AdaptiveLimiter, CollectionConfig
from aliaudit.sdk import Clients, StaticKey
from benchmarks import synthetic
from fake_server_helpers import count_in_flight

KEY = StaticKey(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, s):
        self.now += s


def test_a_throttled_api_halves_its_rate_once_a_window_then_grows_back():
    clock = Clock()
    bucket = AdaptiveBucket(burst=1, min_throttles=1, min_share=0, clock=clock, sleep=clock.sleep)
    for _ in range(40):  # unlimited: 40 calls over a second
        assert bucket.acquire() == 0
        clock.now += 0.025
    assert bucket.rate is None
    bucket.throttled()
    assert bucket.rate == pytest.approx(20, abs=0.5)  # half of what started in the last second
    bucket.throttled()  # the same round of calls in flight: no second halving
    assert bucket.rate == pytest.approx(20, abs=0.5)
    clock.now += 1.0
    bucket.throttled()
    assert bucket.rate == pytest.approx(10, abs=0.5)
    for _ in range(5):
        bucket.succeeded()
    assert bucket.rate == pytest.approx(15, abs=0.5)  # additive increase: one call per second per success
    start = clock.now
    for _ in range(16):
        bucket.acquire()
    assert clock.now - start == pytest.approx(1.0, abs=0.05)  # 1 token at once, then 15 at about 15/s


def test_a_throttled_api_keeps_the_rate_it_was_just_served_at():
    clock = Clock()
    bucket = AdaptiveBucket(ceiling=100, burst=1, min_throttles=1, min_share=0, clock=clock, sleep=clock.sleep)
    for _ in range(80):  # 80 served in the last second, then a refusal that is not about the rate
        bucket.acquire()
        bucket.succeeded()
    bucket.throttled()
    assert bucket.rate >= 80


def test_a_few_refusals_of_a_barely_used_api_do_not_slow_it():
    clock = Clock()
    bucket = AdaptiveBucket(clock=clock, sleep=clock.sleep)
    for _ in range(9):
        bucket.acquire()
        bucket.throttled()
    assert bucket.rate is None and not bucket.overloaded()  # nine refusals in a second: retried, not paced
    bucket.throttled()
    assert bucket.rate is not None and bucket.overloaded()  # ten, and most of the calls started: paced


def test_an_api_is_overloaded_only_when_most_of_its_calls_are_refused():
    clock = Clock()
    bucket = AdaptiveBucket(clock=clock, sleep=clock.sleep)
    for n in range(30):  # 12 refused of 30 started: 40%, a minority
        bucket.acquire()
        if n % 5 < 2:
            bucket.throttled()
    assert not bucket.overloaded()
    for _ in range(10):  # 22 of 40: still under three in five
        bucket.acquire()
        bucket.throttled()
    assert not bucket.overloaded()
    for _ in range(20):  # 42 of 60
        bucket.acquire()
        bucket.throttled()
    assert bucket.overloaded()
    clock.now += 1.5  # the window has passed
    assert not bucket.overloaded()


def test_a_throttled_call_is_retried_soon_until_its_api_looks_overloaded_then_backs_off():
    """Every try of one call is refused: the first refusals (the API not yet overloaded) are retried within
    base_delay_s / 2 and do not use up `attempts`; from the tenth (every call started was refused), the
    exponential backoff and the attempts apply, and the call ends as a throttling error."""
    waits: list[float] = []
    retry = RetryPolicy(attempts=3, base_delay_s=0.2, max_delay_s=5, max_total_s=60, sleep=waits.append)
    faults = {"seed": 1, "faults": [{"product": "ecs", "action": "DescribeZones", "kind": "throttle", "rate": 1.0}]}
    with FakeCloud(faults=faults).load(synthetic.generate(10)) as cloud:
        col = Collection(Clients(KEY), {"account_id": "x", "regions": {}, "errors": []}, ["cn-hongkong"],
                         retry=retry, limiter=AdaptiveLimiter())
        from aliaudit import sdk

        assert col.rpc("ecs", "DescribeZones", "cn-hongkong",
                       sdk.models("ecs").DescribeZonesRequest(region_id="cn-hongkong")) is None
        tries = sum(n for (_, action, kind), n in cloud.router.faults.injected.items() if kind == "throttle")
    [err] = col.account["errors"]
    assert err["code"] == "Throttling.User"
    calm, backed_off = waits[:9], waits[9:]
    assert len(calm) == 9 and all(0 <= w <= 0.1 for w in calm)
    assert len(backed_off) == 2  # attempts=3 counts the refusals of an overloaded API only
    assert 0.1 <= backed_off[0] <= 0.2 and 0.2 <= backed_off[1] <= 0.4
    assert tries == 12 and err["message"].endswith("(after 12 attempts)")


def test_a_minority_refused_at_random_does_not_slow_an_api():
    clock = Clock()
    bucket = AdaptiveBucket(clock=clock, sleep=clock.sleep)
    for n in range(100):
        bucket.acquire()
        if n % 3 == 0:
            bucket.throttled()
        clock.now += 0.005
    assert bucket.rate is None and bucket.throttles == 34


def test_retry_after_pauses_that_api_only():
    clock = Clock()
    limiter = AdaptiveLimiter(clock=clock, sleep=clock.sleep)
    slow, other = limiter.bucket("ecs:DescribeDisks:cn-hongkong"), limiter.bucket("kms:ListKeys:cn-hongkong")
    slow.throttled(retry_after_s=2.5)
    assert other.acquire() == 0 and clock.now == 0  # other APIs keep going
    assert slow.acquire() == pytest.approx(2.5)
    assert limiter.throttled() == {"ecs:DescribeDisks:cn-hongkong": 1}


def test_the_configured_rate_is_a_ceiling_the_adaptive_rate_never_passes():
    clock = Clock()
    bucket = AdaptiveLimiter({"ecs": 4}, min_throttles=1, min_share=0, clock=clock,
                             sleep=clock.sleep).bucket("ecs:DescribeDisks:cn-hongkong")
    assert bucket.rate == 4
    bucket.throttled()
    assert bucket.rate == 2
    for _ in range(10):
        bucket.succeeded()
    assert bucket.rate == 4


def test_defaults_are_sized_for_latency_not_cores():
    c = CollectionConfig()
    # workers None: a thread per (product, region) task, so that every list starts at once
    assert c.max_in_flight == 64 and c.workers is None and c.detail_workers >= 32
    # a hung scan ends: a call's tries, then the collectors' deadline, within two minutes
    assert RetryPolicy().max_total_s + c.collector_deadline_s <= 120


def test_calls_in_flight_never_exceed_the_cap():
    doc = synthetic.generate(300)
    with FakeServer(FakeState(doc), log=None) as server:
        peak = count_in_flight(server, 0.01)
        account = collect_account(Clients(KEY, server.url), doc["accounts"][0]["account_id"], ["cn-hongkong"],
                                  workers=16, detail_workers=16, max_in_flight=6)
    assert account["errors"] == []
    assert 2 <= peak[0] <= 6


def _verdicts(report):
    return sorted((f["rule"], f["region"] or "", f["resource_id"], f["status"]) for f in report["findings"])


def test_thirty_percent_throttling_of_every_api_gives_identical_verdicts():
    doc = synthetic.generate(300)
    fast = CollectionConfig(retry={"base_delay_s": 0.001, "max_delay_s": 0.01, "attempts": 20})
    opts = scanning.ScanOptions(collection=fast)
    with FakeCloud().load(doc):
        clean = scanning.evaluate(scanning.collect_live(KEY, opts), opts, {"kind": "live"})
    faults = {"seed": 3, "faults": [{"product": "*", "action": "*", "kind": "throttle", "rate": 0.3}]}
    with FakeCloud(faults=faults).load(doc) as cloud:
        throttled = scanning.evaluate(scanning.collect_live(KEY, opts), opts, {"kind": "live"})
        injected = sum(n for (_, _, kind), n in cloud.router.faults.injected.items() if kind == "throttle")
    assert injected > 100  # RPC Throttling.User and OSS 503 MetaOperationQpsLimitExceeded both
    assert throttled["collection_errors"] == [] == clean["collection_errors"]
    assert _verdicts(throttled) == _verdicts(clean)
    assert throttled["summary"] == clean["summary"]


def test_flow_control_per_api_gives_identical_verdicts_and_every_call_ends():
    """Every API (product, action, region) admits 10 calls a second, as Alibaba's flow control counts them, the
    others refused: the default retry policy and the adaptive buckets get every call through (no collection
    error), the verdicts are those of the unthrottled scan, and the refusals were many (the calls were not
    simply slow enough)."""
    doc = synthetic.generate(300)
    opts = scanning.ScanOptions()
    with FakeCloud().load(doc):
        clean = scanning.evaluate(scanning.collect_live(KEY, opts), opts, {"kind": "live"})
    faults = {"seed": 1, "faults": [{"product": "*", "action": "*", "kind": "qps", "qps": 10}]}
    started = time.monotonic()
    with FakeCloud(faults=faults).load(doc) as cloud:
        limited = scanning.evaluate(scanning.collect_live(KEY, opts), opts, {"kind": "live"})
        refused = sum(n for (_, _, kind), n in cloud.router.faults.injected.items() if kind == "qps")
    assert refused >= 10
    assert limited["collection_errors"] == [] == clean["collection_errors"]
    assert _verdicts(limited) == _verdicts(clean)
    assert time.monotonic() - started < 60


def test_a_collector_past_its_deadline_records_deadline_exceeded():
    doc = synthetic.generate(100)
    with FakeCloud().load(doc):
        col = Collection(Clients(KEY), {"account_id": "x", "regions": {}, "errors": []}, ["cn-hongkong"],
                         deadline=time.monotonic() - 1)
        from aliaudit import sdk

        assert col.rpc("ecs", "DescribeZones", "cn-hongkong",
                       sdk.models("ecs").DescribeZonesRequest(region_id="cn-hongkong")) is None
    [err] = col.account["errors"]
    assert err["code"] == "DeadlineExceeded" and "collector_deadline_s" in err["message"]
