"""An --output that is a device or a pipe (/dev/null, /dev/stdout, a FIFO) is written in place, never replaced
by a renamed temporary file nor removed: as root, staging and renaming over /dev/null would turn the
machine's /dev/null into a regular file. The tests use their own device node and FIFO, never /dev/null."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest
from click.testing import CliRunner

from aliaudit.cli import main
from conftest import fixture_path

GAPS = fixture_path("hk-insurer-gaps.json")


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root (CI runs as root)")
def test_a_device_output_stays_a_device(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null
    done = CliRunner().invoke(main, ["scan", "--fixture", GAPS, "--format", "json", "--output", str(null),
                                     "--format", "csv", "--output", str(tmp_path / "r.csv")])
    assert done.exit_code == 1, done.output
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").startswith("account_id")
    assert sorted(os.listdir(tmp_path)) == ["null", "r.csv"]  # no temporary file left beside it


def test_a_fifo_output_is_written_through_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    done = CliRunner().invoke(main, ["scan", "--fixture", GAPS, "--format", "json", "--output", str(fifo)])
    reader.join(30)
    assert done.exit_code == 1, done.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    report = json.loads(got[0])
    assert report["summary"]["findings"]["FAIL"] > 0
    assert sorted(os.listdir(tmp_path)) == ["pipe"]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root (CI runs as root)")
def test_a_recording_written_to_a_device_leaves_it_a_device(tmp_path):
    from aliaudit import record
    from conftest import load_fixture

    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    record.write(str(null), load_fixture("hk-insurer-compliant.json"), [])
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert os.listdir(tmp_path) == ["null"]
