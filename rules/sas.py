"""Security Center (SAS) rules: the edition, the agent on every server, unfixed OS vulnerabilities, the
notifications for high-risk items, the vulnerability-scan types and levels, the service-linked roles and
the asset fingerprint collection.

Security Center is account level: its settings are in the snapshot's account section (global.sas). A
snapshot without that section (taken before aliaudit read Security Center) has nothing in scope here; a
section whose setting is missing (the call failed, the engine names it) makes the rule ERROR.
Values and their meanings: tests/documented/SOURCES-sas.md.
"""

from __future__ import annotations

import json

from .base import BadField, check, judged, not_applicable, rule, unknown
from .common import read

CONSOLE = "Security Center console"
# DescribeVersionConfig Version: 1 Free, 3 Enterprise, 5 Advanced, 6 Anti-virus, 7 Ultimate, 8 Multi-edition,
# 10 value-added services only. CIS 8.1 asks for Advanced or Enterprise; Ultimate includes both.
EDITIONS = {1: "Free", 3: "Enterprise", 5: "Advanced", 6: "Anti-virus", 7: "Ultimate", 8: "Multi-edition",
            10: "Value-added services only"}
PROTECTING = (3, 5, 7)
CLIENT_STATUS = ("online", "offline", "pause")
CLIENT_SUB_STATUS = ("online", "offline", "pause", "uninstalled", "stopped")
# DescribeNoticeConfig Project ids of the high-risk items (CIS 8.5: vulnerabilities, baseline risks, alerts,
# AccessKey leaks) with their documented meaning; Route 1-7 is a bit mask of text message (1), email (2)
# and internal message (4). 0 selects no channel: nothing is sent.
HIGH_RISK = {"yundun_security_Weekreport": "vulnerability notification", "sas_healthcheck": "baseline check",
             "sas_suspicious": "security alerts", "yundun_sas_ak_leakage": "AccessKey leak intelligence",
             "yundun_sas_vul_Emergency": "emergency vulnerability intelligence"}
ROUTES = tuple(range(8))
# DescribeVulConfig Type of the scans (cve Linux software, sys Windows system, cms Web-CMS, emg emergency);
# app (the paid web scanner), scanMode, imageVulClean and yum (fix from Alibaba Cloud's mirror) are not scans
# of servers.
SCAN_TYPES = ("cve", "sys", "cms", "emg")
ON_OFF = ("on", "off")
# DescribeConcernNecessity: the priorities scanned; CIS 8.7 asks for high (asap) and medium (later).
NECESSITIES = ("asap", "later", "nntf")
REQUIRED_LEVELS = ("asap", "later")
SERVICE_ROLES = ("AliyunServiceRoleForSas", "AliyunServiceRoleForSasCspm")
FINGERPRINTS = {"scheduler_port_period": "listening ports", "scheduler_process_period": "running processes",
                "scheduler_account_period": "accounts", "scheduler_software_period": "software",
                "scheduler_cron_period": "scheduled tasks", "scheduler_sca_period": "middleware",
                "scheduler_autorun_period": "startup items", "scheduler_lkm_period": "kernel modules",
                "scheduler_sca_proxy_period": "websites"}


def _section(acct) -> dict | None:
    return (acct.raw.get("global") or {}).get("sas")


def _one(acct, kind: str) -> dict | None:
    got = (_section(acct) or {}).get(kind)
    return got[0] if got else None


def _asset_region(asset) -> str | None:
    region = asset.get("RegionId")
    return region if isinstance(region, str) and region else None


def _asset_id(asset) -> str:
    return asset.get("InstanceId") or asset.get("Uuid")


