"""Clause catalogues (data, in rules/catalogues/*.yaml) and the per-clause roll-up.

Roll-up of an automated clause over the findings of its rules: any FAIL gives
NON_COMPLIANT; otherwise any ERROR gives INCOMPLETE; otherwise any PASS gives
COMPLIANT; with nothing in scope it is NOT_APPLICABLE. A manual clause is MANUAL.
WAIVED findings (FAILs accepted by a waiver) count like PASS for the status and show in counts.
A hybrid clause is rolled up like an automated one, and reports that part of it
still needs a person. A clause that is not manual but names no rule reads MANUAL, never
NOT_APPLICABLE or COMPLIANT: nothing has checked it.

A catalogue with `default: false` (the CIS benchmark) is reported only when named with
--framework; the others make the default report. A catalogue may group its clauses in
`sections`; the roll-up then gives each clause its `section` and `section_title`.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from importlib import resources as _res

import yaml

from .errors import UsageError
from .model import (COMPLIANT, ERROR, FAIL, INCOMPLETE, MANUAL, NON_COMPLIANT, NOT_APPLICABLE, PASS, WAIVED)

KINDS = ("automated", "manual", "hybrid")


def _files() -> list:
    """The catalogue files found in rules/catalogues/: one framework each, named after the file."""
    folder = _res.files("aliaudit.rules") / "catalogues"
    return sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda p: p.name)


def framework_names() -> list[str]:
    """The frameworks found, from the file names alone (no YAML parsed: --help stays fast)."""
    return [e.name[:-len(".yaml")] for e in _files()]


@lru_cache(maxsize=1)
def _all() -> tuple[dict, ...]:
    docs = []
    for entry in _files():
        # libyaml's safe loader when PyYAML has it (5x faster: the catalogues are read before a live scan's
        # first call), else the pure-Python one; the same documents either way
        doc = yaml.load(entry.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if not isinstance(doc, dict) or doc.get("framework") != entry.name[:-len(".yaml")]:
            raise RuntimeError(f"rules/catalogues/{entry.name}: its framework must be named after the file")
        docs.append(doc)
    return tuple(sorted(docs, key=lambda d: d.get("order", 99)))


def frameworks() -> list[str]:
    return [c["framework"] for c in _all()]


def load(names: list[str] | None = None) -> list[dict]:
    """The named catalogues, or with no names the default ones (every catalogue without `default: false`)."""
    cats = list(_all())
    if not names:
        return [c for c in cats if c.get("default", True)]
    known = {c["framework"]: c for c in cats}
    out = []
    for name in names:
        if name not in known:
            raise UsageError(f"unknown framework {name!r} (known: {', '.join(known)})")
        out.append(known[name])
    return out


def load_all() -> list[dict]:
    """Every catalogue, default or not (clause references in attestations, clause texts)."""
    return list(_all())


def for_report(names: list[str] | None = None) -> list[dict]:
    """The catalogues a report covers (its `frameworks`, or the default ones); unknown names are ignored."""
    known = [c for c in _all() if c["framework"] in set(names or [])]
    return known or load()


def opt_in_frameworks() -> dict[str, list[str]]:
    """rule id -> the opt-in frameworks (`default: false`) of a rule whose clauses are all in opt-in
    catalogues (a CIS-only rule): such a rule runs only when its framework, one of its clauses or the
    rule itself (--rule) is asked for, so it never adds findings to a default (HKIA) scan."""
    default = {c["framework"] for c in _all() if c.get("default", True)}
    out: dict[str, list[str]] = {}
    for rid, keys in rule_clauses().items():
        frameworks = list(dict.fromkeys(k.split(":", 1)[0] for k in keys))
        if not set(frameworks) & default:
            out[rid] = frameworks
    return out


def rule_clauses(catalogues: list[dict] | None = None) -> dict[str, list[str]]:
    """rule id -> ["hkia-gl8:5.1(b)", ...], from the catalogues (all of them by default)."""
    out: dict[str, list[str]] = {}
    for cat in catalogues if catalogues is not None else _all():
        for clause in cat["clauses"]:
            for rid in clause.get("rules", []):
                out.setdefault(rid, []).append(f"{cat['framework']}:{clause['id']}")
    return out


def status_of(statuses: Counter) -> str:
    if statuses[FAIL]:
        return NON_COMPLIANT
    if statuses[ERROR]:
        return INCOMPLETE
    if statuses[PASS] or statuses[WAIVED]:  # FAILs that are all waived leave the clause compliant
        return COMPLIANT
    return NOT_APPLICABLE


def roll_up(catalogues: list[dict], findings: list[dict]) -> list[dict]:
    by_rule: dict[str, Counter] = {}
    for f in findings:
        by_rule.setdefault(f["rule"], Counter())[f["status"]] += 1
    out = []
    for cat in catalogues:
        sections = {str(s["id"]): s["title"] for s in cat.get("sections", [])}
        for clause in cat["clauses"]:
            rules = list(clause.get("rules", []))
            counts: Counter = Counter()
            for rid in rules:
                counts.update(by_rule.get(rid, Counter()))
            kind = clause["kind"]
            unruled = kind != "manual" and not rules  # nothing checks it: never NOT_APPLICABLE or COMPLIANT
            status = MANUAL if kind == "manual" or unruled else status_of(counts)
            entry = {
                "framework": cat["framework"],
                "clause": clause["id"],
                "title": clause["title"],
                "kind": kind,
                "status": status,
                "rules": rules,
                "counts": {k: counts[k] for k in (PASS, FAIL, ERROR, NOT_APPLICABLE, WAIVED) if counts[k]},
            }
            if clause.get("section") is not None:
                entry["section"] = str(clause["section"])
                entry["section_title"] = sections.get(str(clause["section"]), "")
            for key in ("level", "assessment"):
                if clause.get(key) is not None:
                    entry[key] = clause[key]
            if unruled:
                entry["reason"] = "no rule answers this clause yet: it needs a person"
            elif kind == "manual":
                entry["reason"] = " ".join(str(clause.get("reason") or
                                               "organisational clause: needs an attestation with evidence").split())
            elif kind == "hybrid":
                entry["reason"] = "technical part checked; " + clause.get("manual_part", "the rest needs an attestation")
            if status == INCOMPLETE:
                entry["reason"] = f"{counts[ERROR]} check(s) could not read their data"
            out.append(entry)
    return out
