"""PolarDB rules: TDE (and its key), SSL, backups, multi-zone, whitelist, deletion protection."""

from .base import check, each, not_applicable, rule, unknown
from .common import allowlist_open, customer_key_check, items, read

EACH = ("polardb", "clusters", "DBClusterId")
TDE_VALUES = ("Enabled", "Disabled")  # DescribeDBClusterTDE TDEStatus


@rule(id="polardb-tde-enabled", product="polardb", severity="high", resource_type="polardb:cluster",
      needs=("polardb:DescribeDBClusters", "polardb:DescribeDBClusterTDE"),
      title="PolarDB clusters use transparent data encryption",
      rationale="GL8 5.1(d): clients' personal information held in databases is encrypted at rest.",
      remediation={
          "console": "PolarDB console > the cluster > Settings and Management > Security > TDE: enable TDE "
                     "(with a customer-managed key). TDE cannot be turned off once enabled.",
          "cli": "aliyun polardb ModifyDBClusterTDE --region {region} --DBClusterId {resource_id} --TDEStatus Enable --EncryptionKey <key-id>",
          "terraform": "alicloud_polardb_cluster ({resource_id}, {region}): tde_status = \"Enabled\" (encryption_key)",
      })
@each(*EACH)
def tde_enabled(c, acct, settings):
    value = read(c, "tde.TDEStatus", "str", name="DescribeDBClusterTDE.TDEStatus", values=TDE_VALUES)
    ok = value == "Enabled"
    return check(c.get("DBClusterId"), c.region, ok, {"DescribeDBClusterTDE.TDEStatus": value},
                 "" if ok else "TDE is not enabled")


@rule(id="polardb-tde-cmk", product="polardb", severity="medium", resource_type="polardb:cluster",
      needs=("polardb:DescribeDBClusters", "polardb:DescribeDBClusterTDE", "kms:ListKeys", "kms:DescribeKey"),
      title="PolarDB TDE uses a customer-managed KMS key",
      rationale="With a key the insurer controls, access to the data can be audited and revoked, and destroying "
                "the key renders the data unreadable when an outsourcing arrangement ends (GL14 5.13).",
      remediation={
          "console": "KMS console: create a customer master key; PolarDB console > the cluster > TDE: use a custom key.",
          "cli": "aliyun polardb ModifyDBClusterTDE --region {region} --DBClusterId {resource_id} --TDEStatus Enable --EncryptionKey <customer-key-id>",
          "terraform": "alicloud_polardb_cluster ({resource_id}, {region}): encryption_key = alicloud_kms_key.<cmk>.id",
      })
@each(*EACH)
def tde_cmk(c, acct, settings):
    status = read(c, "tde.TDEStatus", "str", name="DescribeDBClusterTDE.TDEStatus", values=TDE_VALUES)
    key_id = read(c, "tde.EncryptionKey", "str", name="DescribeDBClusterTDE.EncryptionKey") or ""
    tde_region = read(c, "tde.TDERegion", "str", name="DescribeDBClusterTDE.TDERegion")
    evidence = {"DescribeDBClusterTDE.TDEStatus": status, "DescribeDBClusterTDE.EncryptionKey": key_id,
                "DescribeDBClusterTDE.TDERegion": tde_region}
    if status != "Enabled" or not key_id:
        return check(c.get("DBClusterId"), c.region, False, evidence, "TDE is not enabled with a KMS key")
    return customer_key_check(acct, c.get("DBClusterId"), c.region, tde_region or c.region, key_id, evidence,
                              "the key is not among the account's KMS keys (a service-managed key?)")


@rule(id="polardb-ssl-enabled", product="polardb", severity="high", resource_type="polardb:cluster",
      needs=("polardb:DescribeDBClusters", "polardb:DescribeDBClusterSSL"),
      title="PolarDB endpoints accept SSL connections",
      rationale="GL8 5.1(b): data in transit between applications and the database is encrypted.",
      remediation={
          "console": "PolarDB console > the cluster > Settings and Management > Security > SSL Settings: enable SSL "
                     "for every endpoint.",
          "cli": "aliyun polardb ModifyDBClusterSSL --region {region} --DBClusterId {resource_id} --DBEndpointId <endpoint> --SSLEnabled Enable",
          "terraform": "alicloud_polardb_endpoint (db_cluster_id = \"{resource_id}\"): ssl_enabled = \"Enable\"",
      })
@each(*EACH)
def ssl_enabled(c, acct, settings):
    endpoints = items(c, "ssl.Items", name="DescribeDBClusterSSL.Items")
    states = {}
    for i in endpoints:
        name = i.get("DBEndpointId") or i.get("SSLConnectionString") or "?"
        states[name] = read(i, "SSLEnabled", "str", name="DescribeDBClusterSSL.Items.SSLEnabled",
                            values=("Enabled", "Disabled", "Disable", "Enable"))
    off = [e for e, v in states.items() if v not in ("Enabled", "Enable")]
    ok = bool(states) and not off
    reason = ("no endpoint has SSL" if not states else f"SSL is off on {', '.join(map(str, off))}") if not ok else ""
    return check(c.get("DBClusterId"), c.region, ok, {"DescribeDBClusterSSL.Items[].SSLEnabled": states}, reason)


