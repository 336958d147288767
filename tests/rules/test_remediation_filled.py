"""Remediation filled in: each failing finding's CLI and Terraform fixes name its resource, region and account;
placeholders stay only for what the tool cannot know (a new bucket's name, a vault to choose)."""

import re

import pytest

from aliaudit import remediation
from aliaudit.rules import all_rules

# Placeholders for values every finding knows: none may survive on a FAIL.
KNOWN = ("<region>", "<resource-id>", "<id>", "<name>", "<bucket>", "<user>", "<sg-id>", "<disk-id>", "<vpc-id>",
         "<key-arn>", "<account>", "<account-id>", "<plan>", "<parent>", "<child>", "<port>", "<sgr-id>")
PASSWORD_POLICY = "ram:password-policy"  # one account-wide setting: its fix names nothing


def fails(report):
    return [f for f in report["findings"] if f["status"] == "FAIL"]


@pytest.mark.parametrize("which", ["gaps_report", "compliant_report"])
def test_no_fail_on_the_example_fixtures_shows_a_placeholder_it_could_fill(which, request):
    report = request.getfixturevalue(which)
    for f in fails(report):
        for kind in ("cli", "terraform"):
            text = f["remediation"].get(kind) or ""
            assert not remediation.FIELD.search(text), (f["rule"], text)
            for placeholder in KNOWN:
                assert placeholder not in text, (f["rule"], f["resource_id"], kind, text)


def test_every_fail_names_its_resource_and_region(gaps_report):
    checked = 0
    for f in fails(gaps_report):
        if f["resource_type"] == PASSWORD_POLICY:
            continue
        text = " ".join(f["remediation"].get(k) or "" for k in ("cli", "terraform"))
        name = f["resource_id"].split("/", 1)[0]
        assert name in text, (f["rule"], f["resource_id"], text)
        if f["region"] is not None and f["product"] != "oss":  # a bucket's name is global: it alone addresses it
            assert f["region"] in text, (f["rule"], f["region"], text)
        checked += 1
    assert checked > 80


def test_two_findings_of_one_rule_get_their_own_commands(gaps_report):
    sgs = {f["resource_id"]: f["remediation"]["cli"] for f in fails(gaps_report) if f["rule"] == "ecs-sg-no-public-ssh"}
    assert set(sgs) == {"sg-j6clegacy", "sg-j6cdb"}
    assert "--SecurityGroupId sg-j6clegacy " in sgs["sg-j6clegacy"] and "sg-j6cdb" not in sgs["sg-j6clegacy"]
    # the rule id of the security group rule comes from the evidence
    assert re.search(r"--SecurityGroupRuleId\.1 sgr-\w+", sgs["sg-j6cdb"])
    singapore = [f for f in fails(gaps_report) if f["rule"] == "vpc-flow-logs-enabled" and f["region"] == "ap-southeast-1"]
    assert singapore and "--RegionId ap-southeast-1 " in singapore[0]["remediation"]["cli"]


def test_the_root_access_key_fix_is_concrete(gaps_report):
    [f] = [f for f in fails(gaps_report) if f["rule"] == "ram-no-root-access-key"]
    cli = f["remediation"]["cli"]
    assert "..." not in cli and f["account_id"] in cli
    assert "aliyun ims DeleteAccessKey --UserAccessKeyId" in cli and "aliyun ram CreateUser --UserName" in cli


def test_fields_the_finding_cannot_fill_become_placeholders():
    finding = {"resource_id": "bob/ak-1", "region": None, "account_id": "1", "evidence": {"X.Retention": 3},
               "remediation": {"console": "c {region}", "cli": "--u {parent} --k {child} --r {region} "
                               "--d {ev:Retention} --v {ev:VaultId}", "terraform": "x { a = 1 }"}}
    out = remediation.fill(dict(finding))["remediation"]
    assert out["cli"] == "--u bob --k ak-1 --r <region> --d 3 --v <vault-id>"
    assert out["terraform"] == "x { a = 1 }"  # braces that are no field are left alone
    assert finding["remediation"]["cli"].startswith("--u {parent}")  # the rule's own text is unchanged


def test_every_rule_uses_only_known_fields():
    loose = re.compile(r"\{[A-Za-z_:]+\}")
    for rule in all_rules():
        for kind, text in rule.remediation.items():
            for token in loose.findall(text):
                assert remediation.FIELD.fullmatch(token), (rule.id, kind, token)
