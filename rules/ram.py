"""RAM rules (account level): password policy, MFA for console users, AccessKey hygiene, no root AccessKey,
idle console users, full-administrator custom policies and policies attached to users.

Findings are account-wide: their region is None. Ages are measured from the time the state was
collected (the snapshot's collected_at), so a recorded fixture gives the same verdicts every day.
"""

from __future__ import annotations

import datetime as dt

from .base import check, not_applicable, rule, unknown
from .common import BadField, read

KEY_STATUS = ("Active", "Inactive")  # ListAccessKeys AccessKey.Status

POLICY_API = ("ram:GetPasswordPolicy",)
CONSOLE = "RAM console > Identities > Settings > Security Settings > Password Strength Settings"
POLICY_TF = "alicloud_ram_account_password_policy"


def _policy(acct):
    items = acct.global_items("ram", "password_policy")
    return items[0] if items else None


def _policy_rule(rule_id: str, title: str, field: str, ok, describe, *, severity: str = "medium",
                 tf: str, cli: str, why: str):
    @rule(id=rule_id, product="ram", severity=severity, resource_type="ram:password-policy", needs=POLICY_API,
          title=title, rationale="GL8 5.1(d) names passwords among what must be protected; " + why,
          remediation={"console": f"{CONSOLE}: {describe}.", "cli": f"aliyun ram SetPasswordPolicy {cli}",
                       "terraform": f"{POLICY_TF}.{tf}"})
    def evaluate(acct, settings):
        policy = _policy(acct)
        if policy is None:
            yield unknown(acct.account_id, None, "the password policy was not read")
            return
        value = policy.get(field)
        passed, reason = ok(value, settings)
        yield check(acct.account_id, None, passed, {f"GetPasswordPolicy.PasswordPolicy.{field}": value}, reason)

    return evaluate


def _at_least(setting: str, what: str):
    def ok(value, settings):
        need = getattr(settings, setting)
        good = isinstance(value, int) and value >= need
        return good, "" if good else f"{what} is {value}, less than {need}"
    return ok


def _between_1_and(setting: str, what: str, zero: str):
    def ok(value, settings):
        limit = getattr(settings, setting)
        good = isinstance(value, int) and 1 <= value <= limit
        return good, "" if good else (zero if value == 0 else f"{what} is {value}, more than {limit}")
    return ok


def _required(what: str):
    def ok(value, settings):
        return value is True, "" if value is True else f"passwords need not contain {what}"
    return ok


password_min_length = _policy_rule(
    "ram-password-min-length", "RAM passwords are long enough", "MinimumPasswordLength",
    _at_least("password_min_length", "the minimum length"), "set Minimum Length to at least 14",
    tf="minimum_password_length", cli="--MinimumPasswordLength 14", why="short passwords fall to guessing.")
password_uppercase = _policy_rule(
    "ram-password-require-uppercase", "RAM passwords require an upper-case letter", "RequireUppercaseCharacters",
    _required("an upper-case letter"), "require upper-case letters", tf="require_uppercase_characters",
    cli="--RequireUppercaseCharacters true", why="character classes widen the search space.", severity="low")
password_lowercase = _policy_rule(
    "ram-password-require-lowercase", "RAM passwords require a lower-case letter", "RequireLowercaseCharacters",
    _required("a lower-case letter"), "require lower-case letters", tf="require_lowercase_characters",
    cli="--RequireLowercaseCharacters true", why="character classes widen the search space.", severity="low")
password_numbers = _policy_rule(
    "ram-password-require-numbers", "RAM passwords require a digit", "RequireNumbers",
    _required("a digit"), "require digits", tf="require_numbers",
    cli="--RequireNumbers true", why="character classes widen the search space.", severity="low")
password_symbols = _policy_rule(
    "ram-password-require-symbols", "RAM passwords require a symbol", "RequireSymbols",
    _required("a symbol"), "require symbols", tf="require_symbols",
    cli="--RequireSymbols true", why="character classes widen the search space.", severity="low")
password_max_age = _policy_rule(
    "ram-password-max-age", "RAM passwords expire", "MaxPasswordAge",
    _between_1_and("password_max_age_days", "the password validity", "passwords never expire (MaxPasswordAge 0)"),
    "set Password Validity Period to 90 days or less", tf="max_password_age", cli="--MaxPasswordAge 90",
    why="a leaked password stays useful until it is changed.")