@rule(id="polardb-backup-retention", product="polardb", severity="medium", resource_type="polardb:cluster",
      needs=("polardb:DescribeDBClusters", "polardb:DescribeBackupPolicy"),
      title="PolarDB backups are kept for the required number of days",
      rationale="GL8 5.1(c): appropriate backups of databases, kept long enough to recover from late-noticed loss.",
      remediation={
          "console": "PolarDB console > the cluster > Backup and Restoration > Backup Settings: raise the level-1 "
                     "retention or enable level-2 backups.",
          "cli": "aliyun polardb ModifyBackupPolicy --region {region} --DBClusterId {resource_id} --DataLevel1BackupRetentionPeriod 14 "
                 "--DataLevel2BackupRetentionPeriod 30 ...",
          "terraform": "alicloud_polardb_backup_policy (db_cluster_id = \"{resource_id}\"): data_level1_backup_retention_period / "
                       "data_level2_backup_retention_period",
      })
@each(*EACH)
def backup_retention(c, acct, settings):
    """Every copy DescribeBackupPolicy documents counts (all values are strings of days):
    level-1 backups (DataLevel1BackupRetentionPeriod, 3-14), level-2 backups (DataLevel2BackupRetentionPeriod:
    0 off, 30-7300, -1 kept for ever) and cross-region level-2 backups (DataLevel2BackupAnotherRegionRetentionPeriod
    in DataLevel2BackupAnotherRegionRegion, same values). The longest-kept copy decides."""
    need = settings.polardb_backup_retention_days
    b = "DescribeBackupPolicy."
    level1 = read(c, "backup_policy.DataLevel1BackupRetentionPeriod", "digits", name=b + "DataLevel1BackupRetentionPeriod",
                  optional=False)
    level2 = read(c, "backup_policy.DataLevel2BackupRetentionPeriod", "digits", name=b + "DataLevel2BackupRetentionPeriod")
    other = read(c, "backup_policy.DataLevel2BackupAnotherRegionRetentionPeriod", "digits",
                 name=b + "DataLevel2BackupAnotherRegionRetentionPeriod")
    policy = c.get("backup_policy") or {}
    evidence = {b + k: policy.get(k) for k in ("DataLevel1BackupRetentionPeriod", "DataLevel2BackupRetentionPeriod",
                                               "DataLevel2BackupAnotherRegionRetentionPeriod",
                                               "DataLevel2BackupAnotherRegionRegion")}
    evidence["required_days"] = need
    copies = {"level-1": level1}
    if level2:  # None (not reported) or 0: level-2 backups are off
        copies["level-2"] = level2
    if other:
        copies["cross-region level-2"] = other
    forever = [k for k, d in copies.items() if d == -1]
    longest = max(copies.values())
    ok = bool(forever) or longest >= need
    return check(c.get("DBClusterId"), c.region, ok, evidence,
                 "" if ok else f"backups are kept at most {longest} days ({', '.join(copies)}), fewer than {need}")


@rule(id="polardb-backup-kept-on-deletion", product="polardb", severity="medium", resource_type="polardb:cluster",
      needs=("polardb:DescribeDBClusters", "polardb:DescribeBackupPolicy"),
      title="PolarDB backups survive the deletion of the cluster",
      rationale="GL8 5.1(c) and GL14 5.18: with NONE, deleting the cluster (by mistake or by an attacker) also "
                "deletes every backup, so nothing is left to recover from.",
      remediation={
          "console": "PolarDB console > the cluster > Backup and Restoration > Backup Settings: When Cluster Is "
                     "Deleted: retain the last backup (LATEST) or all backups (ALL).",
          "cli": "aliyun polardb ModifyBackupPolicy --region {region} --DBClusterId {resource_id} --BackupRetentionPolicyOnClusterDeletion LATEST ...",
          "terraform": "alicloud_polardb_backup_policy (db_cluster_id = \"{resource_id}\"): backup_retention_policy_on_cluster_deletion = \"LATEST\"",
      })
@each(*EACH)
def backup_kept_on_deletion(c, acct, settings):
    value = read(c, "backup_policy.BackupRetentionPolicyOnClusterDeletion", "str",
                 name="DescribeBackupPolicy.BackupRetentionPolicyOnClusterDeletion", values=("ALL", "LATEST", "NONE"))
    ok = value in ("ALL", "LATEST")
    return check(c.get("DBClusterId"), c.region, ok,
                 {"DescribeBackupPolicy.BackupRetentionPolicyOnClusterDeletion": value},
                 "" if ok else "backups are deleted with the cluster")


@rule(id="polardb-multi-zone", product="polardb", severity="medium", resource_type="polardb:cluster",
      needs=("polardb:DescribeDBClusters", "polardb:DescribeDBClusterAttribute"),
      title="PolarDB clusters span more than one zone",
      rationale="GL14 5.17: a cluster whose storage and nodes span two zones survives the failure of one.",
      remediation={
          "console": "PolarDB console > the cluster > Overview: enable the hot standby storage cluster / multi-zone "
                     "deployment, or add a read-only node in a secondary zone.",
          "cli": "aliyun polardb CreateDBNodes --region {region} --DBClusterId {resource_id} --DBNode.1.TargetClass ... (secondary zone)",
          "terraform": "alicloud_polardb_cluster ({resource_id}, {region}): standby_az and hot_standby_cluster = \"ON\"",
      })
