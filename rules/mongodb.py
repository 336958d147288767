"""ApsaraDB for MongoDB rules: TDE and its key, SSL, IP whitelists, backup retention, log backup, zones, network."""

from .base import check, each, rule, unknown
from .common import allowlist_open, customer_key_check, items, read

EACH = ("mongodb", "instances", "DBInstanceId")
TDE_VALUES = ("enabled", "disabled")  # DescribeDBInstanceTDEInfo TDEStatus
SSL_VALUES = ("Open", "Closed")  # DescribeDBInstanceSSL SSLStatus
NETWORK_VALUES = ("Classic", "VPC")  # DescribeDBInstances NetworkType
NO_BYOK = "NoActiveBYOK"  # DescribeDBInstanceTDEInfo EncryptionKey where the key is not the customer's


def _tde_status(inst) -> str:
    return read(inst, "tde.TDEStatus", "str", name="DescribeDBInstanceTDEInfo.TDEStatus", optional=False,
                values=TDE_VALUES)


@rule(id="mongodb-tde-enabled", product="mongodb", severity="high", resource_type="mongodb:instance",
      needs=("mongodb:DescribeDBInstances", "mongodb:DescribeDBInstanceTDEInfo"),
      title="MongoDB instances use transparent data encryption",
      rationale="GL8 5.1(d): clients' personal information held in databases is encrypted at rest.",
      remediation={
          "console": "MongoDB console > the instance > Data Security > TDE: enable TDE (with a custom key).",
          "cli": "aliyun dds ModifyDBInstanceTDE --DBInstanceId {resource_id} --TDEStatus enabled --EncryptionKey <key-id>",
          "terraform": "alicloud_mongodb_instance ({resource_id}, {region}): tde_status = \"enabled\" (encryption_key)",
      })
@each(*EACH)
def tde_enabled(inst, acct, settings):
    status = _tde_status(inst)
    ok = status == "enabled"
    return check(inst.get("DBInstanceId"), inst.region, ok, {"DescribeDBInstanceTDEInfo.TDEStatus": status},
                 "" if ok else "TDE is not enabled")


@rule(id="mongodb-tde-cmk", product="mongodb", severity="medium", resource_type="mongodb:instance",
      needs=("mongodb:DescribeDBInstances", "mongodb:DescribeDBInstanceTDEInfo", "kms:ListKeys", "kms:DescribeKey"),
      title="MongoDB TDE uses a customer-managed KMS key",
      rationale="GL14 5.12 and 5.13: with TDE under a key the insurer controls, key use is audited and the data "
                "becomes unreadable when the key is destroyed at exit; a service-managed key gives neither.",
      remediation={
          "console": "MongoDB console > the instance > Data Security > TDE: enable with a custom key (a KMS key in "
                     "the instance's region).",
          "cli": "aliyun dds ModifyDBInstanceTDE --DBInstanceId {resource_id} --TDEStatus enabled --EncryptionKey <key-id> "
                 "--RoleARN acs:ram::{account_id}:role/aliyunrdsinstanceencryptiondefaultrole",
          "terraform": "alicloud_mongodb_instance ({resource_id}, {region}): encryption_key = alicloud_kms_key.<cmk>.id "
                       "(tde_status = \"enabled\")",
      })
@each(*EACH)
def tde_cmk(inst, acct, settings):
    status = _tde_status(inst)
    key_id = read(inst, "tde.EncryptionKey", "str", name="DescribeDBInstanceTDEInfo.EncryptionKey") or ""
    evidence = {"DescribeDBInstanceTDEInfo.TDEStatus": status, "DescribeDBInstanceTDEInfo.EncryptionKey": key_id}
    iid = inst.get("DBInstanceId")
    if status != "enabled":
        return check(iid, inst.region, False, evidence, "TDE is not enabled")
    if not key_id or key_id == NO_BYOK:
        return check(iid, inst.region, False, evidence, "TDE uses a service-managed key")
    return customer_key_check(acct, iid, inst.region, inst.region, key_id, evidence,
                              "the key is not among the account's KMS keys in the region")