password_reuse = _policy_rule(
    "ram-password-reuse-prevention", "RAM passwords cannot be reused", "PasswordReusePrevention",
    _at_least("password_reuse_prevention", "the number of previous passwords remembered"),
    "set Password Reuse Prevention to at least 5", tf="password_reuse_prevention",
    cli="--PasswordReusePrevention 5", why="reusing an old password undoes its expiry.")
password_lockout = _policy_rule(
    "ram-password-max-login-attempts", "RAM logons lock after a few failed attempts", "MaxLoginAttemps",
    _between_1_and("password_max_login_attempts", "the number of attempts allowed",
                   "failed logons never lock the account (MaxLoginAttemps 0)"),
    "set Logon Retry Limit to 5 or fewer", tf="max_login_attempts", cli="--MaxLoginAttemps 5",
    why="unlimited attempts allow online guessing. (The API spells the field MaxLoginAttemps.)")

CIS_MIN_PASSWORD_AGE_DAYS = 365  # CIS 1.13: forced changes no more often than yearly


@rule(id="ram-password-max-age-cis", product="ram", severity="low", resource_type="ram:password-policy",
      needs=POLICY_API,
      title="RAM passwords are not forced to change more often than yearly (CIS 1.13)",
      rationale="CIS Alibaba 2.0 control 1.13: frequent forced changes push people to predictable variants of "
                "old passwords; the benchmark asks for no expiry or a validity of 365 days or more. This is the "
                "opposite of the HKIA reading (ram-password-max-age, 90 days or less), so the rule belongs to the "
                "CIS catalogue only and runs only with --framework cis-alibaba-2.0.",
      remediation={"console": f"{CONSOLE}: set Password Validity Period to 365 days or more, or switch it off (0).",
                   "cli": "aliyun ram SetPasswordPolicy --MaxPasswordAge 365",
                   "terraform": f"{POLICY_TF}.max_password_age = 365"})
def password_max_age_cis(acct, settings):
    policy = _policy(acct)
    if policy is None:
        yield unknown(acct.account_id, None, "the password policy was not read")
        return
    field = "GetPasswordPolicy.PasswordPolicy.MaxPasswordAge"
    try:
        age = read(policy, "MaxPasswordAge", "int", name=field, optional=False)
        if age < 0:
            raise BadField(field, age, "0 (no expiry) or a number of days")
    except BadField as bad:
        yield unknown(acct.account_id, None, bad.reason, bad.evidence)
        return
    ok = age == 0 or age >= CIS_MIN_PASSWORD_AGE_DAYS
    yield check(acct.account_id, None, ok, {field: age, "min_days": CIS_MIN_PASSWORD_AGE_DAYS},
                "" if ok else f"passwords expire after {age} days, sooner than {CIS_MIN_PASSWORD_AGE_DAYS}")


def _users(acct):
    return acct.global_items("ram", "users")


def _not_a_console_user(user: dict):
    """None for a user whose console login was read and is to be judged; else the verdict saying why not: the
    login profile not read (ERROR), none (no console login: NOT_APPLICABLE) or of an undocumented form (ERROR)."""
    name = user.get("UserName")
    if "login_profile" not in user:
        return unknown(name, None, "the login profile was not read")
    if user["login_profile"] is None:
        return not_applicable(name, None, "no console login (EntityNotExist.User.LoginProfile)",
                              {"GetLoginProfile.LoginProfile": None})
    if not isinstance(user["login_profile"], dict):
        return unknown(name, None, "the login profile has an undocumented form",
                       {"GetLoginProfile.LoginProfile": user["login_profile"]})
    return None


@rule(id="ram-console-user-mfa", product="ram", severity="high", resource_type="ram:user",
      needs=("ram:ListUsers", "ram:GetLoginProfile", "ram:GetUserMFAInfo"),
      title="RAM users who can log on to the console have MFA",
      rationale="GL8 5.1(d): a password alone does not stop a phished or guessed console logon to systems "
                "holding clients' personal information.",
      remediation={
          "console": "RAM console > Identities > Users > the user > Authentication > Enable MFA (and require MFA "
                     "at logon in the login profile).",
          "cli": "aliyun ram CreateVirtualMFADevice --VirtualMFADeviceName {parent}; aliyun ram BindMFADevice --UserName {parent} "
                 "--SerialNumber <mfa-serial> --AuthenticationCode1 <code1> --AuthenticationCode2 <code2>; "
                 "aliyun ram UpdateLoginProfile --UserName {parent} --MFABindRequired true",
          "terraform": "alicloud_ram_login_profile (user_name = \"{parent}\"): mfa_bind_required = true",
      })
