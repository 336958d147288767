"""No secret in any output: every report format, the recording, the history store, stdout and the --verbose
stderr, and the error messages, for a scan with a distinctive AccessKey secret and STS token, and for one that
assumes a role (whose temporary secret and token the fake makes up). Request signatures neither.

The scans run in a fresh process (the credential chain reads the environment at import) with the fake cloud in
it, through the real SDKs, and some calls fail (a RAM policy denies them) so error messages are in the outputs.

Then the same with an endpoint that echoes the whole request back in its error message (URL with its query,
every header with the Authorization header and the STS token, the body; tests/cli_fake_runner.py): for list and
detail calls (the report path: every format, the recording, the history store, SQLite and PostgreSQL when
ALIAUDIT_TEST_POSTGRES_URL is set, --per-account-dir), and for the calls whose failure is a fatal one-line error
(GetCallerIdentity, AssumeRole with --role-arn) or an incomplete report (DescribeRegions, 400 and 500).
"""

import json
import os
import re
import subprocess
import sys

import pytest

from aliaudit.cli_output import FORMAT_NAMES
from conftest import ROOT, load_fixture

ACCOUNT = "5184000000000001"
KEY_ID = "STS.leaktest0001"
SECRET = "zz-LEAK-secret-Qm9v8Xb2Lr7Tn4Wc"
TOKEN = "zz-LEAK-token-Hj3Kd8Pq1Vx6Ns0Rb5Ty2Mf7Ga"
BASE_SECRET = "zz-LEAK-base-secret-Ur4Ye9Io2Pa"
RUNNER = os.path.join(ROOT, "tests", "cli_fake_runner.py")
# What a signature or an Authorization header looks like (RPC ACS3, OSS V4/V1, RPC V2 query signatures).
# A redacted value ("Signature=[REDACTED]") is fine: the name without its value tells nothing (nor one cut by
# the table's line wrapping).
_NOT_REDACTED = r"\s*\\?['\"]?(?!\[REDACTED\])[A-Za-z0-9+/=%_-]"
SIGNATURE = re.compile(r"ACS3-HMAC-SHA256|OSS4-HMAC-SHA256|Signature(Nonce)?=" + _NOT_REDACTED + "|"
                       r"Authorization['\"]?:" + _NOT_REDACTED + r"|x-acs-security-token['\"]?:" + _NOT_REDACTED +
                       r"|SecurityToken=" + _NOT_REDACTED + r"|OSS [A-Za-z0-9.]+:[A-Za-z0-9+/=]{20,}", re.I)
DENY = {"Version": "1", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Deny", "Action": ["oss:GetBucketPolicy", "rds:DescribeDBInstanceSSL", "ecs:DescribeDisks"],
     "Resource": "*"}]}


def _doc(tmp_path):
    doc = load_fixture("hk-insurer-gaps.json")
    doc["fake"] = {
        "access_keys": [{"id": KEY_ID, "secret": SECRET, "security_token": TOKEN, "account_id": ACCOUNT,
                         "policy": DENY},
                        {"id": "base-leaktest", "secret": BASE_SECRET, "account_id": ACCOUNT}],
        "roles": [{"account_id": ACCOUNT, "name": "Auditor", "trusted_accounts": [ACCOUNT], "policy": DENY}],
    }
    path = tmp_path / "tenant.json"
    path.write_text(json.dumps(doc))
    return str(path)


def _run(doc_path, args, env, home, echo=""):
    full = {k: v for k, v in os.environ.items() if not k.startswith("ALIBABA_CLOUD_")}
    full.update(env, HOME=str(home), ALIBABA_CLOUD_ECS_METADATA_DISABLED="true", ALIAUDIT_TEST_ECHO=echo)
    return subprocess.run([sys.executable, RUNNER, doc_path, *args], capture_output=True, text=True, env=full,
                          cwd=os.path.join(ROOT, "tests"), timeout=300)


