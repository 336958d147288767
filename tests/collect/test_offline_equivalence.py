"""The direct offline path (the fixture evaluated as the snapshot it is) finds exactly what the replay finds
(the fixture served by the fake and collected back through the real SDKs), finding by finding.

Checked for every snapshot file in the repository, with and without --region, and for a tenant recorded
here through the fake with faults injected, so that the recording holds failed calls (list pages, detail
calls, an account-level call) and a product unavailable in a region.
"""

import glob
import json
import os

import pytest

from aliaudit import offline, record, scan as scanning
from aliaudit.fakes import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, FakeCloud
from aliaudit.ratelimit import CollectionConfig
from aliaudit.sdk import StaticKey
from conftest import ROOT

SNAPSHOT_FORMAT = "aliaudit-snapshot/1"


def snapshot_files() -> list[str]:
    """Every JSON file in examples/ and tests/ that is a snapshot (a fixture)."""
    out = []
    for pattern in ("examples/**/*.json", "tests/**/*.json"):
        for path in sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True)):
            try:
                with open(path, encoding="utf-8") as fh:
                    doc = json.load(fh)
            except (ValueError, UnicodeDecodeError):
                continue
            if isinstance(doc, dict) and doc.get("format") == SNAPSHOT_FORMAT:
                out.append(path)
    return out


FIXTURES = snapshot_files()


def both(fixture, regions=()) -> tuple[dict, dict]:
    """(direct report, replayed report), as `aliaudit scan --fixture` and `--fixture --replay` build them."""
    reports = []
    for collect in (offline.collect, scanning.collect_fixture):
        opts = scanning.ScanOptions(regions=list(regions), workers=2)
        reports.append(scanning.evaluate(collect(fixture, opts), opts, {"kind": "fixture"}))
    return reports[0], reports[1]


# Failures the API never answered (a body that does not parse, a dropped connection, a timeout) have no HTTP
# answer the fake could send back word for word: the replay answers them with an error of the recorded code, so
# its message and request id are the replay's own. The direct path keeps the recorded failure as it was.
# The pager's completeness errors (collectors/pager.py CODES) are the client's findings too.
CLIENT_SIDE = {"MalformedResponse", "RequestFailed", "Timeout", "ShortPage", "CountMismatch", "RepeatedToken",
               "TooManyPages", "DuplicateItem"}


def _client_side(finding: dict) -> dict:
    err = (finding.get("evidence") or {}).get("error") or {}
    if err.get("code") not in CLIENT_SIDE:
        return finding
    evidence = {**finding["evidence"], "error": {k: v for k, v in err.items()
                                                 if k not in ("message", "request_id", "items", "total")}}
    return {**finding, "evidence": evidence, "reason": finding["reason"].split(" - ")[0]}


def _errors(report: dict) -> list[dict]:
    return [{k: v for k, v in e.items() if k not in ("message", "request_id", "http_status", "items", "total", "pages")}
            if e["code"] in CLIENT_SIDE else e for e in report["collection_errors"]]


def assert_same(direct: dict, replayed: dict, same_snapshot: bool = True) -> None:
    assert direct["findings"], "a fixture without findings proves nothing"
    assert len(direct["findings"]) == len(replayed["findings"])
    for mine, theirs in zip(direct["findings"], replayed["findings"]):
        assert mine == theirs or _client_side(mine) == _client_side(theirs)
    assert _errors(direct) == _errors(replayed)
    for key in ("summary", "clauses", "identities", "accounts", "regions", "collected_at",
                "unavailable", "regions_without_resources", "organisation"):
        assert direct.get(key) == replayed.get(key), key
    client_side = any(e["code"] in CLIENT_SIDE for e in direct["collection_errors"])
    if same_snapshot and not client_side:
        assert direct["snapshot_digest"] == replayed["snapshot_digest"]


def test_the_repository_has_fixtures():
    names = {os.path.basename(p) for p in FIXTURES}
    assert {"hk-insurer-gaps.json", "hk-insurer-compliant.json"} <= names


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: os.path.relpath(p, ROOT))
def test_every_fixture_gives_the_same_findings(path):
    assert_same(*both(path))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: os.path.relpath(p, ROOT))
def test_region_selection_gives_the_same_findings(path):
    with open(path, encoding="utf-8") as fh:
        held = sorted(json.load(fh)["accounts"][0]["regions"])
    # the fixture's regions in reverse order (the order given is the order collected), then one of them
    assert_same(*both(path, regions=list(reversed(held))))
    assert_same(*both(path, regions=held[-1:]))


