"""Recorded scans: a snapshot saved as a fixture, without secrets, optionally redacted, with a digest.

The digest is SHA-256 over the RFC 8785 (JSON Canonicalization Scheme) form of
the whole document without its top-level "digest" member, as UTF-8 bytes. The
document already carries the scan time ("collected_at") and the tool version
("tool_version"), so both are covered. `aliaudit verify FILE` recomputes it.

Redaction (`--redact`) masks account ids and IPv4 addresses consistently inside
one file: each account id becomes the same 16-digit pseudo id everywhere (in
ARNs too), each address the same stand-in of the same kind (private stays
private, public stays public, the CIDR length is kept; 0.0.0.0, loopback and other
special addresses are kept, since they carry no identity and rules read them).
Verdicts stay the same; finding account ids change. IPv6 addresses are not masked.
"""

from __future__ import annotations

import copy
import hashlib
import ipaddress
import json
import re
from typing import Any

import orjson

from . import jsontext, snapshot
from .errors import UsageError

ALGORITHM = "sha256"
CANONICALIZATION = "RFC 8785 JCS of the document without its top-level digest member, UTF-8"
# Keys that never belong in a recording, whatever a response put there.
SECRET_KEYS = {"AccessKeySecret", "SecurityToken", "Signature", "Authorization", "x-acs-security-token"}
REDACTED = "[REDACTED]"


_SAFE_INT = 2**53 - 1  # RFC 8785 (I-JSON) integers


def _plain(doc: Any, floats: set | None = None) -> bool:
    """Whether the C JSON encoder (sorted keys, no spaces) writes exactly the RFC 8785 form of doc: only
    objects with string keys of the Basic Multilingual Plane (their code point order is then their UTF-16
    order), arrays, strings, booleans, null, integers within +-(2^53 - 1) and floats whose str() RFC 8785
    keeps as it is. Any other float is written the ECMAScript way: the document goes to the rfc8785 library.
    The floats seen are added to `floats` when it is given."""
    stack = [doc]
    pop, push = stack.pop, stack.extend
    while stack:
        v = pop()
        t = type(v)
        if t is dict:
            for k in v:
                if type(k) is not str or not (k.isascii() or max(k) < "\U00010000"):
                    return False
            push(v.values())
        elif t is list:
            push(v)
        elif t is str or t is bool or v is None:
            continue
        elif t is int:
            if not -_SAFE_INT <= v <= _SAFE_INT:
                return False
        elif t is float:
            # RFC 8785 writes a float as str() does when str() has neither an exponent nor a ".0" (it takes
            # str()'s digits and reformats the others); nan and inf it refuses.
            r = repr(v)
            if "e" in r or "n" in r or r.endswith(".0"):
                return False
            if floats is not None:
                floats.add(v)
        else:
            return False
    return True


def canonical(doc: dict) -> bytes:
    """RFC 8785 (JCS) bytes of doc without its digest. The rfc8785 library is pure Python (about a minute for
    100k resources); a document it would write exactly as the C JSON encoder does goes through the latter
    (tests/cli/test_record_fast_paths.py compares both), and through orjson (sorted keys, 8 times faster than
    the C encoder) when orjson writes each of its floats as str() does: orjson escapes strings and sorts keys
    (by code point) as the C encoder does, and writes the same integers, booleans and null."""
    body = {k: v for k, v in doc.items() if k != "digest"}
    try:
        return b"".join(_orjson_chunks(body))
    except _NotOrjson:
        return _canonical_slow(body)


def digest(doc: dict) -> str:
    """SHA-256 of canonical(doc), hashed a piece at a time (the canonical text of 100k resources is 150 MB)."""
    body = {k: v for k, v in doc.items() if k != "digest"}
    h = hashlib.sha256()
    try:
        for chunk in _orjson_chunks(body):
            h.update(chunk)
    except _NotOrjson:
        return hashlib.sha256(_canonical_slow(body)).hexdigest()
    return h.hexdigest()


class _NotOrjson(Exception):
    pass


_SORTED = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER
_SPLIT_BELOW = 7  # containers this shallow are written member by member (a snapshot's resource lists are at 7)
_SLICE = 512      # and longer lists, a slice at a time


def _orjson_chunks(body: dict):
    """The canonical bytes of body as orjson writes them, in pieces; _NotOrjson (before the first piece) when
    they would differ from the C encoder's, or (at any piece) when orjson refuses one (a lone surrogate)."""
    # What _plain checks, at C speed: the types and floats by a walk of the values (jsontext.json_floats),
    # integers beyond +-(2^53 - 1) and keys that are not strings by orjson (it refuses them), keys beyond the
    # Basic Multilingual Plane by their 4-byte UTF-8 in the text (a value with such a character also goes to
    # the C encoder, which writes the same bytes).
    floats = jsontext.json_floats(body)
    if floats is None or not all(_rfc8785_float(f) for f in floats):
        raise _NotOrjson
    try:
        for chunk in _sorted_pieces(body, 1):
            if any(lead in chunk for lead in _ASTRAL_LEADS):
                raise _NotOrjson
            yield chunk
    except orjson.JSONEncodeError:
        raise _NotOrjson from None


