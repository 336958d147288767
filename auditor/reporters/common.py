"""What every human-facing reporter needs: orderings, labels, clause keys and safe text.

Reporters are pure functions of the report dict (auditor/scan.py `evaluate`). Keys added by
other parts of the tool are optional here: `waivers`, `attestations`, `snapshot_digest`,
`organisation` on the report, `waiver` on a finding and `attestation` on a clause.
"""

from __future__ import annotations

import json
import re

from aliaudit.model import SEVERITIES

FINDING_ORDER = ("FAIL", "ERROR", "WAIVED", "PASS", "NOT_APPLICABLE")
CLAUSE_ORDER = ("NON_COMPLIANT", "INCOMPLETE", "MANUAL", "ATTESTED", "COMPLIANT", "NOT_APPLICABLE")
LABELS = {
    "PASS": "Pass", "FAIL": "Fail", "ERROR": "Error", "WAIVED": "Waived", "NOT_APPLICABLE": "Not applicable",
    "COMPLIANT": "Compliant", "NON_COMPLIANT": "Non-compliant", "INCOMPLETE": "Incomplete", "MANUAL": "Manual",
    "ATTESTED": "Attested",
}
FRAMEWORK_NAMES = {"hkia-gl8": "HKIA GL8", "hkia-gl14": "HKIA GL14", "hkia-gl20": "HKIA GL20",
                   "cis-alibaba-2.0": "CIS Alibaba 2.0"}

# Characters no report shows raw, except tab and newline: C0 and C1 controls (ANSI escapes start with ESC);
# the line and paragraph separators U+2028/U+2029; the bidi controls (LRM, RLM, U+202A-U+202E embeddings and
# overrides, U+2066-U+2069 isolates), which can make a name read backwards ("Trojan Source"); U+FEFF; the
# non-characters U+FFFE/U+FFFF and U+FDD0-U+FDEF, which XML 1.0 cannot carry; lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                      "\ufeff\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]")


def _escaped(m: re.Match) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(value) -> str:
    """Text with every control, bidi and non-character shown escaped (\\x1b, \\u202e), so it is inert."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(_escaped, text)


_CELL_WHITESPACE = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def visible_cell(value) -> str:
    """A CSV cell: every character `visible` escapes, and tab and newline too, written as JSON-style escapes
    (\\n, \\t, \\u001b, \\u202e), so a cell is one line and a JSON cell (evidence) still parses back."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: _CELL_WHITESPACE.get(m.group()) or f"\\u{ord(m.group()):04x}",
                        text.replace("\n", "\\n").replace("\t", "\\t"))


_AUTOLINK = re.compile(r"(?i)(://|www\.)")


def markdown_inert(text: str) -> str:
    """Markdown text already escaped, made inert where a renderer acts on plain text: an @mention (or an
    e-mail address) gets a zero-width joiner after its @, so it pings nobody; a URL or www. gets a zero-width
    space, so it is not auto-linked. Both are HTML entities (visible in the source as such)."""
    text = text.replace("@", "@&#8205;")
    return _AUTOLINK.sub(lambda m: {"://": ":&#8203;//"}.get(m.group(1), m.group(1)[:3] + "&#8203;."), text)


def one_line(value) -> str:
    return " ".join(visible(value).split())


def clause_key(clause: dict) -> str:
    """The clause reference used in findings and attestations: 'hkia-gl8:5.1(b)'."""
    return f"{clause['framework']}:{clause['clause']}"


def section_heading(clause: dict) -> str | None:
    """'2 Logging and Monitoring' for a clause of a catalogue with sections (CIS), else None."""
    if clause.get("section") is None:
        return None
    return one_line(f"{clause['section']} {clause.get('section_title') or ''}")


def new_sections(clauses: list[dict]):
    """(heading or None, clause) per clause; the heading only where a framework's section starts."""
    last = None
    for c in clauses:
        heading = section_heading(c)
        key = (c.get("framework"), c.get("section"))
        yield (heading if heading and key != last else None), c
        last = key


def framework_name(framework: str) -> str:
    return FRAMEWORK_NAMES.get(framework, framework)


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def finding_sort_key(f: dict):
    status = f.get("status")
    return (FINDING_ORDER.index(status) if status in FINDING_ORDER else len(FINDING_ORDER),
            -severity_rank(f.get("severity", "")), f.get("rule", ""), f.get("account_id") or "",
            f.get("region") or "", f.get("resource_id") or "")


def evidence_json(evidence) -> str:
    """Evidence as one compact JSON line, keys in the order the rule recorded them."""
    return json.dumps(evidence or {}, ensure_ascii=False, separators=(",", ":"), default=str)


def evidence_value(value) -> str:
    """One evidence value as an auditor reads it: JSON scalars as JSON (true, null, "TLSv1.0")."""
    if isinstance(value, str):
        return value if value else '""'

    return json.dumps(value, ensure_ascii=False, default=str)


def findings_by_clause(report: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for f in report.get("findings", []):
        for ref in f.get("clauses", []):
            out.setdefault(ref, []).append(f)
    for items in out.values():
        items.sort(key=finding_sort_key)
    return out


def verdict(report: dict) -> str:
    """The one-word headline: the worst clause status present."""
    present = {c["status"] for c in report.get("clauses", [])}
    for status in ("NON_COMPLIANT", "INCOMPLETE", "MANUAL"):
        if status in present:
            return status
    return "COMPLIANT" if present & {"COMPLIANT", "ATTESTED"} else "NOT_APPLICABLE"
