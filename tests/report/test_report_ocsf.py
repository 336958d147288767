"""OCSF Compliance Finding events validate with py-ocsf-models (OCSF 1.5.0), and carry what a SIEM needs."""

import json

import pytest
from report_samples import enriched, hostile

from aliaudit.reporters import FORMATS, ocsf

models = pytest.importorskip("py_ocsf_models")
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding  # noqa: E402
from py_ocsf_models.objects.cloud import Cloud  # noqa: E402

# OCSF 1.5.0 attributes that py-ocsf-models 0.10 does not model: the cloud profile's `cloud`
# object (validated on its own below) and the compliance object's `status` caption.
UNMODELLED = {("cloud",), ("compliance", "status")}


def _dropped(sent, kept, path=()):
    """Paths the model dropped or changed: an unknown attribute would vanish silently."""
    out = []
    if isinstance(sent, dict):
        for key, value in sent.items():
            here = path + (key,)
            if here in UNMODELLED:
                continue
            if not isinstance(kept, dict) or key not in kept:
                out.append(here)
            else:
                out += _dropped(value, kept[key], here)
    elif isinstance(sent, list):
        if not isinstance(kept, list) or len(kept) != len(sent):
            return [path]
        for i, (a, b) in enumerate(zip(sent, kept)):
            out += _dropped(a, b, path + (i,))
    elif sent != kept:
        out.append(path)
    return out


def _validate(event: dict) -> ComplianceFinding:
    model = ComplianceFinding.model_validate(event)
    kept = model.model_dump(mode="json", exclude_unset=True)
    assert _dropped(event, kept) == [], "attributes py-ocsf-models does not know"
    Cloud.model_validate(event["cloud"])
    return model


def test_models_the_version_we_emit():
    assert models.OCSF_VERSION == ocsf.OCSF_VERSION


def test_every_event_validates(gaps_report):
    report = enriched(gaps_report)
    events = json.loads(FORMATS["ocsf"](report))
    assert isinstance(events, list) and len(events) == len(report["findings"])
    for e in events:
        m = _validate(e)
        assert (m.class_uid, m.category_uid, m.activity_id, m.type_uid) == (2003, 2, 1, 200301)
        assert m.metadata.version == "1.5.0" and m.metadata.product.name == "aliaudit"
        assert m.metadata.product.version == report["tool_version"]


def test_mapping_of_one_failure(gaps_report):
    f = next(f for f in gaps_report["findings"] if f["rule"] == "ecs-disk-encrypted" and f["status"] == "FAIL")
    e = ocsf.event(f, gaps_report)
    assert e["severity_id"] == 4 and e["severity"] == "High"
    assert e["compliance"]["status_id"] == 3 and e["compliance"]["control"] == "ecs-disk-encrypted"
    assert e["compliance"]["requirements"] == f["clauses"]
    assert e["compliance"]["standards"] == ["HKIA GL8", "HKIA GL20"]
    assert e["resources"][0]["uid"] == f["resource_id"] and e["resources"][0]["region"] == "cn-hongkong"
    assert e["resources"][0]["type"] == "ecs:disk"
    assert e["cloud"] == {"provider": "Alibaba Cloud", "region": "cn-hongkong",
                          "account": {"uid": f["account_id"], "name": f["account_id"], "type": "Alibaba Cloud Account",
                                      "type_id": 99}}
    assert e["evidences"][0]["data"] == f["evidence"] == {"DescribeDisks.Encrypted": False,
                                                          "DescribeDisks.Category": "cloud_essd"}
    assert e["finding_info"]["desc"] == "the disk is not encrypted"
    assert "aliyun CLI: aliyun ecs CreateDisk" in e["remediation"]["desc"]
    assert e["time"] == e["finding_info"]["created_time"] > 1_600_000_000_000
    # the finding uid is stable from scan to scan; the event uid is not
    later = dict(gaps_report, generated_at="2030-01-01T00:00:00Z")
    assert ocsf.event(f, later)["finding_info"]["uid"] == e["finding_info"]["uid"]
    assert ocsf.event(f, later)["metadata"]["uid"] != e["metadata"]["uid"]


def test_statuses_map(gaps_report):
    report = enriched(gaps_report)
    by_status = {}
    for e in ocsf.events(report):
        by_status.setdefault(e["status_code"], set()).add((e["status_id"], e["compliance"]["status_id"]))
    assert by_status == {"FAIL": {(1, 3)}, "WAIVED": {(3, 3)}, "PASS": {(1, 1)}, "NOT_APPLICABLE": {(1, 99)}}
    error = dict(report["findings"][0], status="ERROR", reason="GetBucketPolicy: AccessDenied")
    e = ocsf.event(error, report)
    _validate(e)
    assert e["compliance"]["status_id"] == 2 and e["compliance"]["status"] == "Warning"
    waived = next(e for e in ocsf.events(report) if e["status_code"] == "WAIVED")
    assert waived["unmapped"]["aliaudit"]["waiver"]["approver"] == "ciso@insurer.invalid"


def test_ndjson_is_one_event_per_line(gaps_report):
    report = hostile(gaps_report)
    lines = FORMATS["ocsf-ndjson"](report).splitlines()
    assert len(lines) == len(report["findings"])
    assert [json.loads(line) for line in lines] == json.loads(FORMATS["ocsf"](report))
    for line in lines:
        _validate(json.loads(line))


def test_the_validation_catches_bad_events(gaps_report):
    good = ocsf.event(gaps_report["findings"][0], gaps_report)
    with pytest.raises(AssertionError):
        _validate(dict(good, compliance=dict(good["compliance"], standard="misspelt")))
    with pytest.raises(Exception):
        _validate(dict(good, severity_id=7))
    with pytest.raises(Exception):
        _validate({k: v for k, v in good.items() if k != "finding_info"})
