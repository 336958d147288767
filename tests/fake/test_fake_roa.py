"""The fake's ROA front door (fakes/roa.py), on requests the real SDK signed: the ACS3 signature covers the
path and the query (a request replayed with another cluster in its path, or another page size, is refused),
an unrouted path or a method the route does not take is the ROA 404, and errors have ROA's lower-case body."""

import copy
import dataclasses
import json

from aliaudit.fakes import FakeCloud
from aliaudit.sdk import Clients, StaticKey, models
from conftest import load_fixture

KEY = StaticKey("fake-access-key-id", "fake-access-key-secret")


def _signed_requests(action_calls):
    """Run SDK calls against the fake; return the requests it received (as the router saw them)."""
    doc = load_fixture("hk-insurer-compliant.json")
    seen = []
    with FakeCloud().load(doc) as cloud:
        handle = cloud.router.handle

        def spy(req):
            seen.append(copy.deepcopy(req))
            return handle(req)

        cloud.router.handle = spy
        clients = Clients(KEY)
        client = clients.rpc("ack", "cn-hongkong")
        for call in action_calls:
            call(client, clients.runtime(), doc)
        cloud.router.handle = handle
        return cloud, doc, seen


def _body(resp):
    return json.loads(resp.body)


def test_the_signature_covers_the_path_and_the_query():
    cid = load_fixture("hk-insurer-compliant.json")["accounts"][0]["regions"]["cn-hongkong"]["ack"]["clusters"][0]["cluster_id"]
    m = models("ack")
    cloud, doc, seen = _signed_requests([
        lambda c, rt, d: c.check_control_plane_log_enable_with_options(cid, {}, rt),
        lambda c, rt, d: c.describe_clusters_v1with_options(m.DescribeClustersV1Request(page_size=100, page_number=1,
                                                                                       region_id="cn-hongkong"), {}, rt),
    ])
    log_req, list_req = seen
    with cloud:
        assert cloud.router.handle(log_req).status == 200 and cloud.router.handle(list_req).status == 200  # replays
        other = dataclasses.replace(log_req, path=log_req.path.replace(cid, "c0000000000000000"))
        resp = cloud.router.handle(other)
        assert resp.status == 400 and _body(resp)["code"] == "SignatureDoesNotMatch"
        assert set(_body(resp)) >= {"code", "message", "requestId"}  # the ROA error body, lower case
        query = list_req.raw_query.replace("page_size=100", "page_size=10")
        tampered = dataclasses.replace(list_req, raw_query=query, query={**list_req.query, "page_size": "10"})
        assert _body(cloud.router.handle(tampered))["code"] == "SignatureDoesNotMatch"


def test_an_unrouted_path_or_method_is_the_roa_404():
    cid = load_fixture("hk-insurer-compliant.json")["accounts"][0]["regions"]["cn-hongkong"]["ack"]["clusters"][0]["cluster_id"]
    cloud, doc, seen = _signed_requests([lambda c, rt, d: c.check_control_plane_log_enable_with_options(cid, {}, rt)])
    [req] = seen
    with cloud:
        for bad in (dataclasses.replace(req, path=f"/clusters/{cid}/no-such-thing"),
                    dataclasses.replace(req, method="DELETE")):
            resp = cloud.router.handle(bad)
            assert resp.status == 404 and _body(resp)["code"] == "InvalidAction.NotFound", _body(resp)
        mismatched = dataclasses.replace(req, headers={**req.headers, "x-acs-action": "DescribeClusterNodePools"})
        assert _body(cloud.router.handle(mismatched))["code"] == "InvalidAction.NotFound"
