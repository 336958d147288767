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


RUNNER = '''
import sys
from aliaudit.cli import main
from aliaudit.fakes import FakeCloud
faults = {"faults": [{"product": "ecs", "action": "DescribeDisks", "kind": "throttle"}]}
with FakeCloud(faults=faults).load(sys.argv[1]):
    main(sys.argv[2:], prog_name="aliaudit")
'''


def test_a_live_scan_says_what_its_retries_wait_for(tmp_path):
    """The scan command wires the retry loop to the progress output (--verbose, stderr not a terminal)."""
    import os
    import subprocess
    import sys

    from conftest import fixture_path

    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER, encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text("collection:\n  retry:\n    attempts: 3\n    base_delay_s: 0.01\n    max_delay_s: 0.02\n",
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
    env.update(ALIBABA_CLOUD_ACCESS_KEY_ID=account_key(ACCOUNT)[0], ALIBABA_CLOUD_ACCESS_KEY_SECRET=account_key(ACCOUNT)[1],
               ALIBABA_CLOUD_ECS_METADATA_DISABLED="true", HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, str(runner), fixture_path("hk-insurer-gaps.json"), "scan", "--region",
                           "cn-hongkong", "--verbose", "--config", str(config), "--rule", "ecs-disk-encrypted",
                           "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 3, proc.stderr[-2000:]  # DescribeDisks never answered: incomplete, not a pass
    assert "aliaudit: retrying: Throttling.User (try 2 in" in proc.stderr
