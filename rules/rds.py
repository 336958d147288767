"""RDS rules: SSL, TDE and its key, backup retention, log backup, cross-region backup, multi-zone, allow-lists."""


from .base import check, each, rule, unknown
from .common import allowlist_open, customer_key_check, items, read

SSL_ON = {"Yes", "on"}  # MySQL / SQL Server say Yes, PostgreSQL says on
SSL_VALUES = ("Yes", "No", "on", "off")  # DescribeDBInstanceSSL SSLEnabled
TDE_VALUES = ("Enabled", "Disabled")  # DescribeDBInstanceTDE TDEStatus
EACH = ("rds", "instances", "DBInstanceId")


@rule(id="rds-ssl-enabled", product="rds", severity="high", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeDBInstanceSSL"),
      title="RDS instances accept SSL connections",
      rationale="GL8 5.1(b): data in transit between applications and the database is encrypted.",
      remediation={
          "console": "RDS console > the instance > Data Security > SSL: enable SSL for the connection string.",
          "cli": "aliyun rds ModifyDBInstanceSSL --RegionId {region} --DBInstanceId {resource_id} --ConnectionString <endpoint> --SSLEnabled 1",
          "terraform": "alicloud_db_instance ({resource_id}, {region}): ssl_action = \"Open\"",
      })
@each(*EACH)
def ssl_enabled(inst, acct, settings):
    value = read(inst, "ssl.SSLEnabled", "str", name="DescribeDBInstanceSSL.SSLEnabled", values=SSL_VALUES)
    ok = value in SSL_ON
    return check(inst.get("DBInstanceId"), inst.region, ok,
                 {"DescribeDBInstanceSSL.SSLEnabled": value, "DescribeDBInstances.Engine": inst.get("Engine")},
                 "" if ok else "SSL is not enabled")


@rule(id="rds-tde-enabled", product="rds", severity="high", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeDBInstanceTDE"),
      title="RDS instances use transparent data encryption",
      rationale="GL8 5.1(d): clients' personal information held in databases is encrypted at rest.",
      remediation={
          "console": "RDS console > the instance > Data Security > TDE: enable TDE (with a customer-managed key).",
          "cli": "aliyun rds ModifyDBInstanceTDE --RegionId {region} --DBInstanceId {resource_id} --TDEStatus Enabled --EncryptionKey <key-id>",
          "terraform": "alicloud_db_instance ({resource_id}, {region}): tde_status = \"Enabled\" (encryption_key)",
      })
@each(*EACH)
def tde_enabled(inst, acct, settings):
    value = read(inst, "tde.TDEStatus", "str", name="DescribeDBInstanceTDE.TDEStatus", values=TDE_VALUES)
    ok = value == "Enabled"
    return check(inst.get("DBInstanceId"), inst.region, ok, {"DescribeDBInstanceTDE.TDEStatus": value},
                 "" if ok else "TDE is not enabled")


@rule(id="rds-backup-retention", product="rds", severity="medium", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeBackupPolicy"),
      title="RDS backups are kept for the required number of days",
      rationale="GL8 5.1(c): appropriate backups of databases, kept long enough to recover from late-noticed loss.",
      remediation={
          "console": "RDS console > the instance > Backup and Restoration > Backup Settings: raise the retention.",
          "cli": "aliyun rds ModifyBackupPolicy --RegionId {region} --DBInstanceId {resource_id} --BackupRetentionPeriod {ev:required_days} --PreferredBackupPeriod Monday,Thursday --PreferredBackupTime 02:00Z-03:00Z",
          "terraform": "alicloud_db_backup_policy (instance_id = \"{resource_id}\"): backup_retention_period",
      })
