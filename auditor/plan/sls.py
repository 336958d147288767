"""SLS (Simple Log Service) in a plan: alicloud_log_project and alicloud_log_store (retention, encryption).

Attribute names are the alicloud provider's (website/docs/r/log_project.html.markdown, log_store.html.markdown):
alicloud_log_project `project_name` (or the older `name`); alicloud_log_store `project_name` / `project`,
`logstore_name` / `name`, `retention_period` (days, default 30), and the `encrypt_conf` block (`enable`,
`encrypt_type`, `user_cmk_info { cmk_key_id, arn, region_id }`). They become ListProject items with their
logstores as the collector stores them (`{"logstoreName", "config": <GetLogStore body>}`).
Alerts (alicloud_log_alert) are not mapped: sls:ListAlerts is not answered, so the alert rules are
NOT_APPLICABLE in a plan scan, as is ActionTrail's delivery into SLS (ActionTrail is not mapped).
"""

from __future__ import annotations

from .references import Values

ANSWERS = frozenset({"sls:ListProject", "sls:ListLogStores", "sls:GetLogStore"})


def _either(v: Values, new: str, old: str) -> str:
    """The attribute the configuration uses: the provider's current name, or its deprecated one."""
    value, unknown = v.get(new)
    return new if value is not None or unknown or v.get(old) == (None, False) else old


def map_log_project(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_log_project -> a ListProject item (named by its address when its name is known only at apply)."""
    sid = rc["address"]
    name = ad.known(sid, v, _either(v, "project_name", "name"), "ListProject.projects[].projectName") or sid
    item = {"projectName": name, "region": region, "status": "Normal", "logstores": []}
    ad.region_bucket(region, "sls", "projects").append(ad.register(sid, item))


def _project(ad, rc: dict, v: Values, sid: str, region: str) -> dict:
    """The project a log store belongs to: a planned alicloud_log_project (by reference or by name), or one the
    plan does not create (listed here so that the store is judged: its own settings are in the plan)."""
    attr = _either(v, "project_name", "project")
    target, planned = ad.ref_value(sid, rc, v, attr, "ListLogStores")
    projects = ad.region_bucket(region, "sls", "projects")
    if planned and target in ad.ctx.items:
        return ad.ctx.items[target]
    name = target if isinstance(target, str) and target else f"{sid}(project)"
    found = next((p for p in projects if p.get("projectName") == name), None)
    if found is None:
        found = {"projectName": name, "region": region, "logstores": []}
        projects.append(found)
    return found


def map_log_store(ad, rc: dict, v: Values, region: str) -> None:
    """alicloud_log_store -> a logstore of its project, with GetLogStore's ttl and encrypt_conf."""
    sid = rc["address"]
    project = _project(ad, rc, v, sid, region)
    name_attr = _either(v, "logstore_name", "name")
    name, unknown = v.get(name_attr)
    name = name if isinstance(name, str) and name and not unknown else sid
    rid = f"{project['projectName']}/{name}"  # the id the rules report; findings name the store's address
    ad.ctx.rename[rid] = sid
    config: dict = {"logstoreName": name,
                    "ttl": ad.known_or_default(rid, v, "retention_period", "GetLogStore.ttl", 30)}
    conf, unk = v.get("encrypt_conf")
    if unk:
        ad.ctx.gap(rid, "GetLogStore.encrypt_conf.enable", "encrypt_conf", "encrypt_conf is unknown until apply")
    elif conf:
        block = conf[0] if isinstance(conf, list) else conf
        enable, unk_e = v.get("encrypt_conf.0.enable")
        if unk_e:
            ad.ctx.gap(rid, "GetLogStore.encrypt_conf.enable", "encrypt_conf.enable", "encrypt_conf.enable is unknown "
                       "until apply")
        enc = {"enable": enable, "encrypt_type": block.get("encrypt_type")}
        cmk = block.get("user_cmk_info")
        if cmk:
            enc["user_cmk_info"] = cmk[0] if isinstance(cmk, list) else cmk
        config["encrypt_conf"] = enc
    store = {"logstoreName": name, "config": config}
    project.setdefault("logstores", []).append(ad.register(sid, store))


# type -> (mapper, stage): stage 0 creates items, 1 attaches to them, 2 attaches to attachments
MAPPERS = {
    "alicloud_log_project": (map_log_project, 0),
    "alicloud_log_store": (map_log_store, 1),
}
