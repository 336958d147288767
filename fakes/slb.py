"""Server Load Balancer (CLB) 2014-05-15: load balancers and their listeners."""

from .common import strip
from .rpc import Call, page_by_number, page_by_token

PRODUCT = "slb"
VERSION = "2014-05-15"
HOST_PREFIXES = ("slb",)
# The request parameter naming one resource, and its ARN type (fakes/policy.py).
RESOURCE = ("LoadBalancerId", "loadbalancer")
DETAILS = ("listeners",)


def describe_load_balancers(call: Call) -> dict:
    items = call.items("load_balancers")
    if call.params.get("LoadBalancerId"):
        wanted = set(call.params["LoadBalancerId"].split(","))
        items = [i for i in items if i.get("LoadBalancerId") in wanted]
    page, number, size = page_by_number(call, items, default=10, maximum=100)
    return {
        "LoadBalancers": {"LoadBalancer": [strip(i, DETAILS) for i in page]},
        "TotalCount": len(items),
        "PageNumber": number,
        "PageSize": size,
    }


def describe_load_balancer_listeners(call: Call) -> dict:
    wanted = call.repeated("LoadBalancerId", 10)
    for lb_id in wanted:
        call.fail_if_recorded(resource=lb_id)
    listeners = []
    for lb in call.items("load_balancers"):
        if wanted and lb.get("LoadBalancerId") not in wanted:
            continue
        for listener in lb.get("listeners", []):
            listeners.append({"LoadBalancerId": lb["LoadBalancerId"], **listener})
    protocol = call.params.get("ListenerProtocol")
    if protocol:
        listeners = [x for x in listeners if x.get("ListenerProtocol") == protocol]
    page, token, size = page_by_token(call, listeners, default=20, maximum=100)
    return {"Listeners": page, "NextToken": token, "MaxResults": size, "TotalCount": len(listeners)}


ACTIONS = {
    "DescribeLoadBalancers": describe_load_balancers,
    "DescribeLoadBalancerListeners": describe_load_balancer_listeners,
}
