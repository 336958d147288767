"""Retries are not silence: the retry loop tells a listener before each wait, and on a terminal the
progress display says what it is waiting for. Through the real SDKs against the fake with a throttle fault."""

import io

from aliaudit import progress
from aliaudit.collect import collect_account
from aliaudit.collectors.base import RetryPolicy
from aliaudit.fakes import FakeCloud
from aliaudit.fakes.state import account_key
from aliaudit.sdk import Clients, StaticKey
from conftest import load_fixture

ACCOUNT = "5184000000000001"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_retry_loop_reports_each_wait_before_it_sleeps():
    seen, slept = [], []
    retry = RetryPolicy(attempts=3, sleep=slept.append, on_wait=lambda err, tries, s: seen.append((err["code"], tries, s)))
    faults = {"faults": [{"product": "ecs", "action": "DescribeDisks", "kind": "throttle"}]}
    with FakeCloud(faults=faults).load(load_fixture("hk-insurer-gaps.json")):
        account = collect_account(Clients(StaticKey(*account_key(ACCOUNT))), ACCOUNT, ["cn-hongkong"],
                                  workers=1, retry=retry)
    assert [(code, tries) for code, tries, _ in seen] == [("Throttling.User", 1), ("Throttling.User", 2)]
    assert [s for _, _, s in seen] == slept  # told of every wait, before it, with its length
    assert any(e["action"] == "DescribeDisks" and e["code"] == "Throttling.User" for e in account["errors"])


def test_a_terminal_shows_the_retry_wait():
    stream = Terminal()
    with progress.reporter(stream=stream) as update:
        update("5184000000000001", 1, 10)
        update.waiting({"code": "Throttling.User"}, 2, 1.5)
    out = stream.getvalue()
    assert "retrying: Throttling.User (try 3 in 1.5s; 1 retries so far)" in out


def test_no_terminal_no_listener():
    with progress.reporter(stream=io.StringIO()) as update:
        assert update is None


def test_verbose_off_a_terminal_logs_retries_at_most_once_a_second():
    stream = io.StringIO()
    with progress.reporter(verbose=True, stream=stream) as update:
        for tries in (1, 2, 3):
            update.waiting({"code": "ServiceUnavailable"}, tries, 0.2)
    lines = [ln for ln in stream.getvalue().splitlines() if "retrying" in ln]
    assert lines == ["aliaudit: retrying: ServiceUnavailable (try 2 in 0.2s)"]