_ASTRAL_LEADS = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")


def _rfc8785_float(f: float) -> bool:
    """RFC 8785 keeps str()'s form (no exponent, no ".0", finite), and orjson writes that form."""
    r = repr(f)
    return not ("e" in r or "n" in r or r.endswith(".0")) and orjson.dumps(f) == r.encode("ascii")


def _sorted_pieces(node: Any, depth: int):
    t = type(node)
    if t is dict and node and depth < _SPLIT_BELOW:
        yield b"{"
        for n, key in enumerate(sorted(node)):  # code point order, as the C encoder and orjson sort
            yield (b",\"" if n else b"\"") + orjson.dumps(key)[1:] + b":"
            yield from _sorted_pieces(node[key], depth + 1)
        yield b"}"
    elif t is list and node and (depth < _SPLIT_BELOW or len(node) > _SLICE):
        yield b"["
        if len(node) > _SLICE:
            for start in range(0, len(node), _SLICE):
                yield (b"," if start else b"") + orjson.dumps(node[start:start + _SLICE], option=_SORTED)[1:-1]
        else:
            for n, item in enumerate(node):
                if n:
                    yield b","
                yield from _sorted_pieces(item, depth + 1)
        yield b"]"
    else:
        yield orjson.dumps(node, option=_SORTED)


def _canonical_slow(body: dict) -> bytes:
    import rfc8785

    if _plain(body):
        try:
            return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: rfc8785 says what is wrong
    try:
        return rfc8785.dumps(body)
    except (rfc8785.CanonicalizationError, ValueError) as exc:
        raise UsageError(f"cannot canonicalise the snapshot: {exc}") from None


def scrub(doc: Any, secrets: list[str]) -> Any:
    """A copy with secret-named keys dropped and every secret string replaced."""
    secrets = [s for s in secrets if s]

    def walk(v):
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items() if k not in SECRET_KEYS}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, str):
            for s in secrets:
                v = v.replace(s, REDACTED)
        return v

    return walk(doc)


def scrub_in_place(doc: Any, secrets: list[str]) -> Any:
    """What scrub returns, made in doc itself (a fresh report: no second copy of 450k findings in memory).

    One level at a time, each node's value types gathered at C speed: only a node holding a string is looked
    at string by string, and only when a secret is in the document's text at all (`_mentions`)."""
    secrets = [s for s in secrets if s]
    found = _mentions(doc, secrets)
    if not found:
        return doc  # neither a secret nor a secret-named key in the document's text
    if "secret" not in found:
        secrets = []

    def clean(v):
        for s in secrets:
            v = v.replace(s, REDACTED)
        return v

    level = [doc] if isinstance(doc, (dict, list)) else []
    while level:
        below: list = []
        for v in level:
            is_dict = isinstance(v, dict)
            if is_dict and not SECRET_KEYS.isdisjoint(v):
                for k in SECRET_KEYS.intersection(v):
                    del v[k]
            values = v.values() if is_dict else v
            types = set(map(type, values))
            if _NUMBERS.issuperset(types) or (not secrets and _LEAVES.issuperset(types)):
                continue
            if not secrets and _LEAVES_AND_CONTAINERS.issuperset(types):
                below += [x for x in values if type(x) is dict or type(x) is list]
                continue
            for k, x in (v.items() if is_dict else enumerate(v)):
                if isinstance(x, (dict, list)):
                    below.append(x)
                elif secrets and isinstance(x, str):
                    v[k] = clean(x)
        level = below
    return doc


_NUMBERS = frozenset((int, float, bool, type(None)))
_LEAVES = _NUMBERS | {str}
_LEAVES_AND_CONTAINERS = _LEAVES | {dict, list}


_KEY_NEEDLES = [orjson.dumps(k) + b":" for k in sorted(SECRET_KEYS)]


def _mentions(doc: Any, secrets: list[str]) -> set[str]:
    """What may be in doc: "secret" (a secret's JSON-escaped form is in orjson's text of doc, written a piece at
    a time), "key" (a secret-named key is); both when orjson cannot write a piece."""
    found: set[str] = set()
    try:
        needles = [orjson.dumps(s)[1:-1] for s in secrets]
        for piece in _compact_pieces(doc):
            if "secret" not in found and any(n in piece for n in needles):
                found.add("secret")
            if "key" not in found and any(n in piece for n in _KEY_NEEDLES):
                found.add("key")
            if len(found) == 2:
                break
    except TypeError:
        return {"secret", "key"}
    return found