@rule(id="sas-edition-advanced", product="sas", severity="medium", resource_type="sas:instance",
      needs=("sas:DescribeVersionConfig",),
      title="Security Center runs the Advanced, Enterprise or Ultimate edition",
      rationale="GL20 monitoring: only the paid editions detect intrusions, malware and webshells on the servers "
                "and block them; the Free edition reports little more than the agent's presence.",
      remediation={"console": f"{CONSOLE} > Overview > Upgrade: buy the Advanced or Enterprise edition for the servers "
                              "of account {account_id}.",
                   "terraform": "alicloud_threat_detection_instance in account {account_id}: version_code = <the code of "
                                "the Advanced or Enterprise edition>, buy_number = <the number of servers>"})
def edition_advanced(acct, settings):
    if _section(acct) is None:
        return
    body = _one(acct, "version_config")
    if body is None:
        yield unknown(acct.account_id, None, "the Security Center edition (sas:DescribeVersionConfig) was not read")
        return

    def judge():
        version = read(body, "Version", "int", name="DescribeVersionConfig.Version", optional=False,
                       values=tuple(EDITIONS))
        evidence = {"DescribeVersionConfig.Version": version, "DescribeVersionConfig.IsTrialVersion": body.get("IsTrialVersion")}
        if version == 8:
            return unknown(acct.account_id, None, "Multi-edition (Version 8): each server has its own edition, which "
                                                  "this rule does not read", evidence)
        return check(acct.account_id, None, version in PROTECTING, evidence,
                     "" if version in PROTECTING else f"the {EDITIONS[version]} edition (Version {version}) is in use")

    yield judged(acct.account_id, None, judge)


@rule(id="sas-agent-online", product="sas", severity="high", resource_type="sas:asset",
      needs=("sas:DescribeCloudCenterInstances",),
      title="Every server asset in Security Center has its agent online",
      rationale="GL20 monitoring: a server whose Security Center agent is offline, paused or not installed is not "
                "watched for intrusions, malware or vulnerabilities.",
      remediation={"console": f"{CONSOLE} > Assets > Host: select {{resource_id}} and install or restart the agent "
                              "(Settings > Install/Uninstall Agent).",
                   "cli": "aliyun ecs RunCommand --region {region} --InstanceId.1 {resource_id} --Type RunShellScript "
                          "--CommandContent '<agent install command>'"})
def agent_online(acct, settings):
    yield from _each_asset(acct, _agent)


def _each_asset(acct, judge):
    """judge(asset) for each server asset; ERROR for the account when the assets were not read."""
    section = _section(acct)
    if section is None:
        return
    if "assets" not in section:
        yield unknown(acct.account_id, None, "the server assets (sas:DescribeCloudCenterInstances) were not read")
        return
    for asset in section["assets"]:
        yield judged(_asset_id(asset), _asset_region(asset), lambda a=asset: judge(a))


def _agent(asset):
    status = read(asset, "ClientStatus", "str", name="DescribeCloudCenterInstances.Instances.ClientStatus",
                  optional=False, values=CLIENT_STATUS)
    sub = read(asset, "ClientSubStatus", "str", name="DescribeCloudCenterInstances.Instances.ClientSubStatus",
               values=CLIENT_SUB_STATUS)
    evidence = {"DescribeCloudCenterInstances.Instances.ClientStatus": status,
                "DescribeCloudCenterInstances.Instances.ClientSubStatus": sub}
    if status != "online" and sub == "stopped":
        return not_applicable(_asset_id(asset), _asset_region(asset), "the server is shut down (ClientSubStatus "
                              "stopped): its agent cannot be online", evidence)
    return check(_asset_id(asset), _asset_region(asset), status == "online", evidence,
                 "" if status == "online" else f"the agent is {sub or status}")


@rule(id="sas-ecs-agent-online", product="sas", severity="high", resource_type="ecs:instance",
      needs=("ecs:DescribeInstances", "sas:DescribeCloudCenterInstances"),
      title="Every ECS instance has the Security Center agent installed and online",
      rationale="GL20 monitoring and CIS 4.6: endpoint protection on every instance; an instance Security Center "
                "does not list, or lists with its agent offline, runs unwatched.",
      remediation={"console": f"{CONSOLE} > Settings > Install/Uninstall Agent: install the agent on {{resource_id}} "
                              "({region}).",
                   "cli": "aliyun ecs RunCommand --region {region} --InstanceId.1 {resource_id} --Type RunShellScript "
                          "--CommandContent '<agent install command>'"})
