"""Scheduled-scan scenarios end to end, as a user runs them: `aliaudit fake serve` in one process,
`aliaudit scan --endpoint-override` in another, through the official SDKs."""

import copy
import json

from conftest import load_fixture
from fake_server_helpers import fake_server, live_scan, verdicts

MGMT, PROD, DR, NO_ROLE = "5184000000000001", "5184000000000002", "5184000000000003", "5184000000000099"
ROLE = "ResourceDirectoryAccountAccessRole"


def _organisation(tmp_path) -> str:
    """The gaps tenant as management account, two members (one compliant, one a copy of the gaps
    tenant), and a third member without the role: it cannot be reached."""
    doc = copy.deepcopy(load_fixture("hk-insurer-gaps.json"))
    prod = copy.deepcopy(load_fixture("hk-insurer-compliant.json")["accounts"][0])
    prod["account_id"] = PROD
    dr = copy.deepcopy(doc["accounts"][0])
    dr["account_id"] = DR
    doc["accounts"] += [prod, dr]
    doc["fake"] = {
        "roles": [{"account_id": a, "name": ROLE, "trusted_accounts": [MGMT]} for a in (PROD, DR)],
        "resource_directory": {"management_account_id": MGMT, "accounts": [
            {"AccountId": a, "DisplayName": n, "Status": "CreateSuccess", "Type": "ResourceAccount"}
            for a, n in ((MGMT, "management"), (PROD, "prod"), (DR, "dr"), (NO_ROLE, "no-role"))]},
    }
    path = tmp_path / "org.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_resource_directory_through_fake_serve(tmp_path):
    with fake_server("--state", _organisation(tmp_path)) as (url, _, _):
        code, report, err = live_scan(url, "--resource-directory")
    assert report is not None, err
    org = report["organisation"]
    status = {a["account_id"]: a["scan_status"] for a in org["accounts"]}
    assert status == {MGMT: "SCANNED", PROD: "SCANNED", DR: "SCANNED", NO_ROLE: "UNREACHABLE"}
    assert sorted(report["accounts"]) == [MGMT, PROD, DR]
    b = next(c for c in org["clauses"] if c["framework"] == "hkia-gl8" and c["clause"] == "5.1(b)")
    assert b["accounts"] == {MGMT: "NON_COMPLIANT", PROD: "COMPLIANT", DR: "NON_COMPLIANT"}
    assert b["counts"]["UNREACHABLE"] == 1
    assert code == 1  # the gaps accounts fail; the unreachable member did not stop the others


def test_thirty_percent_throttling_through_fake_serve_changes_no_verdict(tmp_path):
    faults = tmp_path / "faults.yaml"
    faults.write_text("seed: 7\nfaults:\n  - {product: '*', action: '*', kind: throttle, rate: 0.3}\n")
    config = tmp_path / "fast-retry.yaml"
    config.write_text("collection:\n  retry: {attempts: 12, base_delay_s: 0.01, max_delay_s: 0.05}\n")
    state = "examples/fixtures/hk-insurer-gaps.json"
    with fake_server("--state", state) as (url, _, _):
        code_clean, clean, err = live_scan(url, "--config", str(config))
    assert clean is not None, err
    with fake_server("--state", state, "--faults", str(faults)) as (url, _, proc):
        code, throttled, err = live_scan(url, "--config", str(config))
        proc.terminate()
        log = proc.stderr.read().splitlines()
    assert throttled is not None, err
    refused = [line for line in log if " 400 " in line]
    assert len(refused) > 0.15 * len(log) > 10, (len(refused), len(log))  # about 30% were throttled
    assert code == code_clean == 1
    assert throttled["collection_errors"] == [] and verdicts(throttled) == verdicts(clean)
