"""Security Center (SAS) rules at their edges: what decides, what cannot decide (ERROR), what is out of scope.
Through the fake and the SDKs where collection matters (replay=True)."""

import json

from conftest import findings, scan


def _sas(doc):
    return doc["accounts"][0]["global"]["sas"]


def _status(report, rule, resource=None):
    got = findings(report, rule, resource)
    assert len(got) == 1, (rule, resource, got)
    return got[0]["status"]


def test_multi_edition_cannot_be_judged_account_wide(gaps_doc):
    _sas(gaps_doc)["version_config"][0]["Version"] = 8
    report = scan(gaps_doc, replay=True)
    f = findings(report, "sas-edition-advanced")[0]
    assert f["status"] == "ERROR" and "Multi-edition" in f["reason"]


def test_an_undocumented_edition_is_error_never_pass(gaps_doc):
    _sas(gaps_doc)["version_config"][0]["Version"] = 4
    assert _status(scan(gaps_doc), "sas-edition-advanced") == "ERROR"


def test_a_server_shut_down_is_out_of_scope_for_the_agent_rule(gaps_doc):
    web02 = next(a for a in _sas(gaps_doc)["assets"] if a["InstanceId"] == "i-j6c0web02")
    web02["ClientSubStatus"] = "stopped"
    report = scan(gaps_doc, replay=True)
    assert _status(report, "sas-agent-online", "i-j6c0web02") == "NOT_APPLICABLE"
    # the instance itself still runs without a watching agent
    assert _status(report, "sas-ecs-agent-online", "i-j6c0web02") == "FAIL"


def test_risk_counts_that_do_not_parse_are_error(gaps_doc):
    web01 = next(a for a in _sas(gaps_doc)["assets"] if a["InstanceId"] == "i-j6c0web01")
    web01["RiskCount"] = "{not json"
    batch = next(a for a in _sas(gaps_doc)["assets"] if a["InstanceId"] == "i-j6c0batch01")
    counts = json.loads(batch["RiskCount"])
    counts.pop("sysNum")
    batch["RiskCount"] = json.dumps(counts)
    report = scan(gaps_doc, replay=True)
    assert _status(report, "sas-os-vulnerabilities-fixed", "i-j6c0web01") == "ERROR"
    assert _status(report, "sas-os-vulnerabilities-fixed", "i-j6c0batch01") == "ERROR"


def test_windows_vulnerabilities_fail_too(gaps_doc):
    web01 = next(a for a in _sas(gaps_doc)["assets"] if a["InstanceId"] == "i-j6c0web01")
    counts = json.loads(web01["RiskCount"])
    counts["sysNum"] = 2
    web01["RiskCount"] = json.dumps(counts)
    assert _status(scan(gaps_doc), "sas-os-vulnerabilities-fixed", "i-j6c0web01") == "FAIL"


def test_a_high_risk_item_without_a_setting_is_error(gaps_doc):
    _sas(gaps_doc)["notice_configs"] = [c for c in _sas(gaps_doc)["notice_configs"] if c["Project"] != "sas_suspicious"]
    report = scan(gaps_doc, replay=True)
    assert _status(report, "sas-notify-high-risk", "sas_suspicious") == "ERROR"
    assert _status(report, "sas-notify-high-risk", "yundun_security_Weekreport") == "PASS"


def test_the_asset_list_failing_makes_exactly_its_rules_error(gaps_doc):
    gaps_doc["accounts"][0]["errors"].append(
        {"product": "sas", "action": "DescribeCloudCenterInstances", "region": None, "resource": None,
         "code": "NoPermission", "message": "caller has no permission", "http_status": 403})
    report = scan(gaps_doc, replay=True)
    for rule in ("sas-agent-online", "sas-ecs-agent-online", "sas-os-vulnerabilities-fixed"):
        assert {f["status"] for f in findings(report, rule)} == {"ERROR"}, rule
    assert _status(report, "sas-edition-advanced") == "FAIL"
    assert _status(report, "sas-vul-scan-enabled", "cms") == "FAIL"


def test_one_role_unread_is_error_for_that_role_only(gaps_doc):
    gaps_doc["accounts"][0]["errors"].append(
        {"product": "sas", "action": "DescribeServiceLinkedRoleStatus", "region": None,
         "resource": "AliyunServiceRoleForSas", "code": "ServerError", "message": "ServerError", "http_status": 500})
    report = scan(gaps_doc, replay=True)
    assert _status(report, "sas-service-roles-authorised", "AliyunServiceRoleForSas") == "ERROR"
    assert _status(report, "sas-service-roles-authorised", "AliyunServiceRoleForSasCspm") == "FAIL"


def test_assets_over_several_pages_are_read_whole(gaps_doc):
    sas = _sas(gaps_doc)
    base = sas["assets"][0]
    extra = [dict(base, Uuid=f"5a5e9999-0000-4000-8000-{n:012d}", InstanceId=f"i-j6c0extra{n:03d}") for n in range(230)]
    sas["assets"] = sas["assets"] + extra
    report = scan(gaps_doc, replay=True)
    assert not [e for e in report["collection_errors"] if e["product"] == "sas"]
    assert len(findings(report, "sas-agent-online")) == len(sas["assets"])


def test_a_snapshot_without_security_center_has_nothing_in_scope(gaps_doc):
    del gaps_doc["accounts"][0]["global"]["sas"]
    report = scan(gaps_doc)
    for rule in ("sas-edition-advanced", "sas-agent-online", "sas-ecs-agent-online", "sas-notify-high-risk"):
        assert {f["status"] for f in findings(report, rule)} <= {"NOT_APPLICABLE"}, rule
