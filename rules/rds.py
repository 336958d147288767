"""RDS rules: SSL, TDE, backup retention, log backup, multi-zone."""

from .base import check, rule

SSL_ON = {"Yes", "on"}  # MySQL / SQL Server say Yes, PostgreSQL says on


@rule(id="rds-ssl-enabled", product="rds", severity="high", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeDBInstanceSSL"),
      title="RDS instances accept SSL connections",
      rationale="GL8 5.1(b): data in transit between applications and the database is encrypted.",
      remediation={
          "console": "RDS console > the instance > Data Security > SSL: enable SSL for the connection string.",
          "cli": "aliyun rds ModifyDBInstanceSSL --DBInstanceId <id> --ConnectionString <endpoint> --SSLEnabled 1",
          "terraform": "alicloud_db_instance.ssl_action = \"Open\"",
      })
def ssl_enabled(acct, settings):
    for inst in acct.resources("rds", "instances"):
        value = (inst.get("ssl") or {}).get("SSLEnabled")
        ok = value in SSL_ON
        yield check(inst.get("DBInstanceId"), inst.region, ok,
                    {"DescribeDBInstanceSSL.SSLEnabled": value, "DescribeDBInstances.Engine": inst.get("Engine")},
                    "" if ok else "SSL is not enabled")


@rule(id="rds-tde-enabled", product="rds", severity="high", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeDBInstanceTDE"),
      title="RDS instances use transparent data encryption",
      rationale="GL8 5.1(d): clients' personal information held in databases is encrypted at rest.",
      remediation={
          "console": "RDS console > the instance > Data Security > TDE: enable TDE (with a customer-managed key).",
          "cli": "aliyun rds ModifyDBInstanceTDE --DBInstanceId <id> --TDEStatus Enabled --EncryptionKey <key-id>",
          "terraform": "alicloud_db_instance.tde_status = \"Enabled\" (encryption_key)",
      })
def tde_enabled(acct, settings):
    for inst in acct.resources("rds", "instances"):
        value = (inst.get("tde") or {}).get("TDEStatus")
        ok = value == "Enabled"
        yield check(inst.get("DBInstanceId"), inst.region, ok,
                    {"DescribeDBInstanceTDE.TDEStatus": value}, "" if ok else "TDE is not enabled")


@rule(id="rds-backup-retention", product="rds", severity="medium", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeBackupPolicy"),
      title="RDS backups are kept for the required number of days",
      rationale="GL8 5.1(c): appropriate backups of databases, kept long enough to recover from late-noticed loss.",
      remediation={
          "console": "RDS console > the instance > Backup and Restoration > Backup Settings: raise the retention.",
          "cli": "aliyun rds ModifyBackupPolicy --DBInstanceId <id> --BackupRetentionPeriod <days> --PreferredBackupPeriod Monday,Thursday --PreferredBackupTime 02:00Z-03:00Z",
          "terraform": "alicloud_db_backup_policy.backup_retention_period",
      })
def backup_retention(acct, settings):
    need = settings.rds_backup_retention_days
    for inst in acct.resources("rds", "instances"):
        days = (inst.get("backup_policy") or {}).get("BackupRetentionPeriod")
        try:
            ok = int(days) >= need
        except (TypeError, ValueError):
            ok = False
        yield check(inst.get("DBInstanceId"), inst.region, ok,
                    {"DescribeBackupPolicy.BackupRetentionPeriod": days, "required_days": need},
                    "" if ok else f"backups are kept {days} days, fewer than {need}")


@rule(id="rds-log-backup-enabled", product="rds", severity="medium", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeBackupPolicy"),
      title="RDS log backup is on (point-in-time recovery)",
      rationale="Without log backups a database can only be restored to the last full backup (GL8 5.1(c)).",
      remediation={
          "console": "RDS console > the instance > Backup and Restoration > Backup Settings: enable Log Backup.",
          "cli": "aliyun rds ModifyBackupPolicy --DBInstanceId <id> --BackupPolicyMode LogBackupPolicy --EnableBackupLog 1",
          "terraform": "alicloud_db_backup_policy.enable_backup_log = true",
      })
def log_backup(acct, settings):
    for inst in acct.resources("rds", "instances"):
        value = (inst.get("backup_policy") or {}).get("BackupLog")
        ok = value == "Enable"
        yield check(inst.get("DBInstanceId"), inst.region, ok,
                    {"DescribeBackupPolicy.BackupLog": value}, "" if ok else "log backup is off")


@rule(id="rds-multi-zone", product="rds", severity="medium", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeDBInstanceAttribute"),
      title="RDS instances run in more than one zone",
      rationale="GL14 5.17: a high-availability instance with its secondary in another zone survives a zone failure.",
      remediation={
          "console": "RDS console > the instance > Service Availability: migrate to a multi-zone deployment "
                     "(High-availability edition, secondary node in another zone).",
          "cli": "aliyun rds MigrateToOtherZone --DBInstanceId <id> --ZoneId <primary-zone> --ZoneIdSlave1 <other-zone> ...",
          "terraform": "alicloud_db_instance.zone_id_slave_a (a zone other than zone_id)",
      })
def multi_zone(acct, settings):
    for inst in acct.resources("rds", "instances"):
        zone = inst.get("ZoneId") or ""
        attr = inst.get("attribute") or {}
        slaves = [s.get("ZoneId") for s in ((attr.get("SlaveZones") or {}).get("SlaveZone") or [])]
        primary = attr.get("ZoneId") or zone
        other = [z for z in slaves if z and z != primary]
        ok = "MAZ" in zone or bool(other)
        yield check(inst.get("DBInstanceId"), inst.region, ok,
                    {"DescribeDBInstances.ZoneId": zone, "DescribeDBInstanceAttribute.SlaveZones": slaves,
                     "DescribeDBInstances.Category": inst.get("Category")},
                    "" if ok else "the instance and its standby (if any) are in one zone")
