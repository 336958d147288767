"""Errors that the CLI turns into exit codes and one-line messages."""


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
        return msg


class CredentialsError(Exception):
    """No usable credentials, or the cloud refused them. Exit code 2."""


class IncompleteScan(CredentialsError):
    """The identity or the regions could not be established because a call failed for a reason that is not
    the credentials' fault (throttled, unavailable, timed out, unparseable): nothing was checked. Exit code 3."""
