"""An offline run longer than a second shows one status line on a terminal, and nothing anywhere else."""

import io
import subprocess
import sys
import time

from aliaudit.progress import OfflineLine


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_run_longer_than_the_delay_shows_the_step_and_erases_it_at_the_end():
    out = Terminal()
    line = OfflineLine(out, delay=0.05, interval=0.01)
    line.step("evaluating the rules")
    deadline = time.monotonic() + 10
    while "evaluating the rules" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    line.close()
    text = out.getvalue()
    assert text.startswith("\r\x1b[Kaliaudit: evaluating the rules (")
    assert text.endswith("\r\x1b[K") and "\n" not in text


def test_a_short_run_shows_nothing():
    out = Terminal()
    line = OfflineLine(out, delay=5)
    line.step("reading")
    line.close()
    assert out.getvalue() == ""


def test_nothing_when_the_stream_is_not_a_terminal():
    out = io.StringIO()
    line = OfflineLine(out, delay=0, interval=0.01)
    line.step("reading")
    time.sleep(0.05)
    line.close()
    assert out.getvalue() == "" and line._thread is None


def test_an_offline_scan_to_a_pipe_writes_no_status_line(tmp_path):
    from conftest import fixture_path

    proc = subprocess.run([sys.executable, "-m", "aliaudit.cli", "scan", "--fixture", fixture_path("hk-insurer-gaps.json"),
                           "--format", "json", "--output", str(tmp_path / "r.json")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stderr == ""
