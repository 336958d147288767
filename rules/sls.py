"""SLS (Simple Log Service) rules: alerts on the ActionTrail events CIS section 2 names, logstore retention and
encryption, and ActionTrail delivering to an SLS logstore.

An alert "covers" a control when, in some project of a scanned region (ListProject, then ListAlerts):
  - its `status` is ENABLED (the Alert structure documents ENABLED/DISABLED; compared case-insensitively,
    as the older data-structure page spells it Enabled/Disabled), and
  - one query of its `configuration.queryList` that reads a logstore (`storeType` "log", or left out) names,
    in its `query` text, at least one term of EVERY group the control's row below lists: the ActionTrail
    event names (eventName) or fields the benchmark's own alert query uses. A term matches as a whole word
    (letters, digits and `_` do not continue it on either side), ignoring case, as SLS's full-text search does.
What the query does with the events (its condition, its notification) is not judged; neither whether the
logstore it reads is the one an ActionTrail trail delivers to (README "Known limits").
A project whose alerts were not read, or an alert whose fields are not of a documented form, makes the
control ERROR unless another alert covers it; no project at all is a FAIL (nothing alerts). A PASS names the
covering alert (`<project>/<alert>`, in its region); a FAIL or an ERROR is the account's.
"""

from __future__ import annotations

import re

from .base import BadField, check, rule, unknown
from .common import read

LIST = ("sls:ListProject",)
ALERT_NEEDS = ("sls:ListProject", "sls:ListAlerts")
STORE_NEEDS = ("sls:ListProject", "sls:ListLogStores", "sls:GetLogStore")

# control -> (rule id suffix, title, severity, the events, groups of alternatives: every group must be named)
ALERTS = (
    ("2.10", "ram-policy-changes", "RAM policy changes", "medium",
     [("CreatePolicy",), ("DeletePolicy",), ("CreatePolicyVersion",), ("DeletePolicyVersion",),
      ("SetDefaultPolicyVersion",), ("AttachPolicyToUser",), ("DetachPolicyFromUser",),
      ("AttachPolicyToRole",), ("DetachPolicyFromRole",)]),
    ("2.11", "cloudfw-policy-changes", "Cloud Firewall policy changes", "medium",
     [("AddControlPolicy",), ("DeleteControlPolicy",), ("ModifyControlPolicy",),
      ("CreateVpcFirewallControlPolicy",), ("DeleteVpcFirewallControlPolicy",), ("ModifyVpcFirewallControlPolicy",)]),
    ("2.12", "vpc-route-changes", "VPC route table changes", "medium",
     [("CreateRouteEntry",), ("DeleteRouteEntry",), ("ModifyRouteEntry",), ("AssociateRouteTable",),
      ("UnassociateRouteTable",)]),
    ("2.13", "vpc-changes", "VPC changes", "medium",
     [("CreateVpc",), ("DeleteVpc",), ("ModifyVpcAttribute",)]),
    ("2.14", "oss-acl-changes", "OSS ACL changes", "medium",
     [("PutBucketAcl",), ("PutObjectAcl",)]),
    ("2.15", "rds-config-changes", "RDS config changes", "medium",
     [("ModifyDBInstanceSpec",), ("ModifySecurityIps",), ("ModifyDBInstanceSSL",), ("ModifyDBInstanceTDE",),
      ("ModifyBackupPolicy",), ("ModifyDBInstanceHAConfig",)]),
    ("2.16", "unauthorized-api-calls", "unauthorised API calls", "medium",
     [("NoPermission",), ("Forbidden", "Forbidden.RAM"), ("InvalidAccessKeyId", "InvalidAccessKeyId.NotFound")]),
    ("2.17", "console-signin-without-mfa", "console sign-ins without MFA", "medium",
     [("ConsoleSignin",), ("MFAUsed",)]),
    ("2.18", "root-account-usage", "root account use", "medium",
     [("root-account",)]),
    ("2.19", "console-signin-failures", "failed console sign-ins", "medium",
     [("ConsoleSignin",), ("errorCode", "errorMessage")]),
    ("2.20", "kms-key-disable-deletion", "KMS keys disabled or deleted", "medium",
     [("DisableKey",), ("ScheduleKeyDeletion",)]),
    ("2.21", "oss-bucket-policy-changes", "OSS bucket policy changes", "medium",
     [("PutBucketPolicy",), ("DeleteBucketPolicy",), ("PutBucketCors",), ("DeleteBucketCors",),
      ("PutBucketLifecycle",), ("DeleteBucketLifecycle",)]),
    ("2.22", "security-group-changes", "security group changes", "medium",
     [("CreateSecurityGroup",), ("DeleteSecurityGroup",), ("AuthorizeSecurityGroup",),
      ("AuthorizeSecurityGroupEgress",), ("RevokeSecurityGroup",), ("RevokeSecurityGroupEgress",)]),
)
STATUSES = ("ENABLED", "DISABLED")
STORE_TYPES = ("log", "metric", "meta")


