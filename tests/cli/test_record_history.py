"""Recording (--record, --redact, verify), live CLI scans with the credential chain, and the scan history."""

import copy
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from aliaudit import history, record, scan as scanning
from aliaudit.cli import main
from aliaudit.fakes import FakeCloud
from aliaudit.fakes.state import account_key
from aliaudit.sdk import StaticKey

from conftest import ROOT, fixture_path, scan

MGMT = "5184000000000001"
RUNNER = os.path.join(ROOT, "tests", "cli_fake_runner.py")
SECRET = f"fake-secret-{MGMT}"


def _verdicts(report, with_account=False):
    return sorted(((f["account_id"],) if with_account else ()) + (f["rule"], f["region"] or "", f["status"])
                  for f in report["findings"])


def _full(report):
    return sorted((f["rule"], f["region"] or "", f["resource_id"], f["status"]) for f in report["findings"])


def _cli(snapshot_path, args, env_extra=None, home=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
    env.update(env_extra or {})
    if home:
        env["HOME"] = home
    env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
    return subprocess.run([sys.executable, RUNNER, snapshot_path, *args], capture_output=True, text=True, env=env,
                          cwd=os.path.join(ROOT, "tests"), timeout=300)


@pytest.fixture(scope="module")
def live_run(tmp_path_factory):
    """One live scan through the CLI: environment credentials, endpoint override, --record, --store, JSON report."""
    tmp = tmp_path_factory.mktemp("live")
    rec, out, db = tmp / "rec.json", tmp / "report.json", tmp / "h.db"
    proc = _cli(fixture_path("hk-insurer-gaps.json"),
                ["scan", "--record", str(rec), "--store", str(db),
                 "--format", "json", "--output", str(out), "--verbose"],
                {"ALIBABA_CLOUD_ACCESS_KEY_ID": f"fake-key-{MGMT}", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET})
    return proc, rec, out, db


def test_live_cli_scan_with_environment_credentials(live_run, gaps_report):
    proc, rec, out, _ = live_run
    assert proc.returncode == 1, proc.stderr
    report = json.loads(out.read_text())
    assert report["source"]["kind"] == "live"
    assert report["identities"][0]["account_id"] == MGMT
    assert _full(report) == _full(gaps_report)
    assert "collection tasks done" in proc.stderr  # --verbose on a non-terminal


def test_record_then_fixture_gives_identical_verdicts_and_no_secret_anywhere(live_run):
    proc, rec, out, db = live_run
    replay = scan(str(rec))
    assert _full(replay) == _full(json.loads(out.read_text()))
    for text in (rec.read_text(), out.read_text(), proc.stdout, proc.stderr):
        assert SECRET not in text
    assert json.loads(out.read_text())["snapshot_digest"] == json.loads(rec.read_text())["digest"]["value"]


def test_verify_exit_codes(live_run, tmp_path):
    _, rec, _, _ = live_run
    runner = CliRunner()
    ok = runner.invoke(main, ["verify", str(rec)])
    assert ok.exit_code == 0 and "OK sha256" in ok.output
    doc = json.loads(rec.read_text())
    disk = doc["accounts"][0]["regions"]["cn-hongkong"]["ecs"]["disks"][0]
    disk["Encrypted"] = not disk["Encrypted"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, indent=1))  # layout does not matter, content does
    assert runner.invoke(main, ["verify", str(bad)]).exit_code == 1
    same = tmp_path / "same.json"
    same.write_text(json.dumps(json.loads(rec.read_text())))
    assert runner.invoke(main, ["verify", str(same)]).exit_code == 0
    for content in ("{not json", json.dumps({"format": "aliaudit-snapshot/1", "accounts": []})):
        junk = tmp_path / "junk.json"
        junk.write_text(content)
        assert runner.invoke(main, ["verify", str(junk)]).exit_code == 2
    assert runner.invoke(main, ["verify", str(tmp_path / "missing.json")]).exit_code == 2


def test_redacted_recording_keeps_verdicts_and_hides_ids(gaps_doc, gaps_report, tmp_path):
    gaps_doc["accounts"][0]["regions"]["cn-hongkong"]["ecs"]["instances"][0]["PublicIpAddress"] = {
        "IpAddress": ["47.242.10.11"]}
    gaps_doc["accounts"][0]["regions"]["cn-hongkong"]["ecs"]["instances"][0]["VpcAttributes"] = {
        "PrivateIpAddress": {"IpAddress": ["192.168.4.7"]}}
    opts = scanning.ScanOptions(workers=2)
    collected = scanning.collect_fixture(gaps_doc, opts)
    path = tmp_path / "red.json"
    record.write(str(path), collected, [SECRET], redact_ids=True)
    text = path.read_text()
    assert MGMT not in text and "47.242.10.11" not in text and "192.168.4.7" not in text
    doc = json.loads(text)
    inst = doc["accounts"][0]["regions"]["cn-hongkong"]["ecs"]["instances"][0]
    assert inst["PublicIpAddress"]["IpAddress"][0].startswith("11.")
    assert inst["VpcAttributes"]["PrivateIpAddress"]["IpAddress"][0].startswith("10.")
    assert record.verify(str(path))[0]
    replay = scan(str(path))
    assert _verdicts(replay) == _verdicts(gaps_report)
    assert {f["account_id"] for f in replay["findings"]} == {doc["accounts"][0]["account_id"]} != {MGMT}


