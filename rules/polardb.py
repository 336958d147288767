"""PolarDB rules: TDE (and its key), SSL, backups, multi-zone, whitelist, deletion protection."""

from .base import check, not_applicable, rule, unknown
from .common import as_int, is_customer_key, key_index, open_to_internet


def _clusters(acct):
    yield from acct.resources("polardb", "clusters")


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
def tde_enabled(acct, settings):
    for c in _clusters(acct):
        value = (c.get("tde") or {}).get("TDEStatus")
        ok = value == "Enabled"
        yield check(c.get("DBClusterId"), c.region, ok, {"DescribeDBClusterTDE.TDEStatus": value},
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
def tde_cmk(acct, settings):
    indexes: dict[str, dict] = {}  # one key index per region, not one per cluster
    for c in _clusters(acct):
        tde = c.get("tde") or {}
        key_id = tde.get("EncryptionKey") or ""
        key_region = tde.get("TDERegion") or c.region
        evidence = {"DescribeDBClusterTDE.TDEStatus": tde.get("TDEStatus"),
                    "DescribeDBClusterTDE.EncryptionKey": key_id, "DescribeDBClusterTDE.TDERegion": tde.get("TDERegion")}
        if tde.get("TDEStatus") != "Enabled" or not key_id:
            yield check(c.get("DBClusterId"), c.region, False, evidence, "TDE is not enabled with a KMS key")
            continue
        if key_region not in acct.regions:
            yield unknown(c.get("DBClusterId"), c.region, f"the key's region {key_region} was not scanned", evidence)
            continue
        if key_region not in indexes:
            indexes[key_region] = key_index(acct, key_region)
        key = indexes[key_region].get(key_id)
        if key is None:
            yield check(c.get("DBClusterId"), c.region, False, evidence,
                        "the key is not among the account's KMS keys (a service-managed key?)")
            continue
        if "metadata" not in key:
            yield unknown(c.get("DBClusterId"), c.region, f"kms:DescribeKey for {key_id} was not read", evidence)
            continue
        evidence["DescribeKey.KeyMetadata.Creator"] = key["metadata"].get("Creator")
        ok = is_customer_key(key["metadata"])
        yield check(c.get("DBClusterId"), c.region, ok, evidence,
                    "" if ok else "the key was created by a cloud service, not the account")


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
def ssl_enabled(acct, settings):
    for c in _clusters(acct):
        items = (c.get("ssl") or {}).get("Items") or []
        states = {i.get("DBEndpointId") or i.get("SSLConnectionString") or "?": i.get("SSLEnabled") for i in items}
        off = [e for e, v in states.items() if v != "Enabled"]
        ok = bool(states) and not off
        reason = ("no endpoint has SSL" if not states else f"SSL is off on {', '.join(off)}") if not ok else ""
        yield check(c.get("DBClusterId"), c.region, ok, {"DescribeDBClusterSSL.Items[].SSLEnabled": states}, reason)


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
def backup_retention(acct, settings):
    need = settings.polardb_backup_retention_days
    for c in _clusters(acct):
        policy = c.get("backup_policy") or {}
        level1 = as_int(policy.get("DataLevel1BackupRetentionPeriod"))
        level2 = as_int(policy.get("DataLevel2BackupRetentionPeriod"))
        evidence = {"DescribeBackupPolicy.DataLevel1BackupRetentionPeriod": policy.get("DataLevel1BackupRetentionPeriod"),
                    "DescribeBackupPolicy.DataLevel2BackupRetentionPeriod": policy.get("DataLevel2BackupRetentionPeriod"),
                    "required_days": need}
        if level1 is None and level2 is None:
            yield unknown(c.get("DBClusterId"), c.region, "the backup policy has no retention period", evidence)
            continue
        # level 2: "0" means off, "-1" means kept for ever
        days = max(level1 or 0, level2 or 0) if level2 != -1 else None
        ok = days is None or days >= need
        yield check(c.get("DBClusterId"), c.region, ok, evidence,
                    "" if ok else f"backups are kept {days} days, fewer than {need}")


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
def backup_kept_on_deletion(acct, settings):
    for c in _clusters(acct):
        value = (c.get("backup_policy") or {}).get("BackupRetentionPolicyOnClusterDeletion")
        ok = value in ("ALL", "LATEST")
        yield check(c.get("DBClusterId"), c.region, ok,
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
def multi_zone(acct, settings):
    for c in _clusters(acct):
        attr = c.get("attribute") or {}
        zone_ids = attr.get("ZoneIds") or ""
        zones = {z.strip() for z in str(zone_ids).split(",") if z.strip()}
        zones |= {n.get("ZoneId") for n in attr.get("DBNodes") or [] if n.get("ZoneId")}
        ok = len(zones) >= 2
        yield check(c.get("DBClusterId"), c.region, ok,
                    {"DescribeDBClusterAttribute.ZoneIds": zone_ids,
                     "DescribeDBClusterAttribute.DBNodes[].ZoneId": sorted(
                         {n.get("ZoneId") for n in attr.get("DBNodes") or [] if n.get("ZoneId")}),
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
def whitelist_not_open(acct, settings):
    for c in _clusters(acct):
        groups = ((c.get("whitelist") or {}).get("Items") or {}).get("DBClusterIPArray") or []
        open_groups = {g.get("DBClusterIPArrayName"): open_to_internet(g.get("SecurityIps")) for g in groups}
        open_groups = {k: v for k, v in open_groups.items() if v}
        yield check(c.get("DBClusterId"), c.region, not open_groups,
                    {"DescribeDBClusterAccessWhitelist.Items.DBClusterIPArray[].SecurityIps":
                         {g.get("DBClusterIPArrayName"): g.get("SecurityIps") for g in groups}},
                    "" if not open_groups else f"open to every address in {', '.join(map(str, open_groups))}")


@rule(id="polardb-deletion-protection", product="polardb", severity="medium", resource_type="polardb:cluster",
      needs=("polardb:DescribeDBClusters", "polardb:DescribeDBClusterAttribute"),
      title="PolarDB clusters have deletion protection",
      rationale="GL8 5.1(d): protects clients' data against loss from an accidental or malicious release.",
      remediation={
          "console": "PolarDB console > the cluster > Basic Information: turn on Deletion Protection.",
          "cli": "aliyun polardb ModifyDBClusterDeletion --region {region} --DBClusterId {resource_id} --Protection true",
          "terraform": "alicloud_polardb_cluster ({resource_id}, {region}): deletion_lock = 1",
      })
def deletion_protection(acct, settings):
    for c in _clusters(acct):
        attr = c.get("attribute") or {}
        pay_type = attr.get("PayType") or c.get("PayType")
        if pay_type == "Prepaid":  # ModifyDBClusterDeletion refuses these: 403 OperationDenied.DBClusterPayType
            yield not_applicable(c.get("DBClusterId"), c.region, "a subscription cluster: the lock applies to "
                                 "pay-as-you-go clusters", {"DescribeDBClusterAttribute.PayType": pay_type})
            continue
        value = attr.get("DeletionLock")
        ok = as_int(value) == 1
        yield check(c.get("DBClusterId"), c.region, ok, {"DescribeDBClusterAttribute.DeletionLock": value},
                    "" if ok else "deletion protection is off")
