"""ALB rules: HTTPS listeners (HTTP only as a redirect), TLS policies, zones, deletion protection, access logs."""

from .base import check, rule, unknown
from .common import TLS_POLICY_MIN_VERSION, version_tuple

DEFAULT_POLICY = "tls_cipher_policy_1_0"  # what an HTTPS listener uses when none is set
ENCRYPTED = {"HTTPS", "QUIC"}  # QUIC listeners carry HTTP/3, always encrypted


def _listeners(acct):
    for lb in acct.resources("alb", "load_balancers"):
        for listener in lb.get("listeners") or []:
            lid = f"{lb.get('LoadBalancerId')}/{listener.get('ListenerProtocol')}:{listener.get('ListenerPort')}"
            yield lb, listener, lid


def _catch_all(conditions) -> bool:
    """A rule that matches every request: no condition, or only a path of /* or a host of *."""
    for cond in conditions or []:
        kind = cond.get("Type")
        if kind == "Path" and "/*" in ((cond.get("PathConfig") or {}).get("Values") or []):
            continue
        if kind == "Host" and "*" in ((cond.get("HostConfig") or {}).get("Values") or []):
            continue
        return False
    return True


def _https_redirect(rule_item) -> bool:
    return any(a.get("Type") == "Redirect" and (a.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"
               for a in rule_item.get("RuleActions") or [])


@rule(id="alb-listener-https-only", product="alb", severity="high", resource_type="alb:listener",
      needs=("alb:ListLoadBalancers", "alb:ListListeners", "alb:ListRules"),
      title="ALB HTTP listeners only redirect to HTTPS",
      rationale="GL8 5.1(b): web traffic is encrypted in transit; plain HTTP is acceptable only when every request "
                "is redirected to HTTPS.",
      remediation={
          "console": "ALB console > the instance > Listener: add an HTTPS listener, then on the HTTP listener add a "
                     "forwarding rule for path /* whose action is Redirect to HTTPS:443.",
          "cli": "aliyun alb CreateRule --region {region} --ListenerId {ev:ListenerId} --Priority 1 --RuleConditions.1.Type Path "
                 "--RuleConditions.1.PathConfig.Values.1 '/*' --RuleActions.1.Type Redirect "
                 "--RuleActions.1.RedirectConfig.Protocol HTTPS --RuleActions.1.RedirectConfig.Port 443 ...",
          "terraform": "alicloud_alb_rule on the {child} listener of {parent} ({region}) with rule_actions { type = \"Redirect\" redirect_config { protocol = \"HTTPS\" } }",
      })
def listener_https_only(acct, settings):
    for lb, listener, lid in _listeners(acct):
        protocol = (listener.get("ListenerProtocol") or "").upper()
        evidence = {"ListListeners.ListenerProtocol": listener.get("ListenerProtocol"),
                    "ListListeners.ListenerPort": listener.get("ListenerPort")}
        if protocol in ENCRYPTED:
            yield check(lid, lb.region, True, evidence)
            continue
        if "rules" not in listener:
            yield unknown(lid, lb.region, "alb:ListRules was not read for this listener", evidence)
            continue
        redirects = [r for r in listener["rules"] if _https_redirect(r) and _catch_all(r.get("RuleConditions"))]
        evidence["ListRules.RuleActions[].RedirectConfig.Protocol"] = [
            (a.get("RedirectConfig") or {}).get("Protocol") for r in listener["rules"]
            for a in r.get("RuleActions") or [] if a.get("Type") == "Redirect"]
        # The redirect must be the rule evaluated first, or earlier rules still forward plain HTTP.
        first = min(listener["rules"], key=lambda r: r.get("Priority") or 0, default=None)
        ok = bool(redirects) and first in redirects
        yield check(lid, lb.region, ok, evidence,
                    "" if ok else "plain HTTP is served: no catch-all redirect to HTTPS is evaluated first")


@rule(id="alb-https-listener-tls12", product="alb", severity="high", resource_type="alb:listener",
      needs=("alb:ListLoadBalancers", "alb:ListListeners", "alb:ListSecurityPolicies"),
      title="ALB HTTPS listeners accept TLS 1.2 or later only",
      rationale="GL8 5.1(b) and (f): TLS 1.0 and 1.1 are deprecated; payment pages and personal data need TLS 1.2 "
                "or later.",
      remediation={
          "console": "ALB console > the HTTPS listener > Modify Listener > TLS Security Policy: tls_cipher_policy_1_2 "
                     "(or 1_2_strict / 1_2_strict_with_1_3, or a custom policy without TLSv1.0/1.1).",
          "cli": "aliyun alb ListListeners --region {region} --LoadBalancerIds.1 {parent} (the {child} listener); "
                 "aliyun alb UpdateListenerAttribute --region {region} --ListenerId {ev:ListenerId} "
                 "--SecurityPolicyId tls_cipher_policy_1_2_strict",
          "terraform": "alicloud_alb_listener ({child} of {parent}): security_policy_id = \"tls_cipher_policy_1_2_strict\"",
      })
def https_listener_tls12(acct, settings):
    for lb, listener, lid in _listeners(acct):
        if (listener.get("ListenerProtocol") or "").upper() != "HTTPS":
            continue
        policy = listener.get("SecurityPolicyId")
        effective = policy or DEFAULT_POLICY
        evidence = {"ListListeners.SecurityPolicyId": policy, "required_tls": settings.min_tls_version}
        minimum = TLS_POLICY_MIN_VERSION.get(effective)
        if minimum is None:
            custom = {p.get("SecurityPolicyId"): p for p in acct.in_region(lb.region, "alb", "security_policies")}
            if effective not in custom:
                yield unknown(lid, lb.region, f"the TLS policy {effective} is neither a system policy nor listed by "
                              "ListSecurityPolicies", evidence)
                continue
            versions = [v.removeprefix("TLSv") for v in custom[effective].get("TLSVersions") or []]
            evidence["ListSecurityPolicies.TLSVersions"] = custom[effective].get("TLSVersions")
            minimum = min(versions, key=version_tuple) if versions else None
        evidence["accepts_from_tls"] = minimum
        ok = minimum is not None and version_tuple(minimum) >= version_tuple(settings.min_tls_version)
        yield check(lid, lb.region, ok, evidence,
                    "" if ok else f"the policy {effective} accepts TLS {minimum or 'of unknown version'}")


@rule(id="alb-multi-zone", product="alb", severity="medium", resource_type="alb:load-balancer",
      needs=("alb:ListLoadBalancers", "alb:GetLoadBalancerAttribute"),
      title="ALB instances serve from at least the required number of zones",
      rationale="GL14 5.17: a load balancer mapped to two zones keeps serving when one zone fails.",
      remediation={
          "console": "ALB console > the instance > Zone: add a zone and vSwitch.",
          "cli": "aliyun alb UpdateLoadBalancerZones --region {region} --LoadBalancerId {resource_id} --ZoneMappings.1.ZoneId <a> "
                 "--ZoneMappings.1.VSwitchId <vsw-a> --ZoneMappings.2.ZoneId <b> --ZoneMappings.2.VSwitchId <vsw-b>",
          "terraform": "alicloud_alb_load_balancer ({resource_id}, {region}): zone_mappings (two or more zones)",
      })
def multi_zone(acct, settings):
    for lb in acct.resources("alb", "load_balancers"):
        zones = sorted({z.get("ZoneId") for z in (lb.get("attribute") or {}).get("ZoneMappings") or [] if z.get("ZoneId")})
        ok = len(zones) >= settings.min_zones
        yield check(lb.get("LoadBalancerId"), lb.region, ok,
                    {"GetLoadBalancerAttribute.ZoneMappings[].ZoneId": zones, "required_zones": settings.min_zones},
                    "" if ok else f"mapped to {len(zones)} zone(s)")


@rule(id="alb-deletion-protection", product="alb", severity="medium", resource_type="alb:load-balancer",
      needs=("alb:ListLoadBalancers", "alb:GetLoadBalancerAttribute"),
      title="ALB instances have deletion protection",
      rationale="GL14 5.17: an internet entry point deleted by mistake takes the service down.",
      remediation={
          "console": "ALB console > the instance > Instance Details: enable Deletion Protection.",
          "cli": "aliyun alb EnableDeletionProtection --region {region} --ResourceId {resource_id}",
          "terraform": "alicloud_alb_load_balancer ({resource_id}, {region}): deletion_protection_enabled = true",
      })
def deletion_protection(acct, settings):
    for lb in acct.resources("alb", "load_balancers"):
        value = ((lb.get("attribute") or {}).get("DeletionProtectionConfig") or {}).get("Enabled")
        ok = value is True
        yield check(lb.get("LoadBalancerId"), lb.region, ok,
                    {"GetLoadBalancerAttribute.DeletionProtectionConfig.Enabled": value},
                    "" if ok else "deletion protection is off")


@rule(id="alb-access-log-enabled", product="alb", severity="medium", resource_type="alb:load-balancer",
      needs=("alb:ListLoadBalancers", "alb:GetLoadBalancerAttribute"),
      title="ALB access logs are delivered to Simple Log Service",
      rationale="GL20 monitoring: request logs of internet-facing entry points are needed to detect and "
                "investigate attacks.",
      remediation={
          "console": "ALB console > the instance > Access Log: enable, choosing an SLS project and Logstore.",
          "cli": "aliyun alb EnableLoadBalancerAccessLog --region {region} --LoadBalancerId {resource_id} "
                 "--LogProject <sls-project> --LogStore <logstore>",
          "terraform": "alicloud_alb_load_balancer ({resource_id}, {region}): access_log_config { log_project, log_store }",
      })
def access_log_enabled(acct, settings):
    for lb in acct.resources("alb", "load_balancers"):
        cfg = (lb.get("attribute") or {}).get("AccessLogConfig") or {}
        ok = bool(cfg.get("LogProject")) and bool(cfg.get("LogStore"))
        yield check(lb.get("LoadBalancerId"), lb.region, ok,
                    {"GetLoadBalancerAttribute.AccessLogConfig.LogProject": cfg.get("LogProject"),
                     "GetLoadBalancerAttribute.AccessLogConfig.LogStore": cfg.get("LogStore")},
                    "" if ok else "access logging is off")

