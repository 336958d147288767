"""The snapshot: account state as the APIs return it, as versioned JSON.

One document serves three purposes: what the collectors produce, what a
recorded fixture holds, and what the fake cloud serves.

    {"format": "aliaudit-snapshot/1", "collected_at": ..., "tool_version": ...,
     "accounts": [{"account_id": "...",
                   "global": {"ecs": {"regions": [...]}},
                   "regions": {"cn-hongkong": {"ecs": {"disks": [...], ...}, ...}},
                   "errors": [{"product", "action", "region", "resource", "code", "message", ...}]}]}

Resource items keep the API's own field names. Detail calls made for one
resource are stored on it under a lower-case key (a bucket's "encryption", an
RDS instance's "backup_policy"). A detail key that is missing means the call
was not made or failed; the failure is then in "errors".
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as _res
from typing import Any, Iterator

from . import __version__
from .errors import UsageError

FORMAT = "aliaudit-snapshot/1"
MAX_BYTES = 512 * 1024 * 1024


def new(source: str = "live") -> dict:
    return {
        "format": FORMAT,
        "collected_at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool_version": __version__,
        "source": source,
        "accounts": [],
    }


def new_account(account_id: str) -> dict:
    return {"account_id": account_id, "global": {}, "regions": {}, "errors": []}


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads((_res.files("aliaudit") / "schemas" / "snapshot.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def _where(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "top level"


def validate(doc: Any, path: str | None = None) -> dict:
    """Raise UsageError naming the first problem, or return the document."""
    if not isinstance(doc, dict):
        raise UsageError(f"a snapshot is a JSON object, not {type(doc).__name__}", path, "top level")
    fmt = doc.get("format")
    if fmt != FORMAT:
        raise UsageError(f"unknown snapshot format {fmt!r} (expected {FORMAT!r})", path, "format")
    try:
        errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    except RecursionError:
        raise UsageError("nested too deeply to validate", path) from None
    if errors:
        err = errors[0]
        raise UsageError(err.message, path, _where(err.absolute_path))
    return doc


def load(path: str, clean: bool = False) -> dict:
    """Load and validate a snapshot file; every failure is a one-line UsageError (read through aliaudit.inputs:
    a regular file only, at most MAX_BYTES, strict JSON). With clean, lone surrogates are escaped as clean_text
    does, walking the document only if the text has a \\u escape that can make one (UTF-8 text cannot hold one)."""
    from . import inputs

    text = _decode(inputs.read_bytes(path, "a snapshot file", MAX_BYTES), path)
    dirty = clean and _SURROGATE_ESCAPE.search(text) is not None
    doc = loads(text, path)  # the bytes are not kept while the text is parsed (a 100k-resource file is 300 MB)
    return clean_text(doc) if dirty else doc


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _decode(raw: bytes, path: str | None) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"not valid UTF-8 (byte offset {exc.start})", path) from None


def loads(raw: bytes | str, path: str | None = "<snapshot>") -> dict:
    from . import inputs

    if isinstance(raw, bytes):
        raw = _decode(raw, path)
    if not raw.strip():
        raise UsageError("file is empty", path)
    return validate(inputs.parse_json(raw, path), path)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogates(text: str) -> str:
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _encodes(doc: Any) -> bool:
    """Whether orjson writes doc (at C speed): it refuses a lone surrogate in any string or key. False for
    anything else it refuses too (an integer wider than 64 bits, a key that is not a string, ...): the walk
    below then looks at every string."""
    import orjson

    try:
        orjson.dumps(doc)
    except (TypeError, ValueError):
        return False
    return True


def clean_text(doc: Any) -> Any:
    """Replace every lone surrogate (U+D800..U+DFFF: JSON can carry one, UTF-8 cannot) in the document's strings
    and keys by its escaped form, the six characters "\\ud800": the raw value stays readable in the evidence,
    and the snapshot can be hashed and written. In place (iterative, no copy); returns the document."""
    if isinstance(doc, str):
        return _escape_surrogates(doc) if _SURROGATE.search(doc) else doc
    if _encodes(doc):
        return doc  # orjson wrote every string and key as UTF-8: there is no lone surrogate to escape
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            bad_keys = [k for k in node if isinstance(k, str) and _SURROGATE.search(k)]
            for k in bad_keys:
                node[_escape_surrogates(k)] = node.pop(k)
            items = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        for k, v in list(items):
            if isinstance(v, str):
                if _SURROGATE.search(v):
                    node[k] = _escape_surrogates(v)
            elif isinstance(v, (dict, list)):
                stack.append(v)
    return doc


def drop_resources(doc: dict) -> dict:
    """In place, once the rules have run: every account's regions keep their names and lose their resources,
    and its global section is emptied. What a report still reads stays: account ids, errors, `unavailable`,
    `regions_without_resources`, identities, the organisation. Returns the document."""
    for account in doc.get("accounts", []):
        account["regions"] = {region: {} for region in account.get("regions", {})}
        if "global" in account:
            account["global"] = {}
    return doc


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def special_destination(path: str) -> bool:
    """True for a destination that exists and is not a regular file (a device such as /dev/null, a pipe):
    it is written in place, never replaced by a renamed temporary file nor removed (as root, a rename over
    /dev/null would turn it into a regular file)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def write_atomic(path: str, text: str) -> None:
    """Write a file so that a reader never sees half of it, and a failure leaves nothing; a device or a pipe
    (`special_destination`) is written in place."""
    if special_destination(path):
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".aliaudit-", dir=directory)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@dataclass(frozen=True)
class Resource:
    """One API-shaped item with where it was found."""

    account_id: str
    region: str
    data: dict

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __contains__(self, key: str) -> bool:
        return key in self.data


class AccountView:
    """Read-only access for rules to one account of a snapshot."""

    def __init__(self, account: dict, collected_at: str | None = None):
        self.raw = account
        # When the state was read: rules that judge ages (keys, passwords) measure them from here.
        self.collected_at = collected_at
        self.account_id: str = account["account_id"]
        self.errors: list[dict] = account.get("errors", [])

    @property
    def regions(self) -> list[str]:
        return list(self.raw.get("regions", {}))

    def resources(self, product: str, kind: str) -> Iterator[Resource]:
        for region, products in self.raw.get("regions", {}).items():
            for item in products.get(product, {}).get(kind, []):
                yield Resource(self.account_id, region, item)

    def in_region(self, region: str, product: str, kind: str) -> list[dict]:
        return self.raw.get("regions", {}).get(region, {}).get(product, {}).get(kind, [])

    def global_items(self, product: str, kind: str) -> list[dict]:
        return self.raw.get("global", {}).get(product, {}).get(kind, [])

    def has_product(self, region: str, product: str) -> bool:
        return product in self.raw.get("regions", {}).get(region, {})


@contextlib.contextmanager
def no_cycle_collection():
    """The cyclic garbage collector paused (then restored) for an offline scan (and a live one's evaluation, and
    a parent process merging its workers' sections). Such a scan makes tens of
    millions of objects (the snapshot, then the findings and the report) and frees almost none before it ends,
    and the collector traverses all of them again every time its counts say so: 5 s of 17 s of CPU for 100k
    resources. Reference counting still frees everything that is dropped; only cycles wait for the end.

    Before the collector is enabled again, the objects alive then (the report among them) are frozen
    (`gc.freeze`): otherwise the first allocation after would start a full collection that traverses them
    all once more (1 s at 100k resources), just before they are written and freed. Frozen objects are still
    freed by reference counting; only a cycle among them is never collected."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.enable()
