"""A lone surrogate (U+D800..U+DFFF) in a string the API returns: JSON can carry one ("\\ud800"), UTF-8 cannot.
The scan goes on: the string keeps its raw form, escaped ("\\\\ud800", six characters) in the snapshot, the
evidence and every report; the recording is written and its digest verifies. Served by the fake, collected
through the real SDKs (the fake sends the JSON escape, the SDK decodes it to a lone surrogate).
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from aliaudit import record, scan as scanning
from aliaudit.cli import main
from aliaudit.cli_output import FORMAT_NAMES
from aliaudit.reporters import FORMATS
from conftest import findings, load_fixture


def _doc():
    doc = load_fixture("hk-insurer-gaps.json")
    disks = doc["accounts"][0]["regions"]["cn-hongkong"]["ecs"]["disks"]
    disks[0]["DiskId"] = "d-lone\ud800surrogate"
    disks[0]["DiskName"] = "name\udfff"
    disks[0]["Tags"] = {"Tag": [{"TagKey": "k\udbff", "TagValue": "v"}]}
    return doc


def test_a_lone_surrogate_is_escaped_and_the_scan_goes_on(tmp_path):
    opts = scanning.ScanOptions(workers=2)
    collected = scanning.collect_fixture(_doc(), opts)
    report = scanning.evaluate(collected, opts, {"kind": "fixture"})
    ids = {f["resource_id"] for f in findings(report) if f["product"] == "ecs"}
    assert "d-lone\\ud800surrogate" in ids
    disk = next(d for d in collected["accounts"][0]["regions"]["cn-hongkong"]["ecs"]["disks"]
                if d["DiskId"].startswith("d-lone"))
    assert disk["DiskName"] == "name\\udfff" and disk["Tags"]["Tag"][0]["TagKey"] == "k\\udbff"
    for fmt in FORMAT_NAMES:
        FORMATS[fmt](report, color=False).encode("utf-8")  # every format is valid UTF-8
    path = tmp_path / "scan.rec.json"
    record.write(str(path), collected, [])
    assert record.verify(str(path))[0]


def test_the_cli_writes_the_report_with_the_raw_form(tmp_path):
    fixture = tmp_path / "tenant.json"
    fixture.write_text(json.dumps(_doc()))  # ensure_ascii: the file holds the JSON escape
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["scan", "--fixture", str(fixture), "--format", "json", "--output", str(out)])
    assert result.exit_code == 1, result.stderr  # the gaps tenant FAILs; no usage error, no traceback
    assert "d-lone\\\\ud800surrogate" in out.read_text(encoding="utf-8")
