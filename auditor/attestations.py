"""Attestations: evidence, recorded by a person, for the clauses no API can show (--attestations FILE).

    - clause: "hkia-gl8:5.1(a)"
      statement: Information security policy v4 approved by the board; annual penetration test done.
      evidence: "DMS ref SEC-POL-2026-04; pentest report PT-2026-07"
      owner: Chief Information Security Officer
      date: 2026-07-15
      expires: 2027-07-14

A valid attestation makes a manual clause ATTESTED and shows its evidence; on a hybrid clause it
covers the manual part and is shown beside the automated verdict. An expired one leaves the
clause MANUAL and says so. Anything malformed is a UsageError naming the file and the entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from . import inputs
from .errors import UsageError

FIELDS = ("clause", "statement", "evidence", "owner", "date", "expires")


class _Loader(inputs.strict_loader()):
    """Safe YAML, with dates left as text: a bad date is reported at its entry, not as a YAML crash."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _date(value: Any, path: str, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise UsageError(f"expected a date YYYY-MM-DD, got {value!r}", path, where)


def _lines(text: str) -> dict[int, int]:
    """Entry index -> line number (1-based), for error messages."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.SequenceNode):
        return {}
    return {i: item.start_mark.line + 1 for i, item in enumerate(node.value)}


def load(path: str, catalogues: list[dict], today: dt.date | None = None) -> list[dict]:
    """Read and check the file against the catalogues; each entry gets state valid or expired."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    text = inputs.read_text(path, "an attestations file", inputs.MAX_YAML_BYTES)
    doc = inputs.parse_yaml(text, path, _Loader)
    if doc is None:
        return []
    if not isinstance(doc, list):
        raise UsageError("an attestations file is a YAML list of entries", path, "top level")
    kinds = {f"{c['framework']}:{cl['id']}": cl["kind"] for c in catalogues for cl in c["clauses"]}
    lines = _lines(text)
    out = []
    for i, entry in enumerate(doc):
        where = f"entry {i + 1}" + (f" (line {lines[i]})" if i in lines else "")
        if not isinstance(entry, dict):
            raise UsageError("an entry is a mapping of clause, statement, evidence, owner, date, expires", path, where)
        unknown = sorted(set(map(str, entry)) - set(FIELDS))
        if unknown:
            raise UsageError(f"unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})", path, where)
        missing = [f for f in FIELDS if entry.get(f) in (None, "")]
        if missing:
            raise UsageError(f"missing {', '.join(missing)}", path, where)
        for f in ("clause", "statement", "evidence", "owner"):
            if not isinstance(entry[f], str):
                raise UsageError(f"{f} must be text, got {type(entry[f]).__name__}", path, where)
        clause = entry["clause"].strip()
        if clause not in kinds:
            raise UsageError(f"unknown clause {clause!r} (a clause is framework:id, e.g. hkia-gl8:5.1(a))", path, where)
        if kinds[clause] == "automated":
            raise UsageError(f"{clause} is checked automatically; attest manual or hybrid clauses", path, where)
        date, expires = _date(entry["date"], path, f"{where}.date"), _date(entry["expires"], path, f"{where}.expires")
        if expires < date:
            raise UsageError(f"expires ({expires}) is before date ({date})", path, where)
        if date > today:
            raise UsageError(f"date ({date}) is in the future", path, where)
        out.append({"clause": clause, "statement": entry["statement"].strip(), "evidence": entry["evidence"].strip(),
                    "owner": entry["owner"].strip(), "date": date.isoformat(), "expires": expires.isoformat(),
                    "state": "valid" if expires >= today else "expired"})
    return out


def apply(clause_results: list[dict], attestations: list[dict]) -> None:
    """Mark the clause entries of a report; the newest valid attestation of a clause wins."""
    by_clause: dict[str, list[dict]] = {}
    for a in attestations:
        by_clause.setdefault(a["clause"], []).append(a)
    for entry in clause_results:
        found = by_clause.get(f"{entry['framework']}:{entry['clause']}")
        if not found:
            continue
        valid = sorted((a for a in found if a["state"] == "valid"), key=lambda a: a["date"])
        public = {k: v for k, v in (valid[-1] if valid else found[-1]).items()}
        entry["attestation"] = public
        if entry["kind"] == "manual":
            if valid:
                entry["status"] = "ATTESTED"
                entry["reason"] = f"attested by {public['owner']} on {public['date']}: {public['evidence']}"
            else:
                entry["reason"] = f"the attestation expired on {public['expires']}: needs a new one"
        elif entry["kind"] == "hybrid":
            note = (f"manual part attested by {public['owner']} on {public['date']}" if valid
                    else f"the attestation of the manual part expired on {public['expires']}")
            entry["reason"] = f"{entry.get('reason', '')}; {note}".lstrip("; ")


def warnings(report: dict) -> list[str]:
    """One line per expired attestation of a clause the report covers (stderr, like an expired waiver)."""
    covered = {f"{c['framework']}:{c['clause']}" for c in report.get("clauses", [])}
    valid = {a["clause"] for a in report.get("attestations") or [] if a.get("state") == "valid"}
    return [f"attestation of {a['clause']} by {a['owner']} expired on {a['expires']}; the clause needs a new one"
            for a in report.get("attestations") or []
            if a.get("state") == "expired" and a["clause"] in covered and a["clause"] not in valid]
