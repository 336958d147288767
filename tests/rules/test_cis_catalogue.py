"""The CIS Alibaba Cloud Foundations Benchmark v2.0.0 catalogue: complete, well formed, and never a false
COMPLIANT for a control that no rule checks."""

from collections import Counter

import pytest

from aliaudit import clauses
from aliaudit.rules import all_rules

from conftest import fixture_path, scan

CIS = "cis-alibaba-2.0"
# Controls per section, as Prowler's cis_2.0_alibabacloud.json and Steampipe's cis_v200 both list them.
SECTION_SIZES = {"1": 16, "2": 23, "3": 5, "4": 6, "5": 9, "6": 9, "7": 9, "8": 8}
SECTION_TITLES = {"1": "Identity and Access Management", "2": "Logging and Monitoring", "3": "Networking",
                  "4": "Virtual Machines", "5": "Storage", "6": "Relational Database Services",
                  "7": "Kubernetes Engine", "8": "Security Center"}
# Controls the benchmark marks automated (the rest it assesses by hand), from the same two sources.
BENCHMARK_AUTOMATED = {f"1.{n}" for n in range(4, 17)} | {"2.1", "2.2", "5.1", "5.3", "5.4", "5.7"} \
    | {f"6.{n}" for n in range(1, 10)} | {f"7.{n}" for n in range(1, 10)} | {"8.1", "8.2", "8.5", "8.7"}
# Coverage today. These figures move when rules for SLS, ACK, Security Center... land: update them then.
MAPPED_BENCHMARK_AUTOMATED = 40
MAPPED_TOTAL = 74
CIS_HKIA_CONFLICT = {"1.13": "NON_COMPLIANT"}


@pytest.fixture(scope="module")
def cis():
    [cat] = clauses.load([CIS])
    return cat


@pytest.fixture(scope="module")
def cis_gaps():
    return scan(fixture_path("hk-insurer-gaps.json"), frameworks=[CIS])


@pytest.fixture(scope="module")
def cis_compliant():
    return scan(fixture_path("hk-insurer-compliant.json"), frameworks=[CIS])


def test_every_control_once_in_its_section(cis):
    ids = [c["id"] for c in cis["clauses"]]
    assert len(ids) == 85 and len(set(ids)) == 85
    assert {str(s["id"]): s["title"] for s in cis["sections"]} == SECTION_TITLES
    assert Counter(c["section"] for c in cis["clauses"]) == SECTION_SIZES
    for section, size in SECTION_SIZES.items():  # numbered 1..n within the section, in order
        assert [c["id"] for c in cis["clauses"] if c["section"] == section] == [f"{section}.{n}"
                                                                              for n in range(1, size + 1)]


def test_every_control_has_level_assessment_kind_and_a_paraphrase(cis):
    for c in cis["clauses"]:
        assert c["level"] in (1, 2), c["id"]
        assert c["assessment"] in ("automated", "manual"), c["id"]
        assert c["kind"] in clauses.KINDS, c["id"]
        assert c.get("unverified") is True and c["title"].strip(), c["id"]
    assert {c["id"] for c in cis["clauses"] if c["assessment"] == "automated"} == BENCHMARK_AUTOMATED


def test_mapped_rules_exist_and_kinds_agree_with_rules(cis):
    ids = {r.id for r in all_rules()}
    for c in cis["clauses"]:
        assert set(c.get("rules", [])) <= ids, (c["id"], set(c["rules"]) - ids)
        assert set(c.get("supporting_rules", [])) <= ids, c["id"]
        if c["kind"] == "manual":
            assert not c.get("rules") and c.get("reason", "").strip(), c["id"]
        else:
            assert c.get("rules"), c["id"]
        if c["kind"] == "hybrid":
            assert c.get("manual_part", "").strip(), c["id"]


def test_benchmark_automated_controls_are_mapped_or_say_why_not(cis):
    """A control the benchmark automates is answered by rules, or is manual with 'not yet automated' and a plan."""
    auto = [c for c in cis["clauses"] if c["assessment"] == "automated"]
    mapped = [c for c in auto if c.get("rules")]
    waiting = [c for c in auto if not c.get("rules")]
    for c in waiting:
        assert c["kind"] == "manual", c["id"]
        assert c["reason"].startswith("not yet automated"), c["id"]
        assert c.get("planned"), c["id"]
    counts = {"benchmark_automated": len(auto), "mapped": len(mapped), "not_yet": len(waiting),
              "mapped_total": sum(bool(c.get("rules")) for c in cis["clauses"])}
    print(f"CIS coverage: {counts}")
    assert counts == {"benchmark_automated": 41, "mapped": MAPPED_BENCHMARK_AUTOMATED,
                      "not_yet": 41 - MAPPED_BENCHMARK_AUTOMATED, "mapped_total": MAPPED_TOTAL}


