"""ActionTrail rules: a multi-region trail that logs and delivers, and each trail's own settings.

A multi-region trail appears in every region (its shadow copies); it is judged once, by its ARN."""

from .base import check, not_applicable, rule, unknown
from .common import BadField, read

NEEDS = ("actiontrail:DescribeTrails", "actiontrail:GetTrailStatus")


def _trails(acct):
    seen = set()
    for trail in acct.resources("actiontrail", "trails"):
        key = trail.get("TrailArn") or f"{trail.get('HomeRegion') or trail.region}/{trail.get('Name')}"
        if key in seen:
            continue
        seen.add(key)
        yield trail


def _delivers(trail) -> bool:
    """OSS or SLS set (DescribeTrails, strings) and reported writable (GetTrailStatus, booleans)."""
    oss = read(trail, "OssBucketName", "str", name="DescribeTrails.OssBucketName")
    sls = read(trail, "SlsProjectArn", "str", name="DescribeTrails.SlsProjectArn")
    oss_ok = bool(oss) and read(trail, "status.OssBucketStatus", "bool", name="GetTrailStatus.OssBucketStatus") is True
    sls_ok = bool(sls) and read(trail, "status.SlsLogStoreStatus", "bool", name="GetTrailStatus.SlsLogStoreStatus") is True
    return oss_ok or sls_ok


def _logging(trail) -> bool:
    status = read(trail, "Status", "str", name="DescribeTrails.Status", optional=False)
    return status == "Enable" and read(trail, "status.IsLogging", "bool", name="GetTrailStatus.IsLogging",
                                       optional=False) is True


def _evidence(trail) -> dict:
    status = trail.get("status") or {}
    return {"DescribeTrails.Name": trail.get("Name"), "DescribeTrails.TrailRegion": trail.get("TrailRegion"),
            "DescribeTrails.Status": trail.get("Status"), "DescribeTrails.EventRW": trail.get("EventRW"),
            "DescribeTrails.OssBucketName": trail.get("OssBucketName"),
            "DescribeTrails.SlsProjectArn": trail.get("SlsProjectArn"),
            "GetTrailStatus.IsLogging": status.get("IsLogging"),
            "GetTrailStatus.OssBucketStatus": status.get("OssBucketStatus"),
            "GetTrailStatus.SlsLogStoreStatus": status.get("SlsLogStoreStatus")}


@rule(id="actiontrail-multi-region-trail", product="actiontrail", severity="high", resource_type="account",
      needs=NEEDS,
      title="A multi-region trail is logging and delivering to OSS or SLS",
      rationale="GL14 5.14 and 5.15(c), GL20 monitoring: every API call in every region is recorded and kept "
                "outside the console's 90-day event history, the evidence for investigating and reporting a breach.",
      remediation={
          "console": "ActionTrail console > Trails > Create Trail: Region All, Event Type All, deliver to an OSS "
                     "bucket and/or Simple Log Service; then start logging.",
          "cli": "aliyun actiontrail CreateTrail --Name <new-trail-name> --TrailRegion All --EventRW All --OssBucketName <log-bucket>; "
                 "aliyun actiontrail StartLogging --Name <new-trail-name> (account {account_id})",
          "terraform": "alicloud_actiontrail_trail in account {account_id} (trail_region = \"All\", event_rw = \"All\", "
                       "status = \"Enable\", oss_bucket_name or sls_project_arn)",
      })
def multi_region_trail(acct, settings):
    trails = list(_trails(acct))
    if not acct.regions:
        return
    good, bad = [], []
    for t in trails:
        try:
            if read(t, "TrailRegion", "str", name="DescribeTrails.TrailRegion", optional=False) == "All" \
                    and _logging(t) and _delivers(t):
                good.append(t)
        except BadField as exc:
            bad.append(exc)
    if bad and not good:  # a trail whose settings cannot be read might be the one: ERROR, not FAIL
        yield unknown(acct.account_id, None, bad[0].reason, bad[0].evidence)
        return
    yield check(acct.account_id, None, bool(good),
                {"DescribeTrails.TrailList": [_evidence(t) for t in trails]},
                "" if good else ("no trail exists" if not trails else
                                 "no trail covers all regions while logging and delivering"))


