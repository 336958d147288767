"""SLS in a plan: alicloud_log_project and alicloud_log_store (retention_period, encrypt_conf) through the CLI;
the alert rules and ActionTrail's delivery into SLS cannot be decided from a plan (NOT_APPLICABLE, with why).
Attribute names are the alicloud provider's (website/docs/r/log_store.html.markdown)."""

from test_plan_fidelity import Plan, by_key, scan

REFS = {"project_name": ["alicloud_log_project.audit.project_name", "alicloud_log_project.audit"]}


def _plan(store: dict, unknown: dict | None = None) -> Plan:
    p = Plan()
    p.add("alicloud_log_project", "audit", {"project_name": "hk-audit", "description": "audit logs"})
    p.add("alicloud_log_store", "trail", {"project_name": None, "logstore_name": "actiontrail", **store},
          unknown={"project_name": True, **(unknown or {})}, refs=REFS)
    return p


def test_a_log_store_kept_a_year_and_encrypted_passes(tmp_path):
    p = _plan({"retention_period": 365, "encrypt_conf": [{"enable": True, "encrypt_type": "default",
                                                           "user_cmk_info": []}]})
    code, report, _ = scan(p.doc(), tmp_path)
    by = by_key(report)
    for rule in ("sls-logstore-retention-365", "sls-logstore-encrypted"):
        f = by[(rule, "alicloud_log_store.trail")]
        assert f["status"] == "PASS" and f["terraform"]["address"] == "alicloud_log_store.trail", f
    alert = [f for f in report["findings"] if f["rule"] == "sls-alert-ram-policy-changes"]
    assert alert and {f["status"] for f in alert} == {"NOT_APPLICABLE"}
    assert {f["status"] for f in report["findings"] if f["rule"] == "sls-actiontrail-delivery"} == {"NOT_APPLICABLE"}


def test_the_provider_default_retention_and_no_encryption_fail(tmp_path):
    code, report, _ = scan(_plan({}).doc(), tmp_path)
    by = by_key(report)
    retention = by[("sls-logstore-retention-365", "alicloud_log_store.trail")]
    assert retention["status"] == "FAIL" and retention["evidence"]["GetLogStore.ttl"] == 30
    assert by[("sls-logstore-encrypted", "alicloud_log_store.trail")]["status"] == "FAIL"
    assert code == 1


def test_encryption_known_only_at_apply_is_error(tmp_path):
    p = _plan({"retention_period": 3650, "encrypt_conf": None}, unknown={"encrypt_conf": True})
    code, report, _ = scan(p.doc(), tmp_path)
    f = by_key(report)[("sls-logstore-encrypted", "alicloud_log_store.trail")]
    assert f["status"] == "ERROR" and "encrypt_conf is unknown until apply" in f["reason"]
