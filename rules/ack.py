"""ACK (Container Service for Kubernetes) rules: CIS Alibaba Cloud 2.0 section 7 and 2.4, KMS encryption
of Secrets, encrypted node-pool disks, deletion protection and automatic patching of the control plane.

Every rule judges one cluster (DescribeClustersV1) and reads the per-cluster calls it `needs`: a per-cluster
call that failed leaves its key absent on the cluster, and the rule is ERROR there. Field forms are those of
tests/documented/SOURCES-ack.md; `master_url` and `meta_data` are JSON documents inside a string.
"""

import datetime as dt
import json
import re

from .base import BadField, check, each, not_applicable, rule, unknown
from .common import items, read

# Add-on names as ListClusterAddonInstances reports them (ACK component names; SOURCES-ack.md).
LOG_ADDONS = ("logtail-ds", "loongcollector")           # collect logs into Simple Log Service
DASHBOARD_ADDONS = ("kubernetes-dashboard",)
TERWAY_ADDONS = ("terway-eniip", "terway-eni", "terway")  # Terway: the ACK plug-in that enforces NetworkPolicy
ENI_MULTI_IP = "terway-eniip"                           # Terway in shared-ENI (ENI multi-IP) mode
FLANNEL = "flannel"                                     # no NetworkPolicy support
# Kubernetes removed basic authentication (--basic-auth-file) from kube-apiserver in 1.19.
BASIC_AUTH_REMOVED = (1, 19)
_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?(?:-.*)?$")


def _json_field(cluster: dict, field: str) -> dict:
    """A documented string field holding a JSON object (master_url, meta_data), parsed; BadField otherwise."""
    raw = read(cluster, field, "str", name=f"DescribeClustersV1.{field}", optional=False)
    try:
        value = json.loads(raw)
    except ValueError:
        raise BadField(f"DescribeClustersV1.{field}", raw, "a JSON object in a string") from None
    if not isinstance(value, dict):
        raise BadField(f"DescribeClustersV1.{field}", raw, "a JSON object in a string")
    return value


def _addons(cluster: dict) -> list[str] | None:
    """The names of the cluster's installed add-ons, or None when ListClusterAddonInstances was not read."""
    if "addon_instances" not in cluster:
        return None
    got = items(cluster, "addon_instances.addons", name="ListClusterAddonInstances.addons", optional=False)
    names = [read(a, "name", "str", name="ListClusterAddonInstances.addons[].name", optional=False) for a in got]
    if "" in names:
        raise BadField("ListClusterAddonInstances.addons[].name", "", "an add-on name")
    return names


def _no_addons(cluster: dict):
    return unknown(cluster.get("cluster_id"), cluster.region,
                   "the cluster's add-ons (ack:ListClusterAddonInstances) were not read")


def _pools(cluster: dict) -> list[dict] | None:
    if "node_pools" not in cluster:
        return None
    return items(cluster, "node_pools.nodepools", name="DescribeClusterNodePools.nodepools", optional=False)


def _pool_id(pool: dict) -> str:
    pid = read(pool, "nodepool_info.nodepool_id", "str", name="DescribeClusterNodePools.nodepool_info.nodepool_id",
               optional=False)
    if not pid:
        raise BadField("DescribeClusterNodePools.nodepool_info.nodepool_id", pid, "a node pool id")
    return pid


def _network_plugin(cluster: dict, names: list[str]):
    """(terway add-on or None, flannel installed) from the add-on names; BadField when neither plug-in shows."""
    terway = next((n for n in TERWAY_ADDONS if n in names), None)
    if terway is None and FLANNEL not in names:
        raise BadField("ListClusterAddonInstances.addons[].name", names, "a network plug-in (terway-* or flannel)",
                       reason="no network plug-in (Terway or Flannel) among the cluster's add-ons: cannot judge")
    return terway, FLANNEL in names


_CONSOLE = "ACK console > Clusters > {resource_id} ({region})"


