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
import subprocess
import sys
import tempfile

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from aliaudit import attestations, baseline, clauses, inputs, ratelimit, settings, snapshot, waivers
from aliaudit import plan as terraform
from aliaudit.cli import main
from aliaudit.errors import UsageError
from conftest import ROOT, examples, fixture_path

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


# derandomized in CI through the profile conftest.py loads; more examples with the nightly profile
FUZZ = hsettings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


# --- special files, strict parsing, checked values ----------------------------------------------------------------

BIG = "9" * 5000  # over Python's 4,300-digit limit for int("...")


def _special(kind: str, tmp_path) -> str:
    """A path that is not a regular file: a FIFO (opening it would block), a device that never ends, a
    symbolic link loop, a directory."""
    if kind == "fifo":
        path = tmp_path / "input.fifo"
        os.mkfifo(path)
    elif kind == "dev-zero":
        return "/dev/zero"
    elif kind == "symlink-loop":
        path = tmp_path / "loop-a"
        os.symlink(tmp_path / "loop-b", path)
        os.symlink(path, tmp_path / "loop-b")
    else:
        path = tmp_path / "a-directory"
        path.mkdir()
    return str(path)


SPECIAL = ("fifo", "dev-zero", "symlink-loop", "directory")
# (kind, name, content, what the message must say)
STRICT = [
    *[(kind, "huge-integer", text, "4300 digits") for kind, text in (
        ("fixture", '{"format": "aliaudit-snapshot/1", "accounts": [], "n": ' + BIG + "}"),
        ("plan", '{"format_version": "1.2", "resource_changes": [], "n": ' + BIG + "}"),
        ("baseline", '{"report_format": "aliaudit-report/1", "findings": [], "n": ' + BIG + "}"),
        ("config", f"min_zones: {BIG}\n"),
        ("waivers", f"- rule: {BIG}\n"),
        ("attestations", f"- clause: {BIG}\n"))],
    *[(kind, "duplicate-key", text, "duplicate key") for kind, text in (
        ("fixture", '{"format": "aliaudit-snapshot/1",\n "accounts": [],\n "format": "aliaudit-snapshot/1"}'),
        ("plan", '{"format_version": "1.2",\n "resource_changes": [],\n "resource_changes": []}'),
        ("baseline", '{"report_format": "aliaudit-report/1",\n "findings": [],\n "findings": []}'),
        ("config", "min_zones: 2\nallowed_regions: [cn-hongkong]\nmin_zones: 3\n"),
        # the same waiver re-dated further down: the later date must not win silently
        ("waivers", re.sub(r"(?m)^(  expires: .*\n)", r"\1  expires: 2099-12-31\n",
                           _read("examples", "ci", "waivers.example.yaml"), count=1)),
        ("attestations", re.sub(r"(?m)^(  expires: .*\n)", r"\1  expires: 2099-12-31\n",
                                _read("examples", "attestations", "hk-insurer.yaml"), count=1)))],
    ("waivers", "impossible-date", re.sub(r"(?m)^  expires: .*$", "  expires: 2027-02-30",
                                          _read("examples", "ci", "waivers.example.yaml"), count=1), "2027-02-30"),
    ("attestations", "impossible-date", re.sub(r"(?m)^  expires: .*$", "  expires: 2027-02-30",
                                               _read("examples", "attestations", "hk-insurer.yaml"), count=1),
     "2027-02-30"),
    # config values outside their domain, refused at load time
    ("config", "tls-banana", "min_tls_version: banana\n", "not a TLS version"),
    ("config", "negative-threshold", "rds_backup_retention_days: -7\n", "out of range"),
    ("config", "zero-zones", "min_zones: 0\n", "out of range"),
    ("config", "no-regions", "allowed_regions: []\n", "at least one region"),
    ("config", "nan-timeout", "collection:\n  read_timeout_s: .nan\n", "positive number"),
    ("config", "infinite-timeout", "collection:\n  connect_timeout_s: .inf\n", "positive number"),
    ("config", "infinite-retry", "collection:\n  retry:\n    max_total_s: .inf\n", "positive number"),
    # a newline in an unknown key (found by hypothesis): still one line
    ("config", "newline-in-key", '"unknown\\nkey": 1\n', "unknown setting"),
    ("attestations", "newline-in-key", '- {clause: "hkia-gl8:5.1(a)", "bad\\nfield": 1}\n', "unknown field"),
    ("waivers", "newline-in-key", '- {rule: ecs-disk-encrypted, "bad\\nkey": 1}\n', "unknown key"),
]


def _run_bad(tmp_path, args: list[str]):
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / "report.json"
    result = CliRunner().invoke(main, [*args, "--format", "json", "--output", str(out), "--record",
                                       str(out_dir / "rec.json")])
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("aliaudit: error: "), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert os.listdir(out_dir) == [] and not [n for n in os.listdir(tmp_path) if n.startswith(".aliaudit-")]
    return lines[0]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("special", SPECIAL)
def test_a_special_file_is_refused_before_it_is_read(tmp_path, kind, special):
    path = _special(special, tmp_path)
    line = _run_bad(tmp_path, ["scan", *KINDS[kind][4](path)])
    assert path in line and ("regular file" in line or "directory" in line or "link loop" in line), line


@pytest.mark.parametrize("command", ["verify", "diff-old", "diff-new"])
@pytest.mark.parametrize("special", SPECIAL)
def test_verify_and_diff_refuse_special_files(tmp_path, command, special):
    path = _special(special, tmp_path)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"report_format": "aliaudit-report/1", "findings": []}))
    args = {"verify": ["verify", path], "diff-old": ["diff", path, str(good)], "diff-new": ["diff", str(good), path]}
    result = CliRunner().invoke(main, args[command])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert path in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind,name,content,says", STRICT, ids=[f"{k}-{n}" for k, n, _, _ in STRICT])
def test_strict_inputs_are_one_line_exit_2(tmp_path, kind, name, content, says):
    path = tmp_path / f"{kind}-{name}"
    path.write_text(content)
    line = _run_bad(tmp_path, ["scan", *KINDS[kind][4](str(path))])
    assert str(path) in line and says in line, line
    if name == "duplicate-key":
        assert len(re.findall(r"line \d+", line)) == 2, line  # both places


def test_a_store_in_a_missing_folder_is_refused_before_collecting(tmp_path):
    line = _run_bad(tmp_path, ["scan", "--fixture", GOOD_FIXTURE, "--store", str(tmp_path / "missing" / "h.db")])
    assert "does not exist" in line and not (tmp_path / "missing").exists()


def test_the_whole_corpus_counts():
    special = len(KINDS) * len(SPECIAL) + 3 * len(SPECIAL)
    print(f"strict-input corpus: {special} special files, {len(STRICT)} strict-parsing cases")
    assert special + len(STRICT) >= 50


def test_hypothesis_is_derandomized_in_ci_and_has_a_nightly_profile():
    probe = ("import conftest; from hypothesis import settings as s; d = s.default; "
             "print(d.derandomize, d.database, d.max_examples)")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "ALIAUDIT_HYPOTHESIS_PROFILE")}
    ci = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=os.path.join(ROOT, "tests"),
                        env={**env, "CI": "true"}, check=True).stdout.split()
    assert ci[:2] == ["True", "None"], ci
    nightly = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             cwd=os.path.join(ROOT, "tests"), env={**env, "ALIAUDIT_HYPOTHESIS_PROFILE": "nightly"},
                             check=True).stdout.split()
    assert nightly[0] == "False" and int(nightly[2]) > 100, nightly
