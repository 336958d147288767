"""The output formats are found in auditor/reporters/, not listed: every format found renders the gaps
fixture's report, and round-trips to the report's findings where its syntax allows."""

import ast
import csv
import io
import json
import os
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from junitparser import JUnitXml

import aliaudit.reporters as reporters
from aliaudit import cli_output
from aliaudit.cli import main

FOLDER = os.path.dirname(reporters.__file__)


def _declaring_modules() -> dict[str, dict]:
    out = {}
    for entry in sorted(os.listdir(FOLDER)):
        if entry.endswith(".py") and not entry.startswith("_"):
            tree = ast.parse(open(os.path.join(FOLDER, entry), encoding="utf-8").read())
            for node in tree.body:
                if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "FORMATS" for t in node.targets):
                    out[entry[:-3]] = ast.literal_eval(node.value)
    return out


def test_every_declared_format_is_found_once_and_offered_by_the_cli():
    declared = _declaring_modules()
    names = [n for formats in declared.values() for n in formats]
    assert len(reporters.REGISTRY) == len(names) == len(set(names)) >= 9
    assert set(reporters.REGISTRY) == set(names)
    # a module of the folder that renders but declares nothing would never be offered
    helpers = {e[:-3] for e in os.listdir(FOLDER) if e.endswith(".py") and not e.startswith("_")} - set(declared)
    assert helpers == {"common", "summary"}  # shared by the formats, not formats
    assert cli_output.FORMAT_NAMES is reporters.FORMAT_NAMES and cli_output.EXTENSIONS is reporters.EXTENSIONS
    assert reporters.FORMAT_NAMES[0] == "table"
    choice = [p for p in main.commands["scan"].params if p.name == "formats"][0].type.choices
    assert tuple(choice) == reporters.FORMAT_NAMES


def test_every_format_has_its_own_file_extension():
    extensions = list(reporters.EXTENSIONS.values())
    assert len(set(extensions)) == len(extensions)


def _fail_ids(report) -> set[str]:
    return {f["resource_id"] for f in report["findings"] if f["status"] == "FAIL"}


def _json(text, report):
    assert json.loads(text)["findings"] == json.loads(json.dumps(report["findings"]))


def _csv(text, report):
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted((r["rule"], r["resource_id"], r["status"]) for r in rows) == \
        sorted((f["rule"], f["resource_id"], f["status"]) for f in report["findings"])


def _sarif(text, report):
    results = json.loads(text)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {f["rule"] for f in report["findings"] if f["status"] == "FAIL"}


def _ocsf(text, report):
    events = json.loads(text)
    assert len(events) == len(report["findings"])


def _ocsf_ndjson(text, report):
    assert len([json.loads(line) for line in text.splitlines()]) == len(report["findings"])


def _junit(text, report, tmp_path):
    path = tmp_path / "r.xml"
    path.write_text(text, encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    failures = sum(1 for suite in xml for case in suite for r in case.result if r._tag == "failure")
    assert failures >= len(_fail_ids(report))


def _html(text, report):
    parser = HTMLParser()
    parser.feed(text)
    assert all(rid in text for rid in _fail_ids(report))


def _text(text, report):
    assert all(rid in text for rid in _fail_ids(report))


def _markdown(text, report):
    """Markdown escapes its punctuation (DEFAULT\\_VPC\\_GROUP\\_NAME); once the escapes are undone, each failing
    rule is named, with each failing id or, where a comment has no room for them all (grouped by rule), a count."""
    plain = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", r"\1", text)
    failing = [f for f in report["findings"] if f["status"] == "FAIL"]
    assert all(f["rule"] in plain for f in failing)
    if "**Grouped by rule:**" not in plain:
        _text(plain, report)
    else:
        for rule in {f["rule"] for f in failing}:
            ids = [f["resource_id"] for f in failing if f["rule"] == rule]
            row = next((line for line in plain.splitlines() if f"<sub>{rule}</sub> | **" in line), None)
            if row is not None:  # a row: its ids, or as many as fit and how many more
                listed = [i for i in ids if i in row]
                assert len(listed) == len(ids) or f"+{len(ids) - len(listed)} more in the JSON report" in row


CHECKS = {"json": _json, "csv": _csv, "sarif": _sarif, "ocsf": _ocsf, "ocsf-ndjson": _ocsf_ndjson, "html": _html,
          "markdown": _markdown, "table": _text}


@pytest.mark.parametrize("name", reporters.FORMAT_NAMES)
def test_each_format_renders_the_gaps_fixture(name, gaps_report, tmp_path):
    text = reporters.FORMATS[name](gaps_report, color=False)
    assert isinstance(text, str) and text.strip()
    assert _fail_ids(gaps_report)  # the fixture has failures to find
    if name == "junit":
        _junit(text, gaps_report, tmp_path)
    else:
        CHECKS.get(name, _text)(text, gaps_report)


def test_output_dir_writes_one_file_per_format_found(tmp_path):
    fixture = os.path.join(os.path.dirname(FOLDER), "..", "examples", "fixtures", "hk-insurer-gaps.json")
    args = ["scan", "--fixture", os.path.abspath(fixture), "--output-dir", str(tmp_path)]
    for name in reporters.FORMAT_NAMES:
        args += ["--format", name]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert sorted(os.listdir(tmp_path)) == sorted(f"aliaudit-report.{e}" for e in reporters.EXTENSIONS.values())


@pytest.mark.parametrize("name", sorted(reporters.STREAMS))
def test_each_streamed_format_writes_what_it_renders(name, gaps_report):
    fh = io.StringIO(newline="")
    reporters.STREAMS[name](gaps_report, fh)
    assert fh.getvalue() == reporters.FORMATS[name](gaps_report, color=False)
    assert reporters.REGISTRY[name].writer
