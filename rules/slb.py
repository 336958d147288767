"""CLB rules: HTTPS-only listeners, TLS 1.2 policies, a standby zone."""

from .base import check, each, not_applicable, rule, unknown
from .common import DOCUMENTED_SYSTEM_TLS_POLICIES, BadField, oldest_tls, read, version_tuple

# CLB's system policies. No CLB API lists them with their TLS versions (ListTLSCipherPolicies lists custom
# policies only, a feature "not enabled by default"), so their versions come from the CLB "TLS security
# policies" page (alibabacloud.com/help/doc-detail/90740.html); tls_cipher_policy_1_0_to_1_3 is ALB's only.
CLB_SYSTEM_POLICIES = {k: v for k, v in DOCUMENTED_SYSTEM_TLS_POLICIES.items() if k != "tls_cipher_policy_1_0_to_1_3"}


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
        try:
            yield _https_only(lb, listener, lid)
        except BadField as bad:
            yield unknown(lid, lb.region, bad.reason, bad.evidence)


def _https_only(lb, listener, lid):
    protocol = read(listener, "ListenerProtocol", "str", name="DescribeLoadBalancerListeners.ListenerProtocol",
                    optional=False).lower()
    evidence = {"DescribeLoadBalancerListeners.ListenerProtocol": listener.get("ListenerProtocol"),
                "DescribeLoadBalancerListeners.ListenerPort": listener.get("ListenerPort")}
    if protocol == "https":
        return check(lid, lb.region, True, evidence)
    if protocol == "http":
        forward = read(listener, "HTTPListenerConfig.ListenerForward", "str",
                       name="DescribeLoadBalancerListeners.HTTPListenerConfig.ListenerForward", values=("on", "off"))
        evidence["DescribeLoadBalancerListeners.HTTPListenerConfig.ListenerForward"] = forward
        return check(lid, lb.region, forward == "on", evidence,
                     "" if forward == "on" else "plain HTTP is served, not redirected to HTTPS")
    if protocol in ("tcp", "udp"):
        return not_applicable(lid, lb.region, f"a {protocol} (layer 4) listener", evidence)
    raise BadField("DescribeLoadBalancerListeners.ListenerProtocol", listener.get("ListenerProtocol"),
                   "http, https, tcp or udp")


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
        try:
            got = _tls12(lb, listener, lid, settings)
        except BadField as bad:
            got = unknown(lid, lb.region, bad.reason, bad.evidence)
        if got is not None:
            yield got


def _tls12(lb, listener, lid, settings):
    protocol = read(listener, "ListenerProtocol", "str", name="DescribeLoadBalancerListeners.ListenerProtocol",
                    optional=False)
    if protocol.lower() != "https":
        return None
    policy = read(listener, "HTTPSListenerConfig.TLSCipherPolicy", "str",
                  name="DescribeLoadBalancerListeners.HTTPSListenerConfig.TLSCipherPolicy")
    effective = policy or "tls_cipher_policy_1_0"  # the documented default
    evidence = {"DescribeLoadBalancerListeners.HTTPSListenerConfig.TLSCipherPolicy": policy,
                "required_tls": settings.min_tls_version}
    if effective not in CLB_SYSTEM_POLICIES:
        return unknown(lid, lb.region, f"the TLS policy {effective} is not a documented CLB system policy: its TLS "
                                       "versions are unknown", evidence)
    minimum = oldest_tls(list(CLB_SYSTEM_POLICIES[effective]), "documented TLS versions")
    evidence["accepts_from_tls"] = minimum
    ok = version_tuple(minimum) >= version_tuple(settings.min_tls_version)
    return check(lid, lb.region, ok, evidence, "" if ok else f"the policy {effective} accepts TLS {minimum}")


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
@each("slb", "load_balancers", "LoadBalancerId")
def multi_zone(lb, acct, settings):
    master = read(lb, "MasterZoneId", "str", name="DescribeLoadBalancers.MasterZoneId", optional=False)
    slave = read(lb, "SlaveZoneId", "str", name="DescribeLoadBalancers.SlaveZoneId")
    ok = bool(slave) and slave != master
    return check(lb.get("LoadBalancerId"), lb.region, ok,
                 {"DescribeLoadBalancers.MasterZoneId": master, "DescribeLoadBalancers.SlaveZoneId": slave},
                 "" if ok else "no standby zone")
