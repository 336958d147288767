"""PolarDB in a plan: alicloud_polardb_cluster (SSL endpoints and backup policies are not read from plans)."""

from __future__ import annotations

from .kms import ensure_key
from .references import Values

ANSWERS = frozenset({"polardb:DescribeDBClusters", "polardb:DescribeDBClusterAttribute", "polardb:DescribeDBClusterTDE",
                     "polardb:DescribeDBClusterAccessWhitelist"})


def map_polardb(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_polardb_cluster -> DescribeDBClusters item + attribute, tde, whitelist (ssl and backups are other resources)."""
    sid = rc["address"]
    zone = ad.known(sid, v, "zone_id", "DescribeDBClusters.ZoneId")
    item: dict = {"DBClusterId": sid, "RegionId": region, "ZoneId": zone,
                  "DBType": ad.known(sid, v, "db_type", "DescribeDBClusters.DBType"),
                  "DBVersion": ad.known(sid, v, "db_version", "DescribeDBClusters.DBVersion"),
                  "DBNodeClass": ad.known(sid, v, "db_node_class", "DescribeDBClusters.DBNodeClass")}
    hot, unk = v.get("hot_standby_cluster")
    attribute: dict = {"DBClusterId": sid}
    if unk or hot not in ("ON", "OFF"):
        ad.ctx.gap(sid, "DescribeDBClusterAttribute.HotStandbyCluster", "hot_standby_cluster",
                   "hot_standby_cluster is unknown until apply" if unk else f"hot_standby_cluster {hot!r} has no known API value")
    else:
        attribute["HotStandbyCluster"] = "StandbyClusterON" if hot == "ON" else "StandbyClusterOFF"
    strict, unk = v.get("strict_consistency")
    if not unk and strict:
        attribute["StrictConsistency"] = strict
    # the zones of the standby are chosen by the service
    ad.ctx.gap(sid, "DescribeDBClusterAttribute.ZoneIds", "zone_id", "the cluster's zones are chosen at apply")
    pay = ad.known(sid, v, "pay_type", "DescribeDBClusterAttribute.PayType")
    if pay is not None:  # the provider says PrePaid/PostPaid, the API Prepaid/Postpaid
        attribute["PayType"] = "Prepaid" if str(pay).lower() == "prepaid" else "Postpaid"
    lock = ad.known(sid, v, "deletion_lock", "DescribeDBClusterAttribute.DeletionLock")  # no documented default
    if lock is not None:
        attribute["DeletionLock"] = int(lock)
    item["attribute"] = attribute
    tde = ad.known_or_default(sid, v, "tde_status", "DescribeDBClusterTDE", "Disabled")  # documented default
    if tde is not None:
        key, _ = ad.ref_value(sid, rc, v, "encryption_key", "DescribeDBClusterTDE.EncryptionKey")
        if key:
            ensure_key(ad, region, key)
        item["tde"] = {"TDEStatus": "Enabled" if tde == "Enabled" else "Disabled",
                       "EncryptNewTables": v.get("encrypt_new_tables")[0], "EncryptionKey": key or ""}
    # db_cluster_ip_array and the deprecated security_ips (its "default" group, provider docs) describe one
    # allow-list: the one the configuration sets is known, the other computed (unknown) until apply.
    # Judged on every group that is known, whichever attribute gives it; a gap only when neither is known.
    arrays, unk = v.get("db_cluster_ip_array")
    unk = unk or any(v.get(f"db_cluster_ip_array.{i}.security_ips")[1] for i, _ in enumerate(arrays or []))
    ips, unk_ips = v.get("security_ips")
    groups = [] if unk else [{"DBClusterIPArrayName": a.get("db_cluster_ip_array_name") or "default",
                              "SecurityIps": ",".join(a.get("security_ips") or [])} for a in arrays or []]
    if not unk_ips and ips:
        default = next((g for g in groups if g["DBClusterIPArrayName"] == "default"), None)
        if default is None:
            groups.append({"DBClusterIPArrayName": "default", "SecurityIps": ",".join(ips)})
        else:
            known = [ip for ip in default["SecurityIps"].split(",") if ip]
            default["SecurityIps"] = ",".join(known + [ip for ip in ips if ip not in known])
    if (unk and unk_ips) or (not groups and (unk or unk_ips)):
        ad.ctx.gap(sid, "DescribeDBClusterAccessWhitelist", "db_cluster_ip_array", "the IP whitelist is unknown until apply")
    else:
        item["whitelist"] = {"Items": {"DBClusterIPArray": groups}}

    # SSL (alicloud_polardb_endpoint) and backups (alicloud_polardb_backup_policy) are not read from plans:
    # polardb:DescribeDBClusterSSL and polardb:DescribeBackupPolicy are not in this module's ANSWERS
    ad.region_bucket(region, "polardb", "clusters").append(ad.register(sid, item))



# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS = {
    "alicloud_polardb_cluster": (map_polardb, 1),
}
