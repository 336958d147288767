"""The mappings no plan on disk uses, each through the CLI on a small plan: an instance's disks, an RDS backup
policy, a bucket's separate encryption resource and an ALB custom security policy. Attribute names are the
alicloud provider's (website/docs/r/<type>.html.markdown of aliyun/terraform-provider-alicloud)."""

import pytest

from test_plan_fidelity import KEY, KEY_UNKNOWN, Plan, by_key, scan


def test_an_instance_maps_its_system_and_data_disks(tmp_path):
    p = Plan()
    p.add("alicloud_kms_key", "disk", dict(KEY), unknown=KEY_UNKNOWN)
    p.add("alicloud_instance", "app", {"availability_zone": "cn-hongkong-b", "instance_type": "ecs.g7.large",
                                       "system_disk_category": "cloud_essd", "system_disk_encrypted": False,
                                       "data_disks": [{"size": 100, "category": "cloud_essd", "encrypted": True,
                                                       "kms_key_id": None}]},
          unknown={"data_disks": [{"kms_key_id": True}]},
          refs={"data_disks.0.kms_key_id": ["alicloud_kms_key.disk.id", "alicloud_kms_key.disk"]})
    code, report, _ = scan(p.doc(), tmp_path)
    by = by_key(report)
    system = by[("ecs-disk-encrypted", "alicloud_instance.app/system_disk")]
    assert system["status"] == "FAIL" and system["terraform"]["address"] == "alicloud_instance.app"
    assert by[("ecs-disk-encrypted", "alicloud_instance.app/data_disks[0]")]["status"] == "PASS"
    assert by[("ecs-disk-encrypted-cmk", "alicloud_instance.app/data_disks[0]")]["status"] == "PASS"
    assert code == 1


@pytest.mark.parametrize("days, status", [(30, "PASS"), (1, "FAIL")])
def test_a_db_backup_policy_gives_the_instance_its_retention(tmp_path, days, status):
    p = Plan()
    p.add("alicloud_db_instance", "claims", {"engine": "MySQL", "engine_version": "8.0", "zone_id": "cn-hongkong-b",
                                             "instance_type": "mysql.n2.medium.2c", "instance_storage": 100,
                                             "security_ips": ["10.0.0.0/8"]})
    p.add("alicloud_db_backup_policy", "claims", {"instance_id": None, "backup_retention_period": days,
                                                  "enable_backup_log": True},
          unknown={"instance_id": True}, refs={"instance_id": ["alicloud_db_instance.claims.id",
                                                               "alicloud_db_instance.claims"]})
    code, report, _ = scan(p.doc(), tmp_path)
    retention = by_key(report)[("rds-backup-retention", "alicloud_db_instance.claims")]
    assert retention["status"] == status, retention["reason"]


def test_without_a_db_backup_policy_the_retention_is_error(tmp_path):
    p = Plan()
    p.add("alicloud_db_instance", "claims", {"engine": "MySQL", "engine_version": "8.0", "zone_id": "cn-hongkong-b",
                                             "instance_type": "mysql.n2.medium.2c", "instance_storage": 100})
    code, report, _ = scan(p.doc(), tmp_path)
    retention = by_key(report)[("rds-backup-retention", "alicloud_db_instance.claims")]
    assert retention["status"] == "ERROR" and "no alicloud_db_backup_policy" in retention["reason"]


@pytest.mark.parametrize("algorithm, status", [("KMS", "PASS"), ("AES256", "FAIL")])
def test_a_bucket_encryption_resource_sets_the_bucket_encryption(tmp_path, algorithm, status):
    p = Plan()
    p.add("alicloud_oss_bucket", "records", {"bucket": "records-bucket", "acl": "private"})
    p.add("alicloud_oss_bucket_server_side_encryption", "records", {"bucket": None, "sse_algorithm": algorithm},
          unknown={"bucket": True}, refs={"bucket": ["alicloud_oss_bucket.records.bucket", "alicloud_oss_bucket.records"]})
    code, report, _ = scan(p.doc(), tmp_path)
    assert by_key(report)[("oss-bucket-sse-kms", "alicloud_oss_bucket.records")]["status"] == status


