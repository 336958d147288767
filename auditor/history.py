"""Scan history: every stored scan's clause statuses and findings, per account, in SQLite or PostgreSQL.

`--store URL`: a path or ``sqlite:///PATH`` (SQLite, the standard library), ``default``
(``$XDG_DATA_HOME/aliaudit/history.db``, else ``~/.local/share/aliaudit/history.db``),
or ``postgresql://user:pass@host:port/db`` (psycopg 3: ``pip install 'aliaudit[postgres]'``).
The tables are created on first use. Statements are written once with ``?``
placeholders; for psycopg they become ``%s``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from functools import lru_cache
from typing import Any

from . import clauses
from .errors import UsageError

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS scans (
        id {serial} PRIMARY KEY, account_id TEXT NOT NULL, scanned_at TEXT NOT NULL, generated_at TEXT NOT NULL,
        tool_version TEXT, snapshot_digest TEXT, source TEXT, summary TEXT)""",
    """CREATE TABLE IF NOT EXISTS clause_status (
        scan_id BIGINT NOT NULL REFERENCES scans(id) ON DELETE CASCADE, framework TEXT NOT NULL,
        clause TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (scan_id, framework, clause))""",
    """CREATE TABLE IF NOT EXISTS findings (
        scan_id BIGINT NOT NULL REFERENCES scans(id) ON DELETE CASCADE, rule TEXT NOT NULL,
        resource_id TEXT NOT NULL, region TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL,
        reason TEXT)""",
    "CREATE INDEX IF NOT EXISTS scans_account ON scans (account_id, id)",
    "CREATE INDEX IF NOT EXISTS findings_scan ON findings (scan_id)",
]


def default_path() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "aliaudit", "history.db")


def open_store(url: str | None) -> "Store":
    default = not url or url == "default"
    if default:
        url = default_path()
    if url.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg
        except ImportError:
            raise UsageError("a postgresql:// store needs psycopg: pip install 'aliaudit[postgres]'") from None
        try:
            conn = psycopg.connect(url, connect_timeout=10)
        except psycopg.Error as exc:
            raise UsageError(f"cannot connect to the history database: {str(exc).splitlines()[0]}") from None
        return Store(conn, "%s", "BIGSERIAL", psycopg.Error)
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    if "://" in path:
        raise UsageError(f"unknown store {url!r}: use a path, sqlite:///PATH or postgresql://...")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        if default:  # the default place is made on first use; a path the user gives must be in a folder that exists
            os.makedirs(folder, exist_ok=True)
        elif not os.path.isdir(folder):
            raise UsageError(f"cannot open the history database: the folder {folder} does not exist", path)
        if os.path.isdir(path):
            raise UsageError("cannot open the history database: is a directory", path)
    except OSError as exc:
        raise UsageError(f"cannot create the history folder: {exc.strerror}", folder) from None
    try:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as exc:
        raise UsageError(f"cannot open the history database: {exc}", path) from None
    return Store(conn, "?", "INTEGER", sqlite3.Error)