def console_user_mfa(acct, settings):
    for user in _users(acct):
        name = user.get("UserName")
        skip = _not_a_console_user(user)
        if skip is not None:
            yield skip
            continue
        if "mfa_device" not in user:
            yield unknown(name, None, "the MFA device was not read")
            continue
        device = user["mfa_device"]
        if device is not None and not (isinstance(device, dict) and isinstance(device.get("SerialNumber"), str)
                                       and device["SerialNumber"]):
            yield unknown(name, None, "the MFA device has an undocumented form", {"GetUserMFAInfo.MFADevice": device})
            continue
        yield check(name, None, device is not None,
                    {"GetLoginProfile.LoginProfile.MFABindRequired": user["login_profile"].get("MFABindRequired"),
                     "GetUserMFAInfo.MFADevice.SerialNumber": (device or {}).get("SerialNumber")},
                    "" if device else "the user logs on to the console without an MFA device")


def _parse(value) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _as_of(acct) -> dt.datetime:
    return _parse(acct.collected_at) or dt.datetime.now(dt.timezone.utc)


def _keys(acct):
    for user in _users(acct):
        for key in user.get("access_keys") or []:
            if isinstance(key, dict):
                yield user, key, f"{user.get('UserName')}/{key.get('AccessKeyId')}"


def _status(key) -> str:
    return read(key, "Status", "str", name="ListAccessKeys.AccessKey.Status", optional=False, values=KEY_STATUS)


@rule(id="ram-access-key-age", product="ram", severity="medium", resource_type="ram:access-key",
      needs=("ram:ListUsers", "ram:ListAccessKeys"),
      title="Active RAM AccessKeys are rotated",
      rationale="GL8 5.1(d): a long-lived key that leaks (code, logs, laptops) keeps working until rotated.",
      remediation={
          "console": "RAM console > Users > the user > AccessKey: create a new key, move the application to it, "
                     "disable and then delete the old one.",
          "cli": "aliyun ram CreateAccessKey --UserName {parent}; (move the application to the new key) "
                 "aliyun ram DeleteAccessKey --UserName {parent} --UserAccessKeyId {child}",
          "terraform": "alicloud_ram_access_key (user_name = \"{parent}\"): replace {child} on a schedule",
      })
def access_key_age(acct, settings):
    now = _as_of(acct)
    for user, key, rid in _keys(acct):
        created = _parse(key.get("CreateDate"))
        evidence = {"ListAccessKeys.AccessKey.CreateDate": key.get("CreateDate"),
                    "ListAccessKeys.AccessKey.Status": key.get("Status"), "max_age_days": settings.access_key_max_age_days}
        try:
            status = _status(key)
        except BadField as bad:
            yield unknown(rid, None, bad.reason, bad.evidence)
            continue
        if status != "Active":
            yield not_applicable(rid, None, "the key is inactive", evidence)
            continue
        if created is None:
            yield unknown(rid, None, "the key's CreateDate is missing or unreadable", evidence)
            continue
        age = (now - created).days
        evidence["age_days"] = age
        ok = age <= settings.access_key_max_age_days
        yield check(rid, None, ok, evidence, "" if ok else f"the key is {age} days old")


@rule(id="ram-access-key-unused", product="ram", severity="low", resource_type="ram:access-key",
      needs=("ram:ListUsers", "ram:ListAccessKeys", "ram:GetAccessKeyLastUsed"),
      title="No active RAM AccessKey goes unused",
      rationale="GL8 5.1(d): a key nobody uses is a credential nobody watches; disable and delete it.",
      remediation={
          "console": "RAM console > Users > the user > AccessKey: disable the unused key, then delete it.",
          "cli": "aliyun ram UpdateAccessKey --UserName {parent} --UserAccessKeyId {child} --Status Inactive",
          "terraform": "alicloud_ram_access_key (user_name = \"{parent}\", {child}): status = \"Inactive\" (then remove)",
      })
