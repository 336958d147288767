"""RDS rules: SSL, TDE and its key, backup retention, log backup, cross-region backup, multi-zone, allow-lists,
SQL audit and its retention, PostgreSQL connection logging."""


from .base import check, each, not_applicable, rule, unknown
from .common import allowlist_open, customer_key_check, items, read

SSL_ON = {"Yes", "on"}  # MySQL / SQL Server say Yes, PostgreSQL says on
SSL_VALUES = ("Yes", "No", "on", "off")  # DescribeDBInstanceSSL SSLEnabled
TDE_VALUES = ("Enabled", "Disabled")  # DescribeDBInstanceTDE TDEStatus
EACH = ("rds", "instances", "DBInstanceId")
ENGINES = ("MySQL", "SQLServer", "PostgreSQL", "MariaDB")  # DescribeDBInstances Engine
SQL_AUDIT_ENGINES = ("MySQL", "SQLServer", "PostgreSQL")  # DescribeSQLCollectorPolicy "Supported database engines"
SQL_AUDIT_VALUES = ("Enable", "Disabled")  # DescribeSQLCollectorPolicy SQLCollectorStatus
PG_SWITCH_VALUES = ("on", "off")  # DescribeParameters ParameterValueRange of a PostgreSQL boolean


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


def _engine(inst) -> str:
    return read(inst, "Engine", "str", name="DescribeDBInstances.Engine", optional=False, values=ENGINES)


def _audit_scope(inst):
    """NOT_APPLICABLE for an engine without SQL Explorer (MariaDB), else None."""
    engine = _engine(inst)
    if engine not in SQL_AUDIT_ENGINES:
        return not_applicable(inst.get("DBInstanceId"), inst.region, f"{engine} has no SQL audit (SQL Explorer)",
                              {"DescribeDBInstances.Engine": engine})
    return None


def _audit_status(inst) -> str:
    return read(inst, "sql_audit.SQLCollectorStatus", "str", name="DescribeSQLCollectorPolicy.SQLCollectorStatus",
                optional=False, values=SQL_AUDIT_VALUES)


@rule(id="rds-sql-audit-enabled", product="rds", severity="medium", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeSQLCollectorPolicy"),
      title="RDS SQL audit (SQL Explorer) is on",
      rationale="GL20 monitoring and GL8 5.1(d): without SQL audit there is no record of who read or changed "
                "clients' data in the database, so misuse cannot be detected or investigated.",
      remediation={
          "console": "RDS console > the instance > Autonomy Services > SQL Explorer and Audit: enable it.",
          "cli": "aliyun rds ModifySQLCollectorPolicy --RegionId {region} --DBInstanceId {resource_id} --SQLCollectorStatus Enable",
          "terraform": "alicloud_db_instance ({resource_id}, {region}): sql_collector_status = \"Enabled\"",
      })
@each(*EACH)
def sql_audit_enabled(inst, acct, settings):
    scope = _audit_scope(inst)
    if scope:
        return scope
    status = _audit_status(inst)
    ok = status == "Enable"
    return check(inst.get("DBInstanceId"), inst.region, ok,
                 {"DescribeSQLCollectorPolicy.SQLCollectorStatus": status, "DescribeDBInstances.Engine": inst.get("Engine")},
                 "" if ok else "SQL audit (SQL Explorer) is off")


@rule(id="rds-sql-audit-retention", product="rds", severity="medium", resource_type="rds:instance",
      needs=("rds:DescribeDBInstances", "rds:DescribeSQLCollectorPolicy", "rds:DescribeSQLCollectorRetention"),
      title="RDS SQL audit logs are kept for at least the required days (6 months by default)",
      rationale="GL20 monitoring and GL14 5.15(c): an incident noticed months later can only be investigated "
                "when the SQL audit logs of that time are still kept.",
      remediation={
          "console": "RDS console > the instance > Autonomy Services > SQL Explorer and Audit > Service Settings: "
                     "set the log retention to 180 days or more.",
          "cli": "aliyun rds ModifySQLCollectorRetention --RegionId {region} --DBInstanceId {resource_id} --ConfigValue 365",
          "terraform": "alicloud_db_instance ({resource_id}, {region}): sql_collector_status = \"Enabled\", "
                       "sql_collector_config_value = 365",
      })
