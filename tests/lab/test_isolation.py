"""The daemon under test cannot reach anything outside the lab, even when it falls back."""

from __future__ import annotations

import subprocess

import pytest

from mirrorcheck.faults import Hop, NetNamespace, outage
from mirrorcheck.options import FIXTURES

pytestmark = pytest.mark.lab

# A documentation address (RFC 5737): asking for its route sends nothing anywhere.
OUTSIDE_ADDRESS = "192.0.2.1"


@pytest.fixture(scope="module")
def current_lab(lab_factory):
    return lab_factory(FIXTURES / "daemon-json" / "current.json")


def _in_daemon_namespaces(lab, command: list[str]) -> subprocess.CompletedProcess:
    # The daemon's own mount namespace contains its hosts file and resolv.conf.
    return subprocess.run(
        ["nsenter", f"--target={lab.daemon.process.pid}", "--mount", "--net", "--", *command],
        capture_output=True, text=True, check=False, timeout=30,
    )


def test_daemon_namespace_has_no_default_route(current_lab):
    routes = _in_daemon_namespaces(current_lab, ["ip", "-4", "route", "show", "default"])
    lookup = _in_daemon_namespaces(current_lab, ["ip", "route", "get", OUTSIDE_ADDRESS])

    assert routes.returncode == 0, routes.stderr
    assert routes.stdout.strip() == ""
    assert lookup.returncode != 0, f"a route to {OUTSIDE_ADDRESS} exists: {lookup.stdout}"
    assert "unreachable" in lookup.stderr.lower(), lookup.stderr


def test_non_lab_name_does_not_resolve(current_lab):
    outside = _in_daemon_namespaces(current_lab, ["getent", "hosts", "quay.io"])
    hub = _in_daemon_namespaces(current_lab, ["getent", "hosts", "registry-1.docker.io"])

    assert outside.returncode != 0, f"quay.io resolved to {outside.stdout.strip()}"
    assert hub.returncode == 0, hub.stderr
    assert hub.stdout.split()[0] == current_lab.hub.endpoint.ip


def test_fallback_to_docker_hub_stays_in_lab(current_lab):
    namespace = NetNamespace(path=current_lab.daemon.netns_path)
    hops = [Hop(ip=r.endpoint.ip, port=r.endpoint.port, tls=r.endpoint.tls,
                host_name=r.endpoint.host) for r in current_lab.registries]
    dropped_before = current_lab.daemon.holder.egress_packets_dropped()

    with outage("refused", namespace, hops[0], run_id=current_lab.run.id), \
            outage("refused", namespace, hops[1], run_id=current_lab.run.id):
        report = current_lab.pull("alpine:latest", timeout=120)

    assert not report.pulled, report.summary()
    assert f"{current_lab.hub.endpoint.ip}:443" in report.error, report.error
    assert current_lab.daemon.holder.egress_packets_dropped() == dropped_before
