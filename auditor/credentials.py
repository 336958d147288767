"""Where the scan's credentials come from.

The base identity comes from alibabacloud-credentials: its default chain
(environment variables, ~/.aliyun/config.json, ~/.alibabacloud/credentials.ini,
ECS RAM role, OIDC for ACK RRSA) or one named profile of ~/.aliyun/config.json.

Assuming a role (``--role-arn``, and each member account of a resource
directory) goes through the STS SDK's AssumeRole on the REGIONAL endpoint
``sts.<region>.aliyuncs.com`` (the global sts.aliyuncs.com times out outside
mainland China), honouring ``--endpoint-override``; the temporary key is
renewed before it expires.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass

from . import sdk
from .errors import CredentialsError

RENEW_BEFORE_S = 300
DEFAULT_SESSION_NAME = "aliaudit"
DEFAULT_DURATION_S = 3600


@dataclass(frozen=True)
class CredentialOptions:
    profile: str | None = None
    role_arn: str | None = None
    role_session_name: str = DEFAULT_SESSION_NAME
    external_id: str | None = None
    sts_region: str | None = None


def _quiet_chain() -> None:
    # The chain logs every provider it tries, with tracebacks; the scan reports one clear line instead.
    logging.getLogger("credentials").setLevel(logging.CRITICAL)


def chain_summary(message: str) -> str:
    """The credential chain's message, without the provider-by-provider detail."""
    if "unable to load credentials from any of the providers" in message:
        return "none of the providers in the default chain (environment, profile files, ECS RAM role, OIDC) had any"
    return " ".join(message.split())[:300]


def base_credential(profile: str | None = None):
    """The default chain, or one profile of ~/.aliyun/config.json (or ALIBABA_CLOUD_CONFIG_FILE's)."""
    from alibabacloud_credentials.client import Client as CredClient
    from alibabacloud_credentials.exceptions import CredentialException

    _quiet_chain()
    try:
        if profile:
            from alibabacloud_credentials.provider.cli_profile import CLIProfileCredentialsProvider

            return CredClient(provider=CLIProfileCredentialsProvider(profile_name=profile))
        return CredClient()
    except (CredentialException, ValueError) as exc:
        raise CredentialsError("no usable credentials: " + chain_summary(str(exc))) from None


class AssumedRole:
    """Temporary credentials of a role, from STS AssumeRole with a base credential; renewed before expiry.

    Quacks like an alibabacloud-credentials client (``get_credential()``), so the SDK clients take it as is.
    """

    def __init__(self, base, role_arn: str, *, sts_region: str, endpoint_override: str | None = None,
                 session_name: str = DEFAULT_SESSION_NAME, external_id: str | None = None,
                 duration_s: int = DEFAULT_DURATION_S, retry=None):
        self.role_arn = role_arn
        self.sts_region = sts_region
        self._clients = sdk.Clients(base, endpoint_override)
        self._session_name = session_name
        self._external_id = external_id
        self._duration_s = duration_s
        self._retry = retry
        self._lock = threading.Lock()
        self._current = None
        self._expires = 0.0

    def __repr__(self) -> str:  # never print the secret
        return f"AssumedRole({self.role_arn!r})"

    @property
    def sts_endpoint(self) -> str:
        return self._clients.rpc("sts", self.sts_region)._endpoint

    def get_credential(self):
        with self._lock:
            if self._current is None or time.time() > self._expires - RENEW_BEFORE_S:
                self._current, self._expires = self._assume()
            return self._current

    def _assume(self):
        from alibabacloud_credentials.models import CredentialModel

        from .collectors.base import RetryPolicy, attempt, sdk_method

        m = sdk.models("sts")
        client = self._clients.rpc("sts", self.sts_region)
        request = m.AssumeRoleRequest(role_arn=self.role_arn, role_session_name=self._session_name,
                                      duration_seconds=self._duration_s, external_id=self._external_id)
        resp, err = attempt(lambda: sdk_method(client, "AssumeRole")(request, self._clients.runtime()),
                            self._retry or RetryPolicy())
        if err is not None:
            raise CredentialsError(f"cannot assume {self.role_arn}: {err['code']}: {err['message']}")
        creds = resp.body.credentials if resp.body else None
        if creds is None or not creds.access_key_id or not creds.access_key_secret or not creds.security_token:
            raise CredentialsError(f"cannot assume {self.role_arn}: the AssumeRole response has no Credentials")
        try:
            expires = dt.datetime.strptime(creds.expiration, "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=dt.timezone.utc).timestamp()
        except (TypeError, ValueError):
            expires = time.time() + 900
        sdk.remember_secrets(creds.access_key_secret, creds.security_token)
        model = CredentialModel(access_key_id=creds.access_key_id, access_key_secret=creds.access_key_secret,
                                security_token=creds.security_token, type="sts", provider_name="aliaudit/assume_role")
        return model, expires


def secrets_of(credential) -> list[str]:
    """The secret strings behind a credential (AccessKey secret, STS token), to keep them out of every file."""
    out = []
    if isinstance(credential, sdk.StaticKey):
        out = [credential.access_key_secret, credential.security_token]
    elif credential is not None and hasattr(credential, "get_credential"):
        from alibabacloud_credentials.exceptions import CredentialException

        try:
            c = credential.get_credential()
        except (CredentialsError, CredentialException, *sdk.sdk_errors()):  # no credential: no secret to hide
            return []
        out = [getattr(c, "access_key_secret", None), getattr(c, "security_token", None)]
    return [s for s in out if s]


def resolve(opts: CredentialOptions, region: str, endpoint_override: str | None = None):
    """The credential a scan uses: the base identity, or the role it assumes."""
    base = base_credential(opts.profile)
    sdk.remember_secrets(*secrets_of(base))  # an error that echoes the request is redacted where it is captured
    if not opts.role_arn:
        return base
    return AssumedRole(base, opts.role_arn, sts_region=opts.sts_region or region,
                       endpoint_override=endpoint_override, session_name=opts.role_session_name,
                       external_id=opts.external_id)
