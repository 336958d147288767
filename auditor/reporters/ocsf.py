"""OCSF Compliance Finding events (class_uid 2003, OCSF 1.5.0) for SIEMs: one event per finding.

`ocsf` writes a JSON array; `ocsf-ndjson` writes one event per line. The events validate with
py-ocsf-models (tests/test_report_ocsf.py). Mapping:

- severity_id: info 1, low 2, medium 3, high 4, critical 5
- compliance.status_id: PASS 1 Pass, FAIL and WAIVED 3 Fail, ERROR 2 Warning (no result: the data
  was not read), NOT_APPLICABLE 99 Other ("Not Applicable")
- status_id (the finding's workflow state): WAIVED 3 Suppressed, anything else 1 New
- finding_info.uid: stable across scans (account, region, rule, resource), so a SIEM can follow a
  finding from scan to scan; metadata.uid is unique per event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from . import common

# format -> (file extension, render function, streaming writer); see __init__.py
FORMATS = {"ocsf": ("ocsf.json", "render", "write"),
           "ocsf-ndjson": ("ocsf.ndjson", "render_ndjson", "write_ndjson")}

OCSF_VERSION = "1.5.0"
CLASS_UID, CATEGORY_UID, ACTIVITY_CREATE = 2003, 2, 1
SEVERITY = {"info": (1, "Informational"), "low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"),
            "critical": (5, "Critical")}
COMPLIANCE_STATUS = {"PASS": (1, "Pass"), "FAIL": (3, "Fail"), "WAIVED": (3, "Fail"), "ERROR": (2, "Warning"),
                     "NOT_APPLICABLE": (99, "Not Applicable")}
ACCOUNT_TYPE_OTHER = 99


def _millis(stamp: str | None) -> int:
    if not stamp:
        return int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000)
    return int(dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)


def finding_uid(f: dict) -> str:
    key = "\x1f".join(str(f.get(k) or "") for k in ("account_id", "region", "rule", "resource_id"))
    return "aliaudit-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def event(f: dict, report: dict) -> dict:
    time = _millis(report.get("generated_at"))
    sev_id, sev = SEVERITY.get(f.get("severity"), (0, "Unknown"))
    comp_id, comp = COMPLIANCE_STATUS.get(f["status"], (0, "Unknown"))
    uid = finding_uid(f)
    clauses = f.get("clauses", [])
    standards = list(dict.fromkeys(common.framework_name(c.split(":", 1)[0]) for c in clauses))
    rem = f.get("remediation") or {}
    remedy = " ".join(filter(None, [rem.get("console"), rem.get("cli") and f"aliyun CLI: {rem['cli']}",
                                    rem.get("terraform") and f"Terraform: {rem['terraform']}"]))
    account = f.get("account_id") or ""
    cloud = {"provider": "Alibaba Cloud",
             "account": {"uid": account, "name": account, "type": "Alibaba Cloud Account",
                         "type_id": ACCOUNT_TYPE_OTHER}}
    resource = {"uid": f.get("resource_id"), "name": f.get("resource_id"), "type": f.get("resource_type"),
                "data": {"evidence": f.get("evidence") or {}}}
    if f.get("region"):
        cloud["region"] = resource["region"] = f["region"]
    waived = f["status"] == "WAIVED"
    out = {
        "activity_id": ACTIVITY_CREATE, "activity_name": "Create",
        "category_uid": CATEGORY_UID, "category_name": "Findings",
        "class_uid": CLASS_UID, "class_name": "Compliance Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE, "type_name": "Compliance Finding: Create",
        "severity_id": sev_id, "severity": sev,
        "status_id": 3 if waived else 1, "status": "Suppressed" if waived else "New",
        "status_code": f["status"],
        "message": f"{f.get('title', f['rule'])}: {f['status']} for {f.get('resource_id')}",
        "time": time,
        "metadata": {
            "version": OCSF_VERSION, "uid": hashlib.sha256(f"{uid}|{time}".encode()).hexdigest()[:32],
            "event_code": f["rule"], "profiles": ["cloud"], "tenant_uid": account,
            "product": {"name": "aliaudit", "vendor_name": "aliaudit", "version": report.get("tool_version"),
                        "lang": "en"},
        },
        "finding_info": {
            "uid": uid, "title": f.get("title") or f["rule"], "desc": f.get("reason") or f.get("title") or f["rule"],
            "types": ["Compliance"], "created_time": time, "data_sources": list(f.get("api", [])),
        },
        "compliance": {
            "control": f["rule"], "standards": standards, "requirements": clauses,
            "status_id": comp_id, "status": comp,
            "checks": [{"uid": f["rule"], "name": f.get("title") or f["rule"], "severity": f.get("severity"),
                        "severity_id": sev_id, "standards": standards, "status": comp, "status_id": comp_id}],
        },
        "resources": [resource],
        "evidences": [{"name": "API fields observed", "data": f.get("evidence") or {}}],
        "cloud": cloud,
        "unmapped": {"aliaudit": {"status": f["status"], "product": f.get("product"),
                                  "report_format": report.get("report_format")}},
    }
    if f.get("reason"):
        out["status_detail"] = f["reason"]
    if remedy:
        out["remediation"] = {"desc": remedy}
    if f.get("waiver"):
        out["unmapped"]["aliaudit"]["waiver"] = f["waiver"]
    return out


def events(report: dict) -> list[dict]:
    return [event(f, report) for f in sorted(report.get("findings", []), key=common.finding_sort_key)]


def render(report: dict, **_) -> str:
    return json.dumps(events(report), indent=2, ensure_ascii=False, default=str) + "\n"


def render_ndjson(report: dict, **_) -> str:
    return "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":"), default=str) + "\n" for e in events(report))


def write(report: dict, fh, **_) -> None:
    json.dump(events(report), fh, indent=2, ensure_ascii=False, default=str)
    fh.write("\n")


def write_ndjson(report: dict, fh, **_) -> None:
    """One event built and written at a time."""
    for f in sorted(report.get("findings", []), key=common.finding_sort_key):
        fh.write(json.dumps(event(f, report), ensure_ascii=False, separators=(",", ":"), default=str) + "\n")
