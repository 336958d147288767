"""A rule whose clauses are all in opt-in catalogues (`default: false`, the CIS benchmark) runs only when
its framework, one of its clauses or the rule itself is asked for: it never adds findings to a default
(HKIA) scan, and `rules list` still lists it, saying which framework it belongs to. Through the real CLI,
the fixtures evaluated as `scan --fixture` does."""

import json

import pytest
from click.testing import CliRunner

from aliaudit import clauses
from aliaudit.cli import main
from aliaudit.rules import all_rules
from aliaudit.scope import Scope
from conftest import fixture_path

GAPS = fixture_path("hk-insurer-gaps.json")
COMPLIANT = fixture_path("hk-insurer-compliant.json")
CIS = "cis-alibaba-2.0"
CIS_ONLY = "ram-password-max-age-cis"  # CIS 1.13, the opposite of the HKIA ram-password-max-age


def cli(*args):
    return CliRunner().invoke(main, list(args))


def scan_json(*args) -> dict:
    result = cli("scan", "--format", "json", *args)
    assert result.exit_code in (0, 1, 3), result.output
    return json.loads(result.stdout)


def rules_in(report: dict) -> set[str]:
    return {f["rule"] for f in report["findings"]}


def test_opt_in_only_rules_are_those_without_a_default_clause():
    default = {rid for cat in clauses.load() for c in cat["clauses"] for rid in c.get("rules", [])}
    opt_in = clauses.opt_in_frameworks()
    assert CIS_ONLY in opt_in and opt_in[CIS_ONLY] == [CIS]
    assert set(opt_in) == {r.id for r in all_rules()} - default
    assert "ram-password-max-age" not in opt_in  # an HKIA rule that CIS also maps stays in the default scan


def test_default_scan_leaves_a_cis_only_rule_out():
    every = all_rules()
    assert CIS_ONLY not in {r.id for r in Scope().select_rules(every)}
    assert CIS_ONLY not in {r.id for r in Scope(products=("ram",)).select_rules(every)}
    for path in (GAPS, COMPLIANT):
        report = scan_json("--fixture", path)
        assert CIS_ONLY not in rules_in(report)
        assert "ram-password-max-age" in rules_in(report)
        assert all(c["framework"] != CIS for c in report["clauses"])


@pytest.mark.parametrize("args", [("--framework", CIS), ("--clause", f"{CIS}:1.13"), ("--rule", CIS_ONLY)])
def test_its_framework_clause_or_name_brings_it_in(args):
    gaps, compliant = scan_json("--fixture", GAPS, *args), scan_json("--fixture", COMPLIANT, *args)
    # gaps: passwords never expire (MaxPasswordAge 0) -> PASS for CIS; compliant: 90 days -> FAIL for CIS
    assert [f["status"] for f in gaps["findings"] if f["rule"] == CIS_ONLY] == ["PASS"]
    assert [f["status"] for f in compliant["findings"] if f["rule"] == CIS_ONLY] == ["FAIL"]
    if args[0] == "--rule":
        assert rules_in(gaps) == {CIS_ONLY}


def test_an_hkia_framework_alone_does_not_bring_it_in():
    report = scan_json("--fixture", GAPS, "--framework", "hkia-gl8")
    assert CIS_ONLY not in rules_in(report)


def test_rules_list_lists_it_with_its_framework():
    result = cli("rules", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)["rules"]}
    assert len(rows) == len(all_rules())
    assert rows[CIS_ONLY]["only_with_framework"] == [CIS]
    assert rows[CIS_ONLY]["clauses"] == [f"{CIS}:1.13"]
    assert "only_with_framework" not in rows["ram-password-max-age"]
    table = cli("rules", "list")
    lines = table.stdout.splitlines()
    at = next(n for n, ln in enumerate(lines) if CIS_ONLY in ln)
    assert "scanned only with --framework" in lines[at] and CIS in lines[at + 1]  # the cell wraps
