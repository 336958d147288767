"""SLS lists page by offset/size with `total` and each page's `count` (spec.Offset): long lists come back whole
through the real SDK against the fake, and a page whose count or total lies is an ERROR on that list, never a
shorter list."""

from __future__ import annotations

import copy

import pytest

from aliaudit.collectors import pager, sls
from aliaudit.collectors.base import Collection, RetryPolicy
from aliaudit.fakes import FakeCloud
from aliaudit.fakes.state import account_key
from aliaudit.sdk import Clients, StaticKey
from conftest import load_fixture

BASE = load_fixture("hk-insurer-compliant.json")
ACCOUNT = BASE["accounts"][0]["account_id"]
REGION = "cn-hongkong"
KEY = StaticKey(*account_key(ACCOUNT))


def _collect(doc: dict) -> dict:
    account = {"account_id": ACCOUNT, "regions": {}, "errors": []}
    with FakeCloud().load(doc) as cloud:
        col = Collection(Clients(KEY), account, [REGION], retry=RetryPolicy(attempts=1))
        sls.collect_region(col, REGION)
        account["calls"] = dict(cloud.calls)
    return account


def test_long_lists_come_back_whole_over_several_pages():
    doc = copy.deepcopy(BASE)
    projects = doc["accounts"][0]["regions"][REGION]["sls"]["projects"]
    first = projects[0]
    alert = first["alerts"][0]
    first["alerts"] = [dict(copy.deepcopy(alert), name=f"alert-{i:04d}") for i in range(450)]
    first["logstores"] = [dict(copy.deepcopy(first["logstores"][0]), logstoreName=f"store-{i:04d}") for i in range(501)]
    template = projects[-1]
    projects += [dict(copy.deepcopy(template), projectName=f"extra-{i:04d}", alerts=[], logstores=[]) for i in range(1000)]
    got = _collect(doc)
    assert got["errors"] == []
    listed = got["regions"][REGION]["sls"]["projects"]
    assert len(listed) == len(projects)
    audit = next(p for p in listed if p["projectName"] == first["projectName"])
    assert len(audit["alerts"]) == 450 and len(audit["logstores"]) == 501
    assert all("config" in s for s in audit["logstores"])
    calls = got["calls"]
    assert calls[("sls", "ListProject")] == 3          # 1,0xx projects, 500 a page
    assert calls[("sls", "GetLogStore")] == sum(len(p["logstores"]) for p in projects)


def _run(bodies: list[dict]):
    account = {"account_id": ACCOUNT, "regions": {}, "errors": []}
    col = Collection(Clients(KEY), account, [REGION])
    spec = sls.SPEC.list("ListLogStores")

    def fetch(page, cont):
        body = bodies[page - 1]
        pager.check_page(spec, body)
        return body

    return pager.run(col, "sls", spec, REGION, fetch, resource="p"), account["errors"]


def _names(start, n):
    return [f"s{i:04d}" for i in range(start, start + n)]


def test_a_full_list_over_two_pages_is_complete():
    listing, errors = _run([{"count": 500, "total": 501, "logstores": _names(0, 500)},
                            {"count": 1, "total": 501, "logstores": _names(500, 1)}])
    assert listing.complete and len(listing.items) == 501 and errors == []


@pytest.mark.parametrize("bodies, code", [
    # a page that says it holds more than it does
    ([{"count": 3, "total": 2, "logstores": _names(0, 2)}], "CountMismatch"),
    # a short first page while the total says more follow
    ([{"count": 499, "total": 501, "logstores": _names(0, 499)}], "CountMismatch"),
    # the total changes between pages
    ([{"count": 500, "total": 1000, "logstores": _names(0, 500)},
      {"count": 1, "total": 501, "logstores": _names(500, 1)}], "CountMismatch"),
    # a name listed again on the next page (the list moved while it was read)
    ([{"count": 500, "total": 501, "logstores": _names(0, 500)},
      {"count": 2, "total": 501, "logstores": ["s0500", "s0000"]}], "DuplicateItem"),
])
def test_a_lying_page_is_an_error_never_a_shorter_list(bodies, code):
    listing, errors = _run(bodies)
    assert not listing.complete
    assert [(e["action"], e["code"], e["resource"]) for e in errors] == [("ListLogStores", code, "p")]


@pytest.mark.parametrize("body", [
    {"count": 1, "total": 1, "logstores": [""]}, {"count": 1, "total": 1, "logstores": [7]},
    {"count": 1, "total": 1}, {"count": "x", "total": 1, "logstores": ["a"]}, {"count": 1, "logstores": ["a"]},
])
def test_a_malformed_page_is_malformed(body):
    from aliaudit import sdk

    with pytest.raises(sdk.MalformedResponse):
        pager.check_page(sls.SPEC.list("ListLogStores"), body)