def _postgres_rows(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        return "\n".join(str(row) for table in ("scans", "clause_status", "findings")
                         for row in conn.execute(f"SELECT * FROM {table}").fetchall())


def _everything(folder, *procs) -> dict[str, str]:
    """Every file under folder (bytes decoded leniently, so a database file counts too) and every stream."""
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            if name == "tenant.json":
                continue  # the fake's own state holds the keys, by design
            path = os.path.join(root, name)
            with open(path, "rb") as fh:
                out[path] = fh.read().decode("utf-8", "replace")
    for n, proc in enumerate(procs):
        out[f"stdout {n}: {proc.args[3:]}"] = proc.stdout
        out[f"stderr {n}: {proc.args[3:]}"] = proc.stderr
    return out


def _assert_clean(texts: dict[str, str], secrets: list[str], patterns=()) -> None:
    for where, text in texts.items():
        for s in secrets:
            assert s not in text, f"secret {s[:12]}... in {where}"
        for p in (SIGNATURE, *patterns):
            m = p.search(text)
            assert m is None, f"{m.group(0) if m else ''!r} in {where}"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("secrets")
    doc = _doc(tmp)
    formats = [a for f in FORMAT_NAMES for a in ("--format", f)]
    common = ["scan", "--region", "cn-hongkong", "--verbose", *formats]
    sts_env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET,
               "ALIBABA_CLOUD_SECURITY_TOKEN": TOKEN}
    base_env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "base-leaktest", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": BASE_SECRET}
    procs = [
        # the STS token from the environment: every format, the recording (also redacted), the history
        _run(doc, [*common, "--output-dir", str(tmp / "sts"), "--record", str(tmp / "sts.rec.json"),
                   "--store", str(tmp / "history.db")], sts_env, tmp),
        _run(doc, ["scan", "--region", "cn-hongkong", "--format", "json", "--output", str(tmp / "redacted.json"),
                   "--record", str(tmp / "redacted.rec.json"), "--redact"], sts_env, tmp),
        # a role assumed from a base key: the fake makes up the temporary secret and token
        _run(doc, [*common, "--output-dir", str(tmp / "role"), "--record", str(tmp / "role.rec.json"),
                   "--role-arn", f"acs:ram::{ACCOUNT}:role/auditor"], base_env, tmp),
        # refusals: a wrong token, a wrong secret, a role that cannot be assumed (error messages only)
        _run(doc, ["scan", "--region", "cn-hongkong"], {**sts_env, "ALIBABA_CLOUD_SECURITY_TOKEN": TOKEN + "x"}, tmp),
        _run(doc, ["scan", "--region", "cn-hongkong", "--verbose"],
             {**sts_env, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET + "x"}, tmp),
        _run(doc, ["scan", "--role-arn", f"acs:ram::{ACCOUNT}:role/nobody", "--verbose"], base_env, tmp),
    ]
    return tmp, procs


def test_the_scans_ran_and_wrote_everything(runs):
    tmp, procs = runs
    assert [p.returncode for p in procs] == [1, 1, 1, 2, 2, 2], [p.stderr for p in procs]
    for folder in ("sts", "role"):
        assert len(os.listdir(tmp / folder)) == len(FORMAT_NAMES)
    report = json.loads((tmp / "sts" / "aliaudit-report.json").read_text())
    assert report["identities"][0]["principal"]
    # error messages of the denied calls are in the outputs, so they were checked too
    assert {e["code"] for e in report["collection_errors"]} >= {"Forbidden.RAM", "AccessDenied"}
    assert "InvalidSecurityToken" in procs[3].stderr and "SignatureDoesNotMatch" in procs[4].stderr
    assert "cannot assume" in procs[5].stderr


def test_no_secret_token_or_signature_anywhere(runs):
    tmp, procs = runs
    texts = _everything(tmp, *procs)
    assert len(texts) >= 2 * len(FORMAT_NAMES) + 5 + 2 * len(procs)
    # the role's temporary credentials: the fake's tokens are "fake-token-<48 hex>", its key ids "STS.fake<hex>"
    _assert_clean(texts, [SECRET, TOKEN, BASE_SECRET], [re.compile(r"fake-token-[0-9a-f]{8}")])


