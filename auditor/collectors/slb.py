"""Server Load Balancer (CLB): load balancers and their listeners, ten balancers a call."""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import Collection, chunks
from .cost import Cost, pages, region_section
from .spec import ListCall, NextToken, PageNumber, Product

# DescribeLoadBalancers: PageSize 1-100, TotalCount. DescribeLoadBalancerListeners: at most 10 LoadBalancerId,
# MaxResults 1-100 with NextToken (tests/documented/NOTES.md); its TotalCount is documented as "the total
# number of entries returned", not clearly the whole list's, so it is not used. A listener has no id of
# its own: (balancer, port, protocol) names it.
SPEC = Product("slb", lists=(
    ListCall("DescribeLoadBalancers", items="LoadBalancers.LoadBalancer", id="LoadBalancerId", into="load_balancers",
             paging=PageNumber(max_size=100, total="TotalCount"), require=("LoadBalancerId", "MasterZoneId", "SlaveZoneId")),
    ListCall("DescribeLoadBalancerListeners", scope="batch", per="LoadBalancerId", batch=10, items="Listeners",
             id=("LoadBalancerId", "ListenerPort", "ListenerProtocol"), into="listeners",
             paging=NextToken(max_size=100), require=("ListenerPort", "ListenerProtocol", "HTTPListenerConfig.ListenerForward")),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
LISTENER_BATCH = SPEC.list("DescribeLoadBalancerListeners").batch


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("slb")
    out = col.section(region, "slb")
    lbs = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeLoadBalancers"), region, {"region_id": region}).items
    by_id = {lb["LoadBalancerId"]: lb for lb in lbs}
    col.map(lambda batch: _listeners(col, m, region, batch, by_id), chunks(list(by_id), LISTENER_BATCH))
    out["load_balancers"] = lbs


def _listeners(col: Collection, m, region: str, batch: list[str], by_id: dict) -> None:
    # With more than one balancer, a failure is not attributed to the batch:
    # each balancer is then asked for on its own, so that one refusal marks one balancer.
    quiet = len(batch) > 1
    got = pager.list_rpc(col, PRODUCT, SPEC.list("DescribeLoadBalancerListeners"), region,
                         {"region_id": region, "load_balancer_id": batch},
                         resource=None if quiet else batch[0], record=not quiet)
    listeners, complete = got.items, got.complete
    if not complete and quiet:
        col.map(lambda lb_id: _listeners(col, m, region, [lb_id], by_id), batch)  # in parallel
        return
    if not complete:
        return
    for lb_id in batch:
        by_id[lb_id]["listeners"] = []
    for listener in listeners:
        owner = by_id.get(listener.get("LoadBalancerId"))
        if owner is not None:
            owner["listeners"].append(listener)


def min_calls(account: dict, region: str) -> Cost:
    """DescribeLoadBalancers 100 a page; DescribeLoadBalancerListeners for ten balancers at a time
    (documented maximum of LoadBalancerId), 100 listeners a page."""
    lbs = region_section(account, region, "slb").get("load_balancers") or []
    cost = Cost().list("slb:DescribeLoadBalancers", pages(len(lbs), 100))
    deepest = 0
    for batch in chunks(lbs, LISTENER_BATCH):
        n = pages(sum(len(lb.get("listeners") or []) for lb in batch), 100)
        cost.detail("slb:DescribeLoadBalancerListeners", n)
        deepest = max(deepest, n)
    cost.chain = pages(len(lbs), 100) + deepest
    return cost