def test_cis_is_reported_only_when_asked_for(gaps_report):
    assert CIS not in [c["framework"] for c in clauses.load()]
    assert CIS in [c["framework"] for c in clauses.load_all()]
    assert CIS not in gaps_report["frameworks"]
    assert not [c for c in gaps_report["clauses"] if c["framework"] == CIS]
    assert not [ref for f in gaps_report["findings"] for ref in f["clauses"] if ref.startswith(CIS + ":")]


def test_roll_up_carries_sections_in_catalogue_order(cis, cis_gaps):
    assert cis_gaps["frameworks"] == [CIS]
    got = [(c["clause"], c["section"], c["section_title"], c["level"], c["assessment"]) for c in cis_gaps["clauses"]]
    assert got == [(c["id"], c["section"], SECTION_TITLES[c["section"]], c["level"], c["assessment"])
                   for c in cis["clauses"]]


def test_findings_name_their_cis_controls(cis_gaps):
    ssh = [f for f in cis_gaps["findings"] if f["rule"] == "ecs-sg-no-public-ssh"]
    assert ssh and all({f"{CIS}:3.2", f"{CIS}:4.3"} <= set(f["clauses"]) for f in ssh)
    assert any(f["status"] == "FAIL" for f in ssh)


def test_gaps_make_mapped_controls_non_compliant(cis_gaps):
    by = {c["clause"]: c for c in cis_gaps["clauses"]}
    for cid in ("1.2", "1.4", "1.11", "2.1", "2.3", "2.10", "2.23", "4.3", "5.1", "6.5"):
        assert by[cid]["status"] == "NON_COMPLIANT" and by[cid]["counts"].get("FAIL"), (cid, by[cid])
    # Manual controls stay manual whatever the findings, with the catalogue's reason.
    assert by["2.6"]["status"] == "MANUAL" and "Anti-DDoS" in by["2.6"]["reason"]
    # CIS 1.13 reads password expiry the other way from HKIA: passwords that never expire meet it
    assert by["1.13"]["status"] == "COMPLIANT"


@pytest.mark.parametrize("report", ["cis_gaps", "cis_compliant"])
def test_no_control_without_rules_is_compliant(report, request):
    r = request.getfixturevalue(report)
    assert len(r["clauses"]) == 85
    for c in r["clauses"]:
        if not c["rules"]:
            assert c["status"] == "MANUAL", c
            assert c["reason"].strip(), c
        else:
            assert c["status"] in ("COMPLIANT", "NON_COMPLIANT", "INCOMPLETE", "NOT_APPLICABLE"), c


def test_compliant_fixture_meets_every_mapped_control(cis_compliant):
    mapped = [c for c in cis_compliant["clauses"] if c["rules"]]
    assert len(mapped) == MAPPED_TOTAL
    # CIS 1.13 (no forced change within 365 days) conflicts with HKIA's 90-day expiry, which the compliant
    # tenant meets: it is the one CIS control that tenant cannot meet.
    assert {c["clause"]: c["status"] for c in mapped} == {c["clause"]: CIS_HKIA_CONFLICT.get(c["clause"], "COMPLIANT")
                                                          for c in mapped}


def test_a_clause_marked_automated_without_rules_reads_manual_not_compliant():
    """A catalogue mistake (automated, no rule) must not read NOT_APPLICABLE or COMPLIANT."""
    cat = {"framework": "x", "sections": [{"id": "1", "title": "S"}],
           "clauses": [{"id": "1.1", "section": "1", "title": "t", "kind": "automated", "rules": []},
                       {"id": "1.2", "section": "1", "title": "t", "kind": "hybrid", "rules": []}]}
    passing = [{"rule": "ram-password-min-length", "status": "PASS"}]
    for entry in clauses.roll_up([cat], passing):
        assert entry["status"] == "MANUAL" and "no rule" in entry["reason"], entry
        assert entry["section"] == "1" and entry["section_title"] == "S"


def test_a_cis_manual_control_can_be_attested(tmp_path, cis_compliant):
    """Attestations name CIS controls too (the catalogue is known even when not reported by default)."""
    import copy
    import datetime as dt

    from aliaudit import attestations

    path = tmp_path / "att.yaml"
    path.write_text('- clause: "cis-alibaba-2.0:3.4"\n  statement: Peering routes reviewed, only the app subnet routes.\n'
                    '  evidence: "Network review NR-2026-11"\n  owner: Head of Infrastructure\n'
                    '  date: 2026-11-01\n  expires: 2027-10-31\n')
    entries = attestations.load(str(path), clauses.load_all(), today=dt.date(2026, 11, 27))
    report = copy.deepcopy(cis_compliant)
    attestations.apply(report["clauses"], entries)
    by = {c["clause"]: c for c in report["clauses"]}
    assert by["3.4"]["status"] == "ATTESTED"
    assert by["3.5"]["status"] == "COMPLIANT" and "attestation" not in by["3.5"]
