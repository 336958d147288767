"""An offline scan frees the snapshot's resources once the rules have run (snapshot.drop_resources), unless
--record or --per-account-dir still needs them; the report is the same either way, its snapshot digest that of
the whole snapshot."""

import json

from click.testing import CliRunner

from aliaudit import offline, record, snapshot
from aliaudit.cli import main
from aliaudit.options import ScanOptions
from conftest import fixture_path


def report_of(tmp_path, name, *extra):
    out = tmp_path / f"{name}.json"
    result = CliRunner().invoke(main, ["scan", "--fixture", fixture_path("hk-insurer-gaps.json"), "--format", "json",
                                       "--output", str(out), *extra])
    assert result.exit_code == 1, result.output
    doc = json.loads(out.read_text())
    doc.pop("generated_at")
    return doc


def test_the_report_is_the_same_whether_the_resources_are_freed_or_kept(tmp_path):
    freed = report_of(tmp_path, "freed")
    kept = report_of(tmp_path, "kept", "--record", str(tmp_path / "rec.json"))
    assert freed == kept
    whole = offline.collect(fixture_path("hk-insurer-gaps.json"), ScanOptions())
    assert freed["snapshot_digest"] == record.digest(whole)
    assert len(freed["findings"]) > 100


def test_drop_resources_keeps_what_a_report_reads():
    doc = {"accounts": [{"account_id": "1", "global": {"ram": {"users": [{}]}}, "regions": {"r1": {"ecs": {}}, "r2": {}},
                         "errors": [{"x": 1}], "unavailable": [{"y": 2}], "regions_without_resources": ["r3"]}],
           "identities": [{"account_id": "1"}], "organisation": {"accounts": []}}
    assert snapshot.drop_resources(doc) == {
        "accounts": [{"account_id": "1", "global": {}, "regions": {"r1": {}, "r2": {}}, "errors": [{"x": 1}],
                      "unavailable": [{"y": 2}], "regions_without_resources": ["r3"]}],
        "identities": [{"account_id": "1"}], "organisation": {"accounts": []}}