def _compact_pieces(node: Any, depth: int = 1):
    if type(node) is dict and depth < _SPLIT_BELOW:
        yield orjson.dumps(dict.fromkeys(node))  # its keys
        for value in node.values():
            yield from _compact_pieces(value, depth + 1)
    elif type(node) is list and len(node) > _SLICE:
        for start in range(0, len(node), _SLICE):
            yield orjson.dumps(node[start:start + _SLICE])
    else:
        yield orjson.dumps(node)


_IPV4 = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(/\d{1,2})?(?![\d.])")


class Redactor:
    def __init__(self, account_ids: list[str]):
        ids = sorted({a for a in account_ids if a}, key=len, reverse=True)
        self.accounts = {a: str(9000000000000001 + n) for n, a in enumerate(sorted(set(ids)))}
        self._acct_re = re.compile(r"(?<!\d)(" + "|".join(map(re.escape, ids)) + r")(?!\d)") if ids else None
        self.ips: dict[str, str] = {}
        self._next = {"private": 1, "public": 1}

    def _ip(self, m: re.Match) -> str:
        text = m.group(0)
        if text in self.ips:
            return self.ips[text]
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            return text
        addr = ipaddress.ip_address(m.group(1))
        if addr.is_unspecified or addr.is_loopback or addr.is_reserved or addr.is_multicast or addr.is_link_local \
                or net.prefixlen < 16 or not (addr.is_private or addr.is_global):
            out = text
        else:
            kind = "private" if addr.is_private else "public"
            n = self._next[kind]
            self._next[kind] += 1
            base = int(ipaddress.ip_address("10.0.0.0" if kind == "private" else "11.0.0.0"))
            host_bits = 32 - net.prefixlen
            value = base + ((n << host_bits) if m.group(2) else n)
            out = str(ipaddress.ip_address(value & 0xFFFFFFFF)) + (m.group(2) or "")
        self.ips[text] = out
        return out

    def text(self, s: str) -> str:
        if self._acct_re is not None:
            s = self._acct_re.sub(lambda m: self.accounts[m.group(1)], s)
        return _IPV4.sub(self._ip, s)

    def walk(self, v: Any) -> Any:
        if isinstance(v, dict):
            return {self.text(k) if isinstance(k, str) else k: self.walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [self.walk(x) for x in v]
        if isinstance(v, str):
            return self.text(v)
        return v


def account_ids(doc: dict) -> list[str]:
    ids = [a["account_id"] for a in doc.get("accounts", [])]
    ids += [i.get("account_id") for i in doc.get("identities", [])]
    org = doc.get("organisation") or {}
    ids += [a.get("account_id") for a in org.get("accounts", [])]
    ids.append(org.get("management_account_id"))
    return [i for i in ids if isinstance(i, str) and i]


def redact(doc: dict) -> dict:
    r = Redactor(account_ids(doc))
    out = r.walk(doc)
    out["redacted"] = {"account_ids": len(r.accounts), "ip_addresses": sum(1 for k, v in r.ips.items() if k != v)}
    return out


def prepare(doc: dict, secrets: list[str], redact_ids: bool = False) -> dict:
    """The document as it is recorded: scrubbed, maybe redacted, with its digest."""
    out = scrub(copy.deepcopy(doc), secrets)
    out.pop("digest", None)
    if redact_ids:
        out = redact(out)
    out["digest"] = {"algorithm": ALGORITHM, "canonicalization": CANONICALIZATION, "value": digest(out)}
    return snapshot.validate(out)


def write(path: str, doc: dict, secrets: list[str], redact_ids: bool = False) -> dict:
    out = prepare(doc, secrets, redact_ids)
    try:
        snapshot.write_atomic(path, snapshot.dumps(out))
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror}", path) from None
    return out


def verify(path: str) -> tuple[bool, str, str]:
    """(matches, recorded digest, computed digest); UsageError if the file cannot be read as a recording."""
    from . import inputs

    doc = inputs.parse_json(inputs.read_text(path, "a recording", snapshot.MAX_BYTES, syntax="JSON"), path)
    if not isinstance(doc, dict) or not isinstance(doc.get("digest"), dict) or \
            not isinstance(doc["digest"].get("value"), str):
        raise UsageError("has no digest (not an aliaudit recording)", path)
    if doc["digest"].get("algorithm") != ALGORITHM:
        raise UsageError(f"unknown digest algorithm {doc['digest'].get('algorithm')!r}", path)
    recorded = doc["digest"]["value"]
    computed = digest(doc)
    return recorded == computed, recorded, computed
