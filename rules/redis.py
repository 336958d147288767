"""ApsaraDB for Redis / Tair rules: TLS, TDE, backups, multi-zone, whitelist, VPC, password, release protection."""

from .base import check, each, not_applicable, rule, unknown
from .common import allowlist_open, items, read

EACH = ("redis", "instances", "InstanceId")


def _attr(inst) -> dict:
    return read(inst, "attribute", "dict", name="DescribeInstanceAttribute") or {}


@rule(id="redis-tls-enabled", product="redis", severity="high", resource_type="redis:instance",
      needs=("redis:DescribeInstances", "redis:DescribeInstanceSSL"),
      title="Redis/Tair instances encrypt connections with TLS",
      rationale="GL8 5.1(b): cached session and policy data travels between applications and the cache; TLS keeps "
                "it intact and confidential in transit.",
      remediation={
          "console": "Redis console > the instance > Data Security > TLS (SSL) Encryption: enable.",
          "cli": "aliyun r-kvstore ModifyInstanceSSL --RegionId {region} --InstanceId {resource_id} --SSLEnabled Enable",
          "terraform": "alicloud_kvstore_instance ({resource_id}, {region}): ssl_enable = \"Enable\"",
      })
@each(*EACH)
def tls_enabled(inst, acct, settings):
    value = read(inst, "ssl.SSLEnabled", "str", name="DescribeInstanceSSL.SSLEnabled", values=("Enable", "Disable"))
    ok = value == "Enable"  # documented values: Enable / Disable
    return check(inst.get("InstanceId"), inst.region, ok, {"DescribeInstanceSSL.SSLEnabled": value},
                 "" if ok else "TLS is not enabled")


@rule(id="redis-tde-enabled", product="redis", severity="medium", resource_type="redis:instance",
      needs=("redis:DescribeInstances", "redis:DescribeInstanceAttribute", "redis:DescribeInstanceTDEStatus"),
      title="Redis/Tair instances that support TDE use it",
      rationale="GL8 5.1(d): persisted cache data (RDB/AOF files) may hold clients' personal information; TDE "
                "encrypts it at rest.",
      remediation={
          "console": "Redis console > the instance > Data Security > TDE: enable (with a customer-managed key). "
                     "TDE cannot be disabled afterwards.",
          "cli": "aliyun r-kvstore ModifyInstanceTDE --RegionId {region} --InstanceId {resource_id} --TDEStatus Enabled --EncryptionKey <key-id>",
          "terraform": "alicloud_kvstore_instance ({resource_id}, {region}): tde_status = \"Enabled\"",
      })
@each(*EACH)
def tde_enabled(inst, acct, settings):
    supported = read(_attr(inst), "IsSupportTDE", "bool", name="DescribeInstanceAttribute.IsSupportTDE")
    if supported is False:
        return not_applicable(inst.get("InstanceId"), inst.region, "the instance does not support TDE",
                              {"DescribeInstanceAttribute.IsSupportTDE": False})
    value = read(inst, "tde.TDEStatus", "str", name="DescribeInstanceTDEStatus.TDEStatus", values=("Enabled", "Disable"))
    ok = value == "Enabled"  # documented values: Enabled / Disable
    return check(inst.get("InstanceId"), inst.region, ok,
                 {"DescribeInstanceTDEStatus.TDEStatus": value, "DescribeInstanceAttribute.IsSupportTDE": supported},
                 "" if ok else "TDE is not enabled")


@rule(id="redis-backup-retention", product="redis", severity="medium", resource_type="redis:instance",
      needs=("redis:DescribeInstances", "redis:DescribeBackupPolicy"),
      title="Redis/Tair backups are kept for the required number of days",
      rationale="GL8 5.1(c): appropriate backups of data stores, kept long enough to recover from late-noticed loss.",
      remediation={
          "console": "Redis console > the instance > Backup and Recovery > Backup Settings: raise the retention.",
          "cli": "aliyun r-kvstore ModifyBackupPolicy --RegionId {region} --InstanceId {resource_id} --BackupRetentionPeriod {ev:required_days} "
                 "--PreferredBackupPeriod Monday,Thursday --PreferredBackupTime 02:00Z-03:00Z",
          "terraform": "alicloud_kvstore_backup_policy (instance_id = \"{resource_id}\"): backup_retention_period (alicloud_redis_tair_instance.backup_period)",
      })