@rule(id="mongodb-ssl-enabled", product="mongodb", severity="high", resource_type="mongodb:instance",
      needs=("mongodb:DescribeDBInstances", "mongodb:DescribeDBInstanceSSL"),
      title="MongoDB instances accept SSL connections",
      rationale="GL8 5.1(b): data in transit between applications and the database is encrypted.",
      remediation={
          "console": "MongoDB console > the instance > Data Security > SSL: enable SSL.",
          "cli": "aliyun dds ModifyDBInstanceSSL --DBInstanceId {resource_id} --SSLAction Open",
          "terraform": "alicloud_mongodb_instance ({resource_id}, {region}): ssl_action = \"Open\"",
      })
@each(*EACH)
def ssl_enabled(inst, acct, settings):
    value = read(inst, "ssl.SSLStatus", "str", name="DescribeDBInstanceSSL.SSLStatus", optional=False,
                 values=SSL_VALUES)
    ok = value == "Open"
    return check(inst.get("DBInstanceId"), inst.region, ok, {"DescribeDBInstanceSSL.SSLStatus": value},
                 "" if ok else "SSL is not enabled")


@rule(id="mongodb-allowlist-not-open", product="mongodb", severity="high", resource_type="mongodb:instance",
      needs=("mongodb:DescribeDBInstances", "mongodb:DescribeSecurityIps"),
      title="MongoDB IP whitelists do not admit the whole internet",
      rationale="GL8 5.1(d): 0.0.0.0/0 in any whitelist group lets every address reach the database; only its "
                "password stands between the internet and clients' data.",
      remediation={
          "console": "MongoDB console > the instance > Data Security > Whitelist Settings: remove 0.0.0.0/0 and list "
                     "the application's addresses or VPC CIDR.",
          "cli": "aliyun dds ModifySecurityIps --DBInstanceId {resource_id} --SecurityIpGroupName <group> --ModifyMode Cover --SecurityIps <cidrs>",
          "terraform": "alicloud_mongodb_instance ({resource_id}, {region}): security_ip_list (no 0.0.0.0/0)",
      })
@each(*EACH)
def allowlist_not_open(inst, acct, settings):
    if inst.get("security_ips") is None:
        return unknown(inst.get("DBInstanceId"), inst.region, "the whitelists were not read")
    groups = items(inst, "security_ips.SecurityIpGroups.SecurityIpGroup",
                   name="DescribeSecurityIps.SecurityIpGroups.SecurityIpGroup", optional=False)
    open_groups = allowlist_open([(g.get("SecurityIpGroupName"), g.get("SecurityIpList")) for g in groups],
                                 "DescribeSecurityIps.SecurityIpGroups.SecurityIpGroup.SecurityIpList")
    return check(inst.get("DBInstanceId"), inst.region, not open_groups,
                 {"DescribeSecurityIps.SecurityIpGroups.SecurityIpGroup[].SecurityIpList":
                      {g.get("SecurityIpGroupName"): g.get("SecurityIpList") for g in groups}},
                 "" if not open_groups else f"every address is admitted through {', '.join(open_groups)}")


@rule(id="mongodb-backup-retention", product="mongodb", severity="medium", resource_type="mongodb:instance",
      needs=("mongodb:DescribeDBInstances", "mongodb:DescribeBackupPolicy"),
      title="MongoDB backups are kept for the required number of days",
      rationale="GL8 5.1(c): appropriate backups of databases, kept long enough to recover from late-noticed loss.",
      remediation={
          "console": "MongoDB console > the instance > Backup and Restoration > Backup Settings: raise the retention.",
          "cli": "aliyun dds ModifyBackupPolicy --DBInstanceId {resource_id} --BackupRetentionPeriod {ev:required_days} "
                 "--PreferredBackupPeriod Monday,Thursday --PreferredBackupTime 02:00Z-03:00Z",
          "terraform": "alicloud_mongodb_instance ({resource_id}, {region}): backup_retention_period",
      })
@each(*EACH)
def backup_retention(inst, acct, settings):
    """DescribeBackupPolicy BackupRetentionPeriod: days, a string in the documentation ("30")."""
    need = settings.mongodb_backup_retention_days
    days = read(inst, "backup_policy.BackupRetentionPeriod", "digits",
                name="DescribeBackupPolicy.BackupRetentionPeriod", optional=False)
    ok = days == -1 or days >= need
    return check(inst.get("DBInstanceId"), inst.region, ok,
                 {"DescribeBackupPolicy.BackupRetentionPeriod": days, "required_days": need},
                 "" if ok else f"backups are kept {days} days, fewer than {need}")