@each(*EACH)
def multi_zone(c, acct, settings):
    attr = read(c, "attribute", "dict", name="DescribeDBClusterAttribute") or {}
    zone_ids = read(attr, "ZoneIds", "str", name="DescribeDBClusterAttribute.ZoneIds") or ""
    zones = {z.strip() for z in zone_ids.split(",") if z.strip()}
    nodes = items(attr, "DBNodes", name="DescribeDBClusterAttribute.DBNodes")
    node_zones = {read(n, "ZoneId", "str", name="DescribeDBClusterAttribute.DBNodes.ZoneId") for n in nodes} - {None, ""}
    zones |= node_zones
    ok = len(zones) >= 2
    return check(c.get("DBClusterId"), c.region, ok,
                 {"DescribeDBClusterAttribute.ZoneIds": zone_ids,
                  "DescribeDBClusterAttribute.DBNodes[].ZoneId": sorted(node_zones),
                  "DescribeDBClusterAttribute.HotStandbyCluster": attr.get("HotStandbyCluster")},
                 "" if ok else "the cluster is in one zone only")


@rule(id="polardb-whitelist-not-open", product="polardb", severity="high", resource_type="polardb:cluster",
      needs=("polardb:DescribeDBClusters", "polardb:DescribeDBClusterAccessWhitelist"),
      title="PolarDB IP whitelists do not admit every address",
      rationale="GL8 5.1(d): a whitelist with 0.0.0.0/0 lets anyone who reaches an endpoint try to log in to "
                "the database holding clients' personal information.",
      remediation={
          "console": "PolarDB console > the cluster > Settings and Management > Whitelists: replace 0.0.0.0/0 with "
                     "the application subnets.",
          "cli": "aliyun polardb ModifyDBClusterAccessWhitelist --region {region} --DBClusterId {resource_id} --DBClusterIPArrayName <group> "
                 "--SecurityIps <cidrs>",
          "terraform": "alicloud_polardb_cluster ({resource_id}, {region}): security_ips (no 0.0.0.0/0)",
      })
@each(*EACH)
def whitelist_not_open(c, acct, settings):
    if c.get("whitelist") is None:
        return unknown(c.get("DBClusterId"), c.region, "the whitelists were not read")
    groups = items(c, "whitelist.Items.DBClusterIPArray", name="DescribeDBClusterAccessWhitelist.Items.DBClusterIPArray",
                   optional=False)
    open_groups = allowlist_open([(g.get("DBClusterIPArrayName"), g.get("SecurityIps")) for g in groups],
                                 "DescribeDBClusterAccessWhitelist.Items.DBClusterIPArray.SecurityIps")
    return check(c.get("DBClusterId"), c.region, not open_groups,
                 {"DescribeDBClusterAccessWhitelist.Items.DBClusterIPArray[].SecurityIps":
                      {g.get("DBClusterIPArrayName"): g.get("SecurityIps") for g in groups}},
                 "" if not open_groups else f"every address is admitted through {', '.join(open_groups)}")


@rule(id="polardb-deletion-protection", product="polardb", severity="medium", resource_type="polardb:cluster",
      needs=("polardb:DescribeDBClusters", "polardb:DescribeDBClusterAttribute"),
      title="PolarDB clusters have deletion protection",
      rationale="GL8 5.1(d): protects clients' data against loss from an accidental or malicious release.",
      remediation={
          "console": "PolarDB console > the cluster > Basic Information: turn on Deletion Protection.",
          "cli": "aliyun polardb ModifyDBClusterDeletion --region {region} --DBClusterId {resource_id} --Protection true",
          "terraform": "alicloud_polardb_cluster ({resource_id}, {region}): deletion_lock = 1",
      })
@each(*EACH)
def deletion_protection(c, acct, settings):
    attr = read(c, "attribute", "dict", name="DescribeDBClusterAttribute") or {}
    pay_type = read(attr, "PayType", "str", name="DescribeDBClusterAttribute.PayType") or \
        read(c, "PayType", "str", name="DescribeDBClusters.PayType")
    if pay_type == "Prepaid":  # ModifyDBClusterDeletion refuses these: 403 OperationDenied.DBClusterPayType
        return not_applicable(c.get("DBClusterId"), c.region, "a subscription cluster: the lock applies to "
                              "pay-as-you-go clusters", {"DescribeDBClusterAttribute.PayType": pay_type})
    # DeletionLock is documented as an Integer: 0 off, 1 on
    value = read(attr, "DeletionLock", "int", name="DescribeDBClusterAttribute.DeletionLock", values=(0, 1))
    ok = value == 1
    return check(c.get("DBClusterId"), c.region, ok, {"DescribeDBClusterAttribute.DeletionLock": value},
                 "" if ok else "deletion protection is off")
