"""Cloud Firewall rules: a valid instance, its logs delivered to Log Service, and every internet-facing asset
behind the internet firewall."""

from .base import check, not_applicable, rule, unknown
from .common import BadField, read

# DescribeUserBuyVersion InstanceStatus (tests/documented/SOURCES-cloudfw.md): normal, init, deleting,
# abnormal, free ("no valid instance exists"). DescribeAssetList ProtectStatus: open, opening, closed, closing.
INSTANCE_STATUSES = ("normal", "init", "deleting", "abnormal", "free")
PROTECT_STATUSES = ("open", "opening", "closed", "closing")
BUY = "DescribeUserBuyVersion"


def _edition(acct):
    items = ((acct.raw.get("global") or {}).get("cloudfw") or {}).get("edition")
    return items[0] if items else None


def _edition_status(acct):
    """(the edition's body, its InstanceStatus, None), or (None, None, the ERROR) when DescribeUserBuyVersion was
    not read or its InstanceStatus is not of a documented form."""
    edition = _edition(acct)
    if edition is None:
        return None, None, unknown(acct.account_id, None,
                                   "the Cloud Firewall edition (cloudfw:DescribeUserBuyVersion) was not read")
    try:
        status = read(edition, "InstanceStatus", "str", name=f"{BUY}.InstanceStatus", optional=False,
                      values=INSTANCE_STATUSES)
    except BadField as bad:
        return None, None, unknown(acct.account_id, None, bad.reason, bad.evidence)
    return edition, status, None


@rule(id="cloudfw-instance-active", product="cloudfw", severity="high", resource_type="account",
      needs=("cloudfw:DescribeUserBuyVersion",),
      title="A Cloud Firewall instance is valid and running for the account",
      rationale="GL20 protection.exposure and GL14 5.12: the internet firewall inspects and controls the traffic of "
                "every public IP address of the account (ECS, EIP, CLB, NAT); without a valid instance there is no "
                "such control or record of it.",
      remediation={
          "console": "Cloud Firewall console (account {account_id}): buy or renew a subscription or pay-as-you-go "
                     "Cloud Firewall instance, then switch the internet firewall on for the public assets.",
          "cli": "aliyun cloudfw DescribeUserBuyVersion (account {account_id}; buying is done in the console)",
          "terraform": "alicloud_cloud_firewall_instance (account {account_id})",
      })
def instance_active(acct, settings):
    edition, status, error = _edition_status(acct)
    if error is not None:
        yield error
        return
    try:
        valid = read(edition, "UserStatus", "bool", name=f"{BUY}.UserStatus", optional=status == "free")
    except BadField as bad:
        yield unknown(acct.account_id, None, bad.reason, bad.evidence)
        return
    evidence = {f"{BUY}.InstanceStatus": status, f"{BUY}.UserStatus": valid, f"{BUY}.Version": edition.get("Version"),
                f"{BUY}.InstanceId": edition.get("InstanceId")}
    ok = status == "normal" and valid is True
    if ok:
        reason = ""
    elif status == "free":
        reason = "no valid Cloud Firewall instance exists (InstanceStatus free): it is not bought"
    elif status != "normal":
        reason = f"the Cloud Firewall instance is {status}"
    else:
        reason = "the Cloud Firewall instance is not valid (UserStatus false): expired or overdue"
    yield check(acct.account_id, None, ok, evidence, reason)


@rule(id="cloudfw-log-delivery", product="cloudfw", severity="medium", resource_type="account",
      needs=("cloudfw:DescribeUserBuyVersion",),
      title="Cloud Firewall delivers its traffic logs to Log Service",
      rationale="CIS 2.8, GL20 monitoring and GL14 5.15(c): the firewall's traffic, event and policy logs are the "
                "record of what reached the internet-facing assets; with log delivery off they are not kept for "
                "analysis or investigation.",
      remediation={
          "console": "Cloud Firewall console > Log Audit > Log Analysis (account {account_id}): activate log "
                     "delivery to Simple Log Service and set the log storage and retention.",
          "cli": "(log delivery is switched on in the console; check with) aliyun cloudfw DescribeUserBuyVersion "
                 "(account {account_id}: LogStatus must be true)",
      })
def log_delivery(acct, settings):
    edition, status, error = _edition_status(acct)
    if error is not None:
        yield error
        return
    if status == "free":
        yield not_applicable(acct.account_id, None, "no Cloud Firewall instance: no firewall log to deliver "
                             "(cloudfw-instance-active fails)", {f"{BUY}.InstanceStatus": status})
        return
    try:
        logging = read(edition, "LogStatus", "bool", name=f"{BUY}.LogStatus", optional=False)
    except BadField as bad:
        yield unknown(acct.account_id, None, bad.reason, bad.evidence)
        return
    yield check(acct.account_id, None, logging, {f"{BUY}.LogStatus": logging, f"{BUY}.InstanceStatus": status},
                "" if logging else "log delivery to Log Service is off (LogStatus false)")


@rule(id="cloudfw-asset-protected", product="cloudfw", severity="high", resource_type="cloudfw:asset",
      needs=("cloudfw:DescribeUserBuyVersion", "cloudfw:DescribeAssetList"),
      title="The internet firewall protects every internet-facing asset",
      rationale="GL20 protection.exposure: a public IP address whose internet firewall protection is off is reached "
                "without Cloud Firewall's access control, intrusion prevention and traffic log.",
      remediation={
          "console": "Cloud Firewall console > Firewall Settings > Internet Firewall: enable protection for "
                     "{resource_id} ({region}).",
          "cli": "aliyun cloudfw PutEnableFwSwitch --IpaddrList.1 {resource_id} --RegionList.1 {region}",
          "terraform": "alicloud_cloud_firewall_control_policy does not switch protection: use the console or "
                       "PutEnableFwSwitch for {resource_id}",
      })
def asset_protected(acct, settings):
    _, status, error = _edition_status(acct)
    if error is not None:
        yield error
        return
    if status == "free":
        yield not_applicable(acct.account_id, None, "no Cloud Firewall instance: its assets are not listed "
                             "(cloudfw-instance-active fails)", {f"{BUY}.InstanceStatus": status},
                             resource_type="account")
        return
    # A region whose asset list failed is recorded (the engine makes this rule ERROR there); a region without
    # a cloudfw section has no asset, as for every other product's list.
    for asset in acct.resources("cloudfw", "assets"):
        yield _asset(asset, asset.region)


def _asset(asset: dict, region: str):
    address = asset.get("InternetAddress")
    try:
        if not isinstance(address, str) or not address:
            raise BadField("DescribeAssetList.Assets.InternetAddress", address, "the asset's public IP address")
        protect = read(asset, "ProtectStatus", "str", name="DescribeAssetList.Assets.ProtectStatus", optional=False,
                       values=PROTECT_STATUSES)
    except BadField as bad:
        return unknown(address or asset.get("ResourceInstanceId"), region, bad.reason, bad.evidence)
    evidence = {"DescribeAssetList.Assets.ProtectStatus": protect,
                "DescribeAssetList.Assets.ResourceType": asset.get("ResourceType"),
                "DescribeAssetList.Assets.ResourceInstanceId": asset.get("ResourceInstanceId"),
                "DescribeAssetList.Assets.BindInstanceId": asset.get("BindInstanceId")}
    ok = protect == "open"
    return check(address, region, ok, evidence, "" if ok else f"internet firewall protection is {protect}")
