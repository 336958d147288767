"""ALB rules: HTTPS listeners (HTTP only as a redirect), TLS policies, zones, deletion protection, access logs."""

from .base import check, each, judged, rule, unknown
from .common import BadField, items, oldest_tls, read, version_tuple

DEFAULT_POLICY = "tls_cipher_policy_1_0"  # what an HTTPS listener uses when none is set
ENCRYPTED = {"HTTPS", "QUIC"}  # QUIC listeners carry HTTP/3, always encrypted


def _listeners(acct):
    for lb in acct.resources("alb", "load_balancers"):
        for listener in lb.get("listeners") or []:
            lid = f"{lb.get('LoadBalancerId')}/{listener.get('ListenerProtocol')}:{listener.get('ListenerPort')}"
            yield lb, listener, lid


def _catch_all(conditions) -> bool:
    """A rule that matches every request: no condition, or only a path of /* or a host of *."""
    if conditions is not None and not (isinstance(conditions, list) and all(isinstance(c, dict) for c in conditions)):
        raise BadField("ListRules.RuleConditions", conditions, "a list of conditions")
    for cond in conditions or []:
        kind = read(cond, "Type", "str", name="ListRules.RuleConditions.Type", optional=False)
        if kind == "Path" and "/*" in ((cond.get("PathConfig") or {}).get("Values") or []):
            continue
        if kind == "Host" and "*" in ((cond.get("HostConfig") or {}).get("Values") or []):
            continue
        return False
    return True


def _https_redirect(rule_item) -> bool:
    actions = items(rule_item, "RuleActions", name="ListRules.RuleActions")
    return any(read(a, "Type", "str", name="ListRules.RuleActions.Type", optional=False) == "Redirect" and
               read(a, "RedirectConfig.Protocol", "str", name="ListRules.RuleActions.RedirectConfig.Protocol") == "HTTPS"
               for a in actions)


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
        try:
            yield _https_only(lb, listener, lid)
        except BadField as bad:
            yield unknown(lid, lb.region, bad.reason, bad.evidence)


def _https_only(lb, listener, lid):
    protocol = read(listener, "ListenerProtocol", "str", name="ListListeners.ListenerProtocol", optional=False,
                    values=("HTTP", "HTTPS", "QUIC")).upper()
    evidence = {"ListListeners.ListenerProtocol": listener.get("ListenerProtocol"),
                "ListListeners.ListenerPort": listener.get("ListenerPort")}
    if protocol in ENCRYPTED:
        return check(lid, lb.region, True, evidence)
    if "rules" not in listener:
        return unknown(lid, lb.region, "alb:ListRules was not read for this listener", evidence)
    rules = items(listener, "rules", name="ListRules.Rules")
    redirects = [r for r in rules if _https_redirect(r) and _catch_all(r.get("RuleConditions"))]
    evidence["ListRules.RuleActions[].RedirectConfig.Protocol"] = [
        (a.get("RedirectConfig") or {}).get("Protocol") for r in rules
        for a in r.get("RuleActions") or [] if a.get("Type") == "Redirect"]
    # The redirect must be the rule evaluated first, or earlier rules still forward plain HTTP.
    priorities = {id(r): read(r, "Priority", "int", name="ListRules.Priority", optional=False) for r in rules}
    first = min(rules, key=lambda r: priorities[id(r)], default=None)
    ok = bool(redirects) and first in redirects
    return check(lid, lb.region, ok, evidence,
                 "" if ok else "plain HTTP is served: no catch-all redirect to HTTPS is evaluated first")


