"""Application Load Balancer (ALB): load balancers with zones, listeners with their rules, custom and system TLS
policies (ListSecurityPolicies, ListSystemSecurityPolicies: each policy's TLSVersions).

ALB lists are bare JSON arrays (`LoadBalancers`, `Listeners`, `Rules`, `SecurityPolicies`) and page with
NextToken/MaxResults (at most 100).
"""

from __future__ import annotations

from .. import sdk
from .base import Collection
from .cost import Cost, pages, region_section

PRODUCT = "alb"
CALLS = ("ListLoadBalancers", "GetLoadBalancerAttribute", "ListListeners", "ListRules", "ListSecurityPolicies",
         "ListSystemSecurityPolicies")
MAX_RESULTS = 100


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("alb")
    out = col.section(region, "alb")
    lbs, _ = col.pages_by_token(
        "alb", "ListLoadBalancers", region,
        lambda token: m.ListLoadBalancersRequest(max_results=MAX_RESULTS, next_token=token), "LoadBalancers[]")
    col.map(lambda lb: _details(col, m, region, lb), lbs)
    policies, complete = col.pages_by_token(
        "alb", "ListSecurityPolicies", region,
        lambda token: m.ListSecurityPoliciesRequest(max_results=MAX_RESULTS, next_token=token), "SecurityPolicies[]")
    out["load_balancers"] = lbs
    if complete:
        out["security_policies"] = policies
    # The system policies and their TLS versions (no parameters, no paging: SecurityPolicies[] is the whole list).
    system = col.rpc("alb", "ListSystemSecurityPolicies", region, None, require="SecurityPolicies[]")
    if system is not None:
        out["system_security_policies"] = system["SecurityPolicies"]


def _details(col: Collection, m, region: str, lb: dict) -> None:
    lb_id = lb["LoadBalancerId"]
    body = col.rpc("alb", "GetLoadBalancerAttribute", region, m.GetLoadBalancerAttributeRequest(load_balancer_id=lb_id),
                   resource=lb_id, require="ZoneMappings[]")
    if body is not None:
        lb["attribute"] = body
    listeners, complete = col.pages_by_token(
        "alb", "ListListeners", region,
        lambda token: m.ListListenersRequest(load_balancer_ids=[lb_id], max_results=MAX_RESULTS, next_token=token),
        "Listeners[]", resource=lb_id)
    if not complete:
        return
    rules, complete = col.pages_by_token(
        "alb", "ListRules", region,
        lambda token: m.ListRulesRequest(load_balancer_ids=[lb_id], max_results=MAX_RESULTS, next_token=token),
        "Rules[]", resource=lb_id)
    for listener in listeners:
        if complete:
            listener["rules"] = [r for r in rules if r.get("ListenerId") == listener.get("ListenerId")]
    lb["listeners"] = listeners


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