@each(*EACH)
def backup_retention(inst, acct, settings):
    """Every documented copy counts: data backups (DescribeBackupPolicy BackupRetentionPeriod, days) and, when
    read, the cross-region copies (DescribeInstanceCrossBackupPolicy: Retention days, BackupEnabled = Enable).
    The longest decides. Archived backups (ArchiveBackupRetentionPeriod) are not counted: they keep only
    some backups (ArchiveBackupKeepPolicy/KeepCount), and when the feature is in effect is not in the response."""
    need = settings.rds_backup_retention_days
    days = read(inst, "backup_policy.BackupRetentionPeriod", "int", name="DescribeBackupPolicy.BackupRetentionPeriod",
                optional=False)
    evidence = {"DescribeBackupPolicy.BackupRetentionPeriod": days, "required_days": need}
    copies = {"data backups": days}
    cross = inst.get("cross_backup")
    if isinstance(cross, dict) and read(cross, "BackupEnabled", "str",
                                        name="DescribeInstanceCrossBackupPolicy.BackupEnabled") == "Enable":
        kept = read(cross, "Retention", "int", name="DescribeInstanceCrossBackupPolicy.Retention", optional=False)
        evidence["DescribeInstanceCrossBackupPolicy.Retention"] = kept
        copies["cross-region backups"] = kept
    forever = [what for what, d in copies.items() if d == -1]
    longest = max(copies.values())
    ok = bool(forever) or longest >= need
    return check(inst.get("DBInstanceId"), inst.region, ok, evidence,
                 "" if ok else f"backups are kept at most {longest} days ({', '.join(copies)}), fewer than {need}")


@rule(id="rds-log-backup-enabled", product="rds", severity="medium", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeBackupPolicy"),
      title="RDS log backup is on (point-in-time recovery)",
      rationale="Without log backups a database can only be restored to the last full backup (GL8 5.1(c)).",
      remediation={
          "console": "RDS console > the instance > Backup and Restoration > Backup Settings: enable Log Backup.",
          "cli": "aliyun rds ModifyBackupPolicy --RegionId {region} --DBInstanceId {resource_id} --BackupPolicyMode LogBackupPolicy --EnableBackupLog 1",
          "terraform": "alicloud_db_backup_policy (instance_id = \"{resource_id}\"): enable_backup_log = true",
      })
@each(*EACH)
def log_backup(inst, acct, settings):
    value = read(inst, "backup_policy.BackupLog", "str", name="DescribeBackupPolicy.BackupLog",
                 values=("Enable", "Disabled", "Disable"))
    ok = value == "Enable"
    return check(inst.get("DBInstanceId"), inst.region, ok, {"DescribeBackupPolicy.BackupLog": value},
                 "" if ok else "log backup is off")


@rule(id="rds-multi-zone", product="rds", severity="medium", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeDBInstanceAttribute"),
      informative=("DescribeDBInstances.Category",),
      title="RDS instances run in more than one zone",
      rationale="GL14 5.17: a high-availability instance with its secondary in another zone survives a zone failure.",
      remediation={
          "console": "RDS console > the instance > Service Availability: migrate to a multi-zone deployment "
                     "(High-availability edition, secondary node in another zone).",
          "cli": "aliyun rds MigrateToOtherZone --RegionId {region} --DBInstanceId {resource_id} --ZoneId <primary-zone> --ZoneIdSlave1 <other-zone> ...",
          "terraform": "alicloud_db_instance ({resource_id}, {region}): zone_id_slave_a (a zone other than zone_id)",
      })
@each(*EACH)
def multi_zone(inst, acct, settings):
    zone = read(inst, "ZoneId", "str", name="DescribeDBInstances.ZoneId", optional=False)
    attr = read(inst, "attribute", "dict", name="DescribeDBInstanceAttribute") or {}
    slaves = [read(s, "ZoneId", "str", name="DescribeDBInstanceAttribute.SlaveZones.SlaveZone.ZoneId")
              for s in items(attr, "SlaveZones.SlaveZone", name="DescribeDBInstanceAttribute.SlaveZones.SlaveZone")]
    primary = read(attr, "ZoneId", "str", name="DescribeDBInstanceAttribute.ZoneId") or zone
    other = [z for z in slaves if z and z != primary]
    ok = "MAZ" in zone or bool(other)
    return check(inst.get("DBInstanceId"), inst.region, ok,
                 {"DescribeDBInstances.ZoneId": zone, "DescribeDBInstanceAttribute.SlaveZones": slaves,
                  "DescribeDBInstances.Category": inst.get("Category")},
                 "" if ok else "the instance and its standby (if any) are in one zone")


