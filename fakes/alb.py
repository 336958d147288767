"""Application Load Balancer (ALB 2020-06-16): load balancers, listeners, forwarding rules, TLS policies.

Lists are bare JSON arrays and page with NextToken/MaxResults (1 to 100, default 20).
"""

from .common import strip
from .rpc import Call, page_by_token
from .wire import ApiError

PRODUCT = "alb"
VERSION = "2020-06-16"
HOST_PREFIXES = ("alb",)
# The request parameter naming one resource, and its ARN type (fakes/policy.py).
RESOURCE = ("LoadBalancerId", "loadbalancer")
DETAILS = ("attribute", "listeners")
FILTER_LIMIT = 20


def _ids(call: Call, name: str) -> list[str]:
    return call.repeated(name, FILTER_LIMIT)


def list_load_balancers(call: Call) -> dict:
    items = call.items("load_balancers")
    wanted = _ids(call, "LoadBalancerIds")
    if wanted:
        items = [i for i in items if i.get("LoadBalancerId") in wanted]
    page, token, size = page_by_token(call, items, default=20, maximum=100)
    return {"LoadBalancers": [strip(i, DETAILS) for i in page], "NextToken": token, "MaxResults": size,
            "TotalCount": len(items)}


def get_load_balancer_attribute(call: Call) -> dict:
    lb_id = call.require("LoadBalancerId")
    call.fail_if_recorded(resource=lb_id)
    item = call.find("load_balancers", "LoadBalancerId", lb_id)
    if item is None:
        raise ApiError("ResourceNotFound.LoadBalancer", "The specified resource LoadBalancer is not found.", 404)
    return dict(item.get("attribute") or strip(item, DETAILS))


def _balancers(call: Call) -> list[dict]:
    wanted = _ids(call, "LoadBalancerIds")
    for lb_id in wanted:
        call.fail_if_recorded(resource=lb_id)
    return [lb for lb in call.items("load_balancers") if not wanted or lb.get("LoadBalancerId") in wanted]


def list_listeners(call: Call) -> dict:
    listeners = []
    for lb in _balancers(call):
        for listener in lb.get("listeners", []):
            listeners.append({**strip(listener, ("rules",)), "LoadBalancerId": lb["LoadBalancerId"]})
    wanted = _ids(call, "ListenerIds")
    if wanted:
        listeners = [x for x in listeners if x.get("ListenerId") in wanted]
    if call.params.get("ListenerProtocol"):
        listeners = [x for x in listeners if x.get("ListenerProtocol") == call.params["ListenerProtocol"]]
    page, token, size = page_by_token(call, listeners, default=20, maximum=100)
    return {"Listeners": page, "NextToken": token, "MaxResults": size, "TotalCount": len(listeners)}


def list_rules(call: Call) -> dict:
    direction = call.params.get("Direction") or "Request"
    rules = []
    for lb in _balancers(call):
        for listener in lb.get("listeners", []):
            for r in listener.get("rules", []):
                rules.append({**r, "ListenerId": listener.get("ListenerId"), "LoadBalancerId": lb["LoadBalancerId"]})
    wanted = _ids(call, "ListenerIds")
    if wanted:
        rules = [r for r in rules if r.get("ListenerId") in wanted]
    rules = [r for r in rules if (r.get("Direction") or "Request") == direction]
    page, token, size = page_by_token(call, rules, default=20, maximum=100)
    return {"Rules": page, "NextToken": token, "MaxResults": size, "TotalCount": len(rules)}


def list_security_policies(call: Call) -> dict:
    items = call.items("security_policies")
    wanted = _ids(call, "SecurityPolicyIds")
    if wanted:
        items = [i for i in items if i.get("SecurityPolicyId") in wanted]
    page, token, size = page_by_token(call, items, default=20, maximum=100)
    return {"SecurityPolicies": page, "NextToken": token, "MaxResults": size, "TotalCount": len(items)}


ACTIONS = {
    "ListLoadBalancers": list_load_balancers,
    "GetLoadBalancerAttribute": get_load_balancer_attribute,
    "ListListeners": list_listeners,
    "ListRules": list_rules,
    "ListSecurityPolicies": list_security_policies,
}