def ecs_agent_online(acct, settings):
    section = _section(acct)
    if section is None:
        return
    assets = section.get("assets")
    by_instance = {}
    for asset in assets or []:
        if isinstance(asset.get("InstanceId"), str):
            by_instance.setdefault(asset["InstanceId"], asset)
    for inst in acct.resources("ecs", "instances"):
        iid = inst.get("InstanceId")
        if assets is None:
            yield unknown(iid, inst.region, "the server assets (sas:DescribeCloudCenterInstances) were not read")
            continue
        yield judged(iid, inst.region, lambda i=inst, d=iid: _instance_agent(i, d, by_instance.get(d)))


def _instance_agent(inst, iid, asset):
    if asset is None:
        return check(iid, inst.region, False, {"DescribeCloudCenterInstances.Instances.InstanceId": None},
                     "not among Security Center's server assets")
    status = read(asset, "ClientStatus", "str", name="DescribeCloudCenterInstances.Instances.ClientStatus",
                  optional=False, values=CLIENT_STATUS)
    evidence = {"DescribeCloudCenterInstances.Instances.ClientStatus": status,  # the asset of this InstanceId
                "DescribeInstances.Status": inst.get("Status")}
    return check(iid, inst.region, status == "online", evidence, "" if status == "online" else f"the agent is {status}")


@rule(id="sas-os-vulnerabilities-fixed", product="sas", severity="high", resource_type="sas:asset",
      needs=("sas:DescribeCloudCenterInstances",),
      title="Servers have no unfixed Linux or Windows system vulnerability",
      rationale="GL20 vulnerability management and CIS 4.5: every operating system patch Security Center finds "
                "missing (Linux software or Windows system vulnerabilities) is an open door until applied.",
      remediation={"console": f"{CONSOLE} > Risk Governance > Vulnerabilities: fix the Linux software and Windows "
                              "system vulnerabilities of {resource_id} (Fix, then Verify).",
                   "cli": "aliyun ecs RunCommand --region {region} --InstanceId.1 {resource_id} --Type RunShellScript "
                          "--CommandContent 'yum -y update --security'"})
def os_vulnerabilities_fixed(acct, settings):
    yield from _each_asset(acct, _vulnerabilities)


def _vulnerabilities(asset):
    name = "DescribeCloudCenterInstances.Instances.RiskCount"
    raw = read(asset, "RiskCount", "str", name=name, optional=False)
    try:
        counts = json.loads(raw)
    except ValueError:
        raise BadField(name, raw, "a JSON object of risk counts") from None
    if not isinstance(counts, dict):
        raise BadField(name, raw, "a JSON object of risk counts")
    linux = read(counts, "cveNum", "intstr", name=name + ".cveNum", optional=False)
    windows = read(counts, "sysNum", "intstr", name=name + ".sysNum", optional=False)
    evidence = {name + ".cveNum": linux, name + ".sysNum": windows}
    ok = linux == 0 and windows == 0
    return check(_asset_id(asset), _asset_region(asset), ok, evidence,
                 "" if ok else f"{linux} Linux software and {windows} Windows system vulnerabilities are unfixed")


@rule(id="sas-notify-high-risk", product="sas", severity="medium", resource_type="sas:notice-config",
      needs=("sas:DescribeNoticeConfig",),
      title="Security Center notifies someone of every high-risk item",
      rationale="GL20 monitoring: vulnerabilities, baseline risks, alerts and AccessKey leaks found by Security "
                "Center reach the security team only when a notification channel is on for them.",
      remediation={"console": f"{CONSOLE} > System Settings > Notification: tick text message, email or internal "
                              "message for {resource_id}.",
                   "cli": "aliyun sas ModifyNoticeConfig --Project {resource_id} --Route 7"})
