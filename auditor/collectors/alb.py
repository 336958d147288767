"""Application Load Balancer (ALB): load balancers with zones, listeners with their rules, custom TLS policies.

ALB lists are bare JSON arrays (`LoadBalancers`, `Listeners`, `Rules`, `SecurityPolicies`) and page with
NextToken/MaxResults (at most 100).
"""

from __future__ import annotations

from .. import sdk
from .base import Collection

PRODUCT = "alb"
CALLS = ("ListLoadBalancers", "GetLoadBalancerAttribute", "ListListeners", "ListRules", "ListSecurityPolicies")
MAX_RESULTS = 100


def collect_region(col: Collection, region: str) -> None:
    m = sdk.models("alb")
    out = col.section(region, "alb")
    lbs, _ = col.pages_by_token(
        "alb", "ListLoadBalancers", region,
        lambda token: m.ListLoadBalancersRequest(max_results=MAX_RESULTS, next_token=token), "LoadBalancers[]")
    for lb in lbs:
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
            continue
        rules, complete = col.pages_by_token(
            "alb", "ListRules", region,
            lambda token: m.ListRulesRequest(load_balancer_ids=[lb_id], max_results=MAX_RESULTS, next_token=token),
            "Rules[]", resource=lb_id)
        for listener in listeners:
            if complete:
                listener["rules"] = [r for r in rules if r.get("ListenerId") == listener.get("ListenerId")]
        lb["listeners"] = listeners
    policies, complete = col.pages_by_token(
        "alb", "ListSecurityPolicies", region,
        lambda token: m.ListSecurityPoliciesRequest(max_results=MAX_RESULTS, next_token=token), "SecurityPolicies[]")
    out["load_balancers"] = lbs
    if complete:
        out["security_policies"] = policies