def access_key_unused(acct, settings):
    now = _as_of(acct)
    for user, key, rid in _keys(acct):
        try:
            status = _status(key)
            used = read(key, "last_used", "dict", name="GetAccessKeyLastUsed.AccessKeyLastUsed") if "last_used" in key \
                else None
            used_raw = read(used or {}, "LastUsedDate", "str", name="GetAccessKeyLastUsed.AccessKeyLastUsed.LastUsedDate")
        except BadField as bad:
            yield unknown(rid, None, bad.reason, bad.evidence)
            continue
        if status != "Active":
            yield not_applicable(rid, None, "the key is inactive", {"ListAccessKeys.AccessKey.Status": key.get("Status")})
            continue
        if "last_used" not in key:
            yield unknown(rid, None, "the key's last use was not read")
            continue
        last = _parse(used_raw)
        if used_raw and last is None:
            yield unknown(rid, None, "the key's LastUsedDate is unreadable",
                          {"GetAccessKeyLastUsed.AccessKeyLastUsed.LastUsedDate": used_raw})
            continue
        since = last or _parse(key.get("CreateDate"))
        evidence = {"GetAccessKeyLastUsed.AccessKeyLastUsed.LastUsedDate": (key["last_used"] or {}).get("LastUsedDate"),
                    "ListAccessKeys.AccessKey.CreateDate": key.get("CreateDate"),
                    "max_unused_days": settings.access_key_max_unused_days}
        if since is None:
            yield unknown(rid, None, "neither the last use nor the creation date is readable", evidence)
            continue
        idle = (now - since).days
        evidence["unused_days"] = idle
        ok = idle <= settings.access_key_max_unused_days
        yield check(rid, None, ok, evidence,
                    "" if ok else (f"the key has not been used for {idle} days" if last else
                                   f"the key has never been used in the {idle} days since it was created"))


@rule(id="ram-user-single-active-key", product="ram", severity="low", resource_type="ram:user",
      needs=("ram:ListUsers", "ram:ListAccessKeys"),
      title="RAM users have at most one active AccessKey",
      rationale="GL8 5.1(d): two active keys are only needed during a rotation; a second key left active "
                "doubles what can leak.",
      remediation={
          "console": "RAM console > Users > the user > AccessKey: finish the rotation and disable the older key.",
          "cli": "aliyun ram ListAccessKeys --UserName {parent}; aliyun ram UpdateAccessKey --UserName {parent} "
                 "--UserAccessKeyId <older-key-id> --Status Inactive",
          "terraform": "one alicloud_ram_access_key per user (user_name = \"{parent}\")",
      })
def single_active_key(acct, settings):
    for user in _users(acct):
        name = user.get("UserName")
        if "access_keys" not in user:
            yield unknown(name, None, "the user's AccessKeys were not read")
            continue
        keys = user["access_keys"]
        try:
            if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys):
                raise BadField("ListAccessKeys.AccessKeys.AccessKey", keys, "a list of access keys")
            active = [k.get("AccessKeyId") for k in keys if _status(k) == "Active"]
        except BadField as bad:
            yield unknown(name, None, bad.reason, bad.evidence)
            continue
        yield check(name, None, len(active) <= 1, {"ListAccessKeys.AccessKey.Status=Active": active},
                    "" if len(active) <= 1 else f"{len(active)} active AccessKeys")


@rule(id="ram-no-root-access-key", product="ram", severity="critical", resource_type="account",
      needs=("ims:GetAccountSecurityPracticeReport",),
      title="The Alibaba Cloud account (root) has no AccessKey",
      rationale="GL8 5.1(d): a root AccessKey has every permission and cannot be restricted by policy; use RAM "
                "users or roles for programs.",
      remediation={
          "console": "Log on as the account owner > AccessKey Management: disable and delete every AccessKey of "
                     "the Alibaba Cloud account; give programs RAM users or roles instead.",
          "cli": "aliyun ram CreateUser --UserName automation --DisplayName automation; aliyun ram CreateAccessKey "
                 "--UserName automation (move the programs to it); then, with the credentials of the account "
                 "{account_id} itself: aliyun ims ListAccessKeys; aliyun ims DeleteAccessKey --UserAccessKeyId "
                 "<root-access-key-id> (for each key it lists)",
      })
