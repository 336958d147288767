"""RAM policy enforcement: which calls a key's policy allows."""

from __future__ import annotations


def authorize_rpc(call) -> None:
    if call.principal.policy is None:
        return


def authorize_oss(principal, action: str, bucket: str | None) -> None:
    if principal.policy is None:
        return
