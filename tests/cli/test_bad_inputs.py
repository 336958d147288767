"""Bad input corpus: every input file (fixture, config, waivers, attestations, Terraform plan, baseline report)
spoiled eight ways (wrong type, truncated, unknown version, huge, deep nesting, invalid UTF-8, empty, binary)
and a few more. Each is exit 2 with ONE line on stderr naming the file (and the place, where there is one),
no traceback, nothing on stdout and no report file or temporary file left behind. Then each loader is fuzzed
with hypothesis: it loads or raises UsageError, nothing else.

The corpus is generated here (the huge files are sparse: they cost no disk and are refused by size first).
"""

from __future__ import annotations

import json
import os
import re
import tempfile

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from aliaudit import attestations, baseline, clauses, inputs, ratelimit, settings, snapshot, waivers
from aliaudit import plan as terraform
from aliaudit.cli import main
from aliaudit.errors import UsageError
from conftest import ROOT, fixture_path

GOOD_FIXTURE = fixture_path("hk-insurer-compliant.json")
HUGE = {"json": snapshot.MAX_BYTES + 1, "plan": inputs.MAX_JSON_BYTES + 1, "yaml": inputs.MAX_YAML_BYTES + 1}


def _read(*parts) -> str:
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as fh:
        return fh.read()


# kind -> (syntax, valid text, wrong type, unknown version, CLI args for the file)
KINDS = {
    "fixture": ("json", _read("examples", "fixtures", "hk-insurer-compliant.json"), "[1, 2, 3]",
                json.dumps({"format": "aliaudit-snapshot/9", "accounts": []}), lambda p: ["--fixture", p]),
    "config": ("yaml", "min_zones: 2\nallowed_regions: [cn-hongkong]\ncollection:\n  workers: 2\n", "- min_zones\n- 2\n",
               "version: 2\nmin_zones: 2\n", lambda p: ["--fixture", GOOD_FIXTURE, "--config", p]),
    "waivers": ("yaml", _read("examples", "ci", "waivers.example.yaml"), "rule: ecs-disk-encrypted\n",
                "- version: 2\n  rule: ecs-disk-encrypted\n", lambda p: ["--fixture", GOOD_FIXTURE, "--waivers", p]),
    "attestations": ("yaml", _read("examples", "attestations", "hk-insurer.yaml"), "clause: hkia-gl8:5.1(a)\n",
                     "- version: 2\n  clause: hkia-gl8:5.1(a)\n",
                     lambda p: ["--fixture", GOOD_FIXTURE, "--attestations", p]),
    "plan": ("plan", _read("tests", "plans", "fixed.plan.json"), '"a plan"',
             json.dumps({"format_version": "2.0", "resource_changes": []}), lambda p: ["--terraform-plan", p]),
    "baseline": ("json", json.dumps({"report_format": "aliaudit-report/1", "findings": []}), "42",
                 json.dumps({"report_format": "aliaudit-report/7", "findings": []}),
                 lambda p: ["--fixture", GOOD_FIXTURE, "--baseline", p]),
}
PLACE = re.compile(r"line \d+|byte offset \d+|at (top level|format|format_version|report_format|\S+)|unknown setting")


def _variants(kind: str) -> dict[str, bytes | int]:
    syntax, valid, wrong_type, unknown_version, _ = KINDS[kind]
    deep = ("[" * 100_000) if syntax != "yaml" else ("- " + "[" * 100_000)
    nested = json.dumps(json.loads("[" * 150 + "]" * 150))
    out = {
        "wrong-type": wrong_type.encode(),
        "truncated": valid.encode()[: len(valid.encode()) * 2 // 3 or 1],
        "unknown-version": unknown_version.encode(),
        "huge": HUGE["yaml" if syntax == "yaml" else syntax],
        "deep": deep.encode(),
        "nested-150": (nested if syntax != "yaml" else f"min_zones: {nested}\n").encode(),
        "invalid-utf8": valid.encode()[:40] + b"\xff\xfe\xc3\x28" + valid.encode()[40:80],
        "empty": b"",
        "binary": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)),
    }
    return out


CASES = [(kind, variant) for kind in KINDS for variant in _variants(kind)]
# the places a message must name (an empty or an over-sized file has no place but the file itself)
NEEDS_PLACE = {"wrong-type", "truncated", "unknown-version", "invalid-utf8", "binary", "nested-150"}


def test_the_corpus_is_at_least_40_cases():
    assert len(CASES) >= 40
    print(f"bad-input corpus: {len(CASES)} cases")


@pytest.mark.parametrize("kind,variant", CASES)
def test_bad_input_is_one_line_exit_2(tmp_path, kind, variant):
    content = _variants(kind)[variant]
    path = tmp_path / f"bad-{kind}-{variant}"
    if isinstance(content, int):
        with open(path, "wb") as fh:  # sparse: no disk used, the size is what is refused
            fh.truncate(content)
    else:
        path.write_bytes(content)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.json"
    result = CliRunner().invoke(main, ["scan", *KINDS[kind][4](str(path)), "--format", "json", "--output", str(out)])
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aliaudit: error: ") and str(path) in lines[0], lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    if variant in NEEDS_PLACE:
        assert PLACE.search(lines[0].split(str(path), 1)[1]), lines[0]
    assert os.listdir(out_dir) == [] and not [n for n in os.listdir(tmp_path) if n.startswith(".aliaudit-")]


# --- fuzzing: load or UsageError, nothing else --------------------------------------------------------------

CATALOGUES = clauses.load()
RULES = None


def _rules():
    global RULES
    if RULES is None:
        from aliaudit.rules import all_rules

        RULES = {r.id for r in all_rules()}
    return RULES


LOADERS = {
    "fixture": snapshot.load,
    "config": settings.load,
    "collection": ratelimit.load,
    "waivers": lambda p: waivers.load(p, _rules()),
    "attestations": lambda p: attestations.load(p, CATALOGUES),
    "plan": terraform.load,
    "baseline": baseline.load,
}
scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=20)
documents = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                         | st.dictionaries(st.text(max_size=12) | st.sampled_from(
                             ["format", "accounts", "format_version", "resource_changes", "report_format", "findings",
                              "rule", "clause", "expires", "collection", "min_zones", "retry"]), children, max_size=4),
                         max_leaves=20)


def _as_bytes(doc, how: str) -> bytes:
    import yaml

    if how == "json":
        return json.dumps(doc).encode()
    return yaml.safe_dump(doc, allow_unicode=True).encode()


def _load(name: str, raw: bytes):
    fd, path = tempfile.mkstemp(prefix="fuzz-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        try:
            LOADERS[name](path)
        except UsageError as exc:
            assert "\n" not in str(exc)
    finally:
        os.unlink(path)


FUZZ = hsettings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", LOADERS)
@FUZZ
@given(raw=st.binary(max_size=300))
def test_fuzz_bytes(name, raw):
    _load(name, raw)


@pytest.mark.parametrize("name", LOADERS)
@FUZZ
@given(doc=documents, how=st.sampled_from(["json", "yaml"]))
def test_fuzz_documents(name, doc, how):
    _load(name, _as_bytes(doc, how))


@pytest.mark.parametrize("name", LOADERS)
@FUZZ
@given(cut=st.integers(0, 4000), junk=st.binary(max_size=8))
def test_fuzz_spoiled_valid_files(name, cut, junk):
    """A valid file cut anywhere, with junk appended: loads or UsageError."""
    kind = {"collection": "config"}.get(name, name)
    valid = KINDS[kind][1].encode()
    _load(name, valid[: cut % (len(valid) + 1)] + junk)