@rule(id="rds-tde-cmk", product="rds", severity="medium", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeDBInstanceTDE", "kms:ListKeys", "kms:DescribeKey"),
      title="RDS TDE uses a customer-managed KMS key",
      rationale="GL14 5.12 and 5.13: with TDE under a key the insurer controls, key use is audited and the data "
                "becomes unreadable when the key is destroyed at exit; a service-managed key gives neither.",
      remediation={
          "console": "RDS console > the instance > Data Security > TDE: enable with a custom key (a KMS customer "
                     "master key in the instance's region).",
          "cli": "aliyun rds ModifyDBInstanceTDE --RegionId {region} --DBInstanceId {resource_id} --TDEStatus Enabled --EncryptionKey <key-id> "
                 "--RoleArn acs:ram::{account_id}:role/aliyunrdsinstanceencryptiondefaultrole",
          "terraform": "alicloud_db_instance ({resource_id}, {region}): encryption_key = alicloud_kms_key.<cmk>.id (tde_status = \"Enabled\")",
      })
@each(*EACH)
def tde_cmk(inst, acct, settings):
    status = read(inst, "tde.TDEStatus", "str", name="DescribeDBInstanceTDE.TDEStatus", values=TDE_VALUES)
    key_id = read(inst, "tde.EncryptionKey", "str", name="DescribeDBInstanceTDE.EncryptionKey") or ""
    evidence = {"DescribeDBInstanceTDE.TDEStatus": status, "DescribeDBInstanceTDE.EncryptionKey": key_id}
    iid = inst.get("DBInstanceId")
    if status != "Enabled":
        return check(iid, inst.region, False, evidence, "TDE is not enabled")
    if not key_id:
        return check(iid, inst.region, False, evidence, "TDE uses a service-managed key")
    return customer_key_check(acct, iid, inst.region, inst.region, key_id, evidence,
                              "the key is not among the account's KMS keys in the region")


@rule(id="rds-cross-region-backup", product="rds", severity="medium", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeInstanceCrossBackupPolicy"),
      title="RDS backups are copied to another region",
      rationale="GL8 5.1(c) and GL14 5.18: a backup in a second region allows recovery when the primary region, "
                "or the provider's service there, is lost.",
      remediation={
          "console": "RDS console > the instance > Backup and Restoration > Backup Settings > Cross-region Backup: "
                     "enable, choose the destination region and retention.",
          "cli": "aliyun rds ModifyInstanceCrossBackupPolicy --RegionId {region} --DBInstanceId {resource_id} "
                 "--BackupEnabled 1 --CrossBackupRegion <other-region> --RetentType 1 --Retention 30",
          "terraform": "alicloud_rds_instance_cross_backup_policy (instance_id = \"{resource_id}\", cross_backup_region, retention)",
      })
@each(*EACH)
def cross_region_backup(inst, acct, settings):
    pol = read(inst, "cross_backup", "dict", name="DescribeInstanceCrossBackupPolicy") or {}
    enabled = read(pol, "BackupEnabled", "str", name="DescribeInstanceCrossBackupPolicy.BackupEnabled",
                   values=("Enable", "Disable", "Disabled"))
    target = read(pol, "CrossBackupRegion", "str", name="DescribeInstanceCrossBackupPolicy.CrossBackupRegion") or ""
    ok = enabled == "Enable" and bool(target) and target != inst.region
    return check(inst.get("DBInstanceId"), inst.region, ok,
                 {"DescribeInstanceCrossBackupPolicy.BackupEnabled": enabled,
                  "DescribeInstanceCrossBackupPolicy.CrossBackupRegion": target,
                  "DescribeInstanceCrossBackupPolicy.Retention": pol.get("Retention")},
                 "" if ok else "cross-region backup is off")