@each(*EACH)
def backup_retention(inst, acct, settings):
    """DescribeBackupPolicy documents one retention for an instance's backups, BackupRetentionPeriod (a string
    of days, 7-730); it is the only copy the API reports."""
    need = settings.redis_backup_retention_days
    days = read(inst, "backup_policy.BackupRetentionPeriod", "digits", name="DescribeBackupPolicy.BackupRetentionPeriod",
                optional=False)
    ok = days >= need
    return check(inst.get("InstanceId"), inst.region, ok,
                 {"DescribeBackupPolicy.BackupRetentionPeriod": days, "required_days": need},
                 "" if ok else f"backups are kept {days} days, fewer than {need}")


@rule(id="redis-multi-zone", product="redis", severity="medium", resource_type="redis:instance",
      needs=("redis:DescribeInstances", "redis:DescribeInstanceAttribute"),
      title="Redis/Tair instances have a replica in a second zone",
      rationale="GL14 5.17: an instance whose replica runs in another zone keeps serving when one zone fails.",
      remediation={
          "console": "Redis console > the instance > Migrate Zone: choose a secondary zone (dual-zone deployment).",
          "cli": "aliyun r-kvstore MigrateToOtherZone --RegionId {region} --DBInstanceId {resource_id} --ZoneId <primary> --SecondaryZoneId <other>",
          "terraform": "alicloud_kvstore_instance ({resource_id}, {region}): secondary_zone_id (a zone other than zone_id)",
      })
@each(*EACH)
def multi_zone(inst, acct, settings):
    attr = _attr(inst)
    zone = read(attr, "ZoneId", "str", name="DescribeInstanceAttribute.ZoneId") or \
        read(inst, "ZoneId", "str", name="DescribeInstances.ZoneId", optional=False)
    secondary = read(attr, "SecondaryZoneId", "str", name="DescribeInstanceAttribute.SecondaryZoneId") or \
        read(inst, "SecondaryZoneId", "str", name="DescribeInstances.SecondaryZoneId") or ""
    ok = "MAZ" in zone or (bool(secondary) and secondary != zone)
    return check(inst.get("InstanceId"), inst.region, ok,
                 {"DescribeInstanceAttribute.ZoneId": zone, "DescribeInstanceAttribute.SecondaryZoneId": secondary,
                  "DescribeInstanceAttribute.ZoneType": attr.get("ZoneType")},
                 "" if ok else "the instance and its replica are in one zone")


@rule(id="redis-whitelist-not-open", product="redis", severity="high", resource_type="redis:instance",
      needs=("redis:DescribeInstances", "redis:DescribeSecurityIps"),
      title="Redis/Tair IP whitelists do not admit every address",
      rationale="GL8 5.1(d): 0.0.0.0/0 in any whitelist group (hidden groups included) lets anyone who reaches the "
                "endpoint try to read the cache.",
      remediation={
          "console": "Redis console > the instance > Whitelist Settings: replace 0.0.0.0/0 with the application subnets.",
          "cli": "aliyun r-kvstore ModifySecurityIps --RegionId {region} --InstanceId {resource_id} --SecurityIpGroupName <group> --SecurityIps <cidrs>",
          "terraform": "alicloud_kvstore_instance ({resource_id}, {region}): security_ips (no 0.0.0.0/0)",
      })
@each(*EACH)
def whitelist_not_open(inst, acct, settings):
    if inst.get("security_ips") is None:
        return unknown(inst.get("InstanceId"), inst.region, "the whitelists were not read")
    groups = items(inst, "security_ips.SecurityIpGroups.SecurityIpGroup",
                   name="DescribeSecurityIps.SecurityIpGroups.SecurityIpGroup", optional=False)
    open_groups = allowlist_open([(g.get("SecurityIpGroupName"), g.get("SecurityIpList")) for g in groups],
                                 "DescribeSecurityIps.SecurityIpGroups.SecurityIpGroup.SecurityIpList")
    return check(inst.get("InstanceId"), inst.region, not open_groups,
                 {"DescribeSecurityIps.SecurityIpGroups.SecurityIpGroup[].SecurityIpList":
                      {g.get("SecurityIpGroupName"): g.get("SecurityIpList") for g in groups}},
                 "" if not open_groups else f"every address is admitted through {', '.join(open_groups)}")