@rule(id="alb-https-listener-tls12", product="alb", severity="high", resource_type="alb:listener",
      needs=("alb:ListLoadBalancers", "alb:ListListeners", "alb:ListSecurityPolicies", "alb:ListSystemSecurityPolicies"),
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
    """A listener's TLS versions are those of its policy as the API lists them: system policies from
    ListSystemSecurityPolicies, custom ones from ListSecurityPolicies. A policy neither lists (or a list that was
    not read) is ERROR: no built-in table decides."""
    for lb, listener, lid in _listeners(acct):
        got = judged(lid, lb.region, lambda: _tls12(acct, lb, listener, lid, settings))
        if got is not None:
            yield got


def _tls12(acct, lb, listener, lid, settings):
    if read(listener, "ListenerProtocol", "str", name="ListListeners.ListenerProtocol", optional=False).upper() != "HTTPS":
        return None
    policy = read(listener, "SecurityPolicyId", "str", name="ListListeners.SecurityPolicyId")
    effective = policy or DEFAULT_POLICY
    evidence = {"ListListeners.SecurityPolicyId": policy, "required_tls": settings.min_tls_version}
    section = acct.raw.get("regions", {}).get(lb.region, {}).get("alb", {})
    unread = [api for kind, api in (("system_security_policies", "ListSystemSecurityPolicies"),
                                    ("security_policies", "ListSecurityPolicies")) if kind not in section]
    if unread:  # both lists name policies: with one unread, which one the id is, and its versions, are unknown
        return unknown(lid, lb.region, f"{', '.join('alb:' + a for a in unread)} not read in {lb.region}: the TLS "
                                       f"versions of {effective} are unknown", evidence)
    for kind, api in (("system_security_policies", "ListSystemSecurityPolicies"),
                      ("security_policies", "ListSecurityPolicies")):
        found = [p for p in items(section, kind, name=f"{api}.SecurityPolicies") if p.get("SecurityPolicyId") == effective]
        if found:
            versions = found[0].get("TLSVersions")
            evidence[f"{api}.TLSVersions"] = versions
            minimum = oldest_tls(versions, f"{api}.TLSVersions")
            evidence["accepts_from_tls"] = minimum
            ok = version_tuple(minimum) >= version_tuple(settings.min_tls_version)
            return check(lid, lb.region, ok, evidence, "" if ok else f"the policy {effective} accepts TLS {minimum}")
    return unknown(lid, lb.region, f"the TLS policy {effective} is listed neither by ListSystemSecurityPolicies nor "
                                   "by ListSecurityPolicies: its TLS versions are unknown", evidence)


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
@each("alb", "load_balancers", "LoadBalancerId")
def multi_zone(lb, acct, settings):
    mappings = items(lb, "attribute.ZoneMappings", name="GetLoadBalancerAttribute.ZoneMappings")
    zones = sorted({read(z, "ZoneId", "str", name="GetLoadBalancerAttribute.ZoneMappings.ZoneId", optional=False)
                    for z in mappings})
    ok = len(zones) >= settings.min_zones
    return check(lb.get("LoadBalancerId"), lb.region, ok,
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
@each("alb", "load_balancers", "LoadBalancerId")
def deletion_protection(lb, acct, settings):
    value = read(lb, "attribute.DeletionProtectionConfig.Enabled", "bool",
                 name="GetLoadBalancerAttribute.DeletionProtectionConfig.Enabled")
    ok = value is True
    return check(lb.get("LoadBalancerId"), lb.region, ok,
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
@each("alb", "load_balancers", "LoadBalancerId")
def access_log_enabled(lb, acct, settings):
    cfg = read(lb, "attribute.AccessLogConfig", "dict", name="GetLoadBalancerAttribute.AccessLogConfig") or {}
    project = read(cfg, "LogProject", "str", name="GetLoadBalancerAttribute.AccessLogConfig.LogProject")
    store = read(cfg, "LogStore", "str", name="GetLoadBalancerAttribute.AccessLogConfig.LogStore")
    ok = bool(project) and bool(store)
    return check(lb.get("LoadBalancerId"), lb.region, ok,
                 {"GetLoadBalancerAttribute.AccessLogConfig.LogProject": project,
                  "GetLoadBalancerAttribute.AccessLogConfig.LogStore": store},
                 "" if ok else "access logging is off")
