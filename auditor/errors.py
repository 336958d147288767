"""Errors that the CLI turns into exit codes and one-line messages."""

import re

# C0/C1 controls, line and paragraph separators, bidi controls, lone surrogates: never raw in a one-line message.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def one_line(text: str) -> str:
    """The text on one line: a newline, a tab or any other control character shown escaped (\\n, \\u202e)."""
    def esc(m: re.Match) -> str:
        c = m.group(0)
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or f"\\u{ord(c):04x}"

    return _UNSAFE.sub(esc, str(text))


class UsageError(Exception):
    """Bad input from the user: a file, an option, a config. Exit code 2."""

    def __init__(self, message: str, path: str | None = None, where: str | None = None):
        self.path = path
        self.where = where
        super().__init__(message)

    def __str__(self) -> str:
        msg = self.args[0]
        if self.where:
            msg = f"at {self.where}: {msg}"
        if self.path:
            msg = f"{self.path}: {msg}"
        return one_line(msg)


class CredentialsError(Exception):
    """No usable credentials, or the cloud refused them. Exit code 2."""


class IncompleteScan(CredentialsError):
    """The identity or the regions could not be established because a call failed for a reason that is not
    the credentials' fault (throttled, unavailable, timed out, unparseable): nothing was checked. Exit code 3."""
