"""CloudMonitor rules: someone is reachable when an alert fires, and the alert rules notify someone.

Contacts and alert rules belong to the account (global.cms, read once through one regional endpoint)."""

from .base import check, rule, unknown
from .common import BadField, items, read

# DescribeContactList Channels / ChannelsState (tests/documented/SOURCES-cms.md): a channel is set when
# Channels.<name> holds a value; its state is PENDING until the contact activates it, then OK.
CHANNELS = ("Mail", "SMS", "DingWebHook", "AliIM")
CHANNEL_STATES = ("OK", "PENDING")
CONTACTS = "DescribeContactList.Contacts.Contact"
ALARMS = "DescribeMetricRuleList.Alarms.Alarm"


def _section(acct) -> dict:
    return (acct.raw.get("global") or {}).get("cms") or {}


def _active_channels(contact: dict) -> dict:
    """{channel: state} of the channels set on one contact; BadField for an undocumented state."""
    channels = read(contact, "Channels", "dict", name=f"{CONTACTS}.Channels", optional=False)
    out = {}
    for name in CHANNELS:
        value = read(channels, name, "str", name=f"{CONTACTS}.Channels.{name}")
        if not value:
            continue
        out[name] = read(contact, f"ChannelsState.{name}", "str", name=f"{CONTACTS}.ChannelsState.{name}",
                         optional=False, values=CHANNEL_STATES)
    return out


@rule(id="cms-alarm-contact-active", product="cms", severity="medium", resource_type="account",
      needs=("cms:DescribeContactList",),
      title="CloudMonitor has an alert contact with an activated notification channel",
      rationale="GL20 monitoring and GL14 5.16: an alert reaches a person only through a contact whose e-mail, "
                "phone or chatbot channel is activated; a channel still PENDING (never confirmed) receives nothing.",
      remediation={
          "console": "CloudMonitor console > Alerts > Alert Contacts > Create Alert Contact (account {account_id}): "
                     "give an e-mail address or mobile number, then have the contact confirm the activation "
                     "message so its channel turns OK.",
          "cli": "aliyun cms PutContact --ContactName <contact-name> --Describe <description> "
                 "--Channels.Mail <address> (account {account_id}); the contact then confirms the activation e-mail",
          "terraform": "alicloud_cms_alarm_contact (account {account_id}): alarm_contact_name, describe, "
                       "channels_mail or channels_sms (then activate the channel)",
      })
def alarm_contact_active(acct, settings):
    section = _section(acct)
    if "contacts" not in section:
        yield unknown(acct.account_id, None, "the alert contacts (cms:DescribeContactList) were not read")
        return
    try:
        contacts = items(section, "contacts", name=CONTACTS, optional=False)
    except BadField as bad:
        yield unknown(acct.account_id, None, bad.reason, bad.evidence)
        return
    states, bad = {}, []
    for contact in contacts:
        try:
            states[contact.get("Name")] = _active_channels(contact)
        except BadField as exc:
            bad.append(exc)
    active = sorted(name for name, chans in states.items() if "OK" in chans.values())
    evidence = {f"{CONTACTS}[].ChannelsState": states}
    if not active and bad:  # the contact that could not be read might be the reachable one
        yield unknown(acct.account_id, None, bad[0].reason, {**evidence, **bad[0].evidence})
        return
    reason = "" if active else ("no alert contact exists" if not contacts else
                                "no alert contact has an activated (OK) notification channel")
    yield check(acct.account_id, None, bool(active), evidence, reason)


@rule(id="cms-alarm-rule-notifies", product="cms", severity="medium", resource_type="cms:alarm-rule",
      needs=("cms:DescribeMetricRuleList",),
      title="CloudMonitor alert rules exist, are enabled and notify a contact group",
      rationale="GL20 monitoring and GL14 5.15(c)/5.16: a disabled alert rule, or one that notifies no contact "
                "group, raises nothing a person sees; an account without any alert rule watches nothing.",
      remediation={
          "console": "CloudMonitor console > Alerts > Alert Rules: enable {resource_id} and set its Alert Contact "
                     "Group (or create alert rules for the key metrics of ECS, RDS and SLB if none exist).",
          "cli": "aliyun cms EnableMetricRules --RuleId.1 {resource_id}; aliyun cms PutResourceMetricRule --RuleId "
                 "{resource_id} --ContactGroups <contact-group> (with the rule's other settings)",
          "terraform": "alicloud_cms_alarm ({resource_id}): enabled = true, contact_groups = [<contact-group>]",
      })
def alarm_rule_notifies(acct, settings):
    section = _section(acct)
    if "alarms" not in section:
        yield unknown(acct.account_id, None, "the alert rules (cms:DescribeMetricRuleList) were not read")
        return
    try:
        alarms = items(section, "alarms", name=ALARMS, optional=False)
    except BadField as bad:
        yield unknown(acct.account_id, None, bad.reason, bad.evidence)
        return
    if not alarms:
        yield check(acct.account_id, None, False, {f"{ALARMS}": []}, "no CloudMonitor alert rule exists",
                    resource_type="account")
        return
    for alarm in alarms:
        rid = alarm.get("RuleId")
        try:
            enabled = read(alarm, "EnableState", "bool", name=f"{ALARMS}.EnableState", optional=False)
            groups = read(alarm, "ContactGroups", "str", name=f"{ALARMS}.ContactGroups")
        except BadField as bad:
            yield unknown(rid, None, bad.reason, bad.evidence)
            continue
        evidence = {f"{ALARMS}.EnableState": enabled, f"{ALARMS}.ContactGroups": groups,
                    f"{ALARMS}.RuleName": alarm.get("RuleName"), f"{ALARMS}.Namespace": alarm.get("Namespace"),
                    f"{ALARMS}.MetricName": alarm.get("MetricName")}
        ok = enabled and bool(groups and groups.strip())
        reason = "" if ok else ("the alert rule is disabled" if not enabled else "the alert rule notifies no contact group")
        yield check(rid, None, ok, evidence, reason)
