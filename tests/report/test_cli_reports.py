"""One scan, several reports: --format/--output pairs and --output-dir, through the real command line."""

import csv
import io
import json
import os
import subprocess
import sys

from conftest import fixture_path
from expected_verdicts import GAPS_VERDICTS

GAPS = fixture_path("hk-insurer-gaps.json")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "aliaudit.cli", "scan", *args], capture_output=True, text=True,
                          timeout=120)


def test_pairs_of_format_and_output(tmp_path):
    html, rows, events = tmp_path / "r.html", tmp_path / "r.csv", tmp_path / "ocsf.json"
    proc = _cli("--fixture", GAPS, "--format", "html", "--output", str(html), "--format", "csv", "--output", str(rows),
                "--format", "ocsf", "--output", str(events))
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    assert html.read_text().startswith("<!DOCTYPE html>")
    table = list(csv.DictReader(io.StringIO(rows.read_text(), newline="")))
    parsed = json.loads(events.read_text())
    assert len(table) == len(parsed) == len(GAPS_VERDICTS)
    assert sorted(os.listdir(tmp_path)) == ["ocsf.json", "r.csv", "r.html"]  # no temporary file left


def test_output_dir_names_each_report(tmp_path):
    out = tmp_path / "reports"
    proc = _cli("--fixture", GAPS, "--output-dir", str(out), "--format", "markdown", "--format", "ocsf-ndjson",
                "--format", "json", "--format", "table")
    assert proc.returncode == 1, proc.stderr
    assert sorted(os.listdir(out)) == ["aliaudit-report.json", "aliaudit-report.md", "aliaudit-report.ocsf.ndjson",
                                       "aliaudit-report.txt"]
    assert (out / "aliaudit-report.md").read_text().startswith("## aliaudit: ")
    assert "\x1b" not in (out / "aliaudit-report.txt").read_text()
    lines = (out / "aliaudit-report.ocsf.ndjson").read_text().splitlines()
    assert len(lines) == len(json.loads((out / "aliaudit-report.json").read_text())["findings"])


def test_one_format_to_stdout_as_before():
    proc = _cli("--fixture", GAPS, "--format", "markdown")
    assert proc.returncode == 1 and proc.stdout.startswith("## aliaudit: ")


def test_ambiguous_requests_are_usage_errors(tmp_path):
    cases = [
        (("--format", "html", "--format", "csv"), "2 formats need 2 --output files"),
        (("--format", "html", "--format", "csv", "--output", str(tmp_path / "a")), "2 --format and 1 --output"),
        (("--format", "html", "--output", str(tmp_path / "a"), "--output-dir", str(tmp_path)), "not both"),
        (("--format", "csv", "--format", "csv", "--output-dir", str(tmp_path)), "--format csv given twice"),
        (("--format", "csv", "--format", "json", "--output", str(tmp_path / "a"), "--output", str(tmp_path / "a")),
         "same --output file"),
        (("--format", "pdf",), "Invalid value for '--format'"),
    ]
    for args, message in cases:
        proc = _cli("--fixture", GAPS, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert message in proc.stderr, (args, proc.stderr)
    assert os.listdir(tmp_path) == []


def test_unwritable_output_is_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = _cli("--fixture", GAPS, "--format", "csv", "--output", str(blocker / "r.csv"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("aliaudit: error: ") and "cannot write the csv report" in proc.stderr
    proc = _cli("--fixture", GAPS, "--format", "csv", "--output-dir", str(blocker))
    assert proc.returncode == 2 and "--output-dir" in proc.stderr