def _named(query: str, term: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(term)}(?![A-Za-z0-9_])", query, re.IGNORECASE) is not None


def missing_groups(query: str, groups) -> list[str]:
    """The groups (shown by their first term) the query names none of."""
    return [g[0] for g in groups if not any(_named(query, t) for t in g)]


def _alert_queries(alert) -> tuple[bool, list[str]]:
    """(enabled, the query texts that read a logstore); BadField on an undocumented form."""
    status = read(alert, "status", "str", name="ListAlerts.results[].status", optional=False)
    if status.upper() not in STATUSES:
        raise BadField("ListAlerts.results[].status", status, "ENABLED or DISABLED")
    queries = read(alert, "configuration.queryList", "list", name="ListAlerts.results[].configuration.queryList",
                   optional=False)
    texts = []
    for q in queries:
        if not isinstance(q, dict):
            raise BadField("ListAlerts.results[].configuration.queryList", q, "a list of AlertQuery objects")
        kind = read(q, "storeType", "str", name="ListAlerts.results[].configuration.queryList[].storeType",
                    optional=False)
        text = read(q, "query", "str", name="ListAlerts.results[].configuration.queryList[].query", optional=False)
        if kind not in STORE_TYPES:
            raise BadField("ListAlerts.results[].configuration.queryList[].storeType", kind, "log, metric or meta")
        if kind == "log":
            texts.append(text)
    return status.upper() == "ENABLED", texts


def _alert_rule(control: str, suffix: str, what: str, severity: str, groups):
    events = ", ".join(" or ".join(g) for g in groups)

    @rule(id=f"sls-alert-{suffix}", product="sls", severity=severity, resource_type="account", needs=ALERT_NEEDS,
          title=f"An enabled SLS alert watches for {what} (CIS {control})",
          rationale=f"GL20 monitoring and GL14 5.16: {what} are detected and escalated when they happen, "
                    f"not found weeks later in the audit trail. The alert's query must name {events}.",
          remediation={
              "console": "Simple Log Service console > the project receiving ActionTrail events (account {account_id}) > "
                         f"Alerts > Create Alert: query the ActionTrail logstore for {events}, set a notification "
                         "policy, and keep the rule enabled.",
              "cli": "aliyun sls CreateAlert --project <actiontrail-project> --body <alert-json>",
              "terraform": "alicloud_log_alert (project_name = <actiontrail-project>, account {account_id}): "
                           f"query_list {{ query naming {events} }}, schedule {{ type = \"FixedRate\" }}",
          })
    def evaluate(acct, settings):
        if not acct.regions:
            return
        found, bad, unread, closest = [], [], [], None
        for project in acct.resources("sls", "projects"):
            name = project.get("projectName")
            if "alerts" not in project:
                unread.append(f"{project.region}/{name}")
                continue
            for alert in project.get("alerts") or []:
                try:
                    enabled, texts = _alert_queries(alert)
                except BadField as exc:
                    bad.append(exc)
                    continue
                for text in texts:
                    missing = missing_groups(text, groups)
                    where = f"{name}/{alert.get('name')}"
                    if not missing and enabled:
                        found.append((project.region, where))
                    elif len(missing) < len(groups) and (closest is None or len(missing) < len(closest[1])):
                        closest = (where, missing, enabled)
        if found:
            shown, state, names = [w for _, w in found], "ENABLED", "every group named"
        elif closest is not None:
            shown, state = [closest[0]], "ENABLED" if closest[2] else "DISABLED"
            names = f"names none of {', '.join(closest[1])}" if closest[1] else "every group named"
        else:
            shown, state, names = [], None, None
        evidence = {"ListAlerts.results[].name": shown}
        if state is not None:
            evidence.update({"ListAlerts.results[].status": state,
                             "ListAlerts.results[].configuration.queryList[].query": names})
        if found:  # the covering alert is the resource of a PASS (project/alert); the account, of a FAIL
            region, where = found[0]
            yield check(where, region, True, evidence, resource_type="sls:alert")
        elif unread or bad:
            reason = (f"the alerts of project(s) {', '.join(unread)} were not read (sls:ListAlerts)" if unread
                      else bad[0].reason)
            yield unknown(acct.account_id, None, reason, {**evidence, **(bad[0].evidence if bad else {})})
        else:
            if closest is None:
                reason = f"no enabled alert on {what}"
            else:
                where, missing, enabled = closest
                reason = (f"no enabled alert on {what}; {where} "
                          + (f"misses {', '.join(missing)}" if missing else "is disabled"))
            yield check(acct.account_id, None, False, evidence, reason)

    return evaluate