def no_root_access_key(acct, settings):
    items = acct.global_items("ram", "security_report")
    if not items:
        yield unknown(acct.account_id, None, "the account security report was not read")
        return
    info = items[0].get("AccountSecurityPracticeUserInfo") or {}
    count = info.get("RootWithAccessKey")
    if not isinstance(count, int):
        yield unknown(acct.account_id, None, "the report has no RootWithAccessKey",
                      {"GetAccountSecurityPracticeReport.AccountSecurityPracticeUserInfo.RootWithAccessKey": count})
        return
    yield check(acct.account_id, None, count == 0,
                {"GetAccountSecurityPracticeReport.AccountSecurityPracticeUserInfo.RootWithAccessKey": count},
                "" if count == 0 else f"the account itself has {count} AccessKey(s)")


@rule(id="ram-root-mfa", product="ram", severity="critical", resource_type="account",
      needs=("ims:GetAccountSecurityPracticeReport",),
      title="The Alibaba Cloud account (root) signs in with MFA",
      rationale="CIS 1.3 and GL8 5.1(d): the account itself has every permission and cannot be restricted by "
                "policy; a stolen root password alone must not open it.",
      remediation={
          "console": "Log on as the owner of account {account_id} > Security Settings > Account Protection: "
                     "enable MFA (TOTP) for logon (the account's own MFA is set in the console only).",
          "cli": "(no API binds the account's own MFA: bind it in the console, then check with the credentials of "
                 "account {account_id}) aliyun ims GetAccountSecurityPracticeReport (BindMfa must be true)",
      })
def root_mfa(acct, settings):
    items = acct.global_items("ram", "security_report")
    if not items:
        yield unknown(acct.account_id, None, "the account security report was not read")
        return
    field = "GetAccountSecurityPracticeReport.AccountSecurityPracticeUserInfo.BindMfa"
    try:
        bound = read(items[0], "AccountSecurityPracticeUserInfo.BindMfa", "bool", name=field, optional=False)
    except BadField as bad:
        yield unknown(acct.account_id, None, bad.reason, bad.evidence)
        return
    yield check(acct.account_id, None, bound, {field: bound},
                "" if bound else "the Alibaba Cloud account has no MFA bound")


# ==== CIS 1.5, 1.15, 1.16: idle console users, full-administrator policies, policies on users ==============

@rule(id="ram-console-user-idle", product="ram", severity="medium", resource_type="ram:user",
      needs=("ram:ListUsers", "ram:GetLoginProfile", "ram:GetUser"),
      title="RAM users with console logon have logged on within the last 90 days",
      rationale="CIS 1.5, GL8 5.1(d) and GL20 protection.identity: a console password nobody uses is a credential "
                "nobody watches; switch console logon off for users idle for console_user_max_idle_days (90). "
                "A user who never logged on counts from the user's creation.",
      remediation={
          "console": "RAM console > Identities > Users > {resource_id} > Authentication > Console Logon "
                     "Management: disable console logon (or delete the user if it is no longer needed).",
          "cli": "aliyun ram DeleteLoginProfile --UserName {resource_id}",
          "terraform": "remove the alicloud_ram_login_profile of user {resource_id}",
      })
def console_user_idle(acct, settings):
    now = _as_of(acct)
    limit = settings.console_user_max_idle_days
    for user in _users(acct):
        name = user.get("UserName")
        skip = _not_a_console_user(user)
        if skip is not None:
            yield skip
            continue
        if "detail" not in user:
            yield unknown(name, None, "the user's last logon (GetUser) was not read")
            continue
        try:
            detail = read(user, "detail", "dict", name="GetUser.User", optional=False)
            raw = read(detail, "LastLoginDate", "str", name="GetUser.User.LastLoginDate")
            created_raw = read(detail, "CreateDate", "str", name="GetUser.User.CreateDate")
        except BadField as bad:
            yield unknown(name, None, bad.reason, bad.evidence)
            continue
        last, created = _parse(raw), _parse(created_raw)
        evidence = {"GetUser.User.LastLoginDate": raw, "GetUser.User.CreateDate": created_raw, "max_idle_days": limit}
        if raw and last is None:
            yield unknown(name, None, "the user's LastLoginDate is unreadable", evidence)
            continue
        since = last or created
        if since is None:
            yield unknown(name, None, "neither the last logon nor the creation date is readable", evidence)
            continue
        idle = (now - since).days
        evidence["idle_days"] = idle
        ok = idle < limit
        yield check(name, None, ok, evidence,
                    "" if ok else (f"no console logon for {idle} days" if last else
                                   f"never logged on in the {idle} days since it was created"))


