"""Explaining: `rules show ID` (with PASS and FAIL evidence taken by evaluating the rule on the bundled fixtures),
`rules list` filters, `frameworks show` with each rule's title and severity, and `explain` of one finding."""

import json

import pytest
from click.testing import CliRunner

from aliaudit import clauses
from aliaudit.cli import main
from aliaudit.model import severity_rank
from aliaudit.rules import all_rules
from conftest import fixture_path
from expected_verdicts import GAPS_VERDICTS

RULES = {r.id: r for r in all_rules()}
GAPS = fixture_path("hk-insurer-gaps.json")


def cli(*args):
    return CliRunner().invoke(main, list(args))


def show(rule_id):
    result = cli("rules", "show", rule_id, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rules_show_gives_the_card_with_clause_titles_and_evidence_examples():
    card = show("ecs-disk-encrypted")
    rule = RULES["ecs-disk-encrypted"]
    assert (card["title"], card["severity"], card["product"]) == (rule.title, rule.severity, rule.product)
    assert card["api"] == list(rule.needs) and card["rationale"]
    titles = {f"{c['framework']}:{cl['id']}": cl["title"] for c in clauses.load() for cl in c["clauses"]}
    assert card["clauses"] and all(c["title"] == titles[c["clause"]] for c in card["clauses"])
    assert "DescribeDisks.Encrypted" in card["evidence_fields"]
    assert set(card["remediation"]) >= {"console", "cli", "terraform"}
    assert "{" not in card["remediation"]["cli"] and "<region>" in card["remediation"]["cli"]
    passing, failing = card["examples"]["PASS"], card["examples"]["FAIL"]
    assert passing["evidence"]["DescribeDisks.Encrypted"] is True
    assert failing["evidence"]["DescribeDisks.Encrypted"] is False
    assert GAPS_VERDICTS[("ecs-disk-encrypted", failing["resource_id"])] == "FAIL"
    assert failing["fixture"] == "examples/fixtures/hk-insurer-gaps.json"
    assert failing["resource_id"] in failing["remediation"]["cli"]  # filled in like a scan's finding
    text = cli("rules", "show", "ecs-disk-encrypted")
    assert "PASS example (examples/fixtures/" in text.stdout and "FAIL example (examples/fixtures/" in text.stdout


def test_every_rule_that_fails_on_the_gaps_fixture_has_a_fail_example():
    failing = {rule for (rule, _), status in GAPS_VERDICTS.items() if status == "FAIL"}
    from aliaudit import explain

    for rule_id in failing:
        example = explain.examples(rule_id)["FAIL"]
        assert example is not None and GAPS_VERDICTS[(rule_id, example["resource_id"])] == "FAIL", rule_id


def test_rules_show_unknown_rule_exits_2():
    result = cli("rules", "show", "ecs-disk")
    assert result.exit_code == 2 and "unknown rule 'ecs-disk'" in result.stderr and "ecs-disk-encrypted" in result.stderr


@pytest.mark.parametrize("args, check", [
    (("--framework", "hkia-gl14"),
     lambda r: r.id in {x for c in clauses.load(["hkia-gl14"])[0]["clauses"] for x in c.get("rules", [])}),
    (("--severity", "high"), lambda r: severity_rank(r.severity) >= severity_rank("high")),
    (("--product", "oss", "--product", "kms"), lambda r: r.product in ("oss", "kms")),
    (("--clause", "hkia-gl8:5.1(c)"),
     lambda r: r.id in next(c for c in clauses.load(["hkia-gl8"])[0]["clauses"] if c["id"] == "5.1(c)")["rules"]),
])
def test_rules_list_filters(args, check):
    result = cli("rules", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    ids = {r["id"] for r in json.loads(result.stdout)["rules"]}
    assert ids and ids == {rid for rid, r in RULES.items() if check(r)}


def test_rules_list_bad_filter_exits_2():
    result = cli("rules", "list", "--product", "nosuch")
    assert result.exit_code == 2 and "unknown product" in result.stderr


def test_frameworks_show_gives_each_rules_title_and_severity():
    result = cli("frameworks", "show", "hkia-gl14")
    assert result.exit_code == 0
    rule = RULES["ecs-sg-no-public-all-ports"]
    line = next(ln for ln in result.stdout.splitlines() if f"- {rule.id} " in ln)
    assert rule.severity in line and rule.title in line
    doc = json.loads(cli("frameworks", "show", "hkia-gl14", "--format", "json").stdout)
    details = [d for c in doc["clauses"] for d in c["rule_details"]]
    assert {"id": rule.id, "title": rule.title, "severity": rule.severity} in details


@pytest.fixture(scope="module")
def gaps_json(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("explain") / "gaps.json")
    result = cli("scan", "--fixture", GAPS, "--format", "json", "--output", path)
    assert result.exit_code == 1, result.output
    return path


def test_explain_one_finding_of_a_report(gaps_json):
    result = cli("explain", "--report", gaps_json, "ecs-sg-no-public-ssh", "sg-j6cdb", "--format", "json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert (card["rule"], card["resource_id"], card["status"], card["region"]) == (
        "ecs-sg-no-public-ssh", "sg-j6cdb", "FAIL", "cn-hongkong")
    assert card["evidence"] and card["rationale"] and card["clauses"][0]["title"]
    assert "--SecurityGroupId sg-j6cdb" in card["remediation"]["cli"]
    text = cli("explain", "--report", gaps_json, "ecs-sg-no-public-ssh", "sg-j6cdb")
    assert "Evidence (API field: value observed):" in text.stdout and "Fix:" in text.stdout


def test_explain_names_the_resources_when_the_finding_is_not_there(gaps_json):
    result = cli("explain", "--report", gaps_json, "ecs-sg-no-public-ssh", "sg-nope")
    assert result.exit_code == 2 and "sg-j6cdb" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_explain_shows_the_waiver_of_a_waived_finding(tmp_path):
    import os

    from conftest import ROOT

    path = str(tmp_path / "waived.json")
    waivers = os.path.join(ROOT, "examples", "waivers", "hk-insurer-gaps.yaml")
    assert cli("scan", "--fixture", GAPS, "--waivers", waivers, "--format", "json", "--output", path).exit_code == 1
    result = cli("explain", "--report", path, "ecs-disk-encrypted", "d-j6cbatch01data")
    assert result.exit_code == 0 and result.stdout.startswith("WAIVED  ecs-disk-encrypted")
    assert "waived until 2030-06-30 by ciso@insurer.example" in result.stdout
