"""Every API a collector calls is served by the fake; the pytest plugin works outside this repository."""

import subprocess
import sys
import textwrap

from aliaudit.collectors import all_calls
from aliaudit.fakes.router import handled_calls
from aliaudit import scan as scanning
from aliaudit.collect import collect_account
from aliaudit.fakes import FakeCloud
from aliaudit.fakes.state import account_key
from aliaudit.sdk import Clients, StaticKey
from conftest import load_fixture

NEEDED = all_calls() | {"sts:GetCallerIdentity"}   # identify() asks STS before any collector runs


def test_the_fake_has_a_handler_for_every_collector_call():
    assert NEEDED - handled_calls() == set()


def test_a_scan_exercises_every_collector_call():
    """Every call, the OSS calls GetBucketInfo stands for (collection.oss_bucket_info) with the shortcut off."""
    doc = load_fixture("hk-insurer-gaps.json")
    account = doc["accounts"][0]
    served = set()
    for shortcut in (True, False):
        with FakeCloud().load(doc) as cloud:
            clients = Clients(StaticKey(*account_key(account["account_id"])))
            scanning.identify(clients, "cn-hongkong")
            collect_account(clients, account["account_id"], list(account["regions"]), workers=2,
                            oss_bucket_info=shortcut)
            served |= {f"{product}:{action}" for product, action in cloud.calls}
    assert NEEDED - served == set()


def test_pytest_plugin_from_a_project_outside_the_repo(tmp_path):
    (tmp_path / "test_outside.py").write_text(textwrap.dedent('''
        from alibabacloud_ecs20140526.client import Client
        from alibabacloud_ecs20140526 import models
        from alibabacloud_tea_openapi.models import Config

        STATE = {"format": "aliaudit-snapshot/1", "accounts": [{"account_id": "5000000000000009", "regions": {
            "cn-hongkong": {"ecs": {"disks": [
                {"DiskId": "d-outside1", "InstanceId": "i-outside1", "Encrypted": True, "Category": "cloud_essd"},
                {"DiskId": "d-outside2", "InstanceId": "i-outside2", "Encrypted": False, "Category": "cloud_essd"}]}}}}]}

        def test_describe_disks(alicloud_fake):
            alicloud_fake.load(STATE)
            client = Client(Config(access_key_id="fake-access-key-id", access_key_secret="fake-access-key-secret",
                                   region_id="cn-hongkong"))
            body = client.describe_disks(models.DescribeDisksRequest(region_id="cn-hongkong",
                                                                     instance_id="i-outside2")).body
            assert [d.disk_id for d in body.disks.disk] == ["d-outside2"]
            assert body.disks.disk[0].encrypted is False
    '''))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_outside.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
