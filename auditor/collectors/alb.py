"""Application Load Balancer (ALB): load balancers with zones, listeners with their rules, custom TLS policies.

ALB lists are bare JSON arrays (`LoadBalancers`, `Listeners`, `Rules`, `SecurityPolicies`) and page with
NextToken/MaxResults (at most 100).
"""

from __future__ import annotations

from .. import sdk
from . import pager
from .base import Collection
from .cost import Cost, pages, region_section
from .spec import Detail, ListCall, NextToken, Product

# Every ALB list: MaxResults 1-100 with NextToken (tests/documented/NOTES-issue4.md). Their TotalCount is
# documented only as "the number of entries returned" (SDK model), not as the whole list's: it is not used.
SPEC = Product("alb", lists=(
    ListCall("ListLoadBalancers", items="LoadBalancers", id="LoadBalancerId", into="load_balancers",
             paging=NextToken(max_size=100), require=("LoadBalancerId", "AddressType")),
    ListCall("ListListeners", scope="resource", per="LoadBalancerId", items="Listeners", id="ListenerId",
             into="listeners", paging=NextToken(max_size=100),
             require=("ListenerId", "ListenerProtocol", "SecurityPolicyId")),
    ListCall("ListRules", scope="resource", per="LoadBalancerId", items="Rules", id="RuleId", into="rules",
             paging=NextToken(max_size=100), require=("ListenerId", "RuleActions")),
    ListCall("ListSecurityPolicies", items="SecurityPolicies", id="SecurityPolicyId", into="security_policies",
             paging=NextToken(max_size=100), require=("TLSVersions",)),
), details=(
    Detail("GetLoadBalancerAttribute", per="LoadBalancerId", into="attribute", require="ZoneMappings[]"),
))
PRODUCT = SPEC.name
CALLS = SPEC.actions
MAX_RESULTS = 100


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("alb")
    out = col.section(region, "alb")
    lbs = pager.list_rpc(col, PRODUCT, SPEC.list("ListLoadBalancers"), region).items
    col.map(lambda lb: _details(col, m, region, lb), lbs)
    policies = pager.list_rpc(col, PRODUCT, SPEC.list("ListSecurityPolicies"), region)
    out["load_balancers"] = lbs
    if policies.complete:
        out["security_policies"] = policies.items


def _details(col: Collection, m, region: str, lb: dict) -> None:
    lb_id = lb["LoadBalancerId"]
    body = col.rpc("alb", "GetLoadBalancerAttribute", region, m.GetLoadBalancerAttributeRequest(load_balancer_id=lb_id),
                   resource=lb_id, require="ZoneMappings[]")
    if body is not None:
        lb["attribute"] = body
    got = pager.list_rpc(col, PRODUCT, SPEC.list("ListListeners"), region, {"load_balancer_ids": [lb_id]},
                         resource=lb_id)
    if not got.complete:
        return
    listeners = got.items
    rules = pager.list_rpc(col, PRODUCT, SPEC.list("ListRules"), region, {"load_balancer_ids": [lb_id]},
                           resource=lb_id)
    for listener in listeners:
        if rules.complete:
            listener["rules"] = [r for r in rules.items if r.get("ListenerId") == listener.get("ListenerId")]
    lb["listeners"] = listeners


def min_calls(account: dict, region: str) -> Cost:
    """ListLoadBalancers and ListSecurityPolicies 100 a page; per balancer its attribute, its listeners and
    their (request-direction) rules, 100 a page."""
    s = region_section(account, region, "alb")
    lbs = s.get("load_balancers") or []
    cost = Cost().list("alb:ListLoadBalancers", pages(len(lbs), MAX_RESULTS))
    cost.list("alb:ListSecurityPolicies", pages(len(s.get("security_policies") or []), MAX_RESULTS))
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
