"""Pytest fixtures for the lab: preflight, a session lab, and labs built on demand."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docker
import requests
import pytest

from mirrorcheck import daemon_json as daemon_json_module
from mirrorcheck.errors import LabError
from mirrorcheck.lab.lab import Lab, LabConfig, start_lab
from mirrorcheck.lab.run import sweep
from mirrorcheck.options import Settings
from mirrorcheck.provision.engine import engine_answers
from mirrorcheck.provision.registry_image import ensure_registry_image
from mirrorcheck.report.progress import progress

log = logging.getLogger(__name__)

REQUIRED_TOOLS = ("dockerd", "docker", "nsenter", "unshare", "ip", "iptables")


def preflight() -> None:
    """Raise LabError naming what is missing when this machine cannot run the lab."""
    if os.geteuid() != 0:
        raise LabError(
            "the lab needs root: it runs a second dockerd and joins network namespaces; "
            "run the suites as root (for example 'sudo -E tox -e lab')"
        )
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        raise LabError(
            f"the lab needs {', '.join(missing)} on PATH; run 'python -m mirrorcheck.provision' "
            "as root on Debian or Ubuntu, or install docker.io, iptables and iproute2"
        )
    if not engine_answers():
        raise LabError(
            "no Docker engine responds (DOCKER_HOST or unix:///var/run/docker.sock); run "
            "'python -m mirrorcheck.provision' as root to install and start one"
        )


def lab_config(settings: Settings, document: daemon_json_module.DaemonJson, image: str) -> LabConfig:
    return LabConfig(
        daemon_json=document, registry_image=image, images=settings.images,
        layer_size=settings.layer_size, start_timeout=settings.lab_start_timeout,
        pull_timeout=settings.pull_timeout,
    )


@pytest.fixture(scope="session")
def lab_engine(settings: Settings) -> Iterator[tuple[docker.DockerClient, str]]:
    """The host engine, swept of what killed runs left, and the lab's registry image."""
    preflight()
    client = docker.from_env()
    swept = sweep(client)
    if swept:
        log.warning("removed leftovers of %d earlier run(s): %s", len(swept), ", ".join(swept))
    image = ensure_registry_image(client, settings.registry_image)
    yield client, image
    client.close()


@pytest.fixture(scope="session")
def lab_factory(settings: Settings, lab_engine, results) -> Iterator[Callable[..., Lab]]:
    """Start labs for any daemon.json (a path, or a DaemonJson); all are closed at session end.

    The notes of labs built from the daemon.json under test go to the report, once each.
    """
    client, image = lab_engine
    labs: list[Lab] = []
    noted: set[tuple[str, str]] = set()

    def record_notes(lab: Lab) -> None:
        if lab.config.daemon_json.path.resolve() != settings.daemon_json.resolve():
            return
        for note in lab.notes:
            if (note.subject, note.text) not in noted:
                noted.add((note.subject, note.text))
                results.add_lab_note(note.subject, note.text)

    def start(source: Path | str | daemon_json_module.DaemonJson, **overrides) -> Lab:
        document = source if isinstance(source, daemon_json_module.DaemonJson) \
            else daemon_json_module.load(source)
        config = lab_config(settings, document, image)
        for key, value in overrides.items():
            setattr(config, key, value)
        lab = start_lab(config, client)
        labs.append(lab)
        record_notes(lab)
        return lab

    try:
        yield start
    finally:
        close_all(labs)


def close_all(labs: list[Lab]) -> None:
    """Close labs at once: each waits seconds for its dockerd and containers to stop."""
    with ThreadPoolExecutor(max_workers=max(1, len(labs))) as pool:
        for lab, outcome in zip(labs, pool.map(_close_quietly, labs)):
            if outcome:
                log.error("closing lab %s failed: %s", lab.network_name, outcome)


def _close_quietly(lab: Lab) -> str:
    try:
        lab.close()
    except Exception as error:  # one lab's failure must not keep the others running
        return str(error)
    return ""


@pytest.fixture(scope="session")
def lab(lab_factory, daemon_json, request) -> Lab:
    """The lab built from the daemon.json under test, shared by the whole session."""
    progress(request.config, f"lab: starting for {daemon_json.path}")
    lab = lab_factory(daemon_json)
    progress(request.config, f"lab: hub, {len(lab.mirrors)} mirror(s) and the daemon under "
                             f"test started in {lab.seconds_to_start:.1f} s")
    return lab


@pytest.fixture(scope="session")
def target_docker_info(settings: Settings, request: pytest.FixtureRequest) -> dict:
    """`docker info` of the daemon whose running configuration is checked.

    That is --docker-host (or DOCKER_HOST) when given, else the lab's daemon under test.
    """
    if settings.docker_host:
        return read_docker_info(settings.docker_host)
    return request.getfixturevalue("lab").daemon.info()


def read_docker_info(docker_host: str) -> dict:
    """Return `docker info` of the daemon at docker_host, raising LabError when it fails."""
    try:
        client = docker.DockerClient(base_url=docker_host, timeout=10)
    except docker.errors.DockerException as error:
        raise LabError(f"cannot connect to the daemon at {docker_host}: {error}; "
                       "check --docker-host or DOCKER_HOST") from None
    try:
        return client.info()
    except (docker.errors.DockerException, requests.RequestException) as error:
        raise LabError(f"cannot read docker info from {docker_host}: {error}; "
                       "check --docker-host or DOCKER_HOST") from None
    finally:
        client.close()
