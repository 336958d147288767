"""Who the credentials are: sts:GetCallerIdentity, asked before anything is collected."""

from __future__ import annotations

from . import snapshot
from .collectors.base import RetryPolicy, attempt, sdk_method
from .credentials import chain_summary
from .errors import CredentialsError, IncompleteScan
from .sdk import Clients, StaticKey

# Calls a scan makes besides the collectors' (RAM actions; see examples/ram-policy.json).
IDENTITY_CALLS = ("sts:GetCallerIdentity",)


def identify(clients: Clients, region: str, retry=None) -> dict:
    """GetCallerIdentity: the account and principal behind the credentials."""
    if not isinstance(clients.credential, StaticKey):
        # loaded only for a credential chain: the SDK's credentials package is slow to import
        from alibabacloud_credentials.exceptions import CredentialException

        try:
            clients.credential.get_credential()
        except CredentialException as exc:
            raise CredentialsError("no usable credentials: " + chain_summary(str(exc))) from None
    client = clients.rpc("sts", region)
    resp, err = attempt(lambda: sdk_method(client, "GetCallerIdentity")(clients.runtime()), retry or RetryPolicy())
    if err is not None:
        raise call_failure("sts:GetCallerIdentity", err, "the credentials were refused")
    body = resp.body.to_map() if resp is not None and resp.body is not None else {}
    if not isinstance(body, dict) or not body.get("AccountId"):
        raise IncompleteScan("could not confirm the identity: the sts:GetCallerIdentity answer has no AccountId "
                             "(MalformedResponse); nothing was checked")
    return snapshot.clean_text({"account_id": body["AccountId"], "principal": body.get("Arn"),
                                "identity_type": body.get("IdentityType")})  # lone surrogates escaped


def call_failure(call: str, err: dict, refused: str) -> CredentialsError:
    """A failed identity or region call: refused credentials (exit 2), or a transient or unparseable
    answer (IncompleteScan, exit 3): a throttled STS is not a configuration error."""
    text = f"{call} failed: {err['code']}: {err['message']}"
    if RetryPolicy().retryable(err) or err["code"] in ("MalformedResponse", "RequestFailed", "Timeout"):
        return IncompleteScan(f"could not confirm the identity ({text}); nothing was checked")
    return CredentialsError(f"{refused}: {err['code']}: {err['message']}")
