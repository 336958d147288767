"""ApsaraDB for MongoDB in a plan: alicloud_mongodb_instance (a replica set)."""

from __future__ import annotations

from .kms import ensure_key
from .references import Values, config_keys

ANSWERS = frozenset({"mongodb:DescribeDBInstances", "mongodb:DescribeDBInstanceAttribute",
                     "mongodb:DescribeDBInstanceTDEInfo", "mongodb:DescribeDBInstanceSSL",
                     "mongodb:DescribeBackupPolicy", "mongodb:DescribeSecurityIps"})

SSL_ACTIONS = {"Open": "Open", "Update": "Open", "Close": "Closed"}


def map_mongodb_instance(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_mongodb_instance -> DescribeDBInstances item + attribute (zones), tde, ssl, backup_policy,
    security_ips (website/docs/r/mongodb_instance.html.markdown)."""
    sid = rc["address"]
    zone = ad.known(sid, v, "zone_id", "DescribeDBInstanceAttribute.ZoneId")
    zones = {"ZoneId": zone}
    for attr, field in (("secondary_zone_id", "SecondaryZoneId"), ("hidden_zone_id", "HiddenZoneId")):
        value, unk = v.get(attr)
        if unk:
            ad.ctx.gap(sid, f"DescribeDBInstanceAttribute.{field}", attr, f"{attr} is unknown until apply")
        zones[field] = value or ""
    # network_type Classic / VPC; not set: a vswitch (known, or a reference known at apply) means a VPC
    network, unk = v.get("network_type")
    if not network and not unk:
        vswitch, unk_v = v.get("vswitch_id")
        if vswitch or (unk_v and (v.refs("vswitch_id") or "vswitch_id" in config_keys(v, "vswitch_id"))):
            network = "VPC"
        else:
            ad.ctx.gap(sid, "DescribeDBInstances.NetworkType", "vswitch_id",
                       "vswitch_id is unknown until apply" if unk_v else
                       "no network_type or vswitch_id: the network is the service's choice, which the plan cannot show",
                       kind="missing")
    elif unk:
        ad.ctx.gap(sid, "DescribeDBInstances.NetworkType", "network_type", "network_type is unknown until apply")
        network = None
    item: dict = {"DBInstanceId": sid, "RegionId": region, "DBInstanceType": "replicate", "NetworkType": network,
                  **zones, "attribute": {"DBInstanceId": sid, **zones}}
    tde, unk = v.get("tde_status")
    if unk:
        ad.ctx.gap(sid, "DescribeDBInstanceTDEInfo", "tde_status", "tde_status is unknown until apply")
    else:  # not set: TDE stays off
        key, _ = ad.ref_value(sid, rc, v, "encryption_key", "DescribeDBInstanceTDEInfo.EncryptionKey")
        if key:
            ensure_key(ad, region, key)
        item["tde"] = {"TDEStatus": "enabled" if tde == "enabled" else "disabled", "EncryptionKey": key or ""}
    action, unk = v.get("ssl_action")
    if unk:
        ad.ctx.gap(sid, "DescribeDBInstanceSSL", "ssl_action", "ssl_action is unknown until apply")
    else:  # not set: SSL stays closed
        item["ssl"] = {"SSLStatus": SSL_ACTIONS.get(action, "Closed")}
    # BackupRetentionPeriod: 30 days for instances created since 2021-09-10 (ModifyBackupPolicy);
    # enable_backup_log: 0 by default (DescribeBackupPolicy)
    days = ad.known_or_default(sid, v, "backup_retention_period", "DescribeBackupPolicy.BackupRetentionPeriod", 30)
    log = ad.known_or_default(sid, v, "enable_backup_log", "DescribeBackupPolicy.EnableBackupLog", 0)
    if days is not None and log is not None:
        item["backup_policy"] = {"BackupRetentionPeriod": str(days), "EnableBackupLog": int(log)}
    ips, unk = v.get("security_ip_list")
    if unk:
        ad.ctx.gap(sid, "DescribeSecurityIps", "security_ip_list", "security_ip_list is unknown until apply")
    else:
        item["security_ips"] = {"SecurityIpGroups": {"SecurityIpGroup": [
            {"SecurityIpGroupName": "default", "SecurityIpGroupAttribute": "", "SecurityIpList": ",".join(ips or [])}]}}
    ad.region_bucket(region, "mongodb", "instances").append(ad.register(sid, item))


# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS = {
    "alicloud_mongodb_instance": (map_mongodb_instance, 1),
}
