"""One scan, top to bottom. `aliaudit scan` parses its options into a Request (cli.py) and calls `run`:

    1. inputs     every file the scan reads from the user, read first, and the --store opened: a bad one is
                  exit 2 before any call
    2. source     the snapshot: a fixture, the live tenant (one account or an organisation), a Terraform plan
    3. evaluate   the rules over the snapshot (engine.py)
    4. adjust     the plan's annotations (plan/annotate.py), then waivers
    5. roll up    findings -> clause statuses, with attestations (report.py), and the one-page summary; an
                  account whose regions could not be listed has no verdict (INCOMPLETE, report["incomplete"])
    6. mark       the baseline's marks, the plan's summary, and the warnings to print
    7. outputs    the recorded snapshot, per-account reports, the history store (before the reports: they
                  carry the trend), the report files; all staged, then put in place together or not at all
    8. exit code  0 / 1 (a FAIL at or above --fail-on; with a baseline, a new one) / 3 (incomplete)

Each stage is a function of what the stages before it returned; none reaches back up.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import os
from typing import Callable

from aliaudit.rules import all_rules

from . import attestations as attesting, baseline as baselines, clauses, cli_output, engine, history, plan as plans
from . import offline, record, report as reporting, snapshot, sources, waivers as waiving
from .attestations import warnings as attestation_warnings
from .errors import CredentialsError, UsageError  # noqa: F401  (CredentialsError: part of this module's API)
from .identity import IDENTITY_CALLS, identify  # noqa: F401  (re-exported for the tests and benchmarks)
from .model import FAIL
from .options import OutputOptions, Request, ScanOptions
from .reporters import EXTENSIONS, FORMATS, summary
from .report import REPORT_FORMAT, exit_code  # noqa: F401
from .scope import Scope, check_baseline, narrow_waivers
from .sources import Taken, collect_fixture, collect_live  # noqa: F401


@dataclasses.dataclass(frozen=True)
class Inputs:
    opts: ScanOptions                  # with the checked attestations
    plan_doc: dict | None = None
    waivers: list | None = None
    baseline: dict | None = None
    today: dt.date | None = None


@dataclasses.dataclass(frozen=True)
class Result:
    report: dict
    exit_code: int
    messages: tuple[str, ...] = ()
    stdout: str | None = None          # the report meant for standard output, if any


def run(request: Request, step: Callable[[str], None] = lambda text: None) -> Result:
    """`step(text)` is told what the scan is doing (the offline status line, progress.OfflineLine)."""
    offline_scan = request.source.fixture and not request.source.replay
    with snapshot.no_cycle_collection() if offline_scan else contextlib.nullcontext():
        return _run(request, step)


def _run(request: Request, step: Callable[[str], None]) -> Result:
    inputs = read_inputs(request)
    if request.source.fixture:
        step(f"reading {request.source.fixture}")
    taken = take_snapshot(request, inputs)
    if gc.isenabled():  # a live scan or a plan: from here on, the same shape of work as an offline scan
        with snapshot.no_cycle_collection():
            return _evaluate_and_write(request, step, inputs, taken)
    return _evaluate_and_write(request, step, inputs, taken)


def _evaluate_and_write(request: Request, step: Callable[[str], None], inputs: Inputs, taken: Taken) -> Result:
    step("evaluating the rules")
    scope, cats, rules = in_scope(inputs.opts)
    findings = engine.evaluate(taken.snapshot, rules, inputs.opts.settings)
    findings, waiver_states = adjust(findings, taken, inputs, rules)
    digest = None
    if not request.source.plan_path and not (request.outputs.record_path or request.outputs.per_account_dir):
        # the resources are needed no more (offline or live; a plan's summary and the recording read them):
        # freed before the report is built (100k resources: the peak was the snapshot, the findings and the
        # report held together)
        digest = record.digest(taken.snapshot)
        snapshot.drop_resources(taken.snapshot)
    report = roll_up(taken.snapshot, findings, inputs.opts, taken.source, scope, cats, digest)
    report, messages = mark(report, taken, inputs, waiver_states, request.allow_different_scope)
    report = record.scrub_in_place(report, list(taken.secrets))
    step("writing the report")
    stdout = write_outputs(report, taken, inputs.opts, request.outputs)
    return Result(report, final_exit_code(report, request.fail_on, inputs.baseline), tuple(messages), stdout)


# 1. inputs

def read_inputs(request: Request) -> Inputs:
    src, opts = request.source, request.opts
    if src.fixture and src.plan_path:
        raise UsageError("--fixture and --terraform-plan cannot be used together")
    if request.outputs.redact and not request.outputs.record_path:
        raise UsageError("--redact applies to --record FILE")
    if src.replay and not src.fixture:
        raise UsageError("--replay applies to --fixture FILE")
    plan_doc = plans.load(src.plan_path) if src.plan_path else None
    waivers = waiving.load(request.waivers_path, {r.id for r in all_rules()}) if request.waivers_path else None
    if opts.scope is not None:
        waivers = narrow_waivers(waivers, opts.scope, all_rules())
    baseline = baselines.load(request.baseline_path) if request.baseline_path else None
    if opts.frameworks:
        clauses.load(list(opts.frameworks))  # an unknown framework is exit 2 now, not after collecting
    if request.attestations_path:
        opts = dataclasses.replace(opts, attestations=attesting.load(request.attestations_path, clauses.load_all()))
    if request.outputs.store_url:  # a store that cannot be opened is exit 2 now, not after collecting
        history.open_store(request.outputs.store_url).close()
    return Inputs(opts, plan_doc, waivers, baseline)


# 2. source

def take_snapshot(request: Request, inputs: Inputs) -> Taken:
    if inputs.plan_doc is not None:
        return sources.from_plan(inputs.plan_doc, request.source.plan_path, inputs.opts)
    if request.source.fixture:
        return sources.from_fixture(request.source.fixture, inputs.opts, request.source.replay)
    return sources.from_live(request.source, inputs.opts)


# 3. evaluate: engine.evaluate, over the rules in scope

def in_scope(opts: ScanOptions) -> tuple[Scope, list[dict], list]:
    """The scope (--framework, --clause, --severity, ...), its catalogues and the rules it evaluates."""
    scope = opts.scope if opts.scope is not None else Scope(frameworks=tuple(opts.frameworks))
    every = all_rules()
    cats = scope.catalogues(every)
    return scope, cats, scope.select_rules(every, cats)


# 4. adjust

def adjust(findings: list[dict], taken: Taken, inputs: Inputs, rules: list) -> tuple[list[dict], list[dict] | None]:
    """The plan's annotations (gaps as ERROR, addresses, not-assessable rules), then waivers."""
    if taken.plan is not None:
        findings = plans.annotate(findings, taken.plan, rules)
    if inputs.waivers is None:
        return findings, None
    return waiving.apply(findings, inputs.waivers, inputs.today)


