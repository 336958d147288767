"""CLB (SLB) in a plan: alicloud_slb_load_balancer and alicloud_slb_listener."""

from __future__ import annotations

from .references import Values

ANSWERS = frozenset({"slb:DescribeLoadBalancers", "slb:DescribeLoadBalancerListeners"})


def map_slb(ad, rc: dict, v: Values, region: str) -> None:
    sid = rc["address"]
    item = {"LoadBalancerId": sid, "RegionId": region,
            "MasterZoneId": ad.known(sid, v, "master_zone_id", "DescribeLoadBalancers.MasterZoneId"),
            "SlaveZoneId": ad.known(sid, v, "slave_zone_id", "DescribeLoadBalancers.SlaveZoneId"),
            "AddressType": ad.known(sid, v, "address_type", "DescribeLoadBalancers.AddressType"),
            "listeners": []}
    ad.region_bucket(region, "slb", "load_balancers").append(ad.register(sid, item))


def stub_load_balancer(ad, region: str, lb: str, product: str) -> dict:
    items = ad.region_bucket(region, product, "load_balancers")
    for it in items:
        if it.get("LoadBalancerId") == lb:
            return it
    item = {"LoadBalancerId": lb, "listeners": []}
    ad.ctx.stub(lb, "the load balancer")
    ad.ctx.gap(lb, "DescribeLoadBalancers" if product == "slb" else "GetLoadBalancerAttribute", "id",
               f"the load balancer {lb} is not created by this plan", kind="outside")
    items.append(item)
    return item


def listener_parent(ad, rc: dict, v: Values, region: str, call: str, product: str) -> dict:
    """The load-balancer item a listener resource names (load_balancer_id): the plan's own, or a stub."""
    sid = rc["address"]
    lb, _ = ad.ref_value(sid, rc, v, "load_balancer_id", call)
    lb_item = ad.ctx.items.get(lb) if lb else None
    return lb_item if lb_item is not None else stub_load_balancer(ad, region, lb or sid + "/load_balancer", product)


def attach_listener(ad, sid: str, lb_item: dict, listener: dict) -> None:
    """Put the listener on its load balancer; findings name it "<balancer>/<protocol>:<port>", so the
    resource address's gaps move to that id."""
    lb_item["listeners"].append(listener)
    lid = f"{lb_item['LoadBalancerId']}/{listener['ListenerProtocol']}:{listener['ListenerPort']}"
    ad.ctx.rename[lid] = sid
    for g in ad.ctx.gaps.pop(sid, []):
        ad.ctx.gaps.setdefault(lid, []).append(g)


def map_slb_listener(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_slb_listener -> a DescribeLoadBalancerListeners item on its load balancer."""
    sid = rc["address"]
    lb_item = listener_parent(ad, rc, v, region, "DescribeLoadBalancerListeners", "slb")
    protocol = ad.known(sid, v, "protocol", "DescribeLoadBalancerListeners.ListenerProtocol")
    port = ad.known(sid, v, "frontend_port", "DescribeLoadBalancerListeners.ListenerPort")
    listener: dict = {"ListenerProtocol": protocol, "ListenerPort": port,
                      "LoadBalancerId": lb_item["LoadBalancerId"]}
    if (protocol or "").lower() == "http":
        fwd = ad.known_or_default(sid, v, "listener_forward",
                                  "DescribeLoadBalancerListeners.HTTPListenerConfig.ListenerForward", "off")
        listener["HTTPListenerConfig"] = {"ListenerForward": fwd,
                                          "ForwardPort": v.get("forward_port")[0]}
    elif (protocol or "").lower() == "https":
        tls = ad.known_or_default(sid, v, "tls_cipher_policy",
                                  "DescribeLoadBalancerListeners.HTTPSListenerConfig.TLSCipherPolicy", "tls_cipher_policy_1_0")
        listener["HTTPSListenerConfig"] = {"TLSCipherPolicy": tls}
    attach_listener(ad, sid, lb_item, listener)



# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS = {
    "alicloud_slb_load_balancer": (map_slb, 0),
    "alicloud_slb_listener": (map_slb_listener, 1),
}
