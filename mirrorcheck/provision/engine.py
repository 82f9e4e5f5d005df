"""Making sure a Docker engine responds: install Debian's packages and start dockerd if needed."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from pathlib import Path

import docker
import docker.errors

from mirrorcheck.errors import MirrorcheckError

log = logging.getLogger(__name__)

DEBIAN_PACKAGES = ("docker.io", "docker-registry", "iptables")
# The project's own tests also render the report in a browser and time curl downloads.
TEST_PACKAGES = ("chromium", "curl")
ENGINE_LOG = Path("/var/log/mirrorcheck-dockerd.log")
ENGINE_START_TIMEOUT = 60.0


class EngineError(MirrorcheckError):
    """No Docker engine responds and none can be provided here."""


def engine_answers() -> bool:
    """Return whether the engine named by DOCKER_HOST (or the default socket) responds to a ping."""
    try:
        client = docker.from_env(timeout=5)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except docker.errors.DockerException:
        return False


def is_debian_like() -> bool:
    """Return whether apt-get and dpkg are present (Debian, Ubuntu and their derivatives)."""
    return shutil.which("apt-get") is not None and shutil.which("dpkg") is not None


def missing_packages(packages: tuple[str, ...] = DEBIAN_PACKAGES) -> list[str]:
    """Return the Debian packages among packages that are not installed."""
    missing = []
    for package in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package],
            capture_output=True, text=True, check=False,
        )
        if "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def install_packages(packages: list[str]) -> None:
    """Install Debian packages with apt-get, raising EngineError with apt's output on failure."""
    log.info("installing %s with apt-get", " ".join(packages))
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    steps = (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *packages])
    for command in steps:
        result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
        if result.returncode != 0:
            tail = "\n".join(result.stderr.strip().splitlines()[-5:])
            raise EngineError(
                f"'{' '.join(command)}' failed with exit code {result.returncode}:\n{tail}\n"
                f"Install {' '.join(packages)} by hand, then run again."
            )


def start_dockerd() -> None:
    """Start the host's dockerd in the background, logging to ENGINE_LOG, and wait for it."""
    dockerd = shutil.which("dockerd")
    if dockerd is None:
        raise EngineError("dockerd is not on PATH after installing docker.io; check the install")

    log.info("starting %s, log in %s", dockerd, ENGINE_LOG)
    with ENGINE_LOG.open("ab") as log_file:
        subprocess.Popen(
            [dockerd], stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    deadline = time.monotonic() + ENGINE_START_TIMEOUT
    while time.monotonic() < deadline:
        if engine_answers():
            return
        time.sleep(0.5)
    raise EngineError(
        f"dockerd did not respond within {ENGINE_START_TIMEOUT:.0f} s; "
        f"read {ENGINE_LOG} for the reason"
    )


def ensure_engine(test_tools: bool = False) -> None:
    """Make a Docker engine respond, or raise EngineError saying what is missing and how to get it.

    With test_tools, also install what the project's own tests use (TEST_PACKAGES).
    """
    can_install = os.geteuid() == 0 and is_debian_like()
    wanted = DEBIAN_PACKAGES + (TEST_PACKAGES if test_tools else ())
    missing = missing_packages(wanted) if can_install else []
    if missing:
        install_packages(missing)

    if engine_answers():
        log.info("a Docker engine responds")
        return
    if os.environ.get("DOCKER_HOST"):
        raise EngineError(
            f"DOCKER_HOST is {os.environ['DOCKER_HOST']!r} but no engine responds there; "
            "start that engine or unset DOCKER_HOST to use the local one"
        )
    if os.geteuid() != 0:
        raise EngineError(
            "no Docker engine responds at unix:///var/run/docker.sock, and provisioning one needs "
            "root; run 'sudo python -m mirrorcheck.provision' or start dockerd yourself"
        )
    if not is_debian_like():
        raise EngineError(
            "no Docker engine responds and this is not Debian or Ubuntu, so mirrorcheck cannot "
            "install one; install Docker Engine (https://docs.docker.com/engine/install/), "
            "iptables and the registry binary (distribution), start dockerd, and run again"
        )

    start_dockerd()