@rule(id="actiontrail-trail-logging", product="actiontrail", severity="medium", resource_type="actiontrail:trail",
      needs=NEEDS,
      title="ActionTrail trails are logging",
      rationale="A trail that is stopped records nothing (GL14 5.15(c), GL20 monitoring).",
      remediation={
          "console": "ActionTrail console > Trails > the trail: Enable Logging.",
          "cli": "aliyun actiontrail StartLogging --Name {resource_id} --region {region}",
          "terraform": "alicloud_actiontrail_trail (trail_name = \"{resource_id}\"): status = \"Enable\"",
      })
def trail_logging(acct, settings):
    for trail in _trails(acct):
        if "status" not in trail:
            yield unknown(trail.get("Name"), trail.region, "the trail status was not read")
            continue
        try:
            ok = _logging(trail)
        except BadField as bad:
            yield unknown(trail.get("Name"), trail.region, bad.reason, bad.evidence)
            continue
        yield check(trail.get("Name"), trail.region, ok, _evidence(trail), "" if ok else "the trail is not logging")


@rule(id="actiontrail-trail-delivery", product="actiontrail", severity="medium", resource_type="actiontrail:trail",
      needs=NEEDS,
      title="ActionTrail trails deliver to a working OSS bucket or SLS logstore",
      rationale="Events kept only in the console expire; a destination that is missing or unwritable loses them "
                "(GL14 5.19(d): records stay available to the IA).",
      remediation={
          "console": "ActionTrail console > Trails > the trail > Edit: set an existing OSS bucket or SLS project "
                     "that the trail's role can write to.",
          "cli": "aliyun actiontrail UpdateTrail --Name {resource_id} --region {region} --OssBucketName <existing-bucket> "
                 "--SlsProjectArn <sls-project-arn>",
          "terraform": "alicloud_actiontrail_trail (trail_name = \"{resource_id}\"): oss_bucket_name / sls_project_arn",
      })
def trail_delivery(acct, settings):
    for trail in _trails(acct):
        if "status" not in trail:
            yield unknown(trail.get("Name"), trail.region, "the trail status was not read")
            continue
        try:
            ok = _delivers(trail)
        except BadField as bad:
            yield unknown(trail.get("Name"), trail.region, bad.reason, bad.evidence)
            continue
        yield check(trail.get("Name"), trail.region, ok, _evidence(trail),
                    "" if ok else ("no OSS bucket or SLS project is set" if not (trail.get("OssBucketName") or
                                                                                trail.get("SlsProjectArn"))
                                   else "the destination is not writable (OssBucketStatus/SlsLogStoreStatus false)"))


@rule(id="actiontrail-trail-read-write", product="actiontrail", severity="low", resource_type="actiontrail:trail",
      needs=("actiontrail:DescribeTrails",),
      title="ActionTrail trails record read and write events",
      rationale="Read events show who looked at customer data, not only who changed it (GL14 5.12, 5.14).",
      remediation={
          "console": "ActionTrail console > Trails > the trail > Edit: Event Type All.",
          "cli": "aliyun actiontrail UpdateTrail --Name {resource_id} --region {region} --EventRW All",
          "terraform": "alicloud_actiontrail_trail (trail_name = \"{resource_id}\"): event_rw = \"All\"",
      })
def trail_read_write(acct, settings):
    for trail in _trails(acct):
        try:
            ok = read(trail, "EventRW", "str", name="DescribeTrails.EventRW", optional=False,
                      values=("Write", "Read", "All")) == "All"
        except BadField as bad:
            yield unknown(trail.get("Name"), trail.region, bad.reason, bad.evidence)
            continue
        yield check(trail.get("Name"), trail.region, ok, {"DescribeTrails.EventRW": trail.get("EventRW")},
                    "" if ok else f"the trail records {trail.get('EventRW')} events only")