@rule(id="ack-log-service-enabled", product="ack", severity="medium", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1", "ack:ListClusterAddonInstances"),
      title="ACK clusters collect their logs into Simple Log Service",
      rationale="CIS Alibaba 7.1, GL20 monitoring: the logging component (logtail-ds or loongcollector) ships node "
                "and container logs to Log Service, where they are kept, searched and alerted on.",
      remediation={
          "console": _CONSOLE + " > Operations > Add-ons > Logs and Monitoring: install logtail-ds (or loongcollector).",
          "cli": "aliyun cs POST /clusters/{resource_id}/components/install --region {region} "
                 "--body '[{\"name\":\"logtail-ds\"}]'",
          "terraform": "alicloud_cs_managed_kubernetes ({resource_id}, {region}): addons { name = \"logtail-ds\" }",
      })
@each("ack", "clusters", "cluster_id")
def log_service_enabled(cluster, acct, settings):
    names = _addons(cluster)
    if names is None:
        return _no_addons(cluster)
    found = [n for n in LOG_ADDONS if n in names]
    return check(cluster.get("cluster_id"), cluster.region, bool(found),
                 {"ListClusterAddonInstances.addons[].name": names},
                 "" if found else "neither logtail-ds nor loongcollector is installed")


@rule(id="ack-cloudmonitor-enabled", product="ack", severity="medium", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1", "ack:DescribeClusterNodePools"),
      title="ACK node pools have the CloudMonitor agent switched on",
      rationale="CIS Alibaba 7.2, GL20 monitoring: nodes without the CloudMonitor agent send no host metrics or "
                "alarms, so a failing or saturated node goes unnoticed.",
      remediation={
          "console": _CONSOLE + " > Nodes > Node Pools: edit each pool and select Install CloudMonitor Agent on ECS "
                     "Instance.",
          "cli": "aliyun cs PUT /clusters/{resource_id}/nodepools/<nodepool-id> --region {region} "
                 "--body '{\"kubernetes_config\":{\"cms_enabled\":true}}'",
          "terraform": "alicloud_cs_kubernetes_node_pool (cluster_id = \"{resource_id}\", {region}): install_cloud_monitor = true",
      })
@each("ack", "clusters", "cluster_id")
def cloudmonitor_enabled(cluster, acct, settings):
    cid = cluster.get("cluster_id")
    pools = _pools(cluster)
    if pools is None:
        return unknown(cid, cluster.region, "the cluster's node pools (ack:DescribeClusterNodePools) were not read")
    if not pools:
        return not_applicable(cid, cluster.region, "the cluster has no node pools")
    states = {_pool_id(p): read(p, "kubernetes_config.cms_enabled", "bool",
                                name="DescribeClusterNodePools.kubernetes_config.cms_enabled") for p in pools}
    off = [pid for pid, on in states.items() if on is not True]
    return check(cid, cluster.region, not off, {"DescribeClusterNodePools.kubernetes_config.cms_enabled": states},
                 "" if not off else f"CloudMonitor off in {', '.join(off)}")


@rule(id="ack-dashboard-not-installed", product="ack", severity="medium", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1", "ack:ListClusterAddonInstances"),
      title="The Kubernetes web dashboard is not installed on ACK clusters",
      rationale="CIS Alibaba 7.5, GL20 protection: the Kubernetes dashboard runs with a privileged service account "
                "and has been a common way into clusters; the ACK console covers its uses.",
      remediation={
          "console": _CONSOLE + " > Operations > Add-ons: uninstall kubernetes-dashboard.",
          "cli": "aliyun cs POST /clusters/{resource_id}/components/kubernetes-dashboard/uninstall --region {region}",
          "terraform": "alicloud_cs_managed_kubernetes ({resource_id}, {region}): remove the kubernetes-dashboard addons block "
                       "(or disabled = true)",
      })
@each("ack", "clusters", "cluster_id")
def dashboard_not_installed(cluster, acct, settings):
    names = _addons(cluster)
    if names is None:
        return _no_addons(cluster)
    found = [n for n in DASHBOARD_ADDONS if n in names]
    return check(cluster.get("cluster_id"), cluster.region, not found,
                 {"ListClusterAddonInstances.addons[].name": names},
                 "" if not found else "kubernetes-dashboard is installed")


