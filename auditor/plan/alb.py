"""ALB in a plan: load balancers, their access-log attachment, security policies, listeners and forwarding rules."""

from __future__ import annotations

from aliaudit.rules.common import DOCUMENTED_SYSTEM_TLS_POLICIES

from .references import Values
from .slb import attach_listener, listener_parent

ANSWERS = frozenset({"alb:ListLoadBalancers", "alb:GetLoadBalancerAttribute", "alb:ListListeners", "alb:ListRules",
                     "alb:ListSecurityPolicies", "alb:ListSystemSecurityPolicies"})


def map_alb_load_balancer(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_alb_load_balancer -> ListLoadBalancers item + attribute.ZoneMappings (GetLoadBalancerAttribute)."""
    sid = rc["address"]
    zones, unk = v.get("zone_mappings")
    attribute: dict = {"LoadBalancerId": sid}
    if unk:
        ad.ctx.gap(sid, "GetLoadBalancerAttribute.ZoneMappings", "zone_mappings", "zone_mappings is unknown until apply")
    else:
        attribute["ZoneMappings"] = [{"ZoneId": z.get("zone_id"), "VSwitchId": z.get("vswitch_id")} for z in zones or []]
        for i, _ in enumerate(zones or []):
            if v.get(f"zone_mappings.{i}.zone_id")[1]:
                ad.ctx.gap(sid, "GetLoadBalancerAttribute.ZoneMappings", f"zone_mappings.{i}.zone_id",
                           "a zone of zone_mappings is unknown until apply")
    # documented default: deletion_protection_enabled false
    protect = ad.known_or_default(sid, v, "deletion_protection_enabled",
                                  "GetLoadBalancerAttribute.DeletionProtectionConfig.Enabled", False)
    if protect is not None:
        attribute["DeletionProtectionConfig"] = {"Enabled": bool(protect)}
    logs, unk = v.get("access_log_config")
    if unk:
        ad.ctx.gap(sid, "GetLoadBalancerAttribute.AccessLogConfig", "access_log_config",
                   "access_log_config is unknown until apply")
    else:
        project = ad.known(sid, v, "access_log_config.0.log_project", "GetLoadBalancerAttribute.AccessLogConfig") \
            if logs else None
        store = ad.known(sid, v, "access_log_config.0.log_store", "GetLoadBalancerAttribute.AccessLogConfig") \
            if logs else None
        attribute["AccessLogConfig"] = {"LogProject": project or "", "LogStore": store or ""}
    item = {"LoadBalancerId": sid, "RegionId": region,
            "AddressType": ad.known(sid, v, "address_type", "ListLoadBalancers.AddressType"),
            "attribute": attribute, "listeners": []}
    ad.region_bucket(region, "alb", "load_balancers").append(ad.register(sid, item))


def map_alb_access_log(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_alb_load_balancer_access_log_config_attachment (load_balancer_id, log_project, log_store)."""
    sid = rc["address"]
    lb, _ = ad.ref_value(sid, rc, v, "load_balancer_id", "GetLoadBalancerAttribute.AccessLogConfig")
    item = ad.ctx.items.get(lb) if lb else None
    if item is None or lb in ad.ctx.stubs:
        ad.ctx.skipped.append({"address": sid, "why": f"its load balancer {lb or '(unknown)'} is not created by this plan"})
        return
    item["attribute"]["AccessLogConfig"] = {
        "LogProject": ad.known(lb, v, "log_project", "GetLoadBalancerAttribute.AccessLogConfig") or "",
        "LogStore": ad.known(lb, v, "log_store", "GetLoadBalancerAttribute.AccessLogConfig") or ""}


def map_alb_security_policy(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_alb_security_policy (tls_versions, ciphers) -> a ListSecurityPolicies item."""
    sid = rc["address"]
    item = {"SecurityPolicyId": sid, "TLSVersions": ad.known(sid, v, "tls_versions", "ListSecurityPolicies.TLSVersions"),
            "Ciphers": v.get("ciphers")[0]}
    ad.region_bucket(region, "alb", "security_policies").append(ad.register(sid, item))


def _system_tls_policies(ad, region: str) -> None:
    """A plan cannot call ListSystemSecurityPolicies: the region's system policies are the documented ones
    (rules.common.DOCUMENTED_SYSTEM_TLS_POLICIES, from the ALB "TLS security policies" page)."""
    ad.region_bucket(region, "alb", "security_policies")  # the custom policies are those the plan creates
    bucket = ad.region_bucket(region, "alb", "system_security_policies")
    if not bucket:
        bucket.extend({"SecurityPolicyId": k, "TLSVersions": list(v)} for k, v in DOCUMENTED_SYSTEM_TLS_POLICIES.items())


def map_alb_listener(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_alb_listener -> a ListListeners item (ListenerProtocol HTTP|HTTPS|QUIC, SecurityPolicyId)."""
    sid = rc["address"]
    lb_item = listener_parent(ad, rc, v, region, "ListListeners", "alb")
    policy, _ = ad.ref_value(sid, rc, v, "security_policy_id", "ListListeners.SecurityPolicyId")
    _system_tls_policies(ad, region)
    listener = {"ListenerId": sid, "LoadBalancerId": lb_item["LoadBalancerId"],
                "ListenerProtocol": ad.known(sid, v, "listener_protocol", "ListListeners.ListenerProtocol"),
                "ListenerPort": ad.known(sid, v, "listener_port", "ListListeners.ListenerPort"),
                "SecurityPolicyId": policy,
                "DefaultActions": [{"Type": a.get("type")} for a in (v.get("default_actions")[0] or [])],
                # a new listener has only the forwarding rules (alicloud_alb_rule) this plan gives it
                "rules": []}
    ad.ctx.items[sid] = listener
    attach_listener(ad, sid, lb_item, listener)


def map_alb_rule(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_alb_rule (listener_id, priority, rule_conditions, rule_actions) -> a ListRules item on its listener."""
    sid = rc["address"]
    target, _ = ad.ref_value(sid, rc, v, "listener_id", "ListRules")
    listener = ad.ctx.items.get(target) if target else None
    if listener is None or "rules" not in listener:
        ad.ctx.skipped.append({"address": sid, "why": f"its listener {target or '(unknown)'} is not created by this plan"})
        return
    lid = f"{listener['LoadBalancerId']}/{listener['ListenerProtocol']}:{listener['ListenerPort']}"

    def block(node, name):  # provider blocks are lists of one object; the API has an object
        inner = (node or {}).get(name) or []
        return inner[0] if isinstance(inner, list) and inner else (inner if isinstance(inner, dict) else {})

    conditions, unk_c = v.get("rule_conditions")
    actions, unk_a = v.get("rule_actions")
    priority, unk_p = v.get("priority")
    if unk_c or unk_a or unk_p:
        ad.ctx.gap(lid, "ListRules", "rule_actions", f"the rule {sid} is unknown until apply")
        return
    listener["rules"].append({
        "RuleId": sid, "Priority": priority,
        "RuleConditions": [{"Type": c.get("type"),
                            "PathConfig": {"Values": block(c, "path_config").get("values")},
                            "HostConfig": {"Values": block(c, "host_config").get("values")}} for c in conditions or []],
        "RuleActions": [{"Type": a.get("type"), "Order": a.get("order"),
                         "RedirectConfig": {"Protocol": block(a, "redirect_config").get("protocol")}}
                        for a in actions or []]})



# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS = {
    "alicloud_alb_load_balancer": (map_alb_load_balancer, 0),
    "alicloud_alb_listener": (map_alb_listener, 1),
    "alicloud_alb_rule": (map_alb_rule, 2),
    "alicloud_alb_security_policy": (map_alb_security_policy, 0),
    "alicloud_alb_load_balancer_access_log_config_attachment": (map_alb_access_log, 1),
}
