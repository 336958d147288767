"""ActionTrail rules: a multi-region trail that logs and delivers, and each trail's own settings.

A multi-region trail appears in every region (its shadow copies); it is judged once, by its ARN."""

from .base import check, rule, unknown
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
