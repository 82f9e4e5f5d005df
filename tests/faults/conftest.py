"""Fixtures of the fault tests: a real two-namespace network and a registry (needs root)."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest

from mirrorcheck.faults import remaining, sweep

from . import netlab

REQUIRED_TOOLS = ("ip", "nsenter", "unshare", "iptables", "iptables-save", "curl")


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory):
    """The client and registry namespaces, shared by every fault test."""
    if os.geteuid() != 0:
        pytest.skip("fault tests need root to create network namespaces")
    missing = [tool for tool in (*REQUIRED_TOOLS, "/usr/bin/docker-registry")
               if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"fault tests need {', '.join(missing)}; install them to run")

    directory = tmp_path_factory.mktemp("faults-netlab")
    built = netlab.build(directory)
    yield built
    built.close()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def run_id(lab: netlab.NetLab):
    """A fresh run id; after the test, asserts that the run left nothing and sweeps if it did."""
    value = f"mc-{uuid.uuid4().hex[:8]}"
    yield value
    left = remaining(lab.netns, run_id=value, hosts_file=lab.hosts_file)
    sweep(lab.netns, run_id=value, hosts_file=lab.hosts_file)
    assert left == [], f"run {value} left {left}; expected nothing after the outage ended"