@pytest.mark.parametrize("versions, status", [(["TLSv1.2"], "PASS"), (["TLSv1.0", "TLSv1.2"], "FAIL")])
def test_an_alb_custom_security_policy_decides_the_listener_tls(tmp_path, versions, status):
    p = Plan()
    p.add("alicloud_alb_load_balancer", "api", {"address_type": "Internet", "load_balancer_edition": "Standard",
                                                "zone_mappings": [{"zone_id": "cn-hongkong-b", "vswitch_id": "vsw-1"},
                                                                  {"zone_id": "cn-hongkong-c", "vswitch_id": "vsw-2"}]})
    p.add("alicloud_alb_security_policy", "tls", {"security_policy_name": "tls", "tls_versions": versions,
                                                  "ciphers": ["ECDHE-ECDSA-AES128-GCM-SHA256"]})
    p.add("alicloud_alb_listener", "https", {"listener_protocol": "HTTPS", "listener_port": 443,
                                             "load_balancer_id": None, "security_policy_id": None},
          unknown={"load_balancer_id": True, "security_policy_id": True},
          refs={"load_balancer_id": ["alicloud_alb_load_balancer.api.id", "alicloud_alb_load_balancer.api"],
                "security_policy_id": ["alicloud_alb_security_policy.tls.id", "alicloud_alb_security_policy.tls"]})
    code, report, _ = scan(p.doc(), tmp_path)
    tls = by_key(report)[("alb-https-listener-tls12", "alicloud_alb_listener.https")]
    assert tls["status"] == status, tls["reason"]


@pytest.mark.parametrize("versioning, status", [("Enabled", "PASS"), ("Suspended", "FAIL")])
def test_a_bucket_versioning_resource_sets_the_bucket_versioning(tmp_path, versioning, status):
    p = Plan()
    p.add("alicloud_oss_bucket", "records", {"bucket": "records-bucket", "acl": "private"})
    p.add("alicloud_oss_bucket_versioning", "records", {"bucket": None, "status": versioning},
          unknown={"bucket": True}, refs={"bucket": ["alicloud_oss_bucket.records.bucket", "alicloud_oss_bucket.records"]})
    code, report, _ = scan(p.doc(), tmp_path)
    assert by_key(report)[("oss-bucket-versioning", "alicloud_oss_bucket.records")]["status"] == status


@pytest.mark.parametrize("attached, status", [(True, "PASS"), (False, "FAIL")])
def test_an_alb_access_log_attachment_turns_the_logs_on(tmp_path, attached, status):
    p = Plan()
    p.add("alicloud_alb_load_balancer", "api", {"address_type": "Internet", "load_balancer_edition": "Standard",
                                                "deletion_protection_enabled": True,
                                                "zone_mappings": [{"zone_id": "cn-hongkong-b", "vswitch_id": "vsw-1"},
                                                                  {"zone_id": "cn-hongkong-c", "vswitch_id": "vsw-2"}]})
    if attached:
        p.add("alicloud_alb_load_balancer_access_log_config_attachment", "api",
              {"load_balancer_id": None, "log_project": "alb-logs", "log_store": "api"},
              unknown={"load_balancer_id": True},
              refs={"load_balancer_id": ["alicloud_alb_load_balancer.api.id", "alicloud_alb_load_balancer.api"]})
    code, report, _ = scan(p.doc(), tmp_path)
    assert by_key(report)[("alb-access-log-enabled", "alicloud_alb_load_balancer.api")]["status"] == status


@pytest.mark.parametrize("acl, status", [("private", "PASS"), ("public-read", "FAIL")])
def test_a_bucket_acl_resource_sets_the_bucket_acl(tmp_path, acl, status):
    p = Plan()
    p.add("alicloud_oss_bucket", "records", {"bucket": "records-bucket"})
    p.add("alicloud_oss_bucket_acl", "records", {"bucket": None, "acl": acl},
          unknown={"bucket": True}, refs={"bucket": ["alicloud_oss_bucket.records.bucket", "alicloud_oss_bucket.records"]})
    code, report, _ = scan(p.doc(), tmp_path)
    assert by_key(report)[("oss-bucket-acl-not-public", "alicloud_oss_bucket.records")]["status"] == status


