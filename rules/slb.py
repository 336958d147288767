"""CLB rules: HTTPS-only listeners, TLS 1.2 policies, a standby zone."""

from .base import check, not_applicable, rule
from .common import TLS_POLICY_MIN_VERSION, version_tuple


def _listeners(acct):
    for lb in acct.resources("slb", "load_balancers"):
        for listener in lb.get("listeners") or []:
            lid = f"{lb.get('LoadBalancerId')}/{listener.get('ListenerProtocol')}:{listener.get('ListenerPort')}"
            yield lb, listener, lid


@rule(id="slb-listener-https-only", product="slb", severity="high", resource_type="slb:listener",
      needs=("slb:DescribeLoadBalancers", "slb:DescribeLoadBalancerListeners"),
      title="CLB HTTP listeners only redirect to HTTPS",
      rationale="GL8 5.1(b): web traffic is encrypted in transit; plain HTTP is acceptable only as a redirect.",
      remediation={
          "console": "CLB console > the instance > Listeners: add an HTTPS listener, then set the HTTP listener to "
                     "redirect (Listener Forward) to it.",
          "cli": "aliyun slb SetLoadBalancerHTTPListenerAttribute --RegionId {region} --LoadBalancerId {parent} --ListenerPort {port} --ListenerForward on --ForwardPort 443",
          "terraform": "alicloud_slb_listener (load_balancer_id = \"{parent}\", frontend_port = {port}, protocol = \"http\") with listener_forward = \"on\", forward_port = 443",
      })
def listener_https_only(acct, settings):
    for lb, listener, lid in _listeners(acct):
        protocol = (listener.get("ListenerProtocol") or "").lower()
        forward = (listener.get("HTTPListenerConfig") or {}).get("ListenerForward")
        evidence = {"DescribeLoadBalancerListeners.ListenerProtocol": listener.get("ListenerProtocol"),
                    "DescribeLoadBalancerListeners.ListenerPort": listener.get("ListenerPort")}
        if protocol == "https":
            yield check(lid, lb.region, True, evidence)
        elif protocol == "http":
            evidence["DescribeLoadBalancerListeners.HTTPListenerConfig.ListenerForward"] = forward
            yield check(lid, lb.region, forward == "on", evidence,
                        "" if forward == "on" else "plain HTTP is served, not redirected to HTTPS")
        else:
            yield not_applicable(lid, lb.region, f"a {protocol or 'unknown'} (layer 4) listener", evidence)


@rule(id="slb-https-listener-tls12", product="slb", severity="high", resource_type="slb:listener",
      needs=("slb:DescribeLoadBalancers", "slb:DescribeLoadBalancerListeners"),
      title="CLB HTTPS listeners accept TLS 1.2 or later only",
      rationale="GL8 5.1(b) and (f): TLS 1.0 and 1.1 are broken or deprecated; payment pages and personal data "
                "need TLS 1.2 or later.",
      remediation={
          "console": "CLB console > the HTTPS listener > Modify > Advanced: TLS Security Policy tls_cipher_policy_1_2 "
                     "(or 1_2_strict / 1_2_strict_with_1_3).",
          "cli": "aliyun slb SetLoadBalancerHTTPSListenerAttribute --RegionId {region} --LoadBalancerId {parent} --ListenerPort {port} --TLSCipherPolicy tls_cipher_policy_1_2_strict",
          "terraform": "alicloud_slb_listener (load_balancer_id = \"{parent}\", frontend_port = {port}): tls_cipher_policy = \"tls_cipher_policy_1_2_strict\"",
      })
def https_listener_tls12(acct, settings):
    for lb, listener, lid in _listeners(acct):
        if (listener.get("ListenerProtocol") or "").lower() != "https":
            continue
        policy = (listener.get("HTTPSListenerConfig") or {}).get("TLSCipherPolicy")
        effective = policy or "tls_cipher_policy_1_0"  # the documented default
        minimum = TLS_POLICY_MIN_VERSION.get(effective)
        ok = minimum is not None and version_tuple(minimum) >= version_tuple(settings.min_tls_version)
        yield check(lid, lb.region, ok,
                    {"DescribeLoadBalancerListeners.HTTPSListenerConfig.TLSCipherPolicy": policy,
                     "accepts_from_tls": minimum, "required_tls": settings.min_tls_version},
                    "" if ok else f"the policy {effective} accepts TLS {minimum or 'of unknown version'}")


@rule(id="slb-multi-zone", product="slb", severity="medium", resource_type="slb:load-balancer",
      needs=("slb:DescribeLoadBalancers",),
      title="CLB instances have a standby zone",
      rationale="GL14 5.17: a load balancer with a standby zone keeps serving when its primary zone fails.",
      remediation={
          "console": "Create the CLB instance with a primary and a standby zone (both Hong Kong zones), then move "
                     "the listeners to it.",
          "cli": "aliyun slb CreateLoadBalancer --RegionId {region} --MasterZoneId <zone-a> --SlaveZoneId <zone-b> ...",
          "terraform": "alicloud_slb_load_balancer replacing {resource_id} ({region}): master_zone_id and slave_zone_id (different zones)",
      })
def multi_zone(acct, settings):
    for lb in acct.resources("slb", "load_balancers"):
        master, slave = lb.get("MasterZoneId"), lb.get("SlaveZoneId")
        ok = bool(slave) and slave != master
        yield check(lb.get("LoadBalancerId"), lb.region, ok,
                    {"DescribeLoadBalancers.MasterZoneId": master, "DescribeLoadBalancers.SlaveZoneId": slave},
                    "" if ok else "no standby zone")
