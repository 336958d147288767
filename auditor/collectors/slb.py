"""Server Load Balancer (CLB): load balancers and their listeners, ten balancers a call."""

from __future__ import annotations

from .. import sdk
from .base import Collection, chunks
from .cost import Cost, pages, region_section

PRODUCT = "slb"
CALLS = ("DescribeLoadBalancers", "DescribeLoadBalancerListeners")
LISTENER_BATCH = 10


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("slb")
    out = col.section(region, "slb")
    lbs, _ = col.pages_by_number(
        "slb", "DescribeLoadBalancers", region,
        lambda page: m.DescribeLoadBalancersRequest(region_id=region, page_size=100, page_number=page),
        "LoadBalancers.LoadBalancer[]")
    by_id = {lb["LoadBalancerId"]: lb for lb in lbs}
    col.map(lambda batch: _listeners(col, m, region, batch, by_id), chunks(list(by_id), LISTENER_BATCH))
    out["load_balancers"] = lbs


def _listeners(col: Collection, m, region: str, batch: list[str], by_id: dict) -> None:
    # With more than one balancer, a failure is not attributed to the batch:
    # each balancer is then asked for on its own, so that one refusal marks one balancer.
    quiet = len(batch) > 1
    listeners, complete = col.pages_by_token(
        "slb", "DescribeLoadBalancerListeners", region,
        lambda token: m.DescribeLoadBalancerListenersRequest(region_id=region, load_balancer_id=batch,
                                                              max_results=100, next_token=token),
        "Listeners[]", resource=None if quiet else batch[0], record=not quiet)
    if not complete and quiet:
        for lb_id in batch:
            _listeners(col, m, region, [lb_id], by_id)
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
