"""Cloud Backup (HBR) rules: plans enabled and kept long enough; ECS instances and OSS buckets covered."""

from .base import check, rule, unknown
from .common import as_int

ECS_SOURCES = ("ECS_FILE", "UDM_ECS")


def _plans(acct):
    yield from acct.resources("hbr", "backup_plans")


def _active(acct, region: str, sources: tuple[str, ...]) -> list[dict]:
    return [p for p in acct.in_region(region, "hbr", "backup_plans")
            if p.get("SourceType") in sources and p.get("Disabled") is not True]


def _covering(acct, sources: tuple[str, ...], field: str):
    """plans_for(region, value): the enabled plans of these source types whose `field` is value.
    One index per region, so coverage is linear in resources + plans (not their product)."""
    indexes: dict[str, dict] = {}

    def plans_for(region: str, value) -> list[dict]:
        if region not in indexes:
            index: dict = {}
            for p in _active(acct, region, sources):
                index.setdefault(p.get(field), []).append(p)
            indexes[region] = index
        return indexes[region].get(value, [])

    return plans_for


@rule(id="hbr-backup-plan-enabled", product="hbr", severity="medium", resource_type="hbr:backup-plan",
      needs=("hbr:DescribeBackupPlans",),
      title="Cloud Backup plans are enabled",
      rationale="GL8 5.1(c): a disabled plan takes no backups, although its data source looks protected.",
      remediation={
          "console": "Cloud Backup console > the backup plan: Enable.",
          "cli": "aliyun hbr EnableBackupPlan --region {region} --PlanId {resource_id} --VaultId {ev:VaultId} --SourceType {ev:SourceType}",
          "terraform": "alicloud_hbr_ecs_backup_plan ({resource_id}, {region}): disabled = false (likewise oss/nas backup plans)",
      })
def plan_enabled(acct, settings):
    for plan in _plans(acct):
        value = plan.get("Disabled")
        evidence = {"DescribeBackupPlans.Disabled": value, "DescribeBackupPlans.SourceType": plan.get("SourceType")}
        if not isinstance(value, bool):
            yield unknown(plan.get("PlanId"), plan.region, "the plan does not say whether it is disabled", evidence)
            continue
        yield check(plan.get("PlanId"), plan.region, not value, evidence, "the plan is disabled" if value else "")


@rule(id="hbr-backup-plan-retention", product="hbr", severity="medium", resource_type="hbr:backup-plan",
      needs=("hbr:DescribeBackupPlans",),
      title="Cloud Backup plans keep backups for the required number of days",
      rationale="GL8 5.1(c) and GL14 5.18: backups kept long enough to recover from late-noticed loss or corruption.",
      remediation={
          "console": "Cloud Backup console > the backup plan > Edit: raise the retention period.",
          "cli": "aliyun hbr UpdateBackupPlan --region {region} --PlanId {resource_id} --VaultId {ev:VaultId} --SourceType {ev:SourceType} --Retention {ev:required_days}",
          "terraform": "alicloud_hbr_ecs_backup_plan ({resource_id}, {region}): retention >= {ev:required_days} (likewise oss/nas backup plans)",
      })
def plan_retention(acct, settings):
    need = settings.hbr_retention_days
    for plan in _plans(acct):
        raw = plan.get("Retention")
        days = as_int(raw)
        ok = days is not None and days >= need
        yield check(plan.get("PlanId"), plan.region, ok,
                    {"DescribeBackupPlans.Retention": raw, "required_days": need},
                    "" if ok else f"backups are kept {raw} days, fewer than {need}")


@rule(id="hbr-ecs-instance-covered", product="hbr", severity="low", resource_type="ecs:instance",
      needs=("ecs:DescribeInstances", "hbr:DescribeBackupPlans"),
      title="ECS instances are covered by an enabled Cloud Backup plan",
      rationale="GL8 5.1(c): application software and files are backed up to a vault independent of the instance's "
                "disks, so they survive the release of the instance and its snapshots.",
      remediation={
          "console": "Cloud Backup console > ECS Backup: create a backup plan for the instance.",
          "cli": "aliyun hbr CreateBackupPlan --region {region} --SourceType UDM_ECS --InstanceId {resource_id} --VaultId <vault-id> "
                 "--Schedule 'I|1700000000|P1D' --Retention 30 ...",
          "terraform": "alicloud_hbr_ecs_backup_plan (instance_id = \"{resource_id}\", in {region})",
      })
def ecs_instance_covered(acct, settings):
    plans_for = _covering(acct, ECS_SOURCES, "InstanceId")
    for inst in acct.resources("ecs", "instances"):
        plans = plans_for(inst.region, inst.get("InstanceId"))
        yield check(inst.get("InstanceId"), inst.region, bool(plans),
                    {"DescribeBackupPlans.PlanId": [p.get("PlanId") for p in plans]},
                    "" if plans else "no enabled backup plan covers the instance")


@rule(id="hbr-oss-bucket-covered", product="hbr", severity="low", resource_type="oss:bucket",
      needs=("oss:ListBuckets", "hbr:DescribeBackupPlans"),
      title="OSS buckets are covered by an enabled Cloud Backup plan",
      rationale="GL8 5.1(c): an independent backup of a bucket survives deletion or ransomware-style overwrites "
                "that versioning alone does not (versions go with the bucket).",
      remediation={
          "console": "Cloud Backup console > OSS Backup: create a backup plan for the bucket.",
          "cli": "aliyun hbr CreateBackupPlan --region {region} --SourceType OSS --Bucket {resource_id} --VaultId <vault-id> "
                 "--Schedule 'I|1700000000|P1D' --Retention 30 ...",
          "terraform": "alicloud_hbr_oss_backup_plan (bucket = \"{resource_id}\", in {region})",
      })
def oss_bucket_covered(acct, settings):
    plans_for = _covering(acct, ("OSS",), "Bucket")
    for bucket in acct.resources("oss", "buckets"):
        plans = plans_for(bucket.region, bucket.get("Name"))
        yield check(bucket.get("Name"), bucket.region, bool(plans),
                    {"DescribeBackupPlans.PlanId": [p.get("PlanId") for p in plans]},
                    "" if plans else "no enabled backup plan covers the bucket")
