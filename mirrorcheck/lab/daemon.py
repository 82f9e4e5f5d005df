"""The daemon under test: the host's dockerd with the daemon.json, inside the lab network.

A holder container on the lab network owns the network namespace, and any loopback mirror
runs in it too. dockerd joins it through nsenter, with the lab's hosts file and no resolver.
The default route is removed, so every name it can resolve is a lab address and no packet
can leave.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from dataclasses import dataclass

import docker
import docker.errors
from docker.types import EndpointConfig
from testcontainers.core.container import DockerContainer

from mirrorcheck.errors import LabError
from mirrorcheck.lab.dockerd import DaemonLayout, DaemonProcess
from mirrorcheck.lab.registry import FAST_FAILING_DNS
from mirrorcheck.lab.netns import (
    attach_name, egress_packets_dropped, install_egress_guard, netns_path, remove_default_route,
)

log = logging.getLogger(__name__)

HOLDER_SLEEP_SECONDS = "2147483647"


@dataclass
class PullOutcome:
    """The result of one `docker pull` by the daemon under test."""

    image: str
    pulled: bool
    hung: bool
    seconds: float
    started_at: float
    error: str


class NamespaceHolder:
    """A sleeping container whose network namespace the daemon under test joins."""

    def __init__(self, image: str, name: str, network: str, ip: str, subnet: str,
                 extra_hosts: dict[str, str], labels: dict[str, str]) -> None:
        self.ip = ip
        self.subnet = subnet
        self.container = (
            DockerContainer(image, name=name, command=[HOLDER_SLEEP_SECONDS])
            .with_kwargs(
                entrypoint=["/bin/sleep"], labels=labels, network=network,
                networking_config={network: EndpointConfig(
                    docker.constants.DEFAULT_DOCKER_API_VERSION, ipv4_address=ip)},
                extra_hosts=extra_hosts, dns_opt=FAST_FAILING_DNS,
            )
        )

    def start(self, netns_name: str) -> None:
        self.container.start()
        remove_default_route(self.pid)
        install_egress_guard(self.pid, self.subnet)
        attach_name(netns_name, self.pid)

    def egress_packets_dropped(self) -> int:
        return egress_packets_dropped(self.pid)

    @property
    def id(self) -> str:
        return self.container.get_wrapped_container().id

    @property
    def pid(self) -> int:
        wrapped = self.container.get_wrapped_container()
        wrapped.reload()
        return int(wrapped.attrs["State"]["Pid"])

    def remove(self) -> None:
        try:
            self.container.stop(force=True, delete_volume=True)
        except docker.errors.NotFound:
            pass


class DaemonUnderTest:
    """dockerd running in the holder's network namespace, and pulls through it."""

    def __init__(self, layout: DaemonLayout, holder: NamespaceHolder) -> None:
        self.layout = layout
        self.holder = holder
        self.process: DaemonProcess | None = None

    @property
    def ip(self) -> str:
        return self.holder.ip

    @property
    def docker_host(self) -> str:
        return f"unix://{self.layout.socket}"

    @property
    def hosts_file(self):
        return self.layout.hosts_file

    @property
    def netns_path(self) -> str:
        return netns_path(self.holder.pid)

    def start(self, timeout: float) -> None:
        self.process = DaemonProcess(self.layout, netns_path=self.netns_path)
        self.process.start(timeout)

    def client(self, timeout: float = 30) -> docker.DockerClient:
        return docker.DockerClient(base_url=self.docker_host, timeout=timeout)

    def info(self) -> dict:
        """Return `docker info` of the daemon under test."""
        client = self.client()
        try:
            return client.info()
        finally:
            client.close()

    def pull(self, image: str, timeout: float) -> PullOutcome:
        """Pull image with the docker CLI; past timeout the pull is stopped and called hung."""
        command = [_docker_cli(), "--host", self.docker_host, "pull", "--quiet", image]
        started_at = time.time()
        start = time.monotonic()
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                    env=_client_environment(), check=False)
        except subprocess.TimeoutExpired:
            seconds = time.monotonic() - start
            log.warning("pull of %s hung: stopped after %.0f s", image, seconds)
            return PullOutcome(image, pulled=False, hung=True, seconds=seconds,
                               started_at=started_at,
                               error=f"no result after {timeout:.0f} s; the pull was stopped")
        seconds = time.monotonic() - start
        error = result.stderr.strip()
        return PullOutcome(image, pulled=result.returncode == 0, hung=False, seconds=seconds,
                           started_at=started_at, error=error)

    def remove_images(self) -> None:
        """Delete every image from the daemon under test, so the next pull starts cold."""
        client = self.client()
        try:
            for image in client.images.list(all=True):
                try:
                    client.images.remove(image.id, force=True)
                except docker.errors.NotFound:
                    pass
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


def _docker_cli() -> str:
    path = shutil.which("docker")
    if path is None:
        raise LabError("the docker CLI is not on PATH; install Debian's docker.io")
    return path


def _client_environment() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("DOCKER_")}
    environment["DOCKER_CLI_HINTS"] = "false"
    return environment
