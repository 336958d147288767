"""The clause catalogues are found in rules/catalogues/, not listed: each file found is one framework named
after the file, every clause is well formed, every rule it names exists, and the CLI offers it."""

import json
import os

import pytest
import yaml
from click.testing import CliRunner

from aliaudit import clauses
from aliaudit.cli import main
from aliaudit.rules import all_rules
from conftest import ROOT

FOLDER = os.path.join(ROOT, "rules", "catalogues")
FILES = sorted(f for f in os.listdir(FOLDER) if f.endswith(".yaml"))


def test_every_catalogue_file_is_a_framework():
    assert len(FILES) >= 3
    assert sorted(clauses.framework_names()) == sorted(f[:-5] for f in FILES)
    assert sorted(clauses.frameworks()) == sorted(f[:-5] for f in FILES)


@pytest.mark.parametrize("name", FILES)
def test_each_catalogue_names_only_rules_that_exist_and_has_well_formed_clauses(name):
    with open(os.path.join(FOLDER, name), encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    assert doc["framework"] == name[:-5]
    ids = [c["id"] for c in doc["clauses"]]
    assert ids and len(ids) == len(set(ids))
    known = {r.id for r in all_rules()}
    for clause in doc["clauses"]:
        assert clause["kind"] in clauses.KINDS, clause["id"]
        assert set(clause.get("rules", [])) <= known, clause["id"]
        if clause["kind"] == "automated":
            assert clause["rules"], f"{name} {clause['id']}: an automated clause needs rules"


@pytest.mark.parametrize("name", [f[:-5] for f in FILES])
def test_the_scan_command_offers_and_accepts_each_framework(name):
    option = [p for p in main.commands["scan"].params if p.name == "frameworks"][0]
    assert name in option.help
    result = CliRunner().invoke(main, ["scan", "--fixture", os.path.join(ROOT, "examples", "fixtures",
                                                                        "hk-insurer-compliant.json"),
                                       "--framework", name, "--format", "json"])
    report = json.loads(result.stdout)
    # CIS 1.13 (ram-password-max-age-cis) asks the opposite of HKIA's expiry, which the compliant tenant meets
    fails = {f["rule"] for f in report["findings"] if f["status"] == "FAIL"}
    assert fails <= {"ram-password-max-age-cis"} and result.exit_code == (1 if fails else 0), result.output
    assert report["frameworks"] == [name]


def test_a_catalogue_not_named_after_its_framework_is_refused(tmp_path, monkeypatch):
    (tmp_path / "hkia-gl99.yaml").write_text("framework: something-else\nclauses: []\n")
    monkeypatch.setattr(clauses, "_files", lambda: sorted(tmp_path.iterdir()))
    clauses._all.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="named after the file"):
            clauses.load()
    finally:
        monkeypatch.undo()
        clauses._all.cache_clear()