@rule(id="rds-cross-region-log-backup", product="rds", severity="low", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeInstanceCrossBackupPolicy"),
      title="RDS log backups are copied to another region",
      rationale="GL14 5.18: with log backups in the second region, a restore there reaches any point in time, "
                "not only the last full backup.",
      remediation={
          "console": "RDS console > the instance > Backup Settings > Cross-region Backup: enable Log Backup.",
          "cli": "aliyun rds ModifyInstanceCrossBackupPolicy --RegionId {region} --DBInstanceId {resource_id} "
                 "--BackupEnabled 1 --LogBackupEnabled 1 --CrossBackupRegion <other-region>",
          "terraform": "alicloud_rds_instance_cross_backup_policy (instance_id = \"{resource_id}\", log backup follows the policy; see provider docs)",
      })
@each(*EACH)
def cross_region_log_backup(inst, acct, settings):
    pol = read(inst, "cross_backup", "dict", name="DescribeInstanceCrossBackupPolicy") or {}
    enabled = read(pol, "BackupEnabled", "str", name="DescribeInstanceCrossBackupPolicy.BackupEnabled",
                   values=("Enable", "Disable", "Disabled"))
    logs = read(pol, "LogBackupEnabled", "str", name="DescribeInstanceCrossBackupPolicy.LogBackupEnabled",
                values=("Enable", "Disable", "Disabled"))
    ok = enabled == "Enable" and logs == "Enable"
    return check(inst.get("DBInstanceId"), inst.region, ok,
                 {"DescribeInstanceCrossBackupPolicy.BackupEnabled": enabled,
                  "DescribeInstanceCrossBackupPolicy.LogBackupEnabled": logs},
                 "" if ok else "log backups are not copied to another region")


@rule(id="rds-allowlist-not-open", product="rds", severity="high", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeDBInstanceIPArrayList"),
      title="RDS IP allow-lists do not admit the whole internet",
      rationale="GL8 5.1(d): 0.0.0.0/0 in any allow-list group (hidden groups included) lets every address reach "
                "the database; only its password stands between the internet and clients' data.",
      remediation={
          "console": "RDS console > the instance > Whitelist and SecGroup: remove 0.0.0.0/0 from every group and "
                     "list the application's addresses or VPC CIDR.",
          "cli": "aliyun rds ModifySecurityIps --RegionId {region} --DBInstanceId {resource_id} --DBInstanceIPArrayName <group> --SecurityIps <cidrs>",
          "terraform": "alicloud_db_instance ({resource_id}, {region}): security_ips (no 0.0.0.0/0)",
      })
@each(*EACH)
def allowlist_not_open(inst, acct, settings):
    if inst.get("ip_arrays") is None:
        return unknown(inst.get("DBInstanceId"), inst.region, "the allow-lists were not read")
    arrays = items(inst, "ip_arrays", name="DescribeDBInstanceIPArrayList.Items.DBInstanceIPArray")
    # every group counts, hidden ones included, and they count together (their union is what is admitted)
    open_groups = allowlist_open([(a.get("DBInstanceIPArrayName"), a.get("SecurityIPList")) for a in arrays],
                                 "DescribeDBInstanceIPArrayList.DBInstanceIPArray.SecurityIPList", percent_is_any=True)
    return check(inst.get("DBInstanceId"), inst.region, not open_groups,
                 {"DescribeDBInstanceIPArrayList.DBInstanceIPArray": [
                     {"DBInstanceIPArrayName": a.get("DBInstanceIPArrayName"),
                      "DBInstanceIPArrayAttribute": a.get("DBInstanceIPArrayAttribute"),
                      "SecurityIPList": a.get("SecurityIPList")} for a in arrays]},
                 "" if not open_groups else f"group(s) {', '.join(open_groups)} together admit every address "
                                            "(0.0.0.0/0 or ::/0)")
