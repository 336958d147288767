"""The SLS front door: the "LOG" signature verified as the SDK's gateway computes it, the project in the host
(or, behind an endpoint override, in the signed x-log-project header), RAM actions log:*, offset/size paging
and SLS's own error shape (JSON errorCode/errorMessage, the request id in x-log-requestid), through the real
SDK (alibabacloud-sls20201230 with alibabacloud-gateway-sls)."""

import datetime as dt
import json

import pytest
import requests
from Tea.exceptions import TeaException

from aliaudit.collectors import sls as collector
from aliaudit.collectors.base import Collection, RetryPolicy, sdk_method
from aliaudit.fakes import FakeCloud, FakeState
from aliaudit.fakes.server import FakeServer
from aliaudit.fakes.state import account_key
from aliaudit.sdk import Clients, StaticKey, models
from conftest import load_fixture

DOC = load_fixture("hk-insurer-compliant.json")
ACCOUNT = DOC["accounts"][0]["account_id"]
KEY = StaticKey(*account_key(ACCOUNT))
M = models("sls")


def call(clients: Clients, action: str, *args):
    client = clients.rpc("sls", "cn-hongkong")
    return sdk_method(client, action)(*args, {}, clients.runtime())


def error(fn) -> TeaException:
    with pytest.raises(TeaException) as err:
        fn()
    inner = err.value.inner_exception if hasattr(err.value, "inner_exception") else err.value
    return inner or err.value


@pytest.fixture
def cloud():
    with FakeCloud().load(DOC) as c:
        yield c


def test_the_sdk_lists_projects_logstores_alerts_and_reads_a_logstore(cloud):
    clients = Clients(KEY)
    projects = call(clients, "ListProject", M.ListProjectRequest(offset=0, size=500)).body
    names = [p.project_name for p in projects.projects]
    assert "hk-audit" in names and projects.total == projects.count == len(names)
    stores = call(clients, "ListLogStores", "hk-audit", M.ListLogStoresRequest(offset=0, size=500)).body
    assert stores.logstores == ["actiontrail_org-audit-all"] and stores.total == 1
    store = call(clients, "GetLogStore", "hk-audit", "actiontrail_org-audit-all").body
    assert store.ttl == 365 and store.encrypt_conf.enable is True
    alerts = call(clients, "ListAlerts", "hk-audit", M.ListAlertsRequest(offset=0, size=200)).body
    assert [a.status for a in alerts.results] == ["ENABLED"] and alerts.total == 1
    # the project went in the host
    assert cloud.calls[("sls", "GetLogStore")] == 1


def test_a_wrong_secret_or_an_unknown_key_is_refused_in_sls_shape(cloud):
    err = error(lambda: call(Clients(StaticKey(KEY.access_key_id, "wrong-secret")), "ListProject",
                             M.ListProjectRequest()))
    assert (err.code, err.data["httpCode"]) == ("SignatureNotMatch", 401)
    assert err.data["requestId"].startswith("FAKE-")
    err = error(lambda: call(Clients(StaticKey("nobody", "x")), "ListProject", M.ListProjectRequest()))
    assert (err.code, err.data["httpCode"]) == ("InvalidAccessKeyId", 401)


def test_a_temporary_key_needs_its_token(cloud):
    cloud.state.add_temporary_key("sts-key", "sts-secret", "the-token", ACCOUNT,
                                  expires=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1))
    ok = call(Clients(StaticKey("sts-key", "sts-secret", "the-token")), "ListProject", M.ListProjectRequest())
    assert ok.body.total >= 1
    err = error(lambda: call(Clients(StaticKey("sts-key", "sts-secret", "other-token")), "ListProject",
                             M.ListProjectRequest()))
    assert (err.code, err.data["httpCode"]) == ("Unauthorized", 401)


def test_ram_policy_is_enforced_on_log_actions_and_resources(cloud):
    cloud.state.set_policy(KEY.access_key_id, {"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": ["log:ListProject", "log:ListLogStores"], "Resource": "*"},
        {"Effect": "Deny", "Action": "log:ListLogStores", "Resource": "acs:log:*:*:project/hk-app-logs/*"}]})
    clients = Clients(KEY)
    assert call(clients, "ListProject", M.ListProjectRequest()).body.total >= 1
    assert call(clients, "ListLogStores", "hk-audit", M.ListLogStoresRequest()).body.total == 1
    err = error(lambda: call(clients, "ListLogStores", "hk-app-logs", M.ListLogStoresRequest()))
    assert (err.code, err.data["httpCode"]) == ("Unauthorized", 401)
    assert "log:ListLogStores" in err.message and "project/hk-app-logs/logstore/*" in err.message
    err = error(lambda: call(clients, "GetLogStore", "hk-audit", "actiontrail_org-audit-all"))
    assert err.code == "Unauthorized" and "log:GetLogStore" in err.message


def test_documented_errors_and_paging_limits(cloud):
    clients = Clients(KEY)
    err = error(lambda: call(clients, "ListLogStores", "no-such-project", M.ListLogStoresRequest()))
    assert (err.code, err.data["httpCode"]) == ("ProjectNotExist", 404)
    err = error(lambda: call(clients, "GetLogStore", "hk-audit", "no-such-store"))
    assert (err.code, err.data["httpCode"]) == ("LogStoreNotExist", 404)
    err = error(lambda: call(clients, "ListAlerts", "hk-audit", M.ListAlertsRequest(size=201)))
    assert (err.code, err.data["httpCode"]) == ("ParameterInvalid", 400)
    page = call(clients, "ListProject", M.ListProjectRequest(offset=1, size=1)).body
    assert page.count == 1 and len(page.projects) == 1 and page.total > 1


def test_a_raw_request_without_a_log_signature_is_refused(cloud):
    resp = requests.get("https://hk-audit.cn-hongkong.log.aliyuncs.com/logstores")
    assert resp.status_code == 401 and resp.headers["x-log-requestid"]
    assert json.loads(resp.content)["errorCode"] == "Unauthorized"


def test_behind_an_endpoint_override_the_project_goes_in_a_signed_header():
    with FakeServer(FakeState(DOC), log=None) as server:
        clients = Clients(KEY, server.url)
        account = {"account_id": ACCOUNT, "regions": {}, "errors": []}
        col = Collection(clients, account, ["cn-hongkong"], retry=RetryPolicy(attempts=1))
        collector.collect_region(col, "cn-hongkong")
    assert account["errors"] == []
    projects = account["regions"]["cn-hongkong"]["sls"]["projects"]
    audit = next(p for p in projects if p["projectName"] == "hk-audit")
    assert audit["logstores"][0]["config"]["ttl"] == 365 and audit["alerts"][0]["status"] == "ENABLED"