# One rule per control, each a module-level name (the registry finds Rule objects among the module's names).
ALERT_RULES = {f"sls-alert-{row[1]}": _alert_rule(*row) for row in ALERTS}
globals().update({f"alert_{rid.removeprefix('sls-alert-').replace('-', '_')}": r for rid, r in ALERT_RULES.items()})


# -- logstores ----------------------------------------------------------------------------------------

MIN_RETENTION_DAYS = 365  # CIS 2.23; a ttl of 3650 means "kept for ever" (CreateLogStore ttl: 1-3650)


def _stores(acct):
    """(project, logstore) pairs; a project whose logstores were not read gives (project, None)."""
    for project in acct.resources("sls", "projects"):
        if "logstores" not in project:
            yield project, None
            continue
        for store in project.get("logstores") or []:
            yield project, store


def _store_checks(acct, judge):
    for project, store in _stores(acct):
        pname = project.get("projectName")
        if store is None:
            yield unknown(pname, project.region, f"the logstores of project {pname} were not read (sls:ListLogStores)")
            continue
        sid = f"{pname}/{store.get('logstoreName')}"
        if "config" not in store:
            yield unknown(sid, project.region, f"logstore {sid} was not read (sls:GetLogStore)")
            continue
        try:
            yield judge(sid, project.region, store["config"])
        except BadField as exc:
            yield unknown(sid, project.region, exc.reason, exc.evidence)


@rule(id="sls-logstore-retention-365", product="sls", severity="medium", resource_type="sls:logstore",
      needs=STORE_NEEDS,
      title="SLS logstores keep their data for 365 days or more (CIS 2.23)",
      rationale="GL20 monitoring and GL14 5.15(c): audit, access and security logs must still exist when an incident "
                "is investigated months later; CIS asks for at least a year.",
      remediation={
          "console": "Simple Log Service console > project {parent} > Logstore {child} > Modify: Data Retention Period "
                     "365 days or more (or permanent storage).",
          "cli": "aliyun sls UpdateLogStore --project {parent} --logstore {child} --body '{\"ttl\": 365}'",
          "terraform": "alicloud_log_store (project = \"{parent}\", name = \"{child}\", {region}): retention_period = 365",
      })
def logstore_retention(acct, settings):
    def judge(sid, region, config):
        ttl = read(config, "ttl", "int", name="GetLogStore.ttl", optional=False)
        if not 1 <= ttl <= 3650:
            raise BadField("GetLogStore.ttl", ttl, "a number of days from 1 to 3650")
        ok = ttl >= MIN_RETENTION_DAYS
        return check(sid, region, ok, {"GetLogStore.ttl": ttl},
                     "" if ok else f"data is kept {ttl} days, fewer than {MIN_RETENTION_DAYS}")

    yield from _store_checks(acct, judge)


ENCRYPT_TYPES = ("default", "m4", "sm4_ecb", "sm4_cbc", "sm4_gcm", "aes_ecb", "aes_cbc", "aes_cfb", "aes_ofb",
                 "aes_gcm", "sm4")


@rule(id="sls-logstore-encrypted", product="sls", severity="medium", resource_type="sls:logstore",
      needs=STORE_NEEDS,
      title="SLS logstores encrypt their data at rest",
      rationale="GL8 5.1(b) and GL20 protection.data: logs hold customer identifiers, IP addresses and request "
                "details; they are encrypted at rest like the data they describe.",
      remediation={
          "console": "Simple Log Service console > project {parent} > Logstore {child} > Modify: turn on Data Encryption "
                     "(service key, or your own KMS key).",
          "cli": "aliyun sls UpdateLogStoreEncryption --project {parent} --logstore {child} --body '{\"enable\": true}'",
          "terraform": "alicloud_log_store (project = \"{parent}\", name = \"{child}\", {region}): encrypt_conf { enable = "
                       "true, encrypt_type = \"default\" }",
      })