@rule(id="ack-basic-auth-removed", product="ack", severity="high", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1",),
      title="ACK clusters run a Kubernetes version without basic authentication",
      rationale="CIS Alibaba 7.6, GL20 protection.identity: static passwords on the API server cannot be rotated "
                "or tied to a person; Kubernetes removed basic authentication in 1.19, so a cluster on 1.19 or "
                "later cannot have it switched on.",
      remediation={
          "console": _CONSOLE + " > Basic Information: Upgrade Cluster to a supported Kubernetes version (1.19 or "
                     "later; ACK supports far newer ones).",
          "cli": "aliyun cs POST /api/v2/clusters/{resource_id}/upgrade --region {region} "
                 "--body '{\"next_version\":\"<supported-version>\"}'",
          "terraform": "alicloud_cs_managed_kubernetes ({resource_id}, {region}): version = \"<supported-version>\"",
      })
@each("ack", "clusters", "cluster_id")
def basic_auth_removed(cluster, acct, settings):
    version = read(cluster, "current_version", "str", name="DescribeClustersV1.current_version", optional=False)
    m = _VERSION.match(version)
    if not m:
        raise BadField("DescribeClustersV1.current_version", version, "a Kubernetes version (1.30.1-aliyun.1)")
    ok = (int(m.group(1)), int(m.group(2))) >= BASIC_AUTH_REMOVED
    return check(cluster.get("cluster_id"), cluster.region, ok, {"DescribeClustersV1.current_version": version},
                 "" if ok else "older than Kubernetes 1.19: basic authentication possible")


@rule(id="ack-network-policy-supported", product="ack", severity="medium", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1", "ack:ListClusterAddonInstances"),
      title="ACK clusters use the Terway network plug-in, which enforces NetworkPolicy",
      rationale="CIS Alibaba 7.7, GL20 protection: without an enforcing plug-in, Kubernetes NetworkPolicy objects "
                "are silently ignored and every pod can reach every other pod; on ACK only Terway enforces them.",
      remediation={
          "console": "Create a Terway cluster with NetworkPolicy on; move the workloads of {resource_id} ({region}) "
                     "to it (the plug-in is fixed at creation).",
          "terraform": "alicloud_cs_managed_kubernetes (replacing {resource_id}, {region}): addons { name = \"terway-eniip\" "
                       "config = jsonencode({ NetworkPolicy = \"true\" }) }",
      })
@each("ack", "clusters", "cluster_id")
def network_policy_supported(cluster, acct, settings):
    names = _addons(cluster)
    if names is None:
        return _no_addons(cluster)
    terway, _ = _network_plugin(cluster, names)
    return check(cluster.get("cluster_id"), cluster.region, terway is not None,
                 {"ListClusterAddonInstances.addons[].name": names},
                 "" if terway else "the cluster runs Flannel, which does not enforce NetworkPolicy")


@rule(id="ack-eni-multi-ip", product="ack", severity="low", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1", "ack:ListClusterAddonInstances"),
      title="ACK clusters use Terway in ENI multi-IP mode",
      rationale="CIS Alibaba 7.8, GL20 protection: in ENI multi-IP mode (terway-eniip) pods take VPC addresses from "
                "shared elastic network interfaces, so VPC security groups and flow logs see pod traffic.",
      remediation={
          "console": "Create a Terway (ENI multi-IP) cluster; move the workloads of {resource_id} ({region}) to it "
                     "(the plug-in is fixed at creation).",
          "terraform": "alicloud_cs_managed_kubernetes (replacing {resource_id}, {region}): addons { name = "
                       "\"terway-eniip\" }",
      })
@each("ack", "clusters", "cluster_id")
def eni_multi_ip(cluster, acct, settings):
    names = _addons(cluster)
    if names is None:
        return _no_addons(cluster)
    terway, _ = _network_plugin(cluster, names)
    ok = terway == ENI_MULTI_IP
    reason = "" if ok else (f"Terway runs as {terway}, not in ENI multi-IP mode" if terway
                            else "the cluster runs Flannel, not Terway in ENI multi-IP mode")
    return check(cluster.get("cluster_id"), cluster.region, ok, {"ListClusterAddonInstances.addons[].name": names},
                 reason)


