"""Interruption and all-or-nothing outputs.

SIGINT or SIGTERM stops `aliaudit scan` within 2 s wherever it is, with one line on stderr and exit 130 / 143,
and leaves no report, no recording and no temporary file behind: at collection time (a live scan against
`aliaudit fake serve` whose answers take 30 s, so calls are in flight) and at write time (the reports are being
written). Several --output files and --record are written together or not at all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from aliaudit.cli import main
from aliaudit.cli_output import Pending
from aliaudit.errors import UsageError
from conftest import ROOT, fixture_path
from fake_server_helpers import CLI, KEY_ENV, clean_env, fake_server

GAPS = fixture_path("hk-insurer-gaps.json")
CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
# Pauses the scan while it writes its files: the second temporary file is being written when it says so.
PAUSE_AT_WRITE = """
import os, sys, time
real_chmod = os.chmod
seen = []
def chmod(path, mode, *a, **k):
    real_chmod(path, mode, *a, **k)
    if os.path.basename(str(path)).startswith(".aliaudit-"):
        seen.append(path)
        if len(seen) == 2:
            sys.stderr.write("test: writing\\n"); sys.stderr.flush()
            time.sleep(30)
os.chmod = chmod
from aliaudit.cli import main
main(sys.argv[1:], prog_name="aliaudit")
"""


def _outputs(out) -> list[str]:
    return ["--format", "json", "--output", str(out / "report.json"), "--format", "html", "--output",
            str(out / "report.html"), "--record", str(out / "scan.rec.json")]


def _served(url: str) -> dict:
    import json
    import urllib.request

    with urllib.request.urlopen(url + "/_aliaudit/calls", timeout=5) as resp:
        return json.loads(resp.read())["calls"]


def _interrupt(proc: subprocess.Popen, sig: int) -> tuple[int, float, str]:
    assert proc.poll() is None, proc.stderr.read()
    sent = time.monotonic()
    proc.send_signal(sig)
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"{signal.Signals(sig).name}: still running 10 s later")
    return code, time.monotonic() - sent, proc.stderr.read()


def _check(code, took, stderr, sig, out):
    lines = [line for line in stderr.splitlines() if not line.startswith("test: ")]
    assert code == CODES[sig], (code, stderr)
    assert took <= 2.0, f"{signal.Signals(sig).name} took {took:.1f} s"
    assert len(lines) == 1 and lines[0].startswith("aliaudit: interrupted"), stderr
    assert "Traceback" not in stderr
    assert os.listdir(out) == [], os.listdir(out)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_at_collection_time_stops_at_once_and_leaves_nothing(tmp_path, sig):
    faults = tmp_path / "slow.yaml"
    # identity and regions answer at once; every product call takes 30 s
    faults.write_text("faults:\n  - {product: ecs, action: 'Describe[!R]*', kind: latency, ms: 30000}\n"
                      "  - {product: '[!es]*', action: '*', kind: latency, ms: 30000}\n")  # not sts, not slb
    out = tmp_path / "out"
    out.mkdir()
    with fake_server("--state", GAPS, "--faults", str(faults), "--quiet") as (url, _, _):
        proc = subprocess.Popen([*CLI, "scan", "--endpoint-override", url, "--region", "cn-hongkong",
                                 *_outputs(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=clean_env(**KEY_ENV))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _served(url).get("ecs:DescribeRegions", 0) < 1:
            time.sleep(0.2)
        assert _served(url).get("sts:GetCallerIdentity") and _served(url).get("ecs:DescribeRegions")
        time.sleep(1.5)  # the collectors are waiting on their first (30 s) answers
        _check(*_interrupt(proc, sig), sig, out)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_at_write_time_stops_at_once_and_leaves_nothing(tmp_path, sig):
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", PAUSE_AT_WRITE, "scan", "--fixture", GAPS, *_outputs(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(),
                            cwd=os.path.join(ROOT, "tests"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if line.startswith("test: writing") or not line:
            break
    assert [n for n in os.listdir(out) if n.startswith(".aliaudit-")], "the scan was not writing"
    _check(*_interrupt(proc, sig), sig, out)


def test_several_outputs_are_all_or_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    missing = tmp_path / "missing" / "report.html"
    result = CliRunner().invoke(main, ["scan", "--fixture", GAPS, "--format", "json", "--output",
                                       str(out / "report.json"), "--format", "html", "--output", str(missing),
                                       "--record", str(out / "scan.rec.json")])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert str(missing) in result.stderr
    assert os.listdir(out) == []


def test_a_recording_that_cannot_be_written_leaves_no_report(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main, ["scan", "--fixture", GAPS, "--format", "json", "--output",
                                       str(out / "report.json"), "--record", str(tmp_path / "nope" / "rec.json")])
    assert result.exit_code == 2 and "nope" in result.stderr, result.stderr
    assert os.listdir(out) == []


def test_a_rename_that_fails_takes_back_the_files_already_renamed(tmp_path):
    pending = Pending()
    pending.stage(str(tmp_path / "a.json"), "a", "the json report")
    pending.stage(str(tmp_path / "b.html"), "b", "the html report")
    (tmp_path / "b.html").mkdir()  # the second destination cannot be replaced
    with pytest.raises(UsageError):
        pending.commit()
    assert sorted(os.listdir(tmp_path)) == ["b.html"]  # the directory that was there already, and nothing else