STS_ENV = {"ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": SECRET,
           "ALIBABA_CLOUD_SECURITY_TOKEN": TOKEN}
BASE_ENV = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "base-leaktest", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": BASE_SECRET}
POSTGRES = os.environ.get("ALIAUDIT_TEST_POSTGRES_URL")


@pytest.fixture(scope="module")
def echoed(tmp_path_factory):
    """Scans against an endpoint that echoes requests back in its errors."""
    tmp = tmp_path_factory.mktemp("echo")
    doc = _doc(tmp)
    (tmp / "one-try.yaml").write_text("collection:\n  retry:\n    attempts: 1\n")
    formats = [a for f in FORMAT_NAMES for a in ("--format", f)]
    common = ["scan", "--region", "cn-hongkong", "--verbose", *formats]
    store = POSTGRES or str(tmp / "history.db")
    detail = "DescribeDisks,DescribeDBInstanceSSL,oss:policy"
    procs = [
        # the report path: list and detail calls echo; every format, the recording, the store, per-account files
        _run(doc, [*common, "--output-dir", str(tmp / "sts"), "--record", str(tmp / "sts.rec.json"),
                   "--store", store, "--per-account-dir", str(tmp / "per-account")], STS_ENV, tmp, detail),
        # the same through --role-arn: the temporary token of the assumed role is in the echoed headers
        _run(doc, [*common, "--output-dir", str(tmp / "role"), "--record", str(tmp / "role.rec.json"),
                   "--role-arn", f"acs:ram::{ACCOUNT}:role/auditor", "--per-account-dir", str(tmp / "role-accounts")],
             BASE_ENV, tmp, detail),
        # fatal one-line errors
        _run(doc, ["scan", "--region", "cn-hongkong"], STS_ENV, tmp, "GetCallerIdentity"),
        _run(doc, ["scan", "--role-arn", f"acs:ram::{ACCOUNT}:role/auditor"], BASE_ENV, tmp, "AssumeRole"),
        # DescribeRegions refused (400) and failing (500): an incomplete report, exit 3
        _run(doc, [*common, "--output-dir", str(tmp / "regions-400"), "--record", str(tmp / "regions.rec.json"),
                   "--store", store], STS_ENV, tmp, "DescribeRegions"),
        _run(doc, ["scan", "--config", str(tmp / "one-try.yaml"), "--format", "json", "--output",
                   str(tmp / "regions-500.json")], STS_ENV, tmp, "DescribeRegions=500"),
    ]
    return tmp, procs


def test_the_echoing_scans_ran_and_the_echo_reached_the_outputs(echoed):
    tmp, procs = echoed
    assert [p.returncode for p in procs] == [1, 1, 2, 2, 3, 3], [p.stderr[-400:] for p in procs]
    for folder in ("sts", "role"):
        report = json.loads((tmp / folder / "aliaudit-report.json").read_text())
        echoed_errors = [e for e in report["collection_errors"] if "[REDACTED]" in e["message"]]
        assert {e["action"] for e in echoed_errors} >= {"DescribeDisks", "DescribeDBInstanceSSL"}, folder
    assert os.listdir(tmp / "per-account") == [f"{ACCOUNT}.table.txt"] or os.listdir(tmp / "per-account")
    assert "[REDACTED]" in procs[2].stderr and "[REDACTED]" in procs[3].stderr
    for n in (4, 5):
        assert "cannot list regions" in procs[n].stderr and "could not confirm the identity" not in procs[n].stderr


def test_no_secret_token_or_signature_in_echoed_errors(echoed):
    tmp, procs = echoed
    texts = _everything(tmp, *procs)
    if POSTGRES:
        texts["postgresql history store"] = _postgres_rows(POSTGRES)
    assert len(texts) >= 2 * len(FORMAT_NAMES) + 3 + 2 * len(procs)
    _assert_clean(texts, [SECRET, TOKEN, BASE_SECRET], [re.compile(r"fake-token-[0-9a-f]{8}")])
