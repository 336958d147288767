"""RDS rules: SSL, TDE and its key, backup retention, log backup, cross-region backup, multi-zone, allow-lists."""


from .base import check, rule, unknown
from .common import is_customer_key, key_index, open_to_internet

SSL_ON = {"Yes", "on"}  # MySQL / SQL Server say Yes, PostgreSQL says on


@rule(id="rds-ssl-enabled", product="rds", severity="high", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeDBInstanceSSL"),
      title="RDS instances accept SSL connections",
      rationale="GL8 5.1(b): data in transit between applications and the database is encrypted.",
      remediation={
          "console": "RDS console > the instance > Data Security > SSL: enable SSL for the connection string.",
          "cli": "aliyun rds ModifyDBInstanceSSL --RegionId {region} --DBInstanceId {resource_id} --ConnectionString <endpoint> --SSLEnabled 1",
          "terraform": "alicloud_db_instance ({resource_id}, {region}): ssl_action = \"Open\"",
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
          "cli": "aliyun rds ModifyDBInstanceTDE --RegionId {region} --DBInstanceId {resource_id} --TDEStatus Enabled --EncryptionKey <key-id>",
          "terraform": "alicloud_db_instance ({resource_id}, {region}): tde_status = \"Enabled\" (encryption_key)",
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
          "cli": "aliyun rds ModifyBackupPolicy --RegionId {region} --DBInstanceId {resource_id} --BackupRetentionPeriod {ev:required_days} --PreferredBackupPeriod Monday,Thursday --PreferredBackupTime 02:00Z-03:00Z",
          "terraform": "alicloud_db_backup_policy (instance_id = \"{resource_id}\"): backup_retention_period",
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
          "cli": "aliyun rds ModifyBackupPolicy --RegionId {region} --DBInstanceId {resource_id} --BackupPolicyMode LogBackupPolicy --EnableBackupLog 1",
          "terraform": "alicloud_db_backup_policy (instance_id = \"{resource_id}\"): enable_backup_log = true",
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
          "cli": "aliyun rds MigrateToOtherZone --RegionId {region} --DBInstanceId {resource_id} --ZoneId <primary-zone> --ZoneIdSlave1 <other-zone> ...",
          "terraform": "alicloud_db_instance ({resource_id}, {region}): zone_id_slave_a (a zone other than zone_id)",
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
def tde_cmk(acct, settings):
    keys = {r: key_index(acct, r) for r in acct.regions}
    for inst in acct.resources("rds", "instances"):
        tde = inst.get("tde") or {}
        key_id = tde.get("EncryptionKey") or ""
        evidence = {"DescribeDBInstanceTDE.TDEStatus": tde.get("TDEStatus"),
                    "DescribeDBInstanceTDE.EncryptionKey": key_id}
        iid = inst.get("DBInstanceId")
        if tde.get("TDEStatus") != "Enabled":
            yield check(iid, inst.region, False, evidence, "TDE is not enabled")
            continue
        if not key_id:
            yield check(iid, inst.region, False, evidence, "TDE uses a service-managed key")
            continue
        key = keys.get(inst.region, {}).get(key_id)
        if key is None:
            yield check(iid, inst.region, False, evidence, "the key is not among the account's KMS keys in the region")
            continue
        if "metadata" not in key:
            yield unknown(iid, inst.region, f"kms:DescribeKey for {key_id} was not read", evidence)
            continue
        evidence["DescribeKey.KeyMetadata.Creator"] = key["metadata"].get("Creator")
        ok = is_customer_key(key["metadata"])
        yield check(iid, inst.region, ok, evidence, "" if ok else "the key was created by a cloud service")


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
def cross_region_backup(acct, settings):
    for inst in acct.resources("rds", "instances"):
        pol = inst.get("cross_backup") or {}
        target = pol.get("CrossBackupRegion") or ""
        ok = pol.get("BackupEnabled") == "Enable" and bool(target) and target != inst.region
        yield check(inst.get("DBInstanceId"), inst.region, ok,
                    {"DescribeInstanceCrossBackupPolicy.BackupEnabled": pol.get("BackupEnabled"),
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
def cross_region_log_backup(acct, settings):
    for inst in acct.resources("rds", "instances"):
        pol = inst.get("cross_backup") or {}
        ok = pol.get("BackupEnabled") == "Enable" and pol.get("LogBackupEnabled") == "Enable"
        yield check(inst.get("DBInstanceId"), inst.region, ok,
                    {"DescribeInstanceCrossBackupPolicy.BackupEnabled": pol.get("BackupEnabled"),
                     "DescribeInstanceCrossBackupPolicy.LogBackupEnabled": pol.get("LogBackupEnabled")},
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
def allowlist_not_open(acct, settings):
    for inst in acct.resources("rds", "instances"):
        arrays = inst.get("ip_arrays")
        if arrays is None:
            yield unknown(inst.get("DBInstanceId"), inst.region, "the allow-lists were not read")
            continue
        open_groups = {a.get("DBInstanceIPArrayName"): open_to_internet(a.get("SecurityIPList"))
                       for a in arrays if open_to_internet(a.get("SecurityIPList"))}
        yield check(inst.get("DBInstanceId"), inst.region, not open_groups,
                    {"DescribeDBInstanceIPArrayList.DBInstanceIPArray": [
                        {"DBInstanceIPArrayName": a.get("DBInstanceIPArrayName"),
                         "DBInstanceIPArrayAttribute": a.get("DBInstanceIPArrayAttribute"),
                         "SecurityIPList": a.get("SecurityIPList")} for a in arrays]},
                    "" if not open_groups else f"group(s) {', '.join(sorted(map(str, open_groups)))} admit 0.0.0.0/0")
