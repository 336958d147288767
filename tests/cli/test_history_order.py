"""The scan history: clauses in catalogue order, scans named by when they ran and the digest of what they read,
an empty store said so, and a scoped scan stored with its own clauses."""

import copy

from click.testing import CliRunner

from aliaudit import clauses, history
from aliaudit.cli import main

MGMT = "5184000000000001"


def catalogue_keys():
    return [f"{c['framework']}:{cl['id']}" for c in clauses.load() for cl in c["clauses"]]


def test_history_orders_clauses_as_the_catalogues_and_names_scans_by_time_and_digest(tmp_path, gaps_report):
    db = str(tmp_path / "h.db")
    second = copy.deepcopy(gaps_report)
    second["generated_at"] = "2099-01-02T03:04:05Z"  # the same fixture scanned again: same collected_at
    store = history.open_store(db)
    store.save(gaps_report)
    store.save(second)
    acct = store.history(MGMT)["accounts"][0]
    assert list(acct["clauses"]) == catalogue_keys()
    keys = list(acct["clauses"])
    assert keys.index("hkia-gl8:5.1(a)") < keys.index("hkia-gl14:5.8") < keys.index("hkia-gl14:5.10")
    labels = [s["label"] for s in acct["scans"]]
    digest = gaps_report["snapshot_digest"].removeprefix("sha256:")[:12]
    assert labels == [f"{gaps_report['generated_at']} {digest}", f"2099-01-02T03:04:05Z {digest}"]
    store.close()
    shown = CliRunner().invoke(main, ["history", "--store", db])
    assert shown.exit_code == 0 and all(label in shown.output for label in labels)
    rows = [ln.split()[0] for ln in shown.output.splitlines() if ln.startswith("  hkia-")]
    assert rows == catalogue_keys()
    drift = CliRunner().invoke(main, ["drift", "--store", db])
    assert drift.exit_code == 0 and f"scan {labels[0]} -> {labels[1]}" in drift.output


def test_drift_and_history_on_an_empty_store_say_it_is_empty(tmp_path):
    db = str(tmp_path / "empty.db")
    drift = CliRunner().invoke(main, ["drift", "--store", db])
    assert drift.exit_code == 2 and "the history store is empty" in drift.stderr
    assert "--account" not in drift.stderr
    shown = CliRunner().invoke(main, ["history", "--store", db])
    assert shown.exit_code == 0 and "the history store is empty" in shown.output


def test_a_scoped_scan_is_stored_with_its_clauses(tmp_path):
    db = str(tmp_path / "scoped.db")
    from conftest import fixture_path

    result = CliRunner().invoke(main, ["scan", "--fixture", fixture_path("hk-insurer-gaps.json"),
                                       "--framework", "hkia-gl14", "--store", db, "--format", "json"])
    assert result.exit_code == 1, result.output
    acct = history.open_store(db).history(MGMT)["accounts"][0]
    assert list(acct["clauses"]) == [k for k in catalogue_keys() if k.startswith("hkia-gl14:")]