@rule(id="ack-api-server-private", product="ack", severity="high", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1",),
      title="ACK cluster API servers have no public endpoint",
      rationale="CIS Alibaba 7.9, GL20 protection.exposure: an API server on the internet is open to credential "
                "stuffing and to every future API-server vulnerability; administrators reach a private endpoint "
                "through the VPC, a VPN or a bastion.",
      remediation={
          "console": _CONSOLE + " > Basic Information > API Server Public Endpoint: Unbind EIP.",
          "cli": "aliyun cs PUT /clusters/{resource_id} --region {region} --body '{\"api_server_eip\":false}'",
          "terraform": "alicloud_cs_managed_kubernetes ({resource_id}, {region}): slb_internet_enabled = false",
      })
@each("ack", "clusters", "cluster_id")
def api_server_private(cluster, acct, settings):
    urls = _json_field(cluster, "master_url")
    if not {"api_server_endpoint", "intranet_api_server_endpoint"} & set(urls):
        raise BadField("DescribeClustersV1.master_url", cluster.get("master_url"),
                       "api_server_endpoint and intranet_api_server_endpoint")
    public = urls.get("api_server_endpoint")
    if public is not None and not isinstance(public, str):
        raise BadField("DescribeClustersV1.master_url.api_server_endpoint", public, "a URL or empty")
    return check(cluster.get("cluster_id"), cluster.region, not public,
                 {"DescribeClustersV1.master_url.api_server_endpoint": public or ""},
                 "" if not public else "the API server has a public endpoint")


@rule(id="ack-secrets-kms-encrypted", product="ack", severity="high", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1",),
      title="ACK clusters encrypt Kubernetes Secrets with a KMS key",
      rationale="GL8 5.1(b), GL14 5.12: Secrets (database passwords, API keys) are stored in etcd in plain base64 "
                "unless the cluster encrypts them with a KMS key (ACK Pro).",
      remediation={
          "console": _CONSOLE + " > Security: Secret Encryption with a KMS key (ACK Pro).",
          "terraform": "alicloud_cs_managed_kubernetes ({resource_id}, {region}): cluster_spec = \"ack.pro.small\", "
                       "encryption_provider_key = alicloud_kms_key.<key>.id",
      })
@each("ack", "clusters", "cluster_id")
def secrets_kms_encrypted(cluster, acct, settings):
    meta = _json_field(cluster, "meta_data")
    caps = meta.get("Capabilities")
    if caps is not None and not isinstance(caps, dict):
        raise BadField("DescribeClustersV1.meta_data.Capabilities", caps, "an object")
    key = (caps or {}).get("EncryptionKMSKeyId")
    if key is not None and not isinstance(key, str):
        raise BadField("DescribeClustersV1.meta_data.Capabilities.EncryptionKMSKeyId", key, "a KMS key id")
    return check(cluster.get("cluster_id"), cluster.region, bool(key),
                 {"DescribeClustersV1.meta_data.Capabilities.EncryptionKMSKeyId": key or "",
                  "DescribeClustersV1.cluster_spec": cluster.get("cluster_spec")},
                 "" if key else "Secrets are not encrypted with a KMS key")


@rule(id="ack-node-pool-disks-encrypted", product="ack", severity="high", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1", "ack:DescribeClusterNodePools"),
      title="ACK node pools create encrypted system and data disks",
      rationale="GL8 5.1(b), GL14 5.12: node disks hold container images, logs and volumes with customer data; "
                "a pool whose template does not encrypt them creates every new node unencrypted.",
      remediation={
          "console": _CONSOLE + " > Node Pools: encrypt each pool's system and data disks (new nodes; replace the "
                     "old).",
          "terraform": "alicloud_cs_kubernetes_node_pool (cluster_id = \"{resource_id}\", {region}): system_disk_encrypted = "
                       "true, data_disks { encrypted = \"true\" }",
      })
