"""Cloud Backup (HBR) rules: plans enabled and kept long enough; ECS instances and OSS buckets covered."""

from .base import check, each, rule
from .common import BadField, items, read

ECS_SOURCES = ("ECS_FILE", "UDM_ECS")


def _active(acct, region: str, sources: tuple[str, ...]) -> list[dict]:
    """The plans of these source types that may be enabled. A plan whose SourceType or Disabled is not of a
    documented form is kept, marked: covering a resource with it gives ERROR, not PASS."""
    out = []
    for p in acct.in_region(region, "hbr", "backup_plans"):
        try:
            source = read(p, "SourceType", "str", name="DescribeBackupPlans.SourceType", optional=False)
            disabled = read(p, "Disabled", "bool", name="DescribeBackupPlans.Disabled", optional=False)
        except BadField as bad:
            out.append({**p, "_bad": bad})
            continue
        if source in sources and not disabled:
            out.append(p)
    return out


def _coverage(item, plans: list[dict], what: str):
    """PASS when an enabled plan covers the resource; ERROR when only plans of unreadable state might."""
    good = [p for p in plans if "_bad" not in p]
    if not good and plans:
        raise plans[0]["_bad"]
    return check(item.get("InstanceId") if what == "instance" else item.get("Name"), item.region, bool(good),
                 {"DescribeBackupPlans.PlanId": [p.get("PlanId") for p in good]},
                 "" if good else f"no enabled backup plan covers the {what}")


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
@each("hbr", "backup_plans", "PlanId")
def plan_enabled(plan, acct, settings):
    value = read(plan, "Disabled", "bool", name="DescribeBackupPlans.Disabled", optional=False)
    evidence = {"DescribeBackupPlans.Disabled": value, "DescribeBackupPlans.SourceType": plan.get("SourceType")}
    return check(plan.get("PlanId"), plan.region, not value, evidence, "the plan is disabled" if value else "")


@rule(id="hbr-backup-plan-retention", product="hbr", severity="medium", resource_type="hbr:backup-plan",
      needs=("hbr:DescribeBackupPlans",),
      title="Cloud Backup plans keep backups for the required number of days",
      rationale="GL8 5.1(c) and GL14 5.18: backups kept long enough to recover from late-noticed loss or corruption.",
      remediation={
          "console": "Cloud Backup console > the backup plan > Edit: raise the retention period.",
          "cli": "aliyun hbr UpdateBackupPlan --region {region} --PlanId {resource_id} --VaultId {ev:VaultId} --SourceType {ev:SourceType} --Retention {ev:required_days}",
          "terraform": "alicloud_hbr_ecs_backup_plan ({resource_id}, {region}): retention >= {ev:required_days} (likewise oss/nas backup plans)",
      })
@each("hbr", "backup_plans", "PlanId")
def plan_retention(plan, acct, settings):
    """Every copy DescribeBackupPlans documents counts: the plan's Retention (days), and each enabled backup rule
    (Rules.Rule[]: Retention, and DestinationRetention when DoCopy copies the backups to DestinationRegionId).
    The longest-kept copy decides."""
    need = settings.hbr_retention_days
    b = "DescribeBackupPlans."
    days = read(plan, "Retention", "int", name=b + "Retention", optional=False)
    copies = {"plan": days}
    evidence = {b + "Retention": days, "required_days": need}
    for r in items(plan, "Rules.Rule", name=b + "Rules.Rule"):
        if read(r, "Disabled", "bool", name=b + "Rules.Rule.Disabled") is True:
            continue
        rid = r.get("RuleId") or r.get("RuleName") or "rule"
        kept = read(r, "Retention", "int", name=b + "Rules.Rule.Retention")
        if kept is not None:
            copies[f"rule {rid}"] = kept
        if read(r, "DoCopy", "bool", name=b + "Rules.Rule.DoCopy") is True:
            copies[f"rule {rid} copy to {r.get('DestinationRegionId')}"] = read(
                r, "DestinationRetention", "int", name=b + "Rules.Rule.DestinationRetention", optional=False)
    if len(copies) > 1:
        evidence["copies"] = copies
    longest = max(copies.values())
    ok = longest >= need
    return check(plan.get("PlanId"), plan.region, ok, evidence,
                 "" if ok else f"backups are kept at most {longest} days, fewer than {need}")


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
@each("ecs", "instances", "InstanceId", prepare=lambda acct, settings: _covering(acct, ECS_SOURCES, "InstanceId"))
def ecs_instance_covered(inst, acct, settings, plans_for):
    return _coverage(inst, plans_for(inst.region, inst.get("InstanceId")), "instance")


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
@each("oss", "buckets", "Name", prepare=lambda acct, settings: _covering(acct, ("OSS",), "Bucket"))
def oss_bucket_covered(bucket, acct, settings, plans_for):
    return _coverage(bucket, plans_for(bucket.region, bucket.get("Name")), "bucket")