def logstore_encrypted(acct, settings):
    def judge(sid, region, config):
        conf = read(config, "encrypt_conf", "dict", name="GetLogStore.encrypt_conf")
        enabled = read(conf, "enable", "bool", name="GetLogStore.encrypt_conf.enable") if conf else None
        kind = read(conf, "encrypt_type", "str", name="GetLogStore.encrypt_conf.encrypt_type",
                    values=ENCRYPT_TYPES) if conf else None
        if enabled and kind is None:
            raise BadField("GetLogStore.encrypt_conf.encrypt_type", None, "the algorithm of an enabled encryption",
                           reason="encrypt_conf.enable is true without an encrypt_type (required then): cannot judge")
        byok = bool(conf and isinstance(conf.get("user_cmk_info"), dict) and conf["user_cmk_info"].get("cmk_key_id"))
        ok = enabled is True
        evidence = {"GetLogStore.encrypt_conf.enable": enabled}
        if conf is not None:
            evidence.update({"GetLogStore.encrypt_conf.encrypt_type": kind,
                             "GetLogStore.encrypt_conf.user_cmk_info.cmk_key_id": byok})
        return check(sid, region, ok, evidence,
                     "" if ok else ("no encryption is configured" if conf is None else "encryption is turned off"))

    yield from _store_checks(acct, judge)


# -- ActionTrail into SLS (CIS 2.3, the ActionTrail part) -------------------------------------------------

_PROJECT_ARN = re.compile(r"^acs:log:(?P<region>[a-z0-9-]+):(?P<account>\d*):project/(?P<project>[^/]+)$")


@rule(id="sls-actiontrail-delivery", product="sls", severity="medium", resource_type="account",
      needs=("actiontrail:DescribeTrails", "actiontrail:GetTrailStatus", "sls:ListProject"),
      title="An ActionTrail trail delivers its events to an SLS project (CIS 2.3)",
      rationale="GL20 monitoring and GL14 5.15(c): events in a logstore can be queried and alerted on (CIS 2.10-2.22); "
                "events only in OSS cannot.",
      remediation={
          "console": "ActionTrail console > Trails > <trail> (account {account_id}): deliver events to Simple Log "
                     "Service, choosing a project in a scanned region, and keep the trail logging.",
          "cli": "aliyun actiontrail UpdateTrail --Name <trail> --SlsProjectArn <sls-project-arn> --SlsWriteRoleArn <role-arn>",
          "terraform": "alicloud_actiontrail_trail (account {account_id}): sls_project_arn = "
                       "\"acs:log:<project-region>:{account_id}:project/<project>\", sls_write_role_arn = <role arn>",
      })
def actiontrail_delivery(acct, settings):
    from .actiontrail import _trails

    if not acct.regions:
        return
    def listed(region: str, name: str) -> bool:  # stops at the project named (reads no other project)
        return any(p.region == region and p.get("projectName") == name for p in acct.resources("sls", "projects"))

    good, bad, seen = [], [], []
    for trail in _trails(acct):
        try:
            arn = read(trail, "SlsProjectArn", "str", name="DescribeTrails.SlsProjectArn")
            logging = read(trail, "status.IsLogging", "bool", name="GetTrailStatus.IsLogging", optional=False)
            status = read(trail, "Status", "str", name="DescribeTrails.Status", optional=False)
            writable = read(trail, "status.SlsLogStoreStatus", "bool", name="GetTrailStatus.SlsLogStoreStatus")
        except BadField as exc:
            bad.append(exc)
            continue
        seen.append({"Name": trail.get("Name"), "SlsProjectArn": arn, "Status": status, "IsLogging": logging,
                     "SlsLogStoreStatus": writable})
        if not arn:
            continue
        m = _PROJECT_ARN.match(arn)
        if m is None:
            bad.append(BadField("DescribeTrails.SlsProjectArn", arn, "acs:log:<region>:<account>:project/<name>"))
            continue
        # a project outside the scanned regions cannot be checked here: the trail's own status says it writes
        exists = m.group("region") not in acct.regions or listed(m.group("region"), m.group("project"))
        seen[-1]["listed"] = exists
        if status == "Enable" and logging is True and writable is True and exists:
            good.append(trail.get("Name"))
    evidence = {"DescribeTrails.SlsProjectArn": {t["Name"]: t["SlsProjectArn"] for t in seen},
                "GetTrailStatus.SlsLogStoreStatus": {t["Name"]: t["SlsLogStoreStatus"] for t in seen}}
    listed_by = {t["Name"]: t["listed"] for t in seen if "listed" in t}
    if listed_by:  # whether each trail's project is among the listed projects
        evidence["ListProject.projects[].projectName"] = listed_by
    if good:
        yield check(acct.account_id, None, True, evidence)
    elif bad:
        yield unknown(acct.account_id, None, bad[0].reason, {**evidence, **bad[0].evidence})
    else:
        yield check(acct.account_id, None, False, evidence,
                    "no logging trail delivers to a listed SLS project")