def test_redactor_is_consistent_and_keeps_cidr_and_special_addresses():
    r = record.Redactor(["1234567890123456"])
    assert r.text("acs:ram::1234567890123456:root") == r.text("acs:ram::1234567890123456:root") != \
        "acs:ram::1234567890123456:root"
    assert r.text("0.0.0.0/0") == "0.0.0.0/0" and r.text("127.0.0.1") == "127.0.0.1"
    a, b = r.text("47.1.2.0/24"), r.text("47.1.2.3")
    assert a.endswith(".0/24") and a != b and r.text("47.1.2.3") == b
    assert r.text("12345678901234567") == "12345678901234567"  # a longer number is not the account id


def test_profile_credentials(tmp_path):
    home = tmp_path / "home"
    (home / ".aliyun").mkdir(parents=True)
    (home / ".aliyun" / "config.json").write_text(json.dumps({"current": "other", "profiles": [
        {"name": "audit", "mode": "AK", "access_key_id": f"fake-key-{MGMT}", "access_key_secret": SECRET,
         "region_id": "cn-hongkong"},
        {"name": "other", "mode": "AK", "access_key_id": "nobody", "access_key_secret": "nothing"}]}))
    proc = _cli(fixture_path("hk-insurer-compliant.json").replace("compliant", "gaps"),
                ["scan", "--profile", "audit", "--region", "cn-hongkong", "--format", "json"], home=str(home))
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["identities"][0]["account_id"] == MGMT
    refused = _cli(fixture_path("hk-insurer-gaps.json"), ["scan", "--profile", "other"], home=str(home))
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "InvalidAccessKeyId.NotFound" in refused.stderr


def test_role_arn_and_sts_token(tmp_path, gaps_doc):
    gaps_doc["fake"] = {"roles": [{"account_id": MGMT, "name": "Auditor", "trusted_accounts": [MGMT]}]}
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(gaps_doc))
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": f"fake-key-{MGMT}", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET}
    proc = _cli(str(path), ["scan", "--role-arn", f"acs:ram::{MGMT}:role/auditor", "--region", "cn-hongkong",
                            "--format", "json"], env)
    assert proc.returncode == 1, proc.stderr
    who = json.loads(proc.stdout)["identities"][0]
    assert who["principal"] == f"acs:ram::{MGMT}:assumed-role/auditor/aliaudit"
    denied = _cli(str(path), ["scan", "--role-arn", f"acs:ram::{MGMT}:role/nobody"], env)
    assert denied.returncode == 2 and "cannot assume" in denied.stderr and "NoPermission" in denied.stderr


def test_no_credentials_is_one_line_exit_2(tmp_path):
    proc = _cli(fixture_path("hk-insurer-gaps.json"), ["scan"], home=str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("aliaudit: error: no usable credentials")


def test_resource_directory_cli_with_per_account_reports(tmp_path, gaps_doc, compliant_doc):
    from org_fixture import org_doc as _org_doc

    path = tmp_path / "org.json"
    path.write_text(json.dumps(_org_doc(gaps_doc, compliant_doc)))
    out = tmp_path / "per"
    proc = _cli(str(path), ["scan", "--resource-directory", "--format", "json", "--per-account-dir", str(out)],
                {"ALIBABA_CLOUD_ACCESS_KEY_ID": f"fake-key-{MGMT}", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET})
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert [a["scan_status"] for a in report["organisation"]["accounts"]] == ["SCANNED", "SCANNED", "UNREACHABLE"]
    assert sorted(os.listdir(out)) == [f"{MGMT}.json", "5184000000000002.json"]


# -- history ---------------------------------------------------------------

def _stores(tmp_path):
    yield str(tmp_path / "history.db")
    url = os.environ.get("ALIAUDIT_TEST_POSTGRES_URL")
    if url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    url = os.environ.get("ALIAUDIT_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("ALIAUDIT_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server and sets it)")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("findings", "clause_status", "scans"):
            conn.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    return url


def test_history_and_drift_between_two_scans(store_url, gaps_report, compliant_doc, tmp_path):
    compliant_doc["accounts"][0]["account_id"] = MGMT
    after = scan(compliant_doc)
    store = history.open_store(store_url)
    store.save(gaps_report)
    store.save(after)
    data = store.history(MGMT)
    acct = data["accounts"][0]
    assert len(acct["scans"]) == 2
    assert acct["clauses"]["hkia-gl8:5.1(b)"] == ["NON_COMPLIANT", "COMPLIANT"]
    drift = store.drift(MGMT)
    assert {"clause": "hkia-gl8:5.1(b)", "before": "NON_COMPLIANT", "after": "COMPLIANT"} in drift["clause_changes"]
    fails_before = sum(1 for f in gaps_report["findings"] if f["status"] == "FAIL")
    assert len(drift["fixed_findings"]) == fails_before
    assert drift["new_findings"] == []
    store.close()
    runner = CliRunner()
    shown = runner.invoke(main, ["history", "--store", store_url, "--account", MGMT])
    assert shown.exit_code == 0 and "hkia-gl8:5.1(b)" in shown.output and "NON_COMPLIANT" in shown.output
    changed = runner.invoke(main, ["drift", "--store", store_url, "--format", "json"])
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.output)["clause_changes"] == drift["clause_changes"]


def test_cli_store_records_the_scan(live_run):
    _, _, _, db = live_run
    store = history.open_store(str(db))
    scans = store.scans(MGMT)
    assert len(scans) == 1 and scans[0]["summary"]["clauses"]["NON_COMPLIANT"] >= 1


def test_drift_needs_two_scans(tmp_path, gaps_report):
    store = history.open_store(str(tmp_path / "h.db"))
    store.save(gaps_report)
    result = CliRunner().invoke(main, ["drift", "--store", str(tmp_path / "h.db")])
    assert result.exit_code == 2 and "drift needs two" in result.output


def test_default_store_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert history.default_path() == str(tmp_path / "aliaudit" / "history.db")