@each("ack", "clusters", "cluster_id")
def node_pool_disks_encrypted(cluster, acct, settings):
    cid = cluster.get("cluster_id")
    pools = _pools(cluster)
    if pools is None:
        return unknown(cid, cluster.region, "the cluster's node pools (ack:DescribeClusterNodePools) were not read")
    if not pools:
        return not_applicable(cid, cluster.region, "the cluster has no node pools")
    system, data, bad = {}, {}, []
    for p in pools:
        pid = _pool_id(p)
        system[pid] = read(p, "scaling_group.system_disk_encrypted", "bool",
                           name="DescribeClusterNodePools.scaling_group.system_disk_encrypted")
        disks = items(p, "scaling_group.data_disks", name="DescribeClusterNodePools.scaling_group.data_disks")
        data[pid] = [read(d, "encrypted", "str", name="DescribeClusterNodePools.scaling_group.data_disks[].encrypted",
                          values=("true", "false")) for d in disks]
        if system[pid] is not True:
            bad.append(f"{pid} (system disk)")
        if any(e != "true" for e in data[pid]):
            bad.append(f"{pid} (data disk)")
    return check(cid, cluster.region, not bad,
                 {"DescribeClusterNodePools.scaling_group.system_disk_encrypted": system,
                  "DescribeClusterNodePools.scaling_group.data_disks[].encrypted": data},
                 "" if not bad else f"unencrypted: {', '.join(bad)}")


@rule(id="ack-deletion-protection", product="ack", severity="medium", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1",),
      title="ACK clusters have deletion protection",
      rationale="GL20 recovery, GL14 5.17: deletion protection stops a console slip or a stray API call from "
                "removing a production cluster and the services on it.",
      remediation={
          "console": _CONSOLE + " > Basic Information: turn on Deletion Protection.",
          "cli": "aliyun cs PUT /api/v2/clusters/{resource_id} --region {region} --body '{\"deletion_protection\":true}'",
          "terraform": "alicloud_cs_managed_kubernetes ({resource_id}, {region}): deletion_protection = true",
      })
@each("ack", "clusters", "cluster_id")
def deletion_protection(cluster, acct, settings):
    on = read(cluster, "deletion_protection", "bool", name="DescribeClustersV1.deletion_protection", optional=False)
    return check(cluster.get("cluster_id"), cluster.region, on, {"DescribeClustersV1.deletion_protection": on},
                 "" if on else "deletion protection is off")


@rule(id="ack-control-plane-logs", product="ack", severity="medium", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1", "ack:CheckControlPlaneLogEnable"),
      title="ACK clusters send their API server (control-plane) logs to Log Service",
      rationale="CIS Alibaba 2.4, GL20 monitoring, GL14 5.14: the API server's log is the record of who changed "
                "what in the cluster; without it an incident in the cluster cannot be traced.",
      remediation={
          "console": _CONSOLE + " > Operations > Log Center > Control Plane Component Logs: enable collection for "
                     "apiserver (and kcm, scheduler) into a Log Service project.",
          "cli": "aliyun cs PUT /clusters/{resource_id}/controlplanelog --region {region} "
                 "--body '{\"components\":[\"apiserver\",\"kcm\",\"scheduler\"]}'",
          "terraform": "alicloud_cs_managed_kubernetes ({resource_id}, {region}): control_plane_log_components = "
                       "[\"apiserver\", \"kcm\", \"scheduler\"]",
      })
@each("ack", "clusters", "cluster_id")
def control_plane_logs(cluster, acct, settings):
    cid = cluster.get("cluster_id")
    if "control_plane_log" not in cluster:
        return unknown(cid, cluster.region, "the control-plane log setting (ack:CheckControlPlaneLogEnable) was not read")
    project = read(cluster, "control_plane_log.log_project", "str", name="CheckControlPlaneLogEnable.log_project")
    components = read(cluster, "control_plane_log.components", "list", name="CheckControlPlaneLogEnable.components")
    components = components or []
    if not all(isinstance(c, str) for c in components):
        raise BadField("CheckControlPlaneLogEnable.components", components, "a list of component names")
    ok = bool(project) and "apiserver" in components
    reason = "" if ok else ("no Log Service project receives the control-plane logs" if not project
                            else "the apiserver log is not collected")
    return check(cid, cluster.region, ok, {"CheckControlPlaneLogEnable.log_project": project or "",
                                           "CheckControlPlaneLogEnable.components": components}, reason)


@rule(id="ack-auto-upgrade", product="ack", severity="low", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1",),
      title="ACK clusters upgrade their control plane automatically",
      rationale="GL20 protection: automatic cluster upgrades (patch or stable channel) apply Kubernetes security "
                "fixes without waiting for a manual change.",
      remediation={
          "console": _CONSOLE + " > Basic Information > Cluster Auto Upgrade: enable it (channel patch).",
          "cli": "aliyun cs PUT /api/v2/clusters/{resource_id} --region {region} "
                 "--body '{\"operation_policy\":{\"cluster_auto_upgrade\":{\"enabled\":true,\"channel\":\"patch\"}}}'",
          "terraform": "alicloud_cs_managed_kubernetes ({resource_id}, {region}): operation_policy { cluster_auto_upgrade { "
                       "enabled = true channel = \"patch\" } }",
      })
