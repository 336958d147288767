"""Reports written to a file piece by piece hold exactly the text the renderer gives."""

import io
import json
import os

import pytest

from aliaudit import cli_output
from aliaudit.reporters import FORMATS, STREAMS


@pytest.mark.parametrize("fmt", sorted(STREAMS))
def test_a_streamed_report_is_the_rendered_report(fmt, gaps_report):
    buf = io.StringIO(newline="")
    STREAMS[fmt](gaps_report, buf)
    assert buf.getvalue() == FORMATS[fmt](gaps_report, color=False)


def test_every_format_written_to_files_is_the_rendered_text(gaps_report, tmp_path):
    targets = [(fmt, str(tmp_path / f"r.{cli_output.EXTENSIONS[fmt]}")) for fmt in cli_output.FORMAT_NAMES]
    assert cli_output.write(gaps_report, targets, isatty=False) is None
    for fmt, path in targets:
        with open(path, encoding="utf-8", newline="") as fh:
            assert fh.read() == FORMATS[fmt](gaps_report, color=False), fmt
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".aliaudit-")]


def test_a_failed_write_leaves_the_earlier_files_untouched(gaps_report, tmp_path):
    first = tmp_path / "first.json"
    first.write_text("old")
    missing = tmp_path / "no-such-dir" / "second.csv"
    with pytest.raises(cli_output.UsageError):
        cli_output.write(gaps_report, [("json", str(first)), ("csv", str(missing))], isatty=False)
    assert first.read_text() == "old"
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".aliaudit-")]
    json.loads(cli_output.write(gaps_report, [("json", None)], isatty=False))
