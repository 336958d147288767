"""Application Load Balancer (ALB): load balancers with zones, listeners with their rules, custom and system TLS
policies (ListSecurityPolicies, ListSystemSecurityPolicies: each policy's TLSVersions).

ALB lists are bare JSON arrays (`LoadBalancers`, `Listeners`, `Rules`, `SecurityPolicies`) and page with
NextToken/MaxResults (at most 100).
"""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import Collection, chunks
from .cost import Cost, pages, region_section
from .spec import Detail, ListCall, NextToken, Product

# Every ALB list: MaxResults 1-100 with NextToken (tests/documented/NOTES-issue4.md). Their TotalCount is
# documented only as "the number of entries returned" (SDK model), not as the whole list's: it is not used.
SPEC = Product("alb", lists=(
    ListCall("ListLoadBalancers", items="LoadBalancers", id="LoadBalancerId", into="load_balancers",
             paging=NextToken(max_size=100), require=("LoadBalancerId",)),
    ListCall("ListListeners", scope="batch", per="LoadBalancerId", batch=20, items="Listeners", id="ListenerId",
             into="listeners", paging=NextToken(max_size=100),
             require=("ListenerId", "ListenerProtocol", "ListenerPort", "SecurityPolicyId", "LoadBalancerId")),
    ListCall("ListRules", scope="batch", per="LoadBalancerId", batch=20, items="Rules", id="RuleId", into="rules",
             paging=NextToken(max_size=100), require=("ListenerId", "Priority", "RuleActions", "RuleConditions")),
    ListCall("ListSecurityPolicies", items="SecurityPolicies", id="SecurityPolicyId", into="security_policies",
             paging=NextToken(max_size=100), require=("SecurityPolicyId", "TLSVersions")),
    # The system policies: no parameters, no paging (SecurityPolicies[] is the whole list).
    ListCall("ListSystemSecurityPolicies", items="SecurityPolicies", id="SecurityPolicyId",
             into="system_security_policies", require=("SecurityPolicyId", "TLSVersions")),
), details=(
    Detail("GetLoadBalancerAttribute", per="LoadBalancerId", into="attribute", require="ZoneMappings[]"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
MAX_RESULTS = 100
LISTENER_BATCH = SPEC.list("ListListeners").batch


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("alb")
    out = col.section(region, "alb")
    lbs = pager.list_rpc(col, PRODUCT, SPEC.list("ListLoadBalancers"), region).items
    col.map(lambda lb: _attribute(col, m, region, lb), lbs)
    col.map(lambda batch: _listeners(col, region, batch), chunks(lbs, LISTENER_BATCH))
    policies = pager.list_rpc(col, PRODUCT, SPEC.list("ListSecurityPolicies"), region)
    out["load_balancers"] = lbs
    if policies.complete:
        out["security_policies"] = policies.items
    system = pager.list_rpc(col, PRODUCT, SPEC.list("ListSystemSecurityPolicies"), region)
    if system.complete:
        out["system_security_policies"] = system.items


def _attribute(col: Collection, m, region: str, lb: dict) -> None:
    lb_id = lb["LoadBalancerId"]
    body = col.rpc("alb", "GetLoadBalancerAttribute", region, m.GetLoadBalancerAttributeRequest(load_balancer_id=lb_id),
                   resource=lb_id, require="ZoneMappings[]")
    if body is not None:
        lb["attribute"] = body


def _listeners(col: Collection, region: str, batch: list[dict]) -> None:
    """ListListeners, then ListRules, for up to 20 balancers a call (LoadBalancerIds takes 20). With more than
    one balancer a failure is not attributed to the batch: each balancer is then asked for on its own, in
    parallel, so that one refusal marks one balancer."""
    ids = [lb["LoadBalancerId"] for lb in batch]
    quiet = len(ids) > 1
    where = {"resource": None if quiet else ids[0], "record": not quiet}
    got = pager.list_rpc(col, PRODUCT, SPEC.list("ListListeners"), region, {"load_balancer_ids": ids}, **where)
    rules = (pager.list_rpc(col, PRODUCT, SPEC.list("ListRules"), region, {"load_balancer_ids": ids}, **where)
             if got.complete else None)
    if quiet and not (got.complete and rules.complete):
        col.map(lambda lb: _listeners(col, region, [lb]), batch)
        return
    if not got.complete:
        return
    by_id: dict = {lb_id: [] for lb_id in ids}
    for listener in got.items:
        by_id.setdefault(listener.get("LoadBalancerId") if quiet else ids[0], []).append(listener)
        if rules.complete:
            listener["rules"] = [r for r in rules.items if r.get("ListenerId") == listener.get("ListenerId")]
    for lb in batch:
        lb["listeners"] = by_id[lb["LoadBalancerId"]]


def min_calls(account: dict, region: str) -> Cost:
    """ListLoadBalancers and ListSecurityPolicies 100 a page; per balancer its attribute, its listeners and
    their (request-direction) rules, 100 a page."""
    s = region_section(account, region, "alb")
    lbs = s.get("load_balancers") or []
    cost = Cost().list("alb:ListLoadBalancers", pages(len(lbs), MAX_RESULTS))
    cost.list("alb:ListSecurityPolicies", pages(len(s.get("security_policies") or []), MAX_RESULTS))
    cost.list("alb:ListSystemSecurityPolicies", 1)
    deepest = 0
    for lb in lbs:
        listeners = lb.get("listeners") or []
        rules = sum(1 for x in listeners for r in x.get("rules") or [] if (r.get("Direction") or "Request") == "Request")
        cost.detail("alb:GetLoadBalancerAttribute", 1)
        cost.detail("alb:ListListeners", pages(len(listeners), MAX_RESULTS))
        cost.detail("alb:ListRules", pages(rules, MAX_RESULTS))
        deepest = max(deepest, pages(len(listeners), MAX_RESULTS) + pages(rules, MAX_RESULTS))
    cost.chain = pages(len(lbs), MAX_RESULTS) + deepest
    return cost