def test_a_region_the_fixture_does_not_hold_is_there_and_empty():
    # The replay writes empty product lists there, the direct path an empty section: same findings.
    path = os.path.join(ROOT, "examples", "fixtures", "hk-insurer-gaps.json")
    direct, replayed = both(path, regions=["cn-shanghai", "cn-hongkong"])
    assert_same(direct, replayed, same_snapshot=False)
    assert "cn-shanghai" in direct["regions"]


# Faults during the recording: failures of every scope (list pages, detail calls, an account-level call),
# answered by the API (an error code and status) or not at all (a body that does not parse).
FAULTS = {"seed": 3, "faults": [
    # (a throttling answer while most calls go through is retried whatever retry.attempts says: 5xx here)
    {"product": "ecs", "action": "DescribeDisks", "kind": "unavailable", "rate": 0.5},
    {"product": "rds", "action": "DescribeBackupPolicy", "kind": "unavailable", "rate": 0.3},
    {"product": "oss", "action": "GetBucketInfo", "kind": "unavailable", "rate": 0.5},  # then the sub-resource
    {"product": "oss", "action": "GetBucketEncryption", "kind": "throttle", "rate": 0.5},  # calls are made
    {"product": "kms", "action": "DescribeKey", "kind": "malformed", "rate": 0.3},
    {"product": "ram", "action": "ListUsers", "kind": "throttle", "rate": 1.0},
]}


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    """A synthetic tenant recorded as `aliaudit scan --record` records it, through the fake with faults."""
    from benchmarks.synthetic import generate

    doc = generate(600, seed=5)
    account = doc["accounts"][0]
    # ApsaraDB for Redis not activated in Singapore: the collectors record it as unavailable there.
    account["unavailable"] = [{"product": "redis", "region": "ap-southeast-1", "action": "DescribeInstances",
                               "code": "InvalidRegionId.NotFound", "message": "The region is not served.",
                               "http_status": 404}]
    opts = scanning.ScanOptions(collection=CollectionConfig(retry={"attempts": 1}), workers=2)
    with FakeCloud(faults=FAULTS).load(doc):
        collected = scanning.collect_live(StaticKey(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET), opts)
    path = tmp_path_factory.mktemp("recording") / "tenant.json"
    record.write(str(path), collected, secrets=[DEFAULT_ACCESS_KEY_SECRET])
    return str(path)


def test_the_recording_holds_failures_of_every_scope(recording):
    with open(recording, encoding="utf-8") as fh:
        account = json.load(fh)["accounts"][0]
    errors = account["errors"]
    assert any(e["action"] == "DescribeDisks" and e["resource"] is None for e in errors)
    assert any(e["action"] == "DescribeBackupPolicy" and e["resource"] for e in errors)
    assert any(e["action"] == "GetBucketEncryption" and e["resource"] for e in errors)
    assert any(e["action"] == "DescribeKey" and e["code"] == "MalformedResponse" for e in errors)
    assert any(e["action"] == "ListUsers" and e["region"] is None for e in errors)
    assert account["unavailable"] and account["regions_without_resources"]


def test_a_fresh_recording_gives_the_same_findings(recording):
    direct, replayed = both(recording)
    assert_same(direct, replayed)
    assert {"PASS", "FAIL", "ERROR"} <= {f["status"] for f in direct["findings"]}


def test_a_fresh_recording_narrowed_to_regions_gives_the_same_findings(recording):
    assert_same(*both(recording, regions=["cn-hongkong"]))
    assert_same(*both(recording, regions=["cn-shanghai", "ap-southeast-1"]))


def test_the_cli_reports_are_identical(tmp_path):
    """`scan --fixture` and `scan --fixture --replay`: the same report, bar the time it was generated."""
    from click.testing import CliRunner

    from aliaudit.cli import main

    path = os.path.join(ROOT, "examples", "fixtures", "hk-insurer-gaps.json")
    out = []
    for extra in ([], ["--replay"]):
        result = CliRunner().invoke(main, ["scan", "--fixture", path, "--format", "json", *extra])
        assert result.exit_code == 1, result.output
        report = json.loads(result.stdout)
        report.pop("generated_at")
        out.append(report)
    assert out[0] == out[1]