def test_a_bucket_logging_resource_turns_the_logs_on(tmp_path):
    p = Plan()
    p.add("alicloud_oss_bucket", "records", {"bucket": "records-bucket", "acl": "private"})
    p.add("alicloud_oss_bucket", "logs", {"bucket": "logs-bucket", "acl": "private"})
    p.add("alicloud_oss_bucket_logging", "records", {"bucket": None, "target_bucket": None, "target_prefix": "records/"},
          unknown={"bucket": True, "target_bucket": True},
          refs={"bucket": ["alicloud_oss_bucket.records.bucket", "alicloud_oss_bucket.records"],
                "target_bucket": ["alicloud_oss_bucket.logs.bucket", "alicloud_oss_bucket.logs"]})
    code, report, _ = scan(p.doc(), tmp_path)
    by = by_key(report)
    assert by[("oss-bucket-logging", "alicloud_oss_bucket.records")]["status"] == "PASS"
    assert by[("oss-bucket-logging", "alicloud_oss_bucket.logs")]["status"] == "FAIL"  # no logging of its own


@pytest.mark.parametrize("safe, status", [(True, "PASS"), (False, "FAIL")])
def test_an_ack_cluster_and_its_node_pool(tmp_path, safe, status):
    p = Plan()
    p.add("alicloud_cs_managed_kubernetes", "core", {
        "name": "hk-core", "cluster_spec": "ack.pro.small", "version": "1.30.1-aliyun.1" if safe else "1.18.8-aliyun.1",
        "deletion_protection": safe, "slb_internet_enabled": not safe,
        "encryption_provider_key": "key-hk-core" if safe else None,
        "addons": [{"name": "terway-eniip" if safe else "flannel", "config": "", "disabled": False},
                   {"name": "logtail-ds" if safe else "kubernetes-dashboard", "config": "", "disabled": False}],
        "control_plane_log_project": "k8s-log-core" if safe else None,
        "control_plane_log_components": ["apiserver", "kcm"] if safe else None,
        "operation_policy": [{"cluster_auto_upgrade": [{"enabled": safe, "channel": "patch"}]}]})
    p.add("alicloud_cs_kubernetes_node_pool", "default", {
        "node_pool_name": "default", "cluster_id": None, "system_disk_encrypted": safe,
        "data_disks": [{"category": "cloud_essd", "size": 120, "encrypted": "true" if safe else "false"}],
        "install_cloud_monitor": safe},
        unknown={"cluster_id": True},
        refs={"cluster_id": ["alicloud_cs_managed_kubernetes.core.id", "alicloud_cs_managed_kubernetes.core"]})
    code, report, _ = scan(p.doc(), tmp_path)
    by = by_key(report)
    for rule in ("ack-api-server-private", "ack-basic-auth-removed", "ack-deletion-protection",
                 "ack-secrets-kms-encrypted", "ack-dashboard-not-installed", "ack-network-policy-supported",
                 "ack-eni-multi-ip", "ack-log-service-enabled", "ack-control-plane-logs", "ack-auto-upgrade",
                 "ack-node-pool-disks-encrypted", "ack-cloudmonitor-enabled"):
        got = by[(rule, "alicloud_cs_managed_kubernetes.core")]
        assert got["status"] == status, (rule, got["status"], got.get("reason"))


def test_an_ack_cluster_version_left_to_apply_is_error(tmp_path):
    p = Plan()
    p.add("alicloud_cs_managed_kubernetes", "core", {"name": "hk-core", "version": None, "deletion_protection": True},
          unknown={"version": True})
    code, report, _ = scan(p.doc(), tmp_path)
    by = by_key(report)
    assert by[("ack-basic-auth-removed", "alicloud_cs_managed_kubernetes.core")]["status"] == "ERROR"
    assert by[("ack-deletion-protection", "alicloud_cs_managed_kubernetes.core")]["status"] == "PASS"
    # no addons in the plan: ACK installs defaults the plan does not show
    assert by[("ack-dashboard-not-installed", "alicloud_cs_managed_kubernetes.core")]["status"] == "ERROR"
    # no alicloud_cs_kubernetes_node_pool in the plan: nothing to judge, never a PASS
    assert by[("ack-node-pool-disks-encrypted", "alicloud_cs_managed_kubernetes.core")]["status"] == "NOT_APPLICABLE"
