"""`aliaudit fake serve` + `aliaudit scan --endpoint-override`: the same verdicts as `scan --fixture`."""

import socket
import subprocess

import pytest

from conftest import fixture_path, scan
from fake_server_helpers import CLI, clean_env, fake_server, live_scan, verdicts

GAPS = fixture_path("hk-insurer-gaps.json")
REGIONS = ("cn-hongkong", "ap-southeast-1")


@pytest.fixture(scope="module")
def gaps_server():
    with fake_server("--state", GAPS) as (url, lines, proc):
        yield url, lines, proc


def test_serve_prints_the_environment_of_a_scan(gaps_server):
    url, lines, _ = gaps_server
    assert url.startswith("http://127.0.0.1:")
    assert "export ALIBABA_CLOUD_ACCESS_KEY_ID=fake-access-key-id" in lines
    assert "export ALIBABA_CLOUD_ACCESS_KEY_SECRET=fake-access-key-secret" in lines


def test_live_scan_through_the_server_matches_the_fixture_scan(gaps_server):
    url, _, proc = gaps_server
    code, report, err = live_scan(url, *[a for r in REGIONS for a in ("--region", r)])
    assert code == 1, err   # the gaps fixture has FAILs
    offline = scan(GAPS, regions=REGIONS)
    assert verdicts(report) == verdicts(offline)
    assert report["collection_errors"] == [] and report["summary"] == offline["summary"]
    assert report["identities"][0]["account_id"] == "5184000000000001"


def test_default_region_scan_matches_per_region(gaps_server):
    """Without --region a live scan discovers the regions (DescribeRegions) and keeps those with resources."""
    url, _, _ = gaps_server
    code, report, err = live_scan(url)
    assert code == 1, err
    assert report["regions"] == ["ap-southeast-1", "cn-hongkong"]
    assert verdicts(report) == verdicts(scan(GAPS))
    code, report, err = live_scan(url, "--region", "cn-hongkong")
    assert code == 1, err
    assert report["regions"] == ["cn-hongkong"]
    assert verdicts(report) == verdicts(scan(GAPS, regions=["cn-hongkong"]))


def test_wrong_secret_exits_2_with_an_authentication_message_and_no_report(gaps_server):
    url, _, _ = gaps_server
    code, report, err = live_scan(url, env={"ALIBABA_CLOUD_ACCESS_KEY_ID": "fake-access-key-id",
                                            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "not-the-secret"})
    assert code == 2 and report is None
    assert "credentials were refused: SignatureDoesNotMatch" in err


def test_unknown_key_exits_2(gaps_server):
    url, _, _ = gaps_server
    code, report, err = live_scan(url, env={"ALIBABA_CLOUD_ACCESS_KEY_ID": "no-such-key",
                                            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "x"})
    assert code == 2 and report is None
    assert "InvalidAccessKeyId.NotFound" in err


def test_server_logs_one_line_per_request(gaps_server):
    url, _, proc = gaps_server
    live_scan(url)
    proc.terminate()
    proc.wait(timeout=10)
    log = proc.stderr.read().splitlines()
    assert "POST sts:GetCallerIdentity 200" in " ".join(log)
    assert any(line.startswith("GET oss:ListBuckets 200 ") and line.endswith("ms") for line in log)
    assert any(line.startswith("POST ecs:DescribeDisks 200 ") for line in log)


def test_non_loopback_host_is_refused():
    done = subprocess.run([*CLI, "fake", "serve", "--host", "0.0.0.0", "--port", "0"], capture_output=True,
                          text=True, env=clean_env(), timeout=60)
    assert done.returncode == 2 and "not a loopback address" in done.stderr


def test_oversized_body_is_refused():
    from aliaudit.fakes.server import FakeServer

    with FakeServer(log=None, max_body=1024) as server:
        with socket.create_connection((server.host, server.port), timeout=5) as s:
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
            assert s.recv(100).startswith(b"HTTP/1.1 413")
