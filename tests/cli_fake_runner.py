"""Run the aliaudit CLI in a fresh process with the fake cloud in it (the credential chain reads the environment at
import, so live-mode CLI tests need a new process). Usage: python cli_fake_runner.py SNAPSHOT ARGS...

ALIAUDIT_TEST_ECHO="Action[=status],..." makes those calls fail with an error whose message echoes the whole
request back (method, URL with its query, every header, the body), as some gateways and proxies do: the RPC
actions named, and "oss:policy" for OSS GetBucketPolicy. The status defaults to 400.
"""

import json
import os
import sys
from xml.sax.saxutils import escape

from aliaudit.cli import main
from aliaudit.fakes import FakeCloud


def _echo_rules() -> dict[str, int]:
    rules = {}
    for item in filter(None, os.environ.get("ALIAUDIT_TEST_ECHO", "").split(",")):
        name, _, status = item.partition("=")
        rules[name.strip()] = int(status or 400)
    return rules


class EchoingCloud(FakeCloud):
    def __init__(self, echo: dict[str, int], **kw):
        super().__init__(**kw)
        self.echo = echo

    def _callback(self, prepared):
        first = ("auth", "token", "signature", "credential")  # the secret-bearing ones within the 500 characters kept
        headers = dict(sorted(dict(prepared.headers).items(), key=lambda kv: not any(w in kv[0].lower() for w in first)))
        action = headers.get("x-acs-action") or ""
        if "Action=" in (prepared.url or ""):
            action = prepared.url.split("Action=", 1)[1].split("&", 1)[0]
        is_oss = "aliyuncs.com" in prepared.url and ".oss" in prepared.url or "oss-" in prepared.url
        key = "oss:policy" if is_oss and "policy" in prepared.url.split("?", 1)[-1] else action
        if key not in self.echo:
            return super()._callback(prepared)
        body = prepared.body.decode("utf-8", "replace") if isinstance(prepared.body, bytes) else (prepared.body or "")
        echo = f"{prepared.method} {prepared.url} headers={headers} body={body}"
        status = self.echo[key]
        if key == "oss:policy":
            xml = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                   f"<Message>{escape(echo)}</Message><RequestId>echo-0001</RequestId></Error>")
            return status, {"Content-Type": "application/xml", "x-oss-request-id": "echo-0001"}, xml.encode()
        doc = {"Code": "InvalidParameter" if status < 500 else "InternalError", "Message": echo,
               "RequestId": "echo-0001"}
        return status, {"Content-Type": "application/json"}, json.dumps(doc).encode()


if __name__ == "__main__":
    echo = _echo_rules()
    cloud = (EchoingCloud(echo, extra_urls=("http://127.0.0.1:18080",)) if echo
             else FakeCloud(extra_urls=("http://127.0.0.1:18080",)))
    with cloud.load(sys.argv[1]):
        main(sys.argv[2:], prog_name="aliaudit")
