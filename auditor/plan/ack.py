"""ACK in a plan: alicloud_cs_managed_kubernetes (a DescribeClustersV1 item with its add-ons and control-plane
log setting) and alicloud_cs_kubernetes_node_pool (a DescribeClusterNodePools pool on its cluster).

Attribute names are the alicloud provider's (website/docs/r/cs_managed_kubernetes.html.markdown,
cs_kubernetes_node_pool.html.markdown); the values go under the API field names the rules read
(tests/documented/SOURCES-ack.md). `master_url` and `meta_data` are JSON documents in strings, as the API
sends them. A plan has no node pools for a cluster whose pools it does not create: its node-pool rules are
then NOT_APPLICABLE ("no node pools"), never a PASS.
"""

from __future__ import annotations

import json

from .references import Values

ANSWERS = frozenset({"ack:DescribeClustersV1", "ack:ListClusterAddonInstances", "ack:CheckControlPlaneLogEnable",
                     "ack:DescribeClusterNodePools"})
PUBLIC = "(an internet endpoint the plan creates)"


def map_cs_managed_kubernetes(ad, rc: dict, v: Values, region: str) -> None:
    sid = rc["address"]
    # documented default: slb_internet_enabled true (the API server gets an internet endpoint)
    public = ad.known_or_default(sid, v, "slb_internet_enabled", "DescribeClustersV1.master_url.api_server_endpoint",
                                 True)
    key = ad.known(sid, v, "encryption_provider_key", "DescribeClustersV1.meta_data.Capabilities.EncryptionKMSKeyId")
    addons, unk = v.get("addons")
    names = None
    if unk:
        ad.ctx.gap(sid, "ListClusterAddonInstances.addons[].name", "addons", "addons is unknown until apply")
    elif addons is None:  # ACK then installs its default add-ons, which the plan does not show
        names = []
        ad.ctx.gap(sid, "ListClusterAddonInstances.addons[].name", "addons",
                   "the plan sets no addons: ACK installs its defaults, which the plan does not show", kind="missing")
    else:
        names = [a.get("name") for a in addons if not a.get("disabled")]
    auto, unk_auto = v.get("operation_policy.0.cluster_auto_upgrade.0.enabled")
    if unk_auto:
        ad.ctx.gap(sid, "DescribeClustersV1.operation_policy.cluster_auto_upgrade.enabled",
                   "operation_policy.cluster_auto_upgrade.enabled", "cluster_auto_upgrade is unknown until apply")
    item = {
        "cluster_id": sid, "name": ad.known(sid, v, "name", "DescribeClustersV1.name"), "region_id": region,
        "cluster_type": "ManagedKubernetes",
        "cluster_spec": ad.known(sid, v, "cluster_spec", "DescribeClustersV1.cluster_spec"),
        "current_version": ad.known(sid, v, "version", "DescribeClustersV1.current_version"),
        # documented default: deletion_protection false
        "deletion_protection": ad.known_or_default(sid, v, "deletion_protection",
                                                   "DescribeClustersV1.deletion_protection", False),
        "master_url": json.dumps({"api_server_endpoint": PUBLIC if public else "",
                                  "intranet_api_server_endpoint": "(the cluster's private endpoint)"}),
        "meta_data": json.dumps({"Capabilities": {"EncryptionKMSKeyId": key or ""}}),
        "operation_policy": {"cluster_auto_upgrade": {"enabled": bool(auto)}},
        "node_pools": {"nodepools": []},  # the pools this plan creates (alicloud_cs_kubernetes_node_pool) join
        "control_plane_log": {
            "log_project": ad.known(sid, v, "control_plane_log_project", "CheckControlPlaneLogEnable.log_project") or "",
            "components": ad.known(sid, v, "control_plane_log_components", "CheckControlPlaneLogEnable.components") or []},
    }
    if names is not None:
        item["addon_instances"] = {"addons": [{"name": n} for n in names]}
    ad.region_bucket(region, "ack", "clusters").append(ad.register(sid, item))


def map_cs_kubernetes_node_pool(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_cs_kubernetes_node_pool (cluster_id, system_disk_encrypted, data_disks[].encrypted,
    install_cloud_monitor) -> a DescribeClusterNodePools pool on its cluster."""
    sid = rc["address"]
    cluster, _ = ad.ref_value(sid, rc, v, "cluster_id", "DescribeClusterNodePools")
    item = ad.ctx.items.get(cluster) if cluster else None
    if item is None or "node_pools" not in item:
        ad.ctx.skipped.append({"address": sid, "why": f"its cluster {cluster or '(unknown)'} is not created by this plan"})
        return
    where = cluster
    system = ad.known_or_default(where, v, "system_disk_encrypted",
                                 "DescribeClusterNodePools.scaling_group.system_disk_encrypted", False)
    disks, unk = v.get("data_disks")
    if unk:
        ad.ctx.gap(where, "DescribeClusterNodePools.scaling_group.data_disks[].encrypted", "data_disks",
                   "data_disks is unknown until apply")
        disks = []
    data = []
    for i, _ in enumerate(disks or []):
        encrypted, unk_e = v.get(f"data_disks.{i}.encrypted")
        if unk_e:
            ad.ctx.gap(where, "DescribeClusterNodePools.scaling_group.data_disks[].encrypted",
                       f"data_disks.{i}.encrypted", "a data disk's encrypted is unknown until apply")
        data.append({"encrypted": "true" if str(encrypted).lower() == "true" else "false"})
    # documented default: install_cloud_monitor true
    cms = ad.known_or_default(where, v, "install_cloud_monitor", "DescribeClusterNodePools.kubernetes_config.cms_enabled",
                              True)
    item["node_pools"]["nodepools"].append({
        "nodepool_info": {"nodepool_id": sid, "name": v.get("node_pool_name")[0] or v.get("name")[0]},
        "scaling_group": {"system_disk_encrypted": bool(system), "data_disks": data},
        "kubernetes_config": {"cms_enabled": bool(cms)}})


# type -> (mapper, stage): stage 0 creates items, 1 attaches to them
MAPPERS = {
    "alicloud_cs_managed_kubernetes": (map_cs_managed_kubernetes, 0),
    "alicloud_cs_kubernetes_node_pool": (map_cs_kubernetes_node_pool, 1),
}