FULL = ("*",)  # RAM policy Action / Resource that cover everything


def _document(policy: dict, name: str):
    """A policy version's document (GetPolicyVersion PolicyVersion.PolicyDocument, a JSON string) as its
    statements; a document of a form the RAM policy grammar does not list raises BadField."""
    import json

    field = "GetPolicyVersion.PolicyVersion.PolicyDocument"
    text = read(policy, "default_version.PolicyDocument", "str", name=field, optional=False)
    try:
        doc = json.loads(text)
    except ValueError:
        raise BadField(field, text, "a JSON policy document") from None
    statements = doc.get("Statement") if isinstance(doc, dict) else None
    if not isinstance(statements, list) or not statements:
        raise BadField(field, text, "a policy document with a list of statements")
    for stmt in statements:
        if not isinstance(stmt, dict) or stmt.get("Effect") not in ("Allow", "Deny"):
            raise BadField(field, text, "statements with Effect Allow or Deny")
        for key in ("Action", "Resource", "NotAction", "NotResource"):
            value = stmt.get(key)
            if value is not None and not (isinstance(value, str) or
                                          (isinstance(value, list) and all(isinstance(v, str) for v in value))):
                raise BadField(field, text, f"{key} as a string or a list of strings")
    return statements


def _grants_everything(stmt: dict) -> bool | None:
    """True: an Allow of Action "*" on Resource "*" (with or without a Condition); None: an Allow written with
    NotAction / NotResource, which may grant nearly everything: not decided here."""
    if stmt["Effect"] != "Allow":
        return False
    if "NotAction" in stmt or "NotResource" in stmt:
        return None
    actions = stmt.get("Action")
    resources = stmt.get("Resource")
    actions = [actions] if isinstance(actions, str) else actions or []
    resources = [resources] if isinstance(resources, str) else resources or []
    return any(a in FULL for a in actions) and any(r in FULL for r in resources)  # a Condition still leaves it full


@rule(id="ram-no-full-admin-custom-policy", product="ram", severity="high", resource_type="ram:policy",
      needs=("ram:ListPolicies", "ram:GetPolicyVersion"),
      title="No attached custom RAM policy allows \"*\" on \"*\"",
      rationale="CIS 1.15, GL8 5.1(d) and GL20 protection.identity: a custom policy granting every action on every "
                "resource makes whoever holds it an administrator; start from least privilege. A policy attached to "
                "no one (AttachmentCount 0) passes, as the benchmark allows; an Allow written with NotAction or "
                "NotResource, or a document of an undocumented form, is ERROR.",
      remediation={
          "console": "RAM console > Permissions > Policies > {resource_id}: replace the statement allowing \"*\" on "
                     "\"*\" with the actions and resources needed, and set that version as default (or detach the "
                     "policy from every user, group and role).",
          "cli": "aliyun ram CreatePolicyVersion --PolicyName {resource_id} --PolicyDocument <least-privilege-json> "
                 "--SetAsDefault true",
          "terraform": "alicloud_ram_policy (policy_name = \"{resource_id}\"): a document without Action \"*\" on "
                       "Resource \"*\"",
      })
def no_full_admin_custom_policy(acct, settings):
    for policy in acct.global_items("ram", "policies"):
        name = policy.get("PolicyName")
        try:
            kind = read(policy, "PolicyType", "str", name="ListPolicies.Policies.Policy.PolicyType", optional=False,
                        values=("Custom", "System"))
            attached = read(policy, "AttachmentCount", "int", name="ListPolicies.Policies.Policy.AttachmentCount",
                            optional=False)
            if kind != "Custom":
                continue  # only custom policies were asked for (PolicyType Custom)
            if "default_version" not in policy:
                yield unknown(name, None, "the policy's default version (GetPolicyVersion) was not read")
                continue
            statements = _document(policy, name)
        except BadField as bad:
            yield unknown(name, None, bad.reason, bad.evidence)
            continue
        verdicts = [_grants_everything(s) for s in statements]
        full = [s for s, v in zip(statements, verdicts) if v]
        evidence = {"GetPolicyVersion.PolicyVersion.PolicyDocument": full or "no Allow of * on *",
                    "ListPolicies.Policies.Policy.AttachmentCount": attached}
        if not full and None in verdicts:
            yield unknown(name, None, "an Allow statement uses NotAction or NotResource: whether it grants "
                          "everything is not decided", {**evidence, "GetPolicyVersion.PolicyVersion.PolicyDocument":
                                                         policy["default_version"].get("PolicyDocument")})
            continue
        ok = not full or attached == 0
        yield check(name, None, ok, evidence,
                    "" if ok else f"allows * on *, attached {attached} time(s)")