@each("ack", "clusters", "cluster_id")
def auto_upgrade(cluster, acct, settings):
    on = read(cluster, "operation_policy.cluster_auto_upgrade.enabled", "bool",
              name="DescribeClustersV1.operation_policy.cluster_auto_upgrade.enabled")
    return check(cluster.get("cluster_id"), cluster.region, on is True,
                 {"DescribeClustersV1.operation_policy.cluster_auto_upgrade.enabled": on},
                 "" if on else "automatic cluster upgrade is off")


# ListClusterChecks: the documented status of a check that ran to completion (SOURCES-ack.md).
CHECK_SUCCEEDED = "Succeeded"
_NANOS = re.compile(r"(\.\d{6})\d+")


def _time(value) -> dt.datetime | None:
    """An RFC 3339 time as ListClusterChecks answers it (nanoseconds, `Z`), or None when unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(_NANOS.sub(r"\1", value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


@rule(id="ack-cluster-check-weekly", product="ack", severity="low", resource_type="ack:cluster",
      needs=("ack:DescribeClustersV1", "ack:ListClusterChecks"),
      title="A cluster check has run successfully on each ACK cluster within the last week",
      rationale="CIS Alibaba 7.4, GL20 monitoring: a regular cluster check finds unhealthy components, "
                "risky configurations and upgrade blockers before they become incidents.",
      remediation={
          "console": _CONSOLE + " > Operations > Cluster Check: run a check now and schedule one at least weekly.",
          "cli": "aliyun cs GET /clusters/{resource_id}/checks --region {region} (see the last check); run one "
                 "from the console's Cluster Check page or with RunClusterCheck (aliyun cs POST "
                 "/clusters/{resource_id}/checks --region {region} --body '{\"type\":\"<check type>\"}')",
      })
@each("ack", "clusters", "cluster_id")
def cluster_check_weekly(cluster, acct, settings):
    """Judged against the snapshot's collected_at (not the wall clock): a recording gives the same verdict
    every day. Only a check with status Succeeded and a readable finished_at counts."""
    cid = cluster.get("cluster_id")
    if "cluster_checks" not in cluster:
        return unknown(cid, cluster.region, "the cluster's checks (ack:ListClusterChecks) were not read")
    checks = items(cluster, "cluster_checks.checks", name="ListClusterChecks.checks", optional=False)
    now = _time(acct.collected_at) or dt.datetime.now(dt.timezone.utc)
    limit = settings.cluster_check_max_age_days
    latest, unreadable = None, None
    for c in checks:
        status = read(c, "status", "str", name="ListClusterChecks.checks[].status", optional=False)
        if status != CHECK_SUCCEEDED:
            continue
        finished = _time(c.get("finished_at"))
        if finished is None:
            unreadable = c
        elif latest is None or finished > latest[0]:
            latest = (finished, c)
    evidence = {"ListClusterChecks.checks": len(checks), "max_age_days": limit}
    if latest is not None:
        finished, c = latest
        age = (now - finished).days
        evidence.update({"ListClusterChecks.checks[].check_id": c.get("check_id"),
                         "ListClusterChecks.checks[].type": c.get("type"),
                         "ListClusterChecks.checks[].status": c.get("status"),
                         "ListClusterChecks.checks[].finished_at": c.get("finished_at"), "age_days": age})
        if age <= limit:
            return check(cid, cluster.region, True, evidence)
    if unreadable is not None:
        raise BadField("ListClusterChecks.checks[].finished_at", unreadable.get("finished_at"),
                       "an RFC 3339 time", reason="a successful cluster check has no readable finished_at: "
                       "cannot tell when the last check ran")
    if latest is None:
        return check(cid, cluster.region, False, evidence, "no cluster check has finished successfully")
    return check(cid, cluster.region, False, evidence,
                 f"the last successful cluster check finished {evidence['age_days']} days ago")
