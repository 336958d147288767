"""The two bundled fixtures, scanned end to end through the fake cloud and the real SDKs: exact verdicts."""

import json
import subprocess
import sys

from conftest import clause, findings, fixture_path

GAPS_VERDICTS = {
    ('actiontrail-multi-region-trail', '5184000000000001'): 'FAIL',
    ('actiontrail-trail-delivery', 'hk-write-audit'): 'FAIL',
    ('actiontrail-trail-logging', 'hk-write-audit'): 'FAIL',
    ('actiontrail-trail-read-write', 'hk-write-audit'): 'FAIL',
    ('alb-access-log-enabled', 'alb-j6clegacy01'): 'FAIL',
    ('alb-access-log-enabled', 'alb-j6cweb01'): 'PASS',
    ('alb-deletion-protection', 'alb-j6clegacy01'): 'FAIL',
    ('alb-deletion-protection', 'alb-j6cweb01'): 'PASS',
    ('alb-https-listener-tls12', 'alb-j6clegacy01/HTTPS:443'): 'FAIL',
    ('alb-https-listener-tls12', 'alb-j6clegacy01/HTTPS:8443'): 'FAIL',
    ('alb-https-listener-tls12', 'alb-j6cweb01/HTTPS:443'): 'PASS',
    ('alb-listener-https-only', 'alb-j6clegacy01/HTTP:80'): 'FAIL',
    ('alb-listener-https-only', 'alb-j6clegacy01/HTTPS:443'): 'PASS',
    ('alb-listener-https-only', 'alb-j6clegacy01/HTTPS:8443'): 'PASS',
    ('alb-listener-https-only', 'alb-j6cweb01/HTTP:80'): 'PASS',
    ('alb-listener-https-only', 'alb-j6cweb01/HTTPS:443'): 'PASS',
    ('alb-multi-zone', 'alb-j6clegacy01'): 'FAIL',
    ('alb-multi-zone', 'alb-j6cweb01'): 'PASS',
    ('data-residency-allowed-regions', 'alb-j6clegacy01'): 'PASS',
    ('data-residency-allowed-regions', 'alb-j6cweb01'): 'PASS',
    ('data-residency-allowed-regions', 'd-j6cbatch01data'): 'PASS',
    ('data-residency-allowed-regions', 'd-j6cbatch01sys'): 'PASS',
    ('data-residency-allowed-regions', 'd-j6cweb01data'): 'PASS',
    ('data-residency-allowed-regions', 'd-j6cweb01sys'): 'PASS',
    ('data-residency-allowed-regions', 'd-j6cweb02sys'): 'PASS',
    ('data-residency-allowed-regions', 'd-t4nanalytics01sys'): 'FAIL',
    ('data-residency-allowed-regions', 'hkins-app-logs'): 'PASS',
    ('data-residency-allowed-regions', 'hkins-claims-docs'): 'PASS',
    ('data-residency-allowed-regions', 'hkins-marketing-assets'): 'PASS',
    ('data-residency-allowed-regions', 'i-j6c0batch01'): 'PASS',
    ('data-residency-allowed-regions', 'i-j6c0web01'): 'PASS',
    ('data-residency-allowed-regions', 'i-j6c0web02'): 'PASS',
    ('data-residency-allowed-regions', 'i-t4n0analytics01'): 'FAIL',
    ('data-residency-allowed-regions', 'lb-j6clegacy01'): 'PASS',
    ('data-residency-allowed-regions', 'lb-j6cweb01'): 'PASS',
    ('data-residency-allowed-regions', 'pc-j6cclaims01'): 'PASS',
    ('data-residency-allowed-regions', 'pc-j6cpolicy01'): 'PASS',
    ('data-residency-allowed-regions', 'r-j6ccache01'): 'PASS',
    ('data-residency-allowed-regions', 'r-j6clegacy01'): 'PASS',
    ('data-residency-allowed-regions', 'r-j6csession01'): 'PASS',
    ('data-residency-allowed-regions', 'rm-j6cclaimspg01'): 'PASS',
    ('data-residency-allowed-regions', 'rm-j6cpolicydb01'): 'PASS',
    ('ecs-disk-auto-snapshot', 'd-j6cbatch01data'): 'FAIL',
    ('ecs-disk-auto-snapshot', 'd-j6cbatch01sys'): 'PASS',
    ('ecs-disk-auto-snapshot', 'd-j6cweb01data'): 'PASS',
    ('ecs-disk-auto-snapshot', 'd-j6cweb01sys'): 'PASS',
    ('ecs-disk-auto-snapshot', 'd-j6cweb02sys'): 'PASS',
    ('ecs-disk-auto-snapshot', 'd-t4nanalytics01sys'): 'PASS',
    ('ecs-disk-encrypted', 'd-j6cbatch01data'): 'FAIL',
    ('ecs-disk-encrypted', 'd-j6cbatch01sys'): 'FAIL',
    ('ecs-disk-encrypted', 'd-j6cweb01data'): 'PASS',
    ('ecs-disk-encrypted', 'd-j6cweb01sys'): 'PASS',
    ('ecs-disk-encrypted', 'd-j6cweb02sys'): 'PASS',
    ('ecs-disk-encrypted', 'd-t4nanalytics01sys'): 'PASS',
    ('ecs-disk-encrypted-cmk', 'd-j6cbatch01data'): 'FAIL',
    ('ecs-disk-encrypted-cmk', 'd-j6cbatch01sys'): 'FAIL',
    ('ecs-disk-encrypted-cmk', 'd-j6cweb01data'): 'PASS',
    ('ecs-disk-encrypted-cmk', 'd-j6cweb01sys'): 'PASS',
    ('ecs-disk-encrypted-cmk', 'd-j6cweb02sys'): 'FAIL',
    ('ecs-disk-encrypted-cmk', 'd-t4nanalytics01sys'): 'PASS',
    ('ecs-instances-multi-zone', 'ap-southeast-1'): 'FAIL',
    ('ecs-instances-multi-zone', 'cn-hongkong'): 'PASS',
    ('ecs-sg-no-public-all-ports', 'sg-j6cdb'): 'PASS',
    ('ecs-sg-no-public-all-ports', 'sg-j6clegacy'): 'FAIL',
    ('ecs-sg-no-public-all-ports', 'sg-j6cweb'): 'PASS',
    ('ecs-sg-no-public-mongodb', 'sg-j6cdb'): 'PASS',
    ('ecs-sg-no-public-mongodb', 'sg-j6clegacy'): 'FAIL',
    ('ecs-sg-no-public-mongodb', 'sg-j6cweb'): 'PASS',
    ('ecs-sg-no-public-mysql', 'sg-j6cdb'): 'FAIL',
    ('ecs-sg-no-public-mysql', 'sg-j6clegacy'): 'FAIL',
    ('ecs-sg-no-public-mysql', 'sg-j6cweb'): 'PASS',
    ('ecs-sg-no-public-oracle', 'sg-j6cdb'): 'FAIL',
    ('ecs-sg-no-public-oracle', 'sg-j6clegacy'): 'FAIL',
    ('ecs-sg-no-public-oracle', 'sg-j6cweb'): 'PASS',
    ('ecs-sg-no-public-postgresql', 'sg-j6cdb'): 'PASS',
    ('ecs-sg-no-public-postgresql', 'sg-j6clegacy'): 'FAIL',
    ('ecs-sg-no-public-postgresql', 'sg-j6cweb'): 'PASS',
    ('ecs-sg-no-public-rdp', 'sg-j6cdb'): 'FAIL',
    ('ecs-sg-no-public-rdp', 'sg-j6clegacy'): 'FAIL',
    ('ecs-sg-no-public-rdp', 'sg-j6cweb'): 'PASS',
    ('ecs-sg-no-public-redis', 'sg-j6cdb'): 'FAIL',
    ('ecs-sg-no-public-redis', 'sg-j6clegacy'): 'FAIL',
    ('ecs-sg-no-public-redis', 'sg-j6cweb'): 'PASS',
    ('ecs-sg-no-public-sqlserver', 'sg-j6cdb'): 'FAIL',
    ('ecs-sg-no-public-sqlserver', 'sg-j6clegacy'): 'FAIL',
    ('ecs-sg-no-public-sqlserver', 'sg-j6cweb'): 'PASS',
    ('ecs-sg-no-public-ssh', 'sg-j6cdb'): 'FAIL',
    ('ecs-sg-no-public-ssh', 'sg-j6clegacy'): 'FAIL',
    ('ecs-sg-no-public-ssh', 'sg-j6cweb'): 'PASS',
    ('ecs-sg-no-public-telnet', 'sg-j6cdb'): 'FAIL',
    ('ecs-sg-no-public-telnet', 'sg-j6clegacy'): 'FAIL',
    ('ecs-sg-no-public-telnet', 'sg-j6cweb'): 'PASS',
    ('ecs-snapshot-policy-retention', 'sp-j6cdaily30'): 'PASS',
    ('ecs-snapshot-policy-retention', 'sp-j6cweekly3'): 'FAIL',
    ('ecs-snapshot-policy-retention', 'sp-t4ndaily14'): 'PASS',
    ('hbr-backup-plan-enabled', 'plan-j6cbatch01files'): 'FAIL',
    ('hbr-backup-plan-enabled', 'plan-j6cclaimsdocs'): 'PASS',
    ('hbr-backup-plan-enabled', 'plan-j6cweb01files'): 'PASS',
    ('hbr-backup-plan-retention', 'plan-j6cbatch01files'): 'FAIL',
    ('hbr-backup-plan-retention', 'plan-j6cclaimsdocs'): 'PASS',
    ('hbr-backup-plan-retention', 'plan-j6cweb01files'): 'PASS',
    ('hbr-ecs-instance-covered', 'i-j6c0batch01'): 'FAIL',
    ('hbr-ecs-instance-covered', 'i-j6c0web01'): 'PASS',
    ('hbr-ecs-instance-covered', 'i-j6c0web02'): 'FAIL',
    ('hbr-ecs-instance-covered', 'i-t4n0analytics01'): 'FAIL',
    ('hbr-oss-bucket-covered', 'hkins-app-logs'): 'FAIL',
    ('hbr-oss-bucket-covered', 'hkins-claims-docs'): 'PASS',
    ('hbr-oss-bucket-covered', 'hkins-marketing-assets'): 'FAIL',
    ('kms-key-deletion-protection', 'key-hk-app-0a1b2c3d4e5f'): 'PASS',
    ('kms-key-deletion-protection', 'key-hk-legacy-6a7b8c9d0e1f'): 'FAIL',
    ('kms-key-deletion-protection', 'key-hk-retired-2a3b4c5d6e7f'): 'FAIL',
    ('kms-key-deletion-protection', 'key-sg-analytics-3c4d5e6f7a8b'): 'PASS',
    ('kms-key-not-pending-deletion', 'key-hk-app-0a1b2c3d4e5f'): 'PASS',
    ('kms-key-not-pending-deletion', 'key-hk-legacy-6a7b8c9d0e1f'): 'PASS',
    ('kms-key-not-pending-deletion', 'key-hk-retired-2a3b4c5d6e7f'): 'FAIL',
    ('kms-key-not-pending-deletion', 'key-sg-analytics-3c4d5e6f7a8b'): 'PASS',
    ('kms-key-rotation', 'key-hk-app-0a1b2c3d4e5f'): 'PASS',
    ('kms-key-rotation', 'key-hk-legacy-6a7b8c9d0e1f'): 'FAIL',
    ('kms-key-rotation', 'key-hk-retired-2a3b4c5d6e7f'): 'NOT_APPLICABLE',
    ('kms-key-rotation', 'key-sg-analytics-3c4d5e6f7a8b'): 'PASS',
    ('oss-bucket-acl-not-public', 'hkins-app-logs'): 'PASS',
    ('oss-bucket-acl-not-public', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-acl-not-public', 'hkins-marketing-assets'): 'FAIL',
    ('oss-bucket-block-public-access', 'hkins-app-logs'): 'PASS',
    ('oss-bucket-block-public-access', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-block-public-access', 'hkins-marketing-assets'): 'FAIL',
    ('oss-bucket-cross-region-replication', 'hkins-app-logs'): 'FAIL',
    ('oss-bucket-cross-region-replication', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-cross-region-replication', 'hkins-marketing-assets'): 'FAIL',
    ('oss-bucket-https-only', 'hkins-app-logs'): 'FAIL',
    ('oss-bucket-https-only', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-https-only', 'hkins-marketing-assets'): 'FAIL',
    ('oss-bucket-logging', 'hkins-app-logs'): 'FAIL',
    ('oss-bucket-logging', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-logging', 'hkins-marketing-assets'): 'FAIL',
    ('oss-bucket-policy-not-public', 'hkins-app-logs'): 'PASS',
    ('oss-bucket-policy-not-public', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-policy-not-public', 'hkins-marketing-assets'): 'FAIL',
    ('oss-bucket-sse-byok', 'hkins-app-logs'): 'FAIL',
    ('oss-bucket-sse-byok', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-sse-byok', 'hkins-marketing-assets'): 'FAIL',
    ('oss-bucket-sse-kms', 'hkins-app-logs'): 'FAIL',
    ('oss-bucket-sse-kms', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-sse-kms', 'hkins-marketing-assets'): 'FAIL',
    ('oss-bucket-tls-version', 'hkins-app-logs'): 'FAIL',
    ('oss-bucket-tls-version', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-tls-version', 'hkins-marketing-assets'): 'FAIL',
    ('oss-bucket-versioning', 'hkins-app-logs'): 'FAIL',
    ('oss-bucket-versioning', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-versioning', 'hkins-marketing-assets'): 'FAIL',
    ('oss-bucket-zrs', 'hkins-app-logs'): 'PASS',
    ('oss-bucket-zrs', 'hkins-claims-docs'): 'PASS',
    ('oss-bucket-zrs', 'hkins-marketing-assets'): 'FAIL',
    ('polardb-backup-kept-on-deletion', 'pc-j6cclaims01'): 'FAIL',
    ('polardb-backup-kept-on-deletion', 'pc-j6cpolicy01'): 'PASS',
    ('polardb-backup-retention', 'pc-j6cclaims01'): 'FAIL',
    ('polardb-backup-retention', 'pc-j6cpolicy01'): 'PASS',
    ('polardb-deletion-protection', 'pc-j6cclaims01'): 'FAIL',
    ('polardb-deletion-protection', 'pc-j6cpolicy01'): 'PASS',
    ('polardb-multi-zone', 'pc-j6cclaims01'): 'FAIL',
    ('polardb-multi-zone', 'pc-j6cpolicy01'): 'PASS',
    ('polardb-ssl-enabled', 'pc-j6cclaims01'): 'FAIL',
    ('polardb-ssl-enabled', 'pc-j6cpolicy01'): 'PASS',
    ('polardb-tde-cmk', 'pc-j6cclaims01'): 'FAIL',
    ('polardb-tde-cmk', 'pc-j6cpolicy01'): 'PASS',
    ('polardb-tde-enabled', 'pc-j6cclaims01'): 'FAIL',
    ('polardb-tde-enabled', 'pc-j6cpolicy01'): 'PASS',
    ('polardb-whitelist-not-open', 'pc-j6cclaims01'): 'FAIL',
    ('polardb-whitelist-not-open', 'pc-j6cpolicy01'): 'PASS',
    ('ram-access-key-age', 'alice.admin/fake-ak-alice-0001'): 'PASS',
    ('ram-access-key-age', 'bob.claims/fake-ak-bob-0001'): 'FAIL',
    ('ram-access-key-age', 'bob.claims/fake-ak-bob-0002'): 'FAIL',
    ('ram-access-key-age', 'bob.claims/fake-ak-bob-0003'): 'NOT_APPLICABLE',
    ('ram-access-key-age', 'ci-deploy/fake-ak-ci-0001'): 'PASS',
    ('ram-access-key-unused', 'alice.admin/fake-ak-alice-0001'): 'PASS',
    ('ram-access-key-unused', 'bob.claims/fake-ak-bob-0001'): 'PASS',
    ('ram-access-key-unused', 'bob.claims/fake-ak-bob-0002'): 'FAIL',
    ('ram-access-key-unused', 'bob.claims/fake-ak-bob-0003'): 'NOT_APPLICABLE',
    ('ram-access-key-unused', 'ci-deploy/fake-ak-ci-0001'): 'PASS',
    ('ram-console-user-mfa', 'alice.admin'): 'PASS',
    ('ram-console-user-mfa', 'bob.claims'): 'FAIL',
    ('ram-console-user-mfa', 'ci-deploy'): 'NOT_APPLICABLE',
    ('ram-no-root-access-key', '5184000000000001'): 'FAIL',
    ('ram-password-max-age', '5184000000000001'): 'FAIL',
    ('ram-password-max-login-attempts', '5184000000000001'): 'FAIL',
    ('ram-password-min-length', '5184000000000001'): 'FAIL',
    ('ram-password-require-lowercase', '5184000000000001'): 'FAIL',
    ('ram-password-require-numbers', '5184000000000001'): 'FAIL',
    ('ram-password-require-symbols', '5184000000000001'): 'FAIL',
    ('ram-password-require-uppercase', '5184000000000001'): 'FAIL',
    ('ram-password-reuse-prevention', '5184000000000001'): 'FAIL',
    ('ram-user-single-active-key', 'alice.admin'): 'PASS',
    ('ram-user-single-active-key', 'bob.claims'): 'FAIL',
    ('ram-user-single-active-key', 'ci-deploy'): 'PASS',
    ('rds-allowlist-not-open', 'rm-j6cclaimspg01'): 'FAIL',
    ('rds-allowlist-not-open', 'rm-j6cpolicydb01'): 'PASS',
    ('rds-backup-retention', 'rm-j6cclaimspg01'): 'FAIL',
    ('rds-backup-retention', 'rm-j6cpolicydb01'): 'PASS',
    ('rds-cross-region-backup', 'rm-j6cclaimspg01'): 'FAIL',
    ('rds-cross-region-backup', 'rm-j6cpolicydb01'): 'PASS',
    ('rds-cross-region-log-backup', 'rm-j6cclaimspg01'): 'FAIL',
    ('rds-cross-region-log-backup', 'rm-j6cpolicydb01'): 'PASS',
    ('rds-log-backup-enabled', 'rm-j6cclaimspg01'): 'FAIL',
    ('rds-log-backup-enabled', 'rm-j6cpolicydb01'): 'PASS',
    ('rds-multi-zone', 'rm-j6cclaimspg01'): 'FAIL',
    ('rds-multi-zone', 'rm-j6cpolicydb01'): 'PASS',
    ('rds-ssl-enabled', 'rm-j6cclaimspg01'): 'FAIL',
    ('rds-ssl-enabled', 'rm-j6cpolicydb01'): 'PASS',
    ('rds-tde-cmk', 'rm-j6cclaimspg01'): 'FAIL',
    ('rds-tde-cmk', 'rm-j6cpolicydb01'): 'PASS',
    ('rds-tde-enabled', 'rm-j6cclaimspg01'): 'FAIL',
    ('rds-tde-enabled', 'rm-j6cpolicydb01'): 'PASS',
    ('redis-backup-retention', 'r-j6ccache01'): 'FAIL',
    ('redis-backup-retention', 'r-j6clegacy01'): 'PASS',
    ('redis-backup-retention', 'r-j6csession01'): 'PASS',
    ('redis-multi-zone', 'r-j6ccache01'): 'FAIL',
    ('redis-multi-zone', 'r-j6clegacy01'): 'PASS',
    ('redis-multi-zone', 'r-j6csession01'): 'PASS',
    ('redis-password-required', 'r-j6ccache01'): 'FAIL',
    ('redis-password-required', 'r-j6clegacy01'): 'NOT_APPLICABLE',
    ('redis-password-required', 'r-j6csession01'): 'PASS',
    ('redis-release-protection', 'r-j6ccache01'): 'FAIL',
    ('redis-release-protection', 'r-j6clegacy01'): 'PASS',
    ('redis-release-protection', 'r-j6csession01'): 'PASS',
    ('redis-tde-enabled', 'r-j6ccache01'): 'FAIL',
    ('redis-tde-enabled', 'r-j6clegacy01'): 'PASS',
    ('redis-tde-enabled', 'r-j6csession01'): 'PASS',
    ('redis-tls-enabled', 'r-j6ccache01'): 'FAIL',
    ('redis-tls-enabled', 'r-j6clegacy01'): 'PASS',
    ('redis-tls-enabled', 'r-j6csession01'): 'PASS',
    ('redis-vpc-network', 'r-j6ccache01'): 'PASS',
    ('redis-vpc-network', 'r-j6clegacy01'): 'FAIL',
    ('redis-vpc-network', 'r-j6csession01'): 'PASS',
    ('redis-whitelist-not-open', 'r-j6ccache01'): 'FAIL',
    ('redis-whitelist-not-open', 'r-j6clegacy01'): 'PASS',
    ('redis-whitelist-not-open', 'r-j6csession01'): 'PASS',
    ('slb-https-listener-tls12', 'lb-j6clegacy01/https:443'): 'FAIL',
    ('slb-https-listener-tls12', 'lb-j6cweb01/https:443'): 'PASS',
    ('slb-listener-https-only', 'lb-j6clegacy01/http:80'): 'FAIL',
    ('slb-listener-https-only', 'lb-j6clegacy01/https:443'): 'PASS',
    ('slb-listener-https-only', 'lb-j6clegacy01/tcp:3306'): 'NOT_APPLICABLE',
    ('slb-listener-https-only', 'lb-j6cweb01/http:80'): 'PASS',
    ('slb-listener-https-only', 'lb-j6cweb01/https:443'): 'PASS',
    ('slb-multi-zone', 'lb-j6clegacy01'): 'FAIL',
    ('slb-multi-zone', 'lb-j6cweb01'): 'PASS',
    ('vpc-flow-logs-enabled', 'vpc-j6cdev01'): 'FAIL',
    ('vpc-flow-logs-enabled', 'vpc-j6cprod01'): 'PASS',
    ('vpc-flow-logs-enabled', 'vpc-t4nanalytics'): 'FAIL',
}

ACCOUNT_LEVEL = {"ram"}  # global services: their findings have no region

GAPS_CLAUSES = {
    ("hkia-gl8", "5.1(a)"): "MANUAL",
    ("hkia-gl8", "5.1(b)"): "NON_COMPLIANT",
    ("hkia-gl8", "5.1(c)"): "NON_COMPLIANT",
    ("hkia-gl8", "5.1(d)"): "NON_COMPLIANT",
    ("hkia-gl8", "5.1(e)"): "MANUAL",
    ("hkia-gl8", "5.1(f)"): "MANUAL",
}


def test_gaps_fixture_exact_finding_verdicts(gaps_report):
    got = {(f["rule"], f["resource_id"]): f["status"] for f in gaps_report["findings"]}
    assert got == GAPS_VERDICTS
    assert len(gaps_report["findings"]) == len(GAPS_VERDICTS)


def test_gaps_fixture_gl8_clause_statuses(gaps_report):
    got = {(c["framework"], c["clause"]): c["status"] for c in gaps_report["clauses"] if c["framework"] == "hkia-gl8"}
    assert got == GAPS_CLAUSES


def test_gaps_fixture_covers_both_hong_kong_zones(gaps_doc):
    hk = gaps_doc["accounts"][0]["regions"]["cn-hongkong"]
    zones = {i["ZoneId"] for i in hk["ecs"]["instances"]} | {d["ZoneId"] for d in hk["ecs"]["disks"]}
    assert {"cn-hongkong-b", "cn-hongkong-c"} <= zones


def test_every_fail_finding_has_evidence_and_remediation(gaps_report):
    fails = findings(gaps_report)
    fails = [f for f in fails if f["status"] == "FAIL"]
    assert len(fails) == sum(1 for v in GAPS_VERDICTS.values() if v == "FAIL")
    for f in fails:
        assert f["evidence"], f
        assert f["reason"], f
        assert f["remediation"]["console"], f
        assert f["resource_id"] and f["account_id"] == "5184000000000001"
        assert f["region"] or f["product"] in ACCOUNT_LEVEL or f["resource_type"] == "account", f
        assert any(key.split(".")[0] in {a.split(":")[1] for a in f["api"]} for key in f["evidence"]), f


def test_evidence_traces_to_the_api_value(gaps_report):
    [f] = findings(gaps_report, "ecs-disk-encrypted", "d-j6cbatch01data")
    assert f["evidence"]["DescribeDisks.Encrypted"] is False
    [f] = findings(gaps_report, "oss-bucket-sse-kms", "hkins-marketing-assets")
    assert f["evidence"]["GetBucketEncryption.ApplyServerSideEncryptionByDefault.SSEAlgorithm"] == "AES256"
    [f] = findings(gaps_report, "rds-backup-retention", "rm-j6cclaimspg01")
    assert f["evidence"]["DescribeBackupPolicy.BackupRetentionPeriod"] == 3
    assert f["clauses"] == ["hkia-gl8:5.1(c)", "hkia-gl14:5.18", "hkia-gl20:recovery"]


def test_compliant_fixture_every_automated_clause_compliant(compliant_report):
    for c in compliant_report["clauses"]:
        if c["kind"] == "manual":
            assert c["status"] == "MANUAL", c
        else:
            assert c["status"] == "COMPLIANT", c
    # NOT_APPLICABLE only where a check has nothing to judge (a RAM user without console login needs no MFA).
    assert {f["status"] for f in compliant_report["findings"]} == {"PASS", "NOT_APPLICABLE"}
    assert [(f["rule"], f["resource_id"]) for f in compliant_report["findings"] if f["status"] == "NOT_APPLICABLE"] \
        == [("ram-console-user-mfa", "app-runtime")]


def test_manual_clauses_never_compliant_without_attestation(gaps_report):
    assert clause(gaps_report, "hkia-gl8", "5.1(a)")["status"] == "MANUAL"
    assert clause(gaps_report, "hkia-gl8", "5.1(f)")["status"] == "MANUAL"


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "aliaudit.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_gaps_json_exit_1(tmp_path):
    out = tmp_path / "r.json"
    proc = _cli("scan", "--fixture", fixture_path("hk-insurer-gaps.json"), "--format", "json", "--output", str(out))
    assert proc.returncode == 1, proc.stderr
    report = json.loads(out.read_text())
    statuses = {c["clause"]: c["status"] for c in report["clauses"] if c["framework"] == "hkia-gl8"}
    assert statuses == {"5.1(a)": "MANUAL", "5.1(b)": "NON_COMPLIANT", "5.1(c)": "NON_COMPLIANT",
                        "5.1(d)": "NON_COMPLIANT", "5.1(e)": "MANUAL", "5.1(f)": "MANUAL"}
    for f in report["findings"]:
        assert set(f) >= {"rule", "resource_id", "region", "status", "severity", "evidence", "remediation"}


def test_cli_compliant_exit_0():
    proc = _cli("scan", "--fixture", fixture_path("hk-insurer-compliant.json"))
    assert proc.returncode == 0, proc.stderr
    assert "5.1(b)" in proc.stdout and "COMPLIANT" in proc.stdout


def test_cli_fail_on_threshold(tmp_path):
    # The gaps fixture's critical FAILs: the security group open on every port, the root AccessKey.
    proc = _cli("scan", "--fixture", fixture_path("hk-insurer-gaps.json"), "--fail-on", "critical")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(open(fixture_path("hk-insurer-gaps.json")).read())
    hk = doc["accounts"][0]["regions"]["cn-hongkong"]
    hk["ecs"]["security_groups"] = [g for g in hk["ecs"]["security_groups"] if g["SecurityGroupId"] != "sg-j6clegacy"]
    doc["accounts"][0]["global"]["ram"]["security_report"][0]["AccountSecurityPracticeUserInfo"]["RootWithAccessKey"] = 0
    path = tmp_path / "no-critical.json"
    path.write_text(json.dumps(doc))
    # Without it, --fail-on critical lets the high-severity FAILs through.
    proc = _cli("scan", "--fixture", str(path), "--fail-on", "critical")
    assert proc.returncode == 0, proc.stderr
    proc = _cli("scan", "--fixture", str(path), "--fail-on", "high")
    assert proc.returncode == 1


def test_cli_truncated_fixture_exit_2(tmp_path):
    text = open(fixture_path("hk-insurer-gaps.json")).read()
    bad = tmp_path / "truncated.json"
    bad.write_text(text[: len(text) // 2])
    proc = _cli("scan", "--fixture", str(bad))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(bad) in lines[0] and "not valid JSON" in lines[0] and "line" in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_cli_missing_fixture_and_unknown_option_exit_2(tmp_path):
    proc = _cli("scan", "--fixture", str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr
    proc = _cli("scan", "--no-such-option")
    assert proc.returncode == 2 and "No such option" in proc.stderr


def test_cli_wrong_shape_fixture_names_the_place(tmp_path):
    bad = tmp_path / "shape.json"
    bad.write_text(json.dumps({"format": "aliaudit-snapshot/1", "accounts": [{"account_id": "1", "regions": []}]}))
    proc = _cli("scan", "--fixture", str(bad))
    assert proc.returncode == 2
    assert "accounts[0].regions" in proc.stderr, proc.stderr


def test_cli_live_without_credentials_is_a_clear_message(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "aliaudit.cli", "scan"], capture_output=True, text=True,
                          timeout=120, env=env)
    assert proc.returncode == 2, proc.stderr
    assert "credentials" in proc.stderr and "Traceback" not in proc.stderr
