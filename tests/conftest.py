import copy
import json
import os

import pytest
from hypothesis import settings as hypothesis_settings

from aliaudit import scan as scanning
from aliaudit.settings import Settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "examples", "fixtures")
DOCUMENTED = os.path.join(ROOT, "tests", "documented")
# Hypothesis profiles. "ci" (chosen when CI is set): derandomized, no example database, so a run always means the
# same. "nightly" (ALIAUDIT_HYPOTHESIS_PROFILE=nightly): random and many more examples. "dev" otherwise: random.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
hypothesis_settings.register_profile("nightly", max_examples=2000, derandomize=False, database=None, deadline=None)
hypothesis_settings.register_profile("dev", deadline=None, database=None)
HYPOTHESIS_PROFILE = os.environ.get("ALIAUDIT_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def examples(n: int) -> int:
    """A property test's example count: n, or the nightly profile's (larger) count."""
    return max(n, hypothesis_settings.default.max_examples) if HYPOTHESIS_PROFILE == "nightly" else n


# (API, fault) pairs the fault matrix (test_fault_matrix.py) proved in this run; printed at the end.
FAULT_MATRIX: dict = {"pairs": set()}


def pytest_sessionfinish(session):
    # Under pytest-xdist each worker proves its share: hand it to the controller, which prints the union.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fault_matrix_pairs"] = sorted(FAULT_MATRIX["pairs"])


def pytest_testnodedown(node, error):
    FAULT_MATRIX["pairs"].update(tuple(p) for p in getattr(node, "workeroutput", {}).get("fault_matrix_pairs", []))


def pytest_terminal_summary(terminalreporter):
    pairs = FAULT_MATRIX["pairs"]
    if pairs:
        apis = sorted({api for api, _ in pairs})
        faults = sorted({f for _, f in pairs})
        terminalreporter.write_line(f"fault matrix: {len(pairs)} (API, fault) pairs covered: {len(apis)} APIs "
                                    f"x {len(faults)} faults ({', '.join(faults)})")


def fixture_path(name: str) -> str:
    return os.path.join(FIXTURES, name)


def load_fixture(name: str) -> dict:
    with open(fixture_path(name), encoding="utf-8") as fh:
        return json.load(fh)


def scan(doc_or_path, regions=(), settings=None, frameworks=(), replay=False) -> dict:
    """A full offline scan, as `aliaudit scan --fixture` runs it: the fixture evaluated as the snapshot it is.

    replay=True: as `--fixture --replay` runs it, the fixture served by the fake and collected back through the
    SDK collectors (tests/collect/test_offline_equivalence.py proves both give the same findings)."""
    from aliaudit import offline

    opts = scanning.ScanOptions(regions=list(regions), frameworks=list(frameworks), settings=settings or Settings(),
                                workers=2)
    collected = (scanning.collect_fixture if replay else offline.collect)(doc_or_path, opts)
    return scanning.evaluate(collected, opts, {"kind": "fixture"})


def clause(report: dict, framework: str, clause_id: str) -> dict:
    matches = [c for c in report["clauses"] if c["framework"] == framework and c["clause"] == clause_id]
    assert len(matches) == 1, (framework, clause_id)
    return matches[0]


def findings(report: dict, rule: str | None = None, resource: str | None = None) -> list[dict]:
    return [f for f in report["findings"]
            if (rule is None or f["rule"] == rule) and (resource is None or f["resource_id"] == resource)]


@pytest.fixture(scope="session")
def gaps_report():
    return scan(fixture_path("hk-insurer-gaps.json"))


@pytest.fixture(scope="session")
def compliant_report():
    return scan(fixture_path("hk-insurer-compliant.json"))


@pytest.fixture
def gaps_doc():
    return copy.deepcopy(load_fixture("hk-insurer-gaps.json"))


@pytest.fixture
def compliant_doc():
    return copy.deepcopy(load_fixture("hk-insurer-compliant.json"))