# 5. roll up

def roll_up(collected: dict, findings: list[dict], opts: ScanOptions, source: dict, scope: Scope,
            cats: list[dict], digest: str | None = None) -> dict:
    """Clause statuses and the report (report.py), with its one-page summary (reporters/summary.py)."""
    report = reporting.build(collected, findings, opts, source, scope, cats, digest)
    report["summary"] = summary.build(report)
    return report


# 6. mark

def mark(report: dict, taken: Taken, inputs: Inputs, waiver_states: list[dict] | None,
         allow_different_scope: bool = False) -> tuple[dict, list[str]]:
    messages: list[str] = []
    if taken.plan is not None:
        report["terraform"] = taken.plan.summary()
        if not taken.plan.planned:
            messages.append(f"{taken.plan.path}: the plan creates or changes no resource type aliaudit assesses; "
                            "nothing was checked")
        for rtype, addresses in sorted(taken.plan.not_assessed.items()):
            messages.append(f"not assessed (no mapping for {rtype}): {', '.join(sorted(addresses))}")
    if waiver_states is not None:
        report["waivers"] = waiver_states
        messages += waiving.warnings(waiver_states)
    messages += attestation_warnings(report)
    if inputs.baseline is not None:
        check_baseline(inputs.baseline, report, allow_different_scope)  # another scope or accounts: exit 2
        fails = [f for f in baselines.mark(report, inputs.baseline) if f["status"] == FAIL]
        if fails:
            messages.append(f"{len(fails)} FAIL(s) not in the baseline: " + ", ".join(
                sorted({f"{f['rule']} {f['resource_id']}" for f in fails})))
    return report, messages


# 7. outputs

def write_outputs(report: dict, taken: Taken, opts: ScanOptions, out: OutputOptions) -> str | None:
    """--record and --per-account-dir staged, the result saved in the --store (before the reports are rendered:
    they show the trend since the previous scan), every report staged, then all the files put in place
    together (cli_output.Pending): a failure or an interruption leaves none. Returns the text for standard
    output."""
    pending = cli_output.Pending()
    try:
        if out.record_path:
            recorded = record.prepare(taken.snapshot, list(taken.secrets), redact_ids=out.redact)
            pending.stage(out.record_path, snapshot.dumps(recorded), "the recording")
        if out.per_account_dir:
            fmt = out.targets[0][0]
            try:
                os.makedirs(out.per_account_dir, exist_ok=True)
            except OSError as exc:
                raise UsageError(f"cannot create the --per-account-dir: {exc.strerror}", out.per_account_dir) from None
            for account_id, one in account_reports(taken.snapshot, opts, taken.source).items():
                one = record.scrub(one, list(taken.secrets))
                pending.stage(os.path.join(out.per_account_dir, f"{account_id}.{EXTENSIONS[fmt]}"),
                              FORMATS[fmt](one, color=False), f"the report of account {account_id}")
        if out.store_url:
            store = history.open_store(out.store_url)
            try:
                store.save(report)
                report["summary"]["trend"] = summary.trend(store, report)
            finally:
                store.close()
        stdout = cli_output.write(report, list(out.targets), isatty=out.isatty, output_dir=out.output_dir,
                                  pending=pending)
        pending.commit()
    except BaseException:
        pending.discard()
        raise
    return stdout


# 8. exit code

def final_exit_code(report: dict, fail_on: str, baseline: dict | None) -> int:
    return baselines.exit_code(report, fail_on) if baseline is not None else exit_code(report, fail_on)


# Stages 3-5 for one snapshot, without the command's inputs: per-account reports, tests, benchmarks.

def evaluate(collected: dict, opts: ScanOptions, source: dict, adjust=None) -> dict:
    """`adjust(findings) -> findings` runs before the roll-up."""
    scope, cats, rules = in_scope(opts)
    findings = engine.evaluate(collected, rules, opts.settings)
    if adjust is not None:
        findings = adjust(findings)
    return roll_up(collected, findings, opts, source, scope, cats)


def account_reports(collected: dict, opts: ScanOptions, source: dict) -> dict[str, dict]:
    """One report per account of a multi-account snapshot."""
    out = {}
    for account in collected["accounts"]:
        one = {k: v for k, v in collected.items() if k not in ("accounts", "organisation", "identities")}
        one["accounts"] = [account]
        one["identities"] = [i for i in collected.get("identities", []) if i["account_id"] == account["account_id"]]
        out[account["account_id"]] = evaluate(one, opts, source)
    return out
