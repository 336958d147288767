"""Redis (ApsaraDB for Redis / Tair) in a plan: alicloud_kvstore_instance."""

from __future__ import annotations

from .references import Values, config_keys

ANSWERS = frozenset({"redis:DescribeInstances", "redis:DescribeInstanceAttribute", "redis:DescribeInstanceSSL",
                     "redis:DescribeInstanceTDEStatus", "redis:DescribeSecurityIps"})


def map_kvstore(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_kvstore_instance -> R-kvstore DescribeInstances item + attribute, ssl, tde, backup_policy, security_ips."""
    sid = rc["address"]
    zone_attr = "zone_id" if v.get("zone_id")[0] is not None or v.get("zone_id")[1] else "availability_zone"
    zone = ad.known(sid, v, zone_attr, "DescribeInstances.ZoneId")
    secondary, unk = v.get("secondary_zone_id")
    if unk:
        ad.ctx.gap(sid, "DescribeInstanceAttribute.SecondaryZoneId", "secondary_zone_id", "secondary_zone_id is unknown until apply")
    item: dict = {"InstanceId": sid, "RegionId": region, "ZoneId": zone,
                  "InstanceType": ad.known(sid, v, "instance_type", "DescribeInstances.InstanceType"),
                  "EngineVersion": ad.known(sid, v, "engine_version", "DescribeInstances.EngineVersion"),
                  "InstanceClass": ad.known(sid, v, "instance_class", "DescribeInstances.InstanceClass")}
    if secondary:
        item["SecondaryZoneId"] = secondary
    # a vswitch (known, or a reference known only at apply) puts the instance in a VPC; none: the classic network
    vswitch, unk = v.get("vswitch_id")
    network = "VPC" if vswitch or (unk and (v.refs("vswitch_id") or "vswitch_id" in config_keys(v, "vswitch_id"))) \
        else None
    if network is None:
        ad.ctx.gap(sid, "DescribeInstances.NetworkType", "vswitch_id",
                   "vswitch_id is unknown until apply" if unk else
                   "no vswitch_id: the network is the service's choice, which the plan cannot show", kind="missing")
    item["NetworkType"] = network
    # documented defaults: vpc_auth_mode Open (meaningful for VPC instances), payment_type PostPaid
    auth = ad.known_or_default(sid, v, "vpc_auth_mode", "DescribeInstanceAttribute.VpcAuthMode", "Open")
    pay_attr = "instance_charge_type" if v.get("instance_charge_type")[0] and not v.get("payment_type")[0] \
        else "payment_type"
    charge = ad.known_or_default(sid, v, pay_attr, "DescribeInstanceAttribute.ChargeType", "PostPaid")
    # not set (null in the plan, not unknown): the provider never turns release protection on
    protect = ad.known(sid, v, "instance_release_protection", "DescribeInstanceAttribute.InstanceReleaseProtection")
    unk_protect = v.get("instance_release_protection")[1]
    item["attribute"] = {"InstanceId": sid, "ZoneId": zone, "SecondaryZoneId": secondary, "VpcAuthMode": auth,
                         "ChargeType": charge,
                         "InstanceReleaseProtection": None if unk_protect else bool(protect)}
    ssl, unk = v.get("ssl_enable")
    if unk:
        ad.ctx.gap(sid, "DescribeInstanceSSL", "ssl_enable", "ssl_enable is unknown until apply")
    else:
        item["ssl"] = {"SSLEnabled": "Enable" if ssl in ("Enable", "Update") else "Disable"}
    tde, unk = v.get("tde_status")
    if unk:
        ad.ctx.gap(sid, "DescribeInstanceTDEStatus", "tde_status", "tde_status is unknown until apply")
    else:
        item["tde"] = {"TDEStatus": "Enabled" if tde == "Enabled" else "Disable"}
    period, unk_p = v.get("backup_period")
    log, unk_l = v.get("enable_backup_log")
    if unk_p or unk_l:
        ad.ctx.gap(sid, "DescribeBackupPolicy", "backup_period", "the backup settings are unknown until apply")
    else:
        # the retention is not a provider attribute (redis:DescribeBackupPolicy is not in ANSWERS)
        item["backup_policy"] = {"PreferredBackupPeriod": ",".join(period) if period else None,
                                 "PreferredBackupTime": v.get("backup_time")[0],
                                 "EnableBackupLog": int(log or 0)}
    ips, unk = v.get("security_ips")
    if unk:
        ad.ctx.gap(sid, "DescribeSecurityIps", "security_ips", "security_ips is unknown until apply")
    else:
        item["security_ips"] = {"SecurityIpGroups": {"SecurityIpGroup": [
            {"SecurityIpGroupName": v.get("security_ip_group_name")[0] or "default",
             "SecurityIpList": ",".join(ips or []), "SecurityIpGroupAttribute": ""}]}}
    ad.region_bucket(region, "redis", "instances").append(ad.register(sid, item))



# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS = {
    "alicloud_kvstore_instance": (map_kvstore, 1),
}