@each(*EACH)
def sql_audit_retention(inst, acct, settings):
    """DescribeSQLCollectorRetention ConfigValue: days, one of 30, 180, 365, 1095, 1825 (a string of digits)."""
    scope = _audit_scope(inst)
    if scope:
        return scope
    need = settings.rds_sql_audit_retention_days
    status = _audit_status(inst)
    evidence = {"DescribeSQLCollectorPolicy.SQLCollectorStatus": status, "required_days": need}
    if status != "Enable":
        return check(inst.get("DBInstanceId"), inst.region, False, evidence, "SQL audit is off: no audit logs are kept")
    days = read(inst, "sql_audit_retention.ConfigValue", "digits", name="DescribeSQLCollectorRetention.ConfigValue",
                optional=False)
    evidence["DescribeSQLCollectorRetention.ConfigValue"] = days
    ok = days >= need
    return check(inst.get("DBInstanceId"), inst.region, ok, evidence,
                 "" if ok else f"SQL audit logs are kept {days} days, fewer than {need}")


def _pg_parameter(inst, name: str):
    """The running value of a PostgreSQL switch (DescribeParameters RunningParameters); NOT_APPLICABLE for
    other engines; ERROR when the parameter is not in the list."""
    iid = inst.get("DBInstanceId")
    engine = _engine(inst)
    if engine != "PostgreSQL":
        return not_applicable(iid, inst.region, f"a {engine} instance: {name} is a PostgreSQL parameter",
                              {"DescribeDBInstances.Engine": engine})
    running = items(inst, "parameters.RunningParameters.DBInstanceParameter", optional=False,
                    name="DescribeParameters.RunningParameters.DBInstanceParameter")
    # every entry must be named: an entry without a name could be the parameter sought
    names = [read(p, "ParameterName", "str", optional=False,
                  name="DescribeParameters.RunningParameters.DBInstanceParameter.ParameterName") for p in running]
    found = [p for p, n in zip(running, names) if n == name]
    if not found:
        return unknown(iid, inst.region, f"{name} is not among the running parameters",
                       {"DescribeParameters.RunningParameters.DBInstanceParameter.ParameterName": name})
    value = read(found[0], "ParameterValue", "str", optional=False, values=PG_SWITCH_VALUES,
                 name=f"DescribeParameters.RunningParameters.{name}")
    ok = value == "on"
    return check(iid, inst.region, ok, {f"DescribeParameters.RunningParameters.{name}": value},
                 "" if ok else f"{name} is {value}")


def _pg_rule(param: str, cis_id: str, what: str):
    @rule(id=f"rds-postgresql-{param.replace('_', '-')}", product="rds", severity="low", resource_type="rds:instance",
          needs=("rds:DescribeDBInstances", "rds:DescribeParameters"),
          title=f"RDS PostgreSQL instances log {what} ({param} on)",
          rationale=f"GL20 monitoring (CIS {cis_id}): with {param} on, the database log shows {what}, the trail "
                    "needed to detect and investigate misuse of a database account.",
          remediation={
              "console": f"RDS console > the instance > Parameters: set {param} to on and apply.",
              "cli": f"aliyun rds ModifyParameter --RegionId {{region}} --DBInstanceId {{resource_id}} "
                     f"--Parameters '{{\"{param}\":\"on\"}}'",
              "terraform": f"alicloud_db_instance ({{resource_id}}, {{region}}): parameters {{ name = \"{param}\" "
                           "value = \"on\" }",
          })
    @each(*EACH)
    def evaluate(inst, acct, settings):
        return _pg_parameter(inst, param)

    return evaluate


pg_log_connections = _pg_rule("log_connections", "6.7", "each successful connection")
pg_log_disconnections = _pg_rule("log_disconnections", "6.8", "the end of each session")
pg_log_duration = _pg_rule("log_duration", "6.9", "the duration of each statement")