def notify_high_risk(acct, settings):
    section = _section(acct)
    if section is None:
        return
    if "notice_configs" not in section:
        yield unknown(acct.account_id, None, "the notification settings (sas:DescribeNoticeConfig) were not read")
        return
    by_project = {c.get("Project"): c for c in section["notice_configs"]}
    for project, meaning in HIGH_RISK.items():
        config = by_project.get(project)
        if config is None:
            yield unknown(project, None, f"DescribeNoticeConfig lists no setting for {project} ({meaning})",
                          {"DescribeNoticeConfig.NoticeConfigList.Project": None})
            continue
        yield judged(project, None, lambda c=config, p=project, m=meaning: _notice(c, p, m))


def _notice(config, project, meaning):
    route = read(config, "Route", "int", name="DescribeNoticeConfig.NoticeConfigList.Route", optional=False,
                 values=ROUTES)
    evidence = {"DescribeNoticeConfig.NoticeConfigList.Route": route}  # the Project is the finding's resource
    return check(project, None, route != 0, evidence, "" if route else f"no notification channel is on for {meaning}")


@rule(id="sas-vul-scan-enabled", product="sas", severity="medium", resource_type="sas:vul-config",
      needs=("sas:DescribeVulConfig",),
      title="Security Center scans servers for each kind of vulnerability",
      rationale="GL20 vulnerability management and CIS 8.7: the scheduled scans of Linux software, Windows system, "
                "Web-CMS and emergency vulnerabilities each have their own switch; one off leaves that kind unseen.",
      remediation={"console": f"{CONSOLE} > Risk Governance > Vulnerabilities > Vulnerability Settings: turn on the "
                              "{resource_id} vulnerability scan (cve Linux, sys Windows, cms Web-CMS, emg emergency).",
                   "cli": "aliyun sas ModifyVulConfig --Type {resource_id} --Config on"})
def vul_scan_enabled(acct, settings):
    section = _section(acct)
    if section is None:
        return
    if "vul_configs" not in section:
        yield unknown(acct.account_id, None, "the vulnerability settings (sas:DescribeVulConfig) were not read")
        return
    by_type = {c.get("Type"): c for c in section["vul_configs"]}
    for kind in SCAN_TYPES:
        if kind not in by_type:
            yield unknown(kind, None, f"DescribeVulConfig lists no setting for the {kind} scan",
                          {"DescribeVulConfig.TargetConfigs.Type": None})
            continue
        yield judged(kind, None, lambda c=by_type[kind], k=kind: _scan(c, k))


def _scan(config, kind):
    value = read(config, "Config", "str", name="DescribeVulConfig.TargetConfigs.Config", optional=False, values=ON_OFF)
    return check(kind, None, value == "on", {"DescribeVulConfig.TargetConfigs.Config": value},  # Type: the resource
                 "" if value == "on" else f"the {kind} vulnerability scan is off")


@rule(id="sas-vul-scan-levels", product="sas", severity="medium", resource_type="sas:vul-config",
      needs=("sas:DescribeConcernNecessity",),
      title="Security Center reports high and medium priority vulnerabilities",
      rationale="GL20 vulnerability management and CIS 8.7: vulnerabilities of a priority left out of the scan "
                "settings are not reported at all.",
      remediation={"console": f"{CONSOLE} > Risk Governance > Vulnerabilities > Vulnerability Settings: select the "
                              "High and Medium fix priorities to scan for.",
                   "cli": "aliyun sas ModifyConcernNecessity --ConcernNecessity asap,later,nntf (account {account_id})"})
