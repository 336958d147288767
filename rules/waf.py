"""WAF 3.0 rules: a WAF instance serves the scanned regions, and each protected object's logs go to Log Service.

WAF 3.0 is bought per site (cn-hangzhou: the Chinese mainland; ap-southeast-1: outside it, Hong Kong
included); the collector reads the site of every scanned region into global.waf.sites."""

from .base import check, not_applicable, rule, unknown
from .common import BadField, items, read

# DescribeInstance Status (tests/documented/SOURCES-waf.md): 1 normal, 2 expired, 3 released.
STATUSES = (1, 2, 3)
STATUS_MEANING = {2: "the WAF instance has expired", 3: "the WAF instance is released"}


def site_of(region: str) -> str:
    """The WAF 3.0 site that serves a region (as the SDK's endpoint map routes it)."""
    return "cn-hangzhou" if region.startswith("cn-") and region != "cn-hongkong" else "ap-southeast-1"


def _sites(acct):
    """The sites serving the scanned regions, as read (None: not read at all). A serving site the snapshot
    does not hold was answered without an instance, or its call failed (recorded: the engine makes the
    rules ERROR): it reads as a site without an instance, as the fake serving that snapshot answers."""
    stored = ((acct.raw.get("global") or {}).get("waf") or {}).get("sites")
    if stored is None:
        return None
    wanted = sorted({site_of(r) for r in acct.regions})
    by_region = {s.get("region"): s for s in stored if isinstance(s, dict)}
    return [by_region.get(site) or {"region": site, "instance": {}} for site in wanted]


def _instance_id(site: dict):
    return read(site, "instance.InstanceId", "str", name="DescribeInstance.InstanceId")


@rule(id="waf-instance-active", product="waf", severity="high", resource_type="waf:site",
      needs=("waf:DescribeInstance",),
      title="A WAF 3.0 instance is active at the WAF site that serves the scanned regions",
      rationale="GL20 protection.exposure and detection: internet-facing web applications (customer portals, "
                "agent and claims sites) are screened for injection, cross-site scripting and bot attacks by a "
                "web application firewall; an account without an active WAF 3.0 instance has none in front of them.",
      remediation={
          "console": "Web Application Firewall console (WAF 3.0), site {resource_id}: buy a subscription or "
                     "pay-as-you-go instance (or renew the expired one) for account {account_id}, then add the "
                     "public ALB/CLB or domains as protected objects.",
          "cli": "aliyun waf-openapi DescribeInstance --RegionId {resource_id} (after buying WAF 3.0 in the console "
                 "for account {account_id})",
          "terraform": "alicloud_wafv3_instance (account {account_id}, site {resource_id})",
      })
def instance_active(acct, settings):
    sites = _sites(acct)
    if sites is None:
        yield unknown(acct.account_id, None, "the WAF sites (waf:DescribeInstance) were not read")
        return
    for site in sites:
        name = site.get("region")
        try:
            instance_id = _instance_id(site)
            status = read(site, "instance.Status", "int", name="DescribeInstance.Status", values=STATUSES,
                          optional=not instance_id)
        except BadField as bad:
            yield unknown(name, None, bad.reason, bad.evidence)
            continue
        evidence = {"DescribeInstance.InstanceId": instance_id, "DescribeInstance.Status": status,
                    "DescribeInstance.RegionId": name}
        if not instance_id:
            yield check(name, None, False, evidence, f"no WAF 3.0 instance at site {name}: WAF is not bought there")
            continue
        yield check(name, None, status == 1, evidence, STATUS_MEANING.get(status, ""))


@rule(id="waf-protected-object-logging", product="waf", severity="medium", resource_type="waf:protected-object",
      needs=("waf:DescribeInstance", "waf:DescribeDefenseResources", "waf:DescribeResourceLogStatus"),
      title="Each WAF protected object sends its access and attack logs to Log Service",
      rationale="CIS 2.7, GL20 monitoring and GL14 5.15(c): WAF's logs of blocked and allowed web requests are "
                "the evidence for detecting and investigating an attack on an internet-facing application; "
                "without log collection they are not kept.",
      remediation={
          "console": "WAF 3.0 console (instance {parent}) > Detection and Response > Log Service: switch log "
                     "collection on for the protected object {child}.",
          "cli": "aliyun waf-openapi ModifyResourceLogStatus --InstanceId {parent} --Resource {child} "
                 "--Status true --RegionId {ev:RegionId}",
          "terraform": "(no provider resource sets WAF 3.0 log collection: use the console or the API)",
      })
def protected_object_logging(acct, settings):
    sites = _sites(acct)
    if sites is None:
        yield unknown(acct.account_id, None, "the WAF sites (waf:DescribeInstance) were not read")
        return
    for site in sites:
        name = site.get("region")
        try:
            instance_id = _instance_id(site)
        except BadField as bad:
            yield unknown(name, None, bad.reason, bad.evidence)
            continue
        if not instance_id:
            yield not_applicable(name, None, f"no WAF 3.0 instance at site {name}: no protected object to log",
                                 {"DescribeInstance.InstanceId": instance_id}, resource_type="waf:site")
            continue
        if "defense_resources" not in site:
            yield unknown(instance_id, None, "the protected objects (waf:DescribeDefenseResources) were not read")
            continue
        try:
            resources = items(site, "defense_resources", name="DescribeDefenseResources.Resources", optional=False)
        except BadField as bad:
            yield unknown(instance_id, None, bad.reason, bad.evidence)
            continue
        if not resources:
            yield not_applicable(instance_id, None, "the WAF instance protects no object", resource_type="waf:instance")
        for resource in resources:
            yield _logging(resource, instance_id, name)


def _logging(resource: dict, instance_id: str, site: str):
    """One protected object, named <WAF instance>/<protected object> (its parent is the instance whose
    DescribeDefenseResources listed it)."""
    name = resource.get("Resource")
    rid = f"{instance_id}/{name}"
    if "log_status" not in resource:
        return unknown(rid, None, f"waf:DescribeResourceLogStatus for {rid} was not read")
    try:
        result = items(resource, "log_status.Result", name="DescribeResourceLogStatus.Result", optional=False)
        mine = [r for r in result if r.get("Resource") == name]
        if len(mine) != 1:
            raise BadField("DescribeResourceLogStatus.Result", result, f"one entry for {name}")
        status = read(mine[0], "Status", "bool", name="DescribeResourceLogStatus.Result.Status", optional=False)
    except BadField as bad:
        return unknown(rid, None, bad.reason, bad.evidence)
    evidence = {"DescribeResourceLogStatus.Result.Status": status,
                "DescribeDefenseResources.Resources.Product": resource.get("Product"),
                "DescribeInstance.RegionId": site}
    return check(rid, None, status, evidence, "" if status else "log collection to Log Service is off")
