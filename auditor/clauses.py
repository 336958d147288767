"""Clause catalogues (data, in rules/catalogues/*.yaml) and the per-clause roll-up.

Roll-up of an automated clause over the findings of its rules: any FAIL gives
NON_COMPLIANT; otherwise any ERROR gives INCOMPLETE; otherwise any PASS gives
COMPLIANT; with nothing in scope it is NOT_APPLICABLE. A manual clause is MANUAL.
WAIVED findings (FAILs accepted by a waiver) count like PASS for the status and show in counts.
A hybrid clause is rolled up like an automated one, and reports that part of it
still needs a person.
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
        doc = yaml.safe_load(entry.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("framework") != entry.name[:-len(".yaml")]:
            raise RuntimeError(f"rules/catalogues/{entry.name}: its framework must be named after the file")
        docs.append(doc)
    return tuple(sorted(docs, key=lambda d: d.get("order", 99)))


def frameworks() -> list[str]:
    return [c["framework"] for c in _all()]


def load(names: list[str] | None = None) -> list[dict]:
    cats = list(_all())
    if not names:
        return cats
    known = {c["framework"]: c for c in cats}
    out = []
    for name in names:
        if name not in known:
            raise UsageError(f"unknown framework {name!r} (known: {', '.join(known)})")
        out.append(known[name])
    return out


def rule_clauses(catalogues: list[dict] | None = None) -> dict[str, list[str]]:
    """rule id -> ["hkia-gl8:5.1(b)", ...], from the catalogues."""
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
        for clause in cat["clauses"]:
            rules = list(clause.get("rules", []))
            counts: Counter = Counter()
            for rid in rules:
                counts.update(by_rule.get(rid, Counter()))
            kind = clause["kind"]
            status = MANUAL if kind == "manual" else status_of(counts)
            entry = {
                "framework": cat["framework"],
                "clause": clause["id"],
                "title": clause["title"],
                "kind": kind,
                "status": status,
                "rules": rules,
                "counts": {k: counts[k] for k in (PASS, FAIL, ERROR, NOT_APPLICABLE, WAIVED) if counts[k]},
            }
            if kind == "manual":
                entry["reason"] = "organisational clause: needs an attestation with evidence"
            elif kind == "hybrid":
                entry["reason"] = "technical part checked; " + clause.get("manual_part", "the rest needs an attestation")
            if status == INCOMPLETE:
                entry["reason"] = f"{counts[ERROR]} check(s) could not read their data"
            out.append(entry)
    return out