def vul_scan_levels(acct, settings):
    if _section(acct) is None:
        return
    body = _one(acct, "concern_necessity")
    if body is None:
        yield unknown(acct.account_id, None, "the scanned priorities (sas:DescribeConcernNecessity) were not read")
        return

    def judge():
        levels = read(body, "ConcernNecessity", "list", name="DescribeConcernNecessity.ConcernNecessity", optional=False)
        for level in levels:
            if level not in NECESSITIES:
                raise BadField("DescribeConcernNecessity.ConcernNecessity", levels, "a list of asap, later, nntf")
        missing = [level for level in REQUIRED_LEVELS if level not in levels]
        return check(acct.account_id, None, not missing, {"DescribeConcernNecessity.ConcernNecessity": levels},
                     "" if not missing else f"the {', '.join(missing)} priority is not scanned for")

    yield judged(acct.account_id, None, judge)


@rule(id="sas-service-roles-authorised", product="sas", severity="medium", resource_type="ram:service-linked-role",
      needs=("sas:DescribeServiceLinkedRoleStatus",),
      title="Security Center and its configuration assessment are authorised to read the account",
      rationale="GL20 monitoring and CIS 8.6: without its service-linked roles Security Center cannot read the other "
                "services, so its configuration assessment (CSPM) checks nothing.",
      remediation={"console": f"{CONSOLE} > Risk Governance > Cloud Service Configuration Risk: Authorize (creates "
                              "{resource_id}).",
                   "cli": "aliyun sas CreateServiceLinkedRole --ServiceLinkedRole {resource_id}"})
def service_roles_authorised(acct, settings):
    section = _section(acct)
    if section is None:
        return
    roles = {r.get("ServiceLinkedRole"): r for r in section.get("service_linked_roles") or []}
    for name in SERVICE_ROLES:
        role = roles.get(name)
        if role is None or "status" not in role:
            yield unknown(name, None, f"whether {name} exists (sas:DescribeServiceLinkedRoleStatus) was not read")
            continue
        yield judged(name, None, lambda r=role, n=name: _role(r, n))


def _role(role, name):
    created = read(role["status"], "RoleStatus.Status", "bool", name="DescribeServiceLinkedRoleStatus.RoleStatus.Status",
                   optional=False)
    return check(name, None, created, {"DescribeServiceLinkedRoleStatus.RoleStatus.Status": created},
                 "" if created else f"the service-linked role {name} is not created")


@rule(id="sas-asset-fingerprints-collected", product="sas", severity="low", resource_type="sas:fingerprint-schedule",
      needs=("sas:DescribePropertyScheduleConfig",),
      title="Security Center collects every kind of asset fingerprint on a schedule",
      rationale="GL20 monitoring and CIS 8.8: the processes, ports, accounts, software and start-up items of each "
                "server, collected periodically, are what an investigation compares against.",
      remediation={"console": f"{CONSOLE} > Assets > Asset Fingerprints > Settings: set a collection frequency for "
                              "{resource_id}.",
                   "cli": "aliyun sas ModifyPropertyScheduleConfig --ScheduleType {resource_id} --ScheduleTime 24"})
def fingerprints_collected(acct, settings):
    section = _section(acct)
    if section is None:
        return
    entries = {t.get("Type"): t for t in section.get("fingerprint_schedules") or []}
    for kind, meaning in FINGERPRINTS.items():
        entry = entries.get(kind)
        if entry is None or "schedule" not in entry:
            yield unknown(kind, None, f"the {meaning} collection period (sas:DescribePropertyScheduleConfig) was not read")
            continue
        yield judged(kind, None, lambda e=entry, k=kind, m=meaning: _schedule(e, k, m))


def _schedule(entry, kind, meaning):
    hours = read(entry["schedule"], "Config", "digits", name="DescribePropertyScheduleConfig.Config", optional=False)
    return check(kind, None, hours > 0, {"DescribePropertyScheduleConfig.Config": hours},
                 "" if hours > 0 else f"collection of {meaning} is off (Config 0)")