@rule(id="redis-vpc-network", product="redis", severity="medium", resource_type="redis:instance",
      needs=("redis:DescribeInstances",),
      title="Redis/Tair instances run in a VPC, not the classic network",
      rationale="GL8 5.1(d): the classic network is shared with other tenants; a VPC isolates the cache holding "
                "clients' data.",
      remediation={
          "console": "Redis console > the instance > Basic Information > Switch to VPC.",
          "cli": "aliyun r-kvstore SwitchNetwork --RegionId {region} --InstanceId {resource_id} --TargetNetworkType VPC --VpcId <vpc> --VSwitchId <vsw>",
          "terraform": "alicloud_kvstore_instance ({resource_id}, {region}): vswitch_id",
      })
@each(*EACH)
def vpc_network(inst, acct, settings):
    value = read(inst, "NetworkType", "str", name="DescribeInstances.NetworkType", optional=False,
                 values=("CLASSIC", "VPC"))
    ok = value == "VPC"
    return check(inst.get("InstanceId"), inst.region, ok, {"DescribeInstances.NetworkType": value},
                 "" if ok else f"network type {value}, not VPC")


@rule(id="redis-password-required", product="redis", severity="high", resource_type="redis:instance",
      needs=("redis:DescribeInstances", "redis:DescribeInstanceAttribute"),
      title="Redis/Tair instances require a password (no password-free VPC access)",
      rationale="GL8 5.1(d): with password-free access any host in the VPC can read and change the cache without "
                "authenticating.",
      remediation={
          "console": "Redis console > the instance > Account Management / Password-free Access: disable password-free "
                     "access.",
          "cli": "aliyun r-kvstore ModifyInstanceVpcAuthMode --RegionId {region} --InstanceId {resource_id} --VpcAuthMode Open",
          "terraform": "alicloud_kvstore_instance ({resource_id}, {region}): vpc_auth_mode = \"Open\"",
      })
@each(*EACH)
def password_required(inst, acct, settings):
    value = read(_attr(inst), "VpcAuthMode", "str", name="DescribeInstanceAttribute.VpcAuthMode",
                 values=("Open", "Close"))
    evidence = {"DescribeInstanceAttribute.VpcAuthMode": value, "DescribeInstances.NetworkType": inst.get("NetworkType")}
    if value is None:
        network = read(inst, "NetworkType", "str", name="DescribeInstances.NetworkType", optional=False)
        if network != "VPC":
            return not_applicable(inst.get("InstanceId"), inst.region,
                                  "no VPC authentication mode (not a VPC instance)", evidence)
        return unknown(inst.get("InstanceId"), inst.region, "a VPC instance without a VpcAuthMode", evidence)
    ok = value == "Open"  # Open: password authentication on; Close: password-free access
    return check(inst.get("InstanceId"), inst.region, ok, evidence, "" if ok else "password-free access is enabled")


@rule(id="redis-release-protection", product="redis", severity="low", resource_type="redis:instance",
      needs=("redis:DescribeInstances", "redis:DescribeInstanceAttribute"),
      title="Redis/Tair instances have release protection",
      rationale="GL8 5.1(d): protects the data against loss from an accidental or malicious release.",
      remediation={
          "console": "Redis console > the instance > Basic Information: turn on Release Protection.",
          "cli": "aliyun r-kvstore ModifyInstanceAttribute --RegionId {region} --InstanceId {resource_id} --InstanceReleaseProtection true",
          "terraform": "alicloud_kvstore_instance ({resource_id}, {region}): instance_release_protection = true",
      })
@each(*EACH)
def release_protection(inst, acct, settings):
    attr = _attr(inst)
    charge = read(attr, "ChargeType", "str", name="DescribeInstanceAttribute.ChargeType") or \
        read(inst, "ChargeType", "str", name="DescribeInstances.ChargeType")
    if charge == "PrePaid":  # release protection is offered for pay-as-you-go instances
        return not_applicable(inst.get("InstanceId"), inst.region, "a subscription instance",
                              {"DescribeInstanceAttribute.ChargeType": charge})
    value = read(attr, "InstanceReleaseProtection", "bool", name="DescribeInstanceAttribute.InstanceReleaseProtection")
    ok = value is True
    return check(inst.get("InstanceId"), inst.region, ok,
                 {"DescribeInstanceAttribute.InstanceReleaseProtection": value},
                 "" if ok else "release protection is off")
