"""RDS in a plan: alicloud_db_instance, and its alicloud_db_backup_policy."""

from __future__ import annotations

from .kms import ensure_key
from .references import Values

ANSWERS = frozenset({"rds:DescribeDBInstances", "rds:DescribeDBInstanceAttribute", "rds:DescribeDBInstanceSSL",
                     "rds:DescribeDBInstanceTDE", "rds:DescribeBackupPolicy", "rds:DescribeDBInstanceIPArrayList",
                     "rds:DescribeSQLCollectorPolicy", "rds:DescribeSQLCollectorRetention", "rds:DescribeParameters"})
PG_LOGGING = ("log_connections", "log_disconnections", "log_duration")

SSL_ACTIONS = {"Open": "Yes", "Update": "Yes", "Close": "No"}


def map_db_instance(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_db_instance -> DescribeDBInstances item + attribute, ssl, tde; backup_policy from alicloud_db_backup_policy."""
    sid = rc["address"]
    zone = ad.known(sid, v, "zone_id", "DescribeDBInstances.ZoneId")
    item = {"DBInstanceId": sid, "RegionId": region, "ZoneId": zone,
            "Engine": ad.known(sid, v, "engine", "DescribeDBInstances.Engine"),
            "EngineVersion": ad.known(sid, v, "engine_version", "DescribeDBInstances.EngineVersion"),
            "Category": ad.known(sid, v, "category", "DescribeDBInstances.Category")}
    slave, unk = v.get("zone_id_slave_a")
    if unk:
        ad.ctx.gap(sid, "DescribeDBInstanceAttribute.SlaveZones", "zone_id_slave_a", "zone_id_slave_a is unknown until apply")
    slaves = [{"ZoneId": slave}] if slave and slave != "Auto" else []
    slave_b, unk_b = v.get("zone_id_slave_b")
    if slave_b and not unk_b and slave_b != "Auto":
        slaves.append({"ZoneId": slave_b})
    item["attribute"] = {"DBInstanceId": sid, "ZoneId": zone, "SlaveZones": {"SlaveZone": slaves}}
    action, unk = v.get("ssl_action")
    if unk:
        ad.ctx.gap(sid, "DescribeDBInstanceSSL", "ssl_action", "ssl_action is not set and the provider reads it back "
                   "only after apply; set ssl_action = \"Open\"")
    else:
        item["ssl"] = {"SSLEnabled": SSL_ACTIONS.get(action, "No")}
    tde, unk = v.get("tde_status")
    if unk:
        ad.ctx.gap(sid, "DescribeDBInstanceTDE", "tde_status", "tde_status is unknown until apply")
    else:
        key, _ = ad.ref_value(sid, rc, v, "tde_encryption_key", "DescribeDBInstanceTDE.EncryptionKey")
        if key:
            ensure_key(ad, region, key)
        # no tde_encryption_key: TDE uses a service-managed key
        item["tde"] = {"TDEStatus": "Enabled" if tde == "Enabled" else "Disabled", "EncryptionKey": key or ""}
    arrays, unk_a = v.get("db_instance_ip_array")
    ips, unk_i = v.get("security_ips")
    if unk_a or unk_i:  # no documented default: a computed allow-list is only known after apply
        ad.ctx.gap(sid, "DescribeDBInstanceIPArrayList", "security_ips", "the IP allow-list is unknown until apply")
    else:  # security_ips is the "default" group; db_instance_ip_array blocks are named groups
        groups = [{"DBInstanceIPArrayName": "default", "SecurityIPList": ",".join(ips or [])}] if ips else []
        groups += [{"DBInstanceIPArrayName": a.get("db_instance_ip_array_name") or "default",
                    "SecurityIPList": ",".join(a.get("security_ips") or [])} for a in arrays or []]
        item["ip_arrays"] = groups
    _sql_audit_and_parameters(ad, sid, v, item)
    # the backup policy lives in alicloud_db_backup_policy; without one it is the service default
    ad.ctx.gap(sid, "DescribeBackupPolicy", "alicloud_db_backup_policy",
               "the plan has no alicloud_db_backup_policy for this instance: its backup policy is the service "
               "default, which the plan cannot show", kind="missing")
    ad.region_bucket(region, "rds", "instances").append(ad.register(sid, item))


def _sql_audit_and_parameters(ad, sid: str, v: Values, item: dict) -> None:
    """sql_collector_status (Enabled / Disabled, default Disabled) and sql_collector_config_value (days, default
    30); `parameters` blocks (name, value) for the PostgreSQL logging switches: one the plan does not set runs
    at the service's default, which the plan cannot show (a gap)."""
    status = ad.known_or_default(sid, v, "sql_collector_status", "DescribeSQLCollectorPolicy.SQLCollectorStatus",
                                 "Disabled")
    if status is not None:
        item["sql_audit"] = {"SQLCollectorStatus": "Enable" if status == "Enabled" else "Disabled"}
    days = ad.known_or_default(sid, v, "sql_collector_config_value", "DescribeSQLCollectorRetention.ConfigValue", 30)
    if days is not None:
        item["sql_audit_retention"] = {"ConfigValue": str(days)}
    if item.get("Engine") != "PostgreSQL":
        return
    blocks, unk = v.get("parameters")
    if unk:
        ad.ctx.gap(sid, "DescribeParameters", "parameters", "the parameters are unknown until apply")
        return
    running = []
    for block in blocks or []:
        name, value = block.get("name"), block.get("value")
        if isinstance(value, str) and value.lower() in ("on", "off"):
            value = value.lower()  # PostgreSQL reads booleans in any case; the API shows on / off
        running.append({"ParameterName": name, "ParameterValue": value})
    for name in PG_LOGGING:
        if name not in {p["ParameterName"] for p in running}:
            ad.ctx.gap(sid, f"DescribeParameters.RunningParameters.{name}", "parameters",
                       f"the plan does not set {name}: it runs at the service's default, which the plan cannot show",
                       kind="missing")
    item["parameters"] = {"RunningParameters": {"DBInstanceParameter": running}}


def map_db_backup_policy(ad, rc: dict, v: Values, region: str) -> None:
    sid = rc["address"]
    attr = "db_instance_id" if v.get("db_instance_id")[0] is not None or v.get("db_instance_id")[1] else "instance_id"
    target, _ = ad.ref_value(sid, rc, v, attr, "DescribeBackupPolicy")
    item = ad.ctx.items.get(target) if target else None
    if item is None:
        ad.ctx.skipped.append({"address": sid, "why": f"its instance {target or '(unknown)'} is not created by this plan"})
        return
    iid = item["DBInstanceId"]
    ad.ctx.gaps[iid] = [g for g in ad.ctx.gaps.get(iid, []) if g.kind != "missing"]
    # documented defaults: backup_retention_period 7, enable_backup_log true (deprecated names before them)
    days_attr = "retention_period" if v.get("retention_period")[0] is not None and \
        v.get("backup_retention_period")[0] is None else "backup_retention_period"
    log_attr = "log_backup" if v.get("log_backup")[0] is not None and v.get("enable_backup_log")[0] is None \
        else "enable_backup_log"
    policy: dict = {}
    days = ad.known_or_default(iid, v, days_attr, "DescribeBackupPolicy.BackupRetentionPeriod", 7)
    if days is not None:  # an Integer in DescribeBackupPolicy; a provider string that is no number stays as it is
        policy["BackupRetentionPeriod"] = int(days) if str(days).strip().lstrip("-").isdigit() else days
    log = ad.known_or_default(iid, v, log_attr, "DescribeBackupPolicy.BackupLog", True)
    if log is not None:
        policy["BackupLog"] = "Enable" if str(log).lower() in ("true", "1") else "Disabled"
    item["backup_policy"] = policy



# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS = {
    "alicloud_db_instance": (map_db_instance, 1),
    "alicloud_db_backup_policy": (map_db_backup_policy, 2),
}