@rule(id="mongodb-log-backup-enabled", product="mongodb", severity="medium", resource_type="mongodb:instance",
      needs=("mongodb:DescribeDBInstances", "mongodb:DescribeBackupPolicy"),
      title="MongoDB log backup is on (point-in-time recovery)",
      rationale="Without log backups a database can only be restored to the last full backup (GL8 5.1(c)).",
      remediation={
          "console": "MongoDB console > the instance > Backup and Restoration > Backup Settings: enable Log Backup.",
          "cli": "aliyun dds ModifyBackupPolicy --DBInstanceId {resource_id} --EnableBackupLog 1 "
                 "--PreferredBackupPeriod Monday,Thursday --PreferredBackupTime 02:00Z-03:00Z",
          "terraform": "alicloud_mongodb_instance ({resource_id}, {region}): enable_backup_log = 1",
      })
@each(*EACH)
def log_backup(inst, acct, settings):
    # an Integer in the documentation: 0 (off, the default) or 1
    value = read(inst, "backup_policy.EnableBackupLog", "int", name="DescribeBackupPolicy.EnableBackupLog",
                 optional=False, values=(0, 1))
    ok = value == 1
    return check(inst.get("DBInstanceId"), inst.region, ok, {"DescribeBackupPolicy.EnableBackupLog": value},
                 "" if ok else "log backup is off")


@rule(id="mongodb-multi-zone", product="mongodb", severity="medium", resource_type="mongodb:instance",
      needs=("mongodb:DescribeDBInstances", "mongodb:DescribeDBInstanceAttribute"),
      title="MongoDB instances run in more than one zone",
      rationale="GL14 5.17: with the secondary (and hidden) node in another zone, the instance survives a zone "
                "failure.",
      remediation={
          "console": "MongoDB console > the instance > Basic Information > Migrate Across Zones: choose a "
                     "multi-zone deployment (secondary and hidden nodes in other zones).",
          "cli": "aliyun dds MigrateAvailableZone --DBInstanceId {resource_id} --ZoneId <zone> --Vswitch <vsw>",
          "terraform": "alicloud_mongodb_instance ({resource_id}, {region}): secondary_zone_id and hidden_zone_id "
                       "(zones other than zone_id)",
      })
@each(*EACH)
def multi_zone(inst, acct, settings):
    attr = read(inst, "attribute", "dict", name="DescribeDBInstanceAttribute", optional=False)
    zone = read(attr, "ZoneId", "str", name="DescribeDBInstanceAttribute.ZoneId", optional=False)
    secondary = read(attr, "SecondaryZoneId", "str", name="DescribeDBInstanceAttribute.SecondaryZoneId") or ""
    hidden = read(attr, "HiddenZoneId", "str", name="DescribeDBInstanceAttribute.HiddenZoneId") or ""
    zones = {z for z in (zone, secondary, hidden) if z}
    ok = len(zones) >= 2
    return check(inst.get("DBInstanceId"), inst.region, ok,
                 {"DescribeDBInstanceAttribute.ZoneId": zone, "DescribeDBInstanceAttribute.SecondaryZoneId": secondary,
                  "DescribeDBInstanceAttribute.HiddenZoneId": hidden},
                 "" if ok else "every node is in one zone")


@rule(id="mongodb-vpc-network", product="mongodb", severity="medium", resource_type="mongodb:instance",
      needs=("mongodb:DescribeDBInstances",),
      title="MongoDB instances run in a VPC, not the classic network",
      rationale="GL8 5.1(d): the classic network is shared with other tenants; a VPC isolates the database "
                "holding clients' data.",
      remediation={
          "console": "MongoDB console > the instance > Database Connections: switch the network type to VPC.",
          "cli": "aliyun dds ModifyDBInstanceNetworkType --DBInstanceId {resource_id} --NetworkType VPC --VpcId <vpc> --VSwitchId <vsw>",
          "terraform": "alicloud_mongodb_instance ({resource_id}, {region}): vswitch_id",
      })
@each(*EACH)
def vpc_network(inst, acct, settings):
    value = read(inst, "NetworkType", "str", name="DescribeDBInstances.NetworkType", optional=False,
                 values=NETWORK_VALUES)
    ok = value == "VPC"
    return check(inst.get("DBInstanceId"), inst.region, ok, {"DescribeDBInstances.NetworkType": value},
                 "" if ok else "the instance is on the classic network")