@rule(id="actiontrail-oss-bucket-not-public", product="actiontrail", severity="high", resource_type="actiontrail:trail",
      needs=("actiontrail:DescribeTrails", "oss:ListBuckets", "oss:GetBucketAcl", "oss:GetBucketPolicy"),
      title="The OSS bucket a trail delivers to is not public",
      rationale="CIS 2.2: public audit logs show an intruder how the account is used and configured; GL14 5.15(c) "
                "asks that the evidence of access is protected.",
      remediation={
          "console": "ActionTrail console > Trails > {resource_id}: note the OSS bucket ({ev:OssBucketName}); "
                     "OSS console > that bucket > Permission Control: ACL Private, and remove bucket policy statements "
                     "that allow Principal * without a source restriction.",
          "cli": "aliyun oss set-acl oss://{ev:OssBucketName} private -b (the bucket of trail {resource_id}, {region})",
          "terraform": "alicloud_oss_bucket_acl (bucket = \"{ev:OssBucketName}\", the bucket of trail {resource_id} "
                       "in {region}): acl = \"private\"",
      })
def trail_bucket_not_public(acct, settings):
    from .oss import PUBLIC_GRANTS, _policy, _public_allow

    buckets = {}
    for b in acct.resources("oss", "buckets"):
        if isinstance(b.get("Name"), str):
            buckets.setdefault(b.get("Name"), b)
    for trail in _trails(acct):
        name, region = trail.get("Name"), trail.region
        try:
            bucket_name = read(trail, "OssBucketName", "str", name="DescribeTrails.OssBucketName")
            evidence = {"DescribeTrails.OssBucketName": bucket_name}
            if not bucket_name:
                yield not_applicable(name, region, "the trail delivers to no OSS bucket", evidence)
                continue
            bucket = buckets.get(bucket_name)
            if bucket is None:
                yield unknown(name, region, f"bucket {bucket_name} is not among the scanned buckets (another account, "
                              "a region not scanned, or deleted): its access cannot be judged", evidence)
                continue
            failed = _bucket_call_failed(acct, bucket, bucket_name)
            if failed is not None:
                call = f"oss:{failed['action']}"
                yield unknown(name, region, f"{call} failed for {bucket_name}: {failed.get('code')}",
                              {**evidence, "error": {"call": call, "code": failed.get("code")}})
                continue
            grant = read(bucket, "acl.AccessControlList.Grant", "str", name="GetBucketAcl.AccessControlList.Grant",
                         optional=False, values=("private", "public-read", "public-read-write"))
            stmt = _public_allow(_policy(bucket))
        except BadField as bad:
            yield unknown(name, region, bad.reason, bad.evidence)
            continue
        evidence["GetBucketAcl.AccessControlList.Grant"] = grant
        evidence["GetBucketPolicy.Statement"] = stmt if stmt else "no public Allow"
        why = [f"the bucket ACL is {grant}"] if grant in PUBLIC_GRANTS else []
        if stmt:
            why.append("its policy allows Principal * without a source restriction")
        yield check(name, region, not why, evidence, "; ".join(why))


def _bucket_call_failed(acct, bucket, bucket_name: str):
    """The recorded failure of the bucket's GetBucketAcl or GetBucketPolicy when its data is absent: the
    engine ties per-resource errors to the finding's resource (here the trail), so the rule names it."""
    for action, key in (("GetBucketAcl", "acl"), ("GetBucketPolicy", "policy")):
        if key in bucket:
            continue
        for err in acct.errors:
            if err.get("product") == "oss" and err.get("action") == action and \
                    err.get("resource") in (bucket_name, None):
                return err
    return None
