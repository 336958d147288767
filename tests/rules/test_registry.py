"""The rule registry is explicit and counted; every rule is tied to clauses and to calls the collectors make."""

from aliaudit import clauses
from aliaudit.collectors import all_calls
from aliaudit.rules import MODULES, all_rules
from aliaudit.rules.base import Rule

from conftest import fixture_path, scan
from expected_verdicts import EXPECTED_RULES


def test_registry_loads_every_rule_with_unique_ids():
    rules = all_rules()
    assert len(rules) == EXPECTED_RULES
    assert len({r.id for r in rules}) == EXPECTED_RULES
    # Every Rule defined in a rule module is in the registry: nothing is dropped silently.
    defined = sum(isinstance(v, Rule) for m in MODULES for v in vars(m).values())
    assert defined == EXPECTED_RULES


def test_every_rule_needs_only_calls_the_collectors_make():
    calls = all_calls()
    for r in all_rules():
        assert set(r.needs) <= calls, (r.id, set(r.needs) - calls)


def test_every_rule_is_in_some_clause_and_every_clause_rule_exists():
    ids = {r.id for r in all_rules()}
    mapping = clauses.rule_clauses()
    assert ids <= set(mapping), ids - set(mapping)
    for cat in clauses.load_all():  # the opt-in CIS catalogue too
        for c in cat["clauses"]:
            assert set(c.get("rules", [])) <= ids, (cat["framework"], c["id"])
            assert set(c.get("supporting_rules", [])) <= ids
            assert c["kind"] in clauses.KINDS
            assert c["kind"] != "manual" or not c.get("rules")
            assert c["kind"] == "manual" or c.get("rules"), (cat["framework"], c["id"])


def test_gl8_catalogue_has_clauses_a_to_f():
    [gl8] = clauses.load(["hkia-gl8"])
    assert [c["id"] for c in gl8["clauses"]] == ["5.1(a)", "5.1(b)", "5.1(c)", "5.1(d)", "5.1(e)", "5.1(f)"]


def test_every_rule_has_pass_and_fail_through_the_fakes(gaps_report, compliant_report):
    seen = {}
    # a CIS-only rule runs only with its framework (auditor/scope.py): the fixtures scanned with it too
    opt_in = sorted({f for fws in clauses.opt_in_frameworks().values() for f in fws})
    extra = [scan(fixture_path(name), frameworks=opt_in)
             for name in ("hk-insurer-gaps.json", "hk-insurer-compliant.json")] if opt_in else []
    for report in (gaps_report, compliant_report, *extra):
        for f in report["findings"]:
            seen.setdefault(f["rule"], set()).add(f["status"])
    for r in all_rules():
        assert {"PASS", "FAIL"} <= seen.get(r.id, set()), (r.id, seen.get(r.id))
