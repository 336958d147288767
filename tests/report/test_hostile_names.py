"""Hostile resource ids: HTML/script, Markdown, CSV formula injection, ANSI escapes, rich markup, newlines and a
very long id, served by the fake and collected through the SDKs, then rendered in every report format. Each
format keeps them inert: escaped (html, markdown), formula-neutralised (csv, otherwise intact: it is data),
control characters made visible (table, markdown, html), bidi controls, U+2028/U+2029 and XML non-characters
shown escaped (table, markdown, html, junit: so the JUnit XML stays well-formed), CSV cells with control
characters escaped, Markdown @mentions and auto-links neutralised, and the machine formats (json, sarif, junit, ocsf, ocsf-ndjson) stay well-formed
and give the value back intact as data (XML cannot carry ESC: junit shows it as \\x1b, like the text formats).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from aliaudit.cli_output import FORMAT_NAMES
from aliaudit.reporters import FORMATS
from conftest import load_fixture, scan

HOSTILE = {
    "html": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "markdown": "**bold** | pipe [link](http://evil.example) `code` _em_ ~strike~",
    "formula": "=cmd|' /C calc'!A0",
    "formula2": "+SUM(1,2)",
    "formula3": "@HYPERLINK(\"http://evil.example\")",
    "ansi": "\x1b[31mRED\x1b[0m\x1b]0;title\x07",
    "rich": "[bold red]rich[/bold red][link=http://evil.example]x[/link]",
    "newline": "line1\nline2\r\n| injected | row |",
    "long": "d-" + "x" * 5000,
    # Trojan-Source style: a right-to-left override and isolates make the name read differently
    "bidi": "d-\u202eexe.txt\u2066isolated\u2069\u200f",
    "separator": "d-line\u2028para\u2029end",
    "nonchar": "d-\ufffe-\uffff-\ufdd0",  # not characters in XML 1.0
    "mention": "@octocat and @hk-insurer/security-team, see www.evil.example or https://evil.example",
}
# shown escaped in table, Markdown, HTML and JUnit
INVISIBLE = {"\u202e": "\\u202e", "\u2066": "\\u2066", "\u2069": "\\u2069", "\u200f": "\\u200f",
             "\u2028": "\\u2028", "\u2029": "\\u2029", "\ufffe": "\\ufffe", "\uffff": "\\uffff",
             "\ufdd0": "\\ufdd0"}


@pytest.fixture(scope="module")
def report():
    doc = copy.deepcopy(load_fixture("hk-insurer-compliant.json"))
    ecs = doc["accounts"][0]["regions"]["cn-hongkong"]["ecs"]
    template = ecs["disks"][0]
    # unencrypted, so every one is a FAIL that the table and Markdown list
    ecs["disks"] = [dict(template, DiskId=value, Encrypted=False, KMSKeyId="") for value in HOSTILE.values()]
    return scan(doc)


@pytest.fixture(scope="module")
def rendered(report):
    return {fmt: FORMATS[fmt](report, color=False) for fmt in FORMAT_NAMES} | \
        {"table-color": FORMATS["table"](report, color=True)}


def test_the_hostile_ids_went_through_the_sdks(report):
    ids = {f["resource_id"] for f in report["findings"] if f["rule"] == "ecs-disk-encrypted"}
    assert ids == set(HOSTILE.values())


def test_no_raw_control_character_in_any_text_output(rendered):
    for fmt, text in rendered.items():
        if fmt == "csv":
            continue  # CSV is data: values stay intact, formulas neutralised (test below)
        if fmt == "table-color":
            # rich's own colours are escapes; the name's are not among them
            assert "\x1b[31mRED" not in text and "\x1b]0;title" not in text
            continue
        assert "\x1b" not in text and "\x07" not in text, fmt


def test_bidi_separators_and_non_characters_are_shown_escaped(rendered, report):
    names = {HOSTILE[k] for k in ("bidi", "separator", "nonchar")}
    few = dict(report, findings=[f for f in report["findings"] if f["resource_id"] in names])
    wide = {"table": FORMATS["table"](few, color=False, width=1000),
            "table-color": FORMATS["table"](few, color=True, width=1000)}
    for fmt in ("table", "table-color", "markdown", "html", "junit"):
        for raw, shown in INVISIBLE.items():
            assert raw not in rendered[fmt], (fmt, shown)
            assert shown in wide.get(fmt, rendered[fmt]), (fmt, shown)


def test_markdown_neither_mentions_nor_links(rendered):
    md = rendered["markdown"]
    assert "@octocat" not in md and "@hk-insurer/security-team" not in md
    assert "@&#8205;octocat" in md  # a zero-width joiner after the @
    assert "www.evil" not in md and "https://evil" not in md


def test_csv_escapes_control_and_bidi_characters(rendered):
    rows = list(csv.DictReader(io.StringIO(rendered["csv"], newline="")))
    ids = {r["resource_id"] for r in rows if r["rule"] == "ecs-disk-encrypted"}
    assert "line1\\nline2\\r\\n| injected | row |" in ids and "\\u001b[31mRED\\u001b[0m\\u001b]0;title\\u0007" in ids
    assert "d-\\u202eexe.txt\\u2066isolated\\u2069\\u200f" in ids
    for cell in (c for r in rows for c in r.values()):
        assert not any(ch in cell for ch in ("\x1b", "\r", "\n", "\t", *INVISIBLE)), cell


def test_table_shows_markup_and_escapes_as_text(report):
    for name in ("rich", "ansi"):
        one = dict(report, findings=[f for f in report["findings"] if f["resource_id"] == HOSTILE[name]])
        for color in (False, True):
            text = FORMATS["table"](one, color=color, width=400)
            if name == "rich":
                assert HOSTILE["rich"] in text, color  # printed as it is, not applied
            else:
                assert "\\x1b[31mRED\\x1b[0m\\x1b]0;title\\x07" in text, color


def test_html_is_escaped(rendered):
    html = rendered["html"]
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html
    assert "\\x1b[31mRED" in html


def test_markdown_is_escaped(rendered):
    md = rendered["markdown"]
    assert "<script>" not in md and "**bold**" not in md and "[link](http" not in md
    assert "\\*\\*bold\\*\\* \\| pipe" in md
    # a newline in an id never starts a new table row
    assert "\n| injected | row |" not in md
    for line in md.splitlines():
        if line.startswith("|"):
            assert line.rstrip().endswith("|"), line


def test_csv_neutralises_formulas_and_keeps_one_row_per_finding(rendered, report):
    rows = list(csv.DictReader(io.StringIO(rendered["csv"], newline="")))
    assert len(rows) == len(report["findings"])
    for row in rows:
        for cell in row.values():
            assert not cell or cell[0] not in "=+-@\t\r", cell
    ids = {r["resource_id"] for r in rows if r["rule"] == "ecs-disk-encrypted"}
    assert "'=cmd|' /C calc'!A0" in ids and "'+SUM(1,2)" in ids and "'@HYPERLINK(\"http://evil.example\")" in ids
    assert {HOSTILE[k] for k in ("html", "markdown", "rich", "long")} <= ids  # intact


def _ids_in(doc) -> set[str]:
    out = set()

    def walk(v):
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str):
            out.add(v)

    walk(doc)
    return out


def test_machine_formats_parse_back_with_the_value_intact(rendered):
    wanted = set(HOSTILE.values())
    assert wanted <= _ids_in(json.loads(rendered["json"]))
    assert wanted <= _ids_in(json.loads(rendered["ocsf"]))
    events = [json.loads(line) for line in rendered["ocsf-ndjson"].split("\n") if line]  # not U+2028
    assert wanted <= _ids_in(events)
    sarif = json.loads(rendered["sarif"])
    assert all(any(v in s for s in _ids_in(sarif)) for v in wanted)
    junit = ET.fromstring(rendered["junit"].encode())
    texts = {v for el in junit.iter() for v in [*el.attrib.values(), el.text or ""]}
    blob = "\n".join(texts)
    for name, value in HOSTILE.items():
        expected = value.replace("\x1b", "\\x1b").replace("\x07", "\\x07") if name == "ansi" else value
        for raw, shown in INVISIBLE.items():
            expected = expected.replace(raw, shown)
        if name == "newline":
            expected = "line1"  # XML attributes normalise line ends; the text survives
        assert expected in blob, name