class Store:
    def __init__(self, conn, placeholder: str, serial: str, error: type[Exception]):
        self.conn, self._ph, self._error = conn, placeholder, error
        serial_sql = "INTEGER" if serial == "INTEGER" else "BIGSERIAL"
        with self._tx() as cur:
            for stmt in SCHEMA:
                cur.execute(stmt.format(serial=serial_sql))

    def close(self) -> None:
        self.conn.close()

    # -- plumbing -------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql.replace("?", self._ph)

    class _Tx:
        def __init__(self, store):
            self.store = store

        def __enter__(self):
            self.cur = self.store.conn.cursor()
            return self

        def execute(self, sql: str, params: tuple = ()):
            try:
                self.cur.execute(self.store._sql(sql), params)
            except self.store._error as exc:
                raise UsageError(f"history database: {str(exc).splitlines()[0]}") from None
            return self.cur

        def __exit__(self, exc_type, *rest):
            if exc_type is None:
                self.store.conn.commit()
            else:
                self.store.conn.rollback()
            self.cur.close()

    def _tx(self) -> "_Tx":
        return Store._Tx(self)

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._tx() as cur:
            return list(cur.execute(sql, params).fetchall())

    # -- writing --------------------------------------------------------------
    def save(self, report: dict) -> list[int]:
        """One stored scan per account of the report; returns their ids."""
        in_report = {(c["framework"], c["clause"]) for c in report.get("clauses", [])}
        cats = [{**c, "clauses": [cl for cl in c["clauses"] if (c["framework"], cl["id"]) in in_report]}
                for c in clauses.load(report.get("frameworks") or None)]
        accounts = report.get("accounts", [])
        ids = []
        with self._tx() as cur:
            for account_id in accounts:
                mine = [f for f in report["findings"] if f["account_id"] == account_id]
                # one account: the report's own clause statuses (attestations and --status included)
                rolled = report["clauses"] if len(accounts) == 1 else clauses.roll_up(cats, mine)
                summary = {"clauses": _count(rolled, "status"), "findings": _count(mine, "status")}
                row = cur.execute(
                    "INSERT INTO scans (account_id, scanned_at, generated_at, tool_version, snapshot_digest, source, "
                    "summary) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (account_id, report.get("collected_at") or report["generated_at"], report["generated_at"],
                     report.get("tool_version"), report.get("snapshot_digest"),
                     json.dumps(report.get("source") or {}, sort_keys=True), json.dumps(summary, sort_keys=True)),
                ).fetchone()
                scan_id = row[0]
                for c in rolled:
                    cur.execute("INSERT INTO clause_status (scan_id, framework, clause, status) VALUES (?, ?, ?, ?)",
                                (scan_id, c["framework"], c["clause"], c["status"]))
                for f in mine:
                    cur.execute("INSERT INTO findings (scan_id, rule, resource_id, region, status, severity, reason) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                (scan_id, f["rule"], f["resource_id"], f.get("region") or "", f["status"],
                                 f["severity"], f.get("reason") or ""))
                ids.append(scan_id)
        return ids

    # -- reading --------------------------------------------------------------
    def accounts(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT DISTINCT account_id FROM scans ORDER BY account_id")]

    def scans(self, account_id: str, limit: int = 20) -> list[dict]:
        """The latest scans, oldest first. A scan is identified by when it ran (generated_at) and the digest
        of the state it read; scanned_at is when that state was collected (a fixture's recording time)."""
        rows = self._rows("SELECT id, scanned_at, tool_version, snapshot_digest, summary, generated_at FROM scans "
                          "WHERE account_id = ? ORDER BY id DESC LIMIT ?", (account_id, limit))
        return [{"id": r[0], "scanned_at": r[1], "generated_at": r[5], "tool_version": r[2], "snapshot_digest": r[3],
                 "label": scan_label(r[5], r[3]), "summary": json.loads(r[4] or "{}")} for r in reversed(rows)]

    def clause_statuses(self, scan_id: int) -> dict[str, str]:
        rows = self._rows("SELECT framework, clause, status FROM clause_status WHERE scan_id = ?", (scan_id,))
        return {k: v for k, v in sorted(((f"{fw}:{cl}", st) for fw, cl, st in rows), key=lambda kv: clause_order(kv[0]))}

    def findings(self, scan_id: int) -> dict[tuple, dict]:
        rows = self._rows("SELECT rule, resource_id, region, status, severity, reason FROM findings WHERE scan_id = ?",
                          (scan_id,))
        return {(r[0], r[1], r[2]): {"rule": r[0], "resource_id": r[1], "region": r[2], "status": r[3],
                                     "severity": r[4], "reason": r[5]} for r in rows}

    def history(self, account_id: str | None = None, limit: int = 20) -> dict:
        out: dict[str, Any] = {"accounts": []}
        for acct in [account_id] if account_id else self.accounts():
            scans = self.scans(acct, limit)
            statuses = [self.clause_statuses(s["id"]) for s in scans]
            keys = sorted({k for st in statuses for k in st}, key=clause_order)
            out["accounts"].append({"account_id": acct, "scans": scans,
                                    "clauses": {k: [st.get(k) for st in statuses] for k in keys}})
        return out

    def drift(self, account_id: str) -> dict:
        """What changed between the last two stored scans of the account."""
        scans = self.scans(account_id, 2)
        if not scans and not self.accounts():
            raise UsageError(EMPTY)
        if len(scans) < 2:
            raise UsageError(f"account {account_id} has {len(scans)} stored scan(s); drift needs two")
        before, after = scans
        old_c, new_c = self.clause_statuses(before["id"]), self.clause_statuses(after["id"])
        changes = [{"clause": k, "before": old_c.get(k), "after": new_c.get(k)}
                   for k in sorted(set(old_c) | set(new_c), key=clause_order) if old_c.get(k) != new_c.get(k)]
        old_f, new_f = self.findings(before["id"]), self.findings(after["id"])
        bad = ("FAIL", "ERROR")
        new = [f for k, f in sorted(new_f.items()) if f["status"] in bad and old_f.get(k, {}).get("status") != f["status"]]
        fixed = [{**old_f[k], "now": (new_f.get(k) or {}).get("status", "GONE")} for k in sorted(old_f)
                 if old_f[k]["status"] in bad and (new_f.get(k) or {}).get("status") not in bad]
        return {"account_id": account_id, "before": before, "after": after, "clause_changes": changes,
                "new_findings": new, "fixed_findings": fixed}


EMPTY = "the history store is empty: no scan has been stored yet (scan with --store URL first)"


def scan_label(generated_at: str | None, digest: str | None) -> str:
    """How a scan is shown: when it ran, and the first 12 hex digits of the digest of what it read."""
    short = (digest or "").removeprefix("sha256:")[:12] or "-"
    return f"{generated_at or '-'} {short}"


@lru_cache(maxsize=1)
def _catalogue_positions() -> dict[str, int]:
    keys = [f"{c['framework']}:{cl['id']}" for c in clauses.load_all() for cl in c["clauses"]]
    return {k: i for i, k in enumerate(keys)}


def clause_order(key: str) -> tuple:
    """Catalogue order (gl8 before gl14, 5.8 before 5.10); a clause no catalogue has any more goes last."""
    pos = _catalogue_positions()
    return (pos.get(key, len(pos)), key)


def _count(items: list[dict], key: str) -> dict:
    out: dict[str, int] = {}
    for i in items:
        out[i[key]] = out.get(i[key], 0) + 1
    return dict(sorted(out.items()))
