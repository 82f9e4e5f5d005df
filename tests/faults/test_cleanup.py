"""Outages leave nothing behind: on errors, when their parent dies, and after a sweep."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mirrorcheck.faults import (FaultError, Hop, NetNamespace, outage, remaining, sweep)
from mirrorcheck.faults.leftovers import proxy_pids

from .netlab import HERE, NetLab

pytestmark = pytest.mark.slow

PROJECT_ROOT = HERE.parents[1]
# Bound for the kernel to deliver the death signal and reap the proxy; it takes milliseconds.
PROXY_EXIT_SECONDS = 5.0

HOLDING_PARENT = """
import json, sys, time
from pathlib import Path
from mirrorcheck.faults import Hop, NetNamespace, TlsMaterial, outage
config = json.loads(sys.argv[1])
tls = TlsMaterial(config["ca_cert"].encode(), config["ca_key"].encode())
with outage(config["kind"], NetNamespace(config["netns"]), Hop(**config["hop"]), tls=tls,
            hosts_file=Path(config["hosts_file"]), run_id=config["run_id"]):
    print("INSIDE", flush=True)
    time.sleep(600)
"""


def start_holding_parent(lab: NetLab, kind: str, run_id: str) -> subprocess.Popen:
    """Start a process that enters an outage and waits inside it; return once it is inside."""
    hop = lab.tls_hop
    config = {
        "kind": kind, "netns": lab.netns.path, "run_id": run_id,
        "hop": {"ip": hop.ip, "port": hop.port, "tls": hop.tls, "host_name": hop.host_name},
        "ca_cert": lab.ca.cert_pem.bytes().decode(),
        "ca_key": lab.ca.private_key_pem.bytes().decode(),
        "hosts_file": str(lab.hosts_file),
    }
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", HOLDING_PARENT, json.dumps(config)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
    line = parent.stdout.readline().decode().strip()
    if line != "INSIDE":
        parent.kill()
        raise AssertionError(f"outage parent did not get inside: {parent.stderr.read()!r}")
    return parent


def wait_for_no_proxy(netns: NetNamespace, run_id: str) -> list[int]:
    deadline = time.monotonic() + PROXY_EXIT_SECONDS
    while (pids := proxy_pids(netns, run_id)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids


def test_error_in_block_removes_outage(lab: NetLab, run_id: str):
    with pytest.raises(RuntimeError, match="scenario failed"):
        with outage("http-503", lab.netns, lab.tls_hop, tls=lab.tls_material, run_id=run_id):
            raise RuntimeError("scenario failed")

    assert remaining(lab.netns, run_id=run_id) == []


def test_error_in_block_restores_hosts(lab: NetLab, run_id: str):
    before = lab.hosts_file.read_text()
    with pytest.raises(RuntimeError, match="scenario failed"):
        with outage("unresolvable", lab.netns, lab.tls_hop, hosts_file=lab.hosts_file,
                    run_id=run_id):
            raise RuntimeError("scenario failed")

    assert lab.hosts_file.read_text() == before


def test_killed_parent_kills_proxy(lab: NetLab, run_id: str):
    parent = start_holding_parent(lab, "stall", run_id)
    assert proxy_pids(lab.netns, run_id), "the outage parent started no proxy"

    parent.kill()
    parent.wait()
    left_pids = wait_for_no_proxy(lab.netns, run_id)

    assert left_pids == [], (
        f"proxy pids {left_pids} outlived their killed parent by {PROXY_EXIT_SECONDS} s; "
        "expected PR_SET_PDEATHSIG to end them"
    )
    # The rules cannot remove themselves: this is what sweep is for.
    left = remaining(lab.netns, run_id=run_id)
    assert [item.kind for item in left] == ["iptables", "iptables"], f"left: {left}"
    swept = sweep(lab.netns, run_id=run_id)
    assert len(swept) == 2, f"sweep removed {swept}, expected the 2 rules"
    assert remaining(lab.netns, run_id=run_id) == []
    assert lab.curl(lab.url(lab.tls_hop, "/v2/")).status == 200


def test_sweep_restores_hosts_of_killed_parent(lab: NetLab, run_id: str):
    before = lab.hosts_file.read_text()
    parent = start_holding_parent(lab, "unresolvable", run_id)
    parent.kill()
    parent.wait()

    left = remaining(lab.netns, run_id=run_id, hosts_file=lab.hosts_file)
    # The hidden line, and the line that keeps the alias on it resolvable.
    assert [item.kind for item in left] == ["hosts", "hosts"], f"left: {left}"
    sweep(lab.netns, run_id=None, hosts_file=lab.hosts_file)
    assert lab.hosts_file.read_text() == before


def test_sweep_without_run_id_finds_every_run(lab: NetLab, run_id: str):
    other_run = f"{run_id}-other"
    first = start_holding_parent(lab, "refused", run_id)
    second = start_holding_parent(lab, "blackhole", other_run)
    for parent in (first, second):
        parent.kill()
        parent.wait()

    found = remaining(lab.netns)
    assert len(found) >= 2, f"remaining(netns) found {found}, expected both runs' rules"
    sweep(lab.netns)
    assert remaining(lab.netns) == []


def test_keepalive_connection_cannot_bypass(lab: NetLab, run_id: str):
    hop = lab.tls_hop
    client = subprocess.Popen(
        lab.client_command([sys.executable, str(HERE / "keepalive_client.py"), hop.host_name,
                            str(hop.port), str(lab.ca_file), "/v2/", "/v2/"]),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = json.loads(client.stdout.readline())
        with outage("http-503", lab.netns, hop, tls=lab.tls_material, run_id=run_id):
            client.stdin.write("go\n")
            client.stdin.flush()
            output, errors = client.communicate(timeout=30)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()

    steps = [json.loads(line) for line in output.splitlines()]
    assert first["status"] == 200, f"first GET returned {first}, expected 200"
    # The reset reaches Python as ConnectionResetError or as an EOF (RemoteDisconnected),
    # depending on whether it arrives before the read; Go retries after either.
    assert steps[0]["step"] == "reused"
    assert steps[0].get("error") in ("ConnectionResetError", "RemoteDisconnected"), (
        f"the connection opened before the outage gave {steps[0]}; expected it cut, "
        f"not the real registry's answer (client stderr: {errors})"
    )
    assert steps[1]["status"] == 503, f"retry on a new connection gave {steps[1]}, expected 503"


def test_tls_fault_on_plain_hop_rejected(lab: NetLab, run_id: str):
    with pytest.raises(FaultError, match="needs a TLS hop"):
        with outage("tls-untrusted", lab.netns, lab.http_hop, run_id=run_id):
            pass


def test_proxy_fault_without_ca_key_rejected(lab: NetLab, run_id: str):
    from mirrorcheck.faults import TlsMaterial

    with pytest.raises(FaultError, match="lab CA key"):
        with outage("stall", lab.netns, lab.tls_hop,
                    tls=TlsMaterial(lab.ca.cert_pem.bytes()), run_id=run_id):
            pass


def test_unknown_kind_rejected(lab: NetLab, run_id: str):
    with pytest.raises(FaultError, match="unknown outage kind 'partition'; use one of"):
        with outage("partition", lab.netns, lab.tls_hop, run_id=run_id):
            pass


def test_missing_namespace_rejected(run_id: str, tmp_path: Path):
    missing_netns = NetNamespace(str(tmp_path / "no-such-netns"))
    hop = Hop(ip="10.213.200.2", port=443, tls=False, host_name="registry.mcf.test")
    with pytest.raises(FaultError, match="network namespace .* not found"):
        with outage("refused", missing_netns, hop, run_id=run_id):
            pass


def test_ipv6_hop_rejected():
    with pytest.raises(FaultError, match="IPv4 hops only"):
        Hop(ip="fd00::1", port=443, tls=True, host_name="registry.mcf.test")