POLICY_TYPES = ("System", "Custom")


def _direct_policies(user) -> tuple[list[dict] | None, object]:
    """The policies attached to the user itself (ListPoliciesForUser) and None; or None and the ERROR verdict
    when they were not read or have an undocumented form."""
    name = user.get("UserName")
    if "policies" not in user:
        return None, unknown(name, None, "the user's policies (ListPoliciesForUser) were not read")
    try:
        policies = read(user, "policies", "list", name="ListPoliciesForUser.Policies.Policy", optional=False)
        for p in policies:
            if not isinstance(p, dict):
                raise BadField("ListPoliciesForUser.Policies.Policy", p, "a policy object")
            if not read(p, "PolicyName", "str", name="ListPoliciesForUser.Policies.Policy.PolicyName",
                        optional=False):
                raise BadField("ListPoliciesForUser.Policies.Policy.PolicyName", "", "a policy name")
            read(p, "PolicyType", "str", name="ListPoliciesForUser.Policies.Policy.PolicyType", optional=False,
                 values=POLICY_TYPES)
    except BadField as bad:
        return None, unknown(name, None, bad.reason, bad.evidence)
    return policies, None


@rule(id="ram-user-no-direct-policy", product="ram", severity="low", resource_type="ram:user",
      needs=("ram:ListUsers", "ram:ListPoliciesForUser"),
      title="RAM users get their permissions from groups or roles, not from policies attached to them",
      rationale="CIS 1.16, GL8 5.1(d) and GL20 protection.identity: permissions granted per user are hard to review "
                "and linger when people change jobs; attach policies to groups or roles.",
      remediation={
          "console": "RAM console > Identities > Users > {resource_id} > Permissions > Individual: move each policy to "
                     "a group the user joins (or a role), then revoke it from the user.",
          "cli": "aliyun ram DetachPolicyFromUser --UserName {resource_id} --PolicyType <type> --PolicyName <policy> "
                 "(once a group of the user has it)",
          "terraform": "alicloud_ram_group_policy_attachment and alicloud_ram_group_membership instead of "
                       "alicloud_ram_user_policy_attachment for user {resource_id}",
      })
def user_no_direct_policy(acct, settings):
    for user in _users(acct):
        name = user.get("UserName")
        policies, error = _direct_policies(user)
        if error is not None:
            yield error
            continue
        names = [f"{p['PolicyType']}:{p['PolicyName']}" for p in policies]
        yield check(name, None, not names, {"ListPoliciesForUser.Policies.Policy": names},
                    "" if not names else "policies attached to the user itself")


ADMIN_POLICY = ("System", "AdministratorAccess")


@rule(id="ram-user-no-direct-admin", product="ram", severity="critical", resource_type="ram:user",
      needs=("ram:ListUsers", "ram:ListPoliciesForUser"),
      title="No RAM user holds AdministratorAccess directly",
      rationale="GL8 5.1(d) and GL20 protection.identity: full administration belongs to a small, named group "
                "(or a role assumed when needed), reviewed as a whole; a user holding the system policy "
                "AdministratorAccess directly escapes that review.",
      remediation={
          "console": "RAM console > Identities > Users > {resource_id} > Permissions > Individual: revoke "
                     "AdministratorAccess; grant it through the administrators' group or a role instead.",
          "cli": "aliyun ram DetachPolicyFromUser --UserName {resource_id} --PolicyType System "
                 "--PolicyName AdministratorAccess",
          "terraform": "remove the alicloud_ram_user_policy_attachment of AdministratorAccess for user {resource_id}",
      })
def user_no_direct_admin(acct, settings):
    for user in _users(acct):
        name = user.get("UserName")
        policies, error = _direct_policies(user)
        if error is not None:
            yield error
            continue
        admin = any((p["PolicyType"], p["PolicyName"]) == ADMIN_POLICY for p in policies)
        yield check(name, None, not admin,
                    {"ListPoliciesForUser.Policies.Policy": [f"{p['PolicyType']}:{p['PolicyName']}" for p in policies]},
                    "" if not admin else "AdministratorAccess is attached to the user")
