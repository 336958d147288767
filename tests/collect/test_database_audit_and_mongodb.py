"""RDS SQL audit and PostgreSQL parameters, and ApsaraDB for MongoDB, through the real SDKs and the fake: the
calls are made only for the engines the documentation names, sharded MongoDB clusters are listed as well as
replica sets, and the edge cases the example fixtures do not reach (a short SQL audit retention, a parameter
missing from the running list, TDE with the service's key, one zone named three times)."""

import copy

import pytest
from Tea.exceptions import TeaException

from aliaudit.collectors.base import sdk_method
from aliaudit.sdk import Clients, StaticKey, models
from conftest import findings, scan

KEY = StaticKey("fake-access-key-id", "fake-access-key-secret")
HK = "cn-hongkong"
AUDIT_RULES = ("rds-sql-audit-enabled", "rds-sql-audit-retention")
PG_RULES = ("rds-postgresql-log-connections", "rds-postgresql-log-disconnections", "rds-postgresql-log-duration")


def _region(doc):
    return doc["accounts"][0]["regions"][HK]


def _status(report, rule, resource):
    [f] = findings(report, rule, resource)
    return f["status"], f.get("reason") or ""


def _add_rds(doc, iid, engine, version):
    inst = copy.deepcopy(_region(doc)["rds"]["instances"][0])
    inst.update(DBInstanceId=iid, Engine=engine, EngineVersion=version)
    inst["attribute"].update(DBInstanceId=iid, Engine=engine)
    for k in ("sql_audit", "sql_audit_retention", "parameters"):
        inst.pop(k, None)
    _region(doc)["rds"]["instances"].append(inst)
    return inst


def test_sql_audit_is_read_only_for_engines_that_have_it_and_parameters_only_for_postgresql(compliant_doc):
    _add_rds(compliant_doc, "rm-j6dmaria01", "MariaDB", "10.3")
    report = scan(compliant_doc, replay=True)
    for rule in AUDIT_RULES + PG_RULES:
        status, reason = _status(report, rule, "rm-j6dmaria01")
        assert status == "NOT_APPLICABLE" and "MariaDB" in reason, rule
    # the fake answers a SQL audit call for MariaDB with an error: none was made, none was recorded
    assert not [e for e in report["collection_errors"] if "rm-j6dmaria01" in str(e)]
    assert {r: _status(report, r, "rm-j6dcore01")[0] for r in PG_RULES} == dict.fromkeys(PG_RULES, "NOT_APPLICABLE")
    assert {r: _status(report, r, "rm-j6dclaimspg01")[0] for r in PG_RULES} == dict.fromkeys(PG_RULES, "PASS")


def test_the_fake_refuses_sql_audit_calls_for_mariadb(alicloud_fake, compliant_doc):
    _add_rds(compliant_doc, "rm-j6dmaria01", "MariaDB", "10.3")
    alicloud_fake.load(compliant_doc)
    clients = Clients(KEY)
    m = models("rds")
    with pytest.raises(TeaException) as exc:
        sdk_method(clients.rpc("rds", HK), "DescribeSQLCollectorPolicy")(
            m.DescribeSQLCollectorPolicyRequest(dbinstance_id="rm-j6dmaria01"), clients.runtime())
    assert exc.value.code == "InvalidDBInstanceId.NotFound"


def test_sql_audit_kept_30_days_fails_and_180_passes(compliant_doc):
    audited = _region(compliant_doc)["rds"]["instances"][0]
    audited["sql_audit_retention"]["ConfigValue"] = "30"
    status, reason = _status(scan(compliant_doc, replay=True), "rds-sql-audit-retention", audited["DBInstanceId"])
    assert status == "FAIL" and "30 days" in reason
    audited["sql_audit_retention"]["ConfigValue"] = "180"
    assert _status(scan(compliant_doc), "rds-sql-audit-retention", audited["DBInstanceId"])[0] == "PASS"


def test_a_logging_parameter_missing_from_the_running_list_is_error(compliant_doc):
    pg = next(i for i in _region(compliant_doc)["rds"]["instances"] if i["Engine"] == "PostgreSQL")
    running = pg["parameters"]["RunningParameters"]["DBInstanceParameter"]
    running[:] = [p for p in running if p["ParameterName"] != "log_duration"]
    report = scan(compliant_doc, replay=True)
    status, reason = _status(report, "rds-postgresql-log-duration", pg["DBInstanceId"])
    assert status == "ERROR" and "log_duration" in reason
    assert _status(report, "rds-postgresql-log-connections", pg["DBInstanceId"])[0] == "PASS"


def test_sharded_clusters_are_listed_besides_replica_sets_and_page_at_100(alicloud_fake, compliant_doc):
    mongo = _region(compliant_doc)["mongodb"]["instances"]
    shard = next(i for i in mongo if i["DBInstanceType"] == "sharding")
    for n in range(120):
        extra = copy.deepcopy(shard)
        extra["DBInstanceId"] = f"dds-j6dshard{n:03d}"
        extra["attribute"]["DBInstanceId"] = extra["DBInstanceId"]
        mongo.append(extra)
    alicloud_fake.load(compliant_doc)
    clients = Clients(KEY)
    m = models("mongodb")
    call = sdk_method(clients.rpc("mongodb", HK), "DescribeDBInstances")
    default = call(m.DescribeDBInstancesRequest(region_id=HK), clients.runtime()).body.to_map()
    assert default["TotalCount"] == 1  # replica sets only, by default
    page2 = call(m.DescribeDBInstancesRequest(region_id=HK, dbinstance_type="sharding", page_size=100, page_number=2),
                 clients.runtime()).body.to_map()
    assert page2["TotalCount"] == 121 and len(page2["DBInstances"]["DBInstance"]) == 21
    with pytest.raises(TeaException):
        call(m.DescribeDBInstancesRequest(region_id=HK, page_size=40), clients.runtime())
    report = scan(compliant_doc, replay=True)
    assert len(findings(report, "mongodb-ssl-enabled")) == 122
    assert {f["status"] for f in findings(report, "mongodb-ssl-enabled")} == {"PASS"}


def test_tde_with_the_service_key_fails_the_cmk_rule_only(compliant_doc):
    inst = _region(compliant_doc)["mongodb"]["instances"][0]
    inst["tde"]["EncryptionKey"] = "NoActiveBYOK"
    report = scan(compliant_doc, replay=True)
    assert _status(report, "mongodb-tde-enabled", inst["DBInstanceId"])[0] == "PASS"
    status, reason = _status(report, "mongodb-tde-cmk", inst["DBInstanceId"])
    assert status == "FAIL" and "service-managed" in reason


def test_three_nodes_in_one_zone_are_not_multi_zone(compliant_doc):
    inst = _region(compliant_doc)["mongodb"]["instances"][0]
    zone = inst["attribute"]["ZoneId"]
    inst["attribute"].update(SecondaryZoneId=zone, HiddenZoneId=zone)
    assert _status(scan(compliant_doc, replay=True), "mongodb-multi-zone", inst["DBInstanceId"])[0] == "FAIL"
