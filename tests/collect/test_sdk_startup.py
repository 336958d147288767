"""Live start-up stays cheap: SDK models are imported one at a time as they are used, every client shares one
TLS context, and clients for different products are built without waiting on each other."""

import ast
import json
import subprocess
import sys
import textwrap
import threading

import pytest

from aliaudit import sdk
from aliaudit.lazy_models import LazyModels, names_in


@pytest.mark.parametrize("product", sorted(sdk.RPC_SDKS))
def test_the_lazy_models_know_every_name_the_package_exports(product):
    import importlib.util

    spec = importlib.util.find_spec(f"{sdk.RPC_SDKS[product][0]}.models")
    with open(spec.origin, encoding="utf-8") as fh:
        text = fh.read()
    real = {a.asname or a.name: node.module for node in ast.parse(text).body
            if isinstance(node, ast.ImportFrom) and node.level == 1 for a in node.names}
    assert real and names_in(text) == real
    models = sdk.models(product)
    name = sorted(real)[0]
    assert getattr(models, name).__name__ == name
    if isinstance(models, LazyModels):  # not imported eagerly by an earlier test in this process
        with pytest.raises(AttributeError):
            models.NoSuchModel  # noqa: B018


SCAN = textwrap.dedent("""
    import json, ssl, sys
    made = []
    original = ssl.create_default_context
    def counted(*a, **kw):
        made.append(1)
        return original(*a, **kw)
    ssl.create_default_context = counted
    from aliaudit import scan as scanning
    from aliaudit.fakes import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, FakeCloud
    from aliaudit.sdk import StaticKey
    import alibabacloud_credentials.client  # aiohttp (under Tea) makes its own context once, when imported
    before = len(made)
    with FakeCloud().load(sys.argv[1]):
        collected = scanning.collect_live(StaticKey(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET),
                                          scanning.ScanOptions(workers=4))
    models = [m for m in sys.modules if ".models._" in m and m.startswith("alibabacloud_")]
    hosts = sorted({k.split("://")[1].split(":")[0] for k in __import__("darabonba.core").core.DaraCore._sessions})
    print(json.dumps({"tls_contexts": len(made) - before, "model_modules": len(models), "hosts": len(hosts),
                      "regions": sorted(collected["accounts"][0]["regions"])}))
""")


def test_a_live_scan_imports_few_models_and_builds_one_tls_context(tmp_path):
    from conftest import fixture_path

    proc = subprocess.run([sys.executable, "-c", SCAN, fixture_path("hk-insurer-gaps.json")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["regions"] == ["ap-southeast-1", "cn-hongkong"]
    assert got["hosts"] > 10  # one session per endpoint, each of them over HTTPS...
    assert got["tls_contexts"] <= 1  # ...and one TLS context between them (it was one per endpoint)
    assert got["model_modules"] < 400  # of about 11,000 model files in the 14 packages


def test_clients_for_different_keys_are_built_concurrently():
    """Building one client (imports, configuration) does not hold up another product's."""
    clients = sdk.Clients(sdk.StaticKey("fake-access-key-id", "fake-access-key-secret"))
    started, release = threading.Event(), threading.Event()
    built = []

    def slow():
        started.set()
        assert release.wait(10)
        return "slow"

    t = threading.Thread(target=lambda: built.append(clients._get(("ecs", "cn-hongkong"), slow)))
    t.start()
    assert started.wait(10)
    # another key while the first is still being built
    assert clients._get(("rds", "cn-hongkong"), lambda: "fast") == "fast"
    release.set()
    t.join(10)
    assert built == ["slow"] and clients._get(("ecs", "cn-hongkong"), lambda: "again") == "slow"
