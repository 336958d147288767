"""Region discovery (ECS DescribeRegions) that fails: refused (403) or failing (503) alike, the scan exits 3 with a
message naming the call and what it means (not "could not confirm the identity"), and still writes a report that
says the run is incomplete: no clause reads COMPLIANT or NOT_APPLICABLE, since nothing was looked at.

Live scans against `aliaudit fake serve`, through the real SDKs: a RAM policy that denies ecs:DescribeRegions
(the fake answers Forbidden.RAM, HTTP 403, as RAM documents it), and the `unavailable` fault (HTTP 503).
"""

from __future__ import annotations

import json

import pytest

from conftest import fixture_path
from fake_server_helpers import fake_server, live_scan

GAPS = fixture_path("hk-insurer-gaps.json")
DENY_REGIONS = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                                              {"Effect": "Deny", "Action": "ecs:DescribeRegions", "Resource": "*"}]}


@pytest.mark.parametrize("how", ["refused-403", "unavailable-503"])
def test_region_discovery_failure_is_exit_3_with_an_incomplete_report(tmp_path, how):
    config = tmp_path / "one-try.yaml"
    config.write_text("collection:\n  retry:\n    attempts: 1\n")
    if how == "refused-403":
        policy = tmp_path / "policy.json"
        policy.write_text(json.dumps(DENY_REGIONS))
        args, code = ("--policy", str(policy)), "Forbidden.RAM"
    else:
        faults = tmp_path / "faults.yaml"
        faults.write_text("faults:\n  - {product: ecs, action: DescribeRegions, kind: unavailable}\n")
        args, code = ("--faults", str(faults)), "ServiceUnavailable"
    with fake_server("--state", GAPS, "--quiet", *args) as (url, _, _):
        exit_code, report, stderr = live_scan(url, "--config", str(config))
    assert exit_code == 3, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and "cannot list regions" in lines[0] and code in lines[0], stderr
    assert "could not confirm the identity" not in stderr and "Traceback" not in stderr
    assert report is not None, "no report was written"
    assert "cannot list regions" in report["incomplete"]
    assert [e["action"] for e in report["collection_errors"]] == ["DescribeRegions"]
    assert report["collection_errors"][0]["code"] == code
    statuses = {c["status"] for c in report["clauses"]}
    assert statuses <= {"INCOMPLETE", "MANUAL"} and "INCOMPLETE" in statuses, statuses
    assert report["findings"] == []
