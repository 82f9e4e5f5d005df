"""One registry:2 container of the lab (the hub, a mirror or a loopback mirror)."""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import docker.errors
import requests
from docker.types import EndpointConfig
from testcontainers.core.container import DockerContainer

from mirrorcheck.errors import LabError
from mirrorcheck.lab.netns import install_egress_guard, remove_default_route
from mirrorcheck.lab.topology import DOCKER_HUB_URL, Endpoint

log = logging.getLogger(__name__)

CONTAINER_PKI = "/lab/pki"
CONTAINER_STORAGE = "/var/lib/registry"
READY_POLL_INTERVAL = 0.1
# Every lab name is a hosts entry. Any other lookup goes to docker's embedded resolver, which
# forwards it, fails for want of a route and sends no reply. So the client's resolver gives
# up after one attempt of one second instead of its default of two attempts of five seconds.
FAST_FAILING_DNS = ["timeout:1", "attempts:1"]


@dataclass
class RegistrySpec:
    """How to run one lab registry: its endpoint and the host resources it mounts."""

    endpoint: Endpoint
    image: str
    container_name: str
    labels: dict[str, str]
    pki_dir: Path
    storage_dir: Path
    ca_bundle: Path
    network: str | None = None
    network_mode: str | None = None
    extra_hosts: dict[str, str] = field(default_factory=dict)
    upstream: str | None = None
    subnet: str | None = None


def registry_environment(spec: RegistrySpec) -> dict[str, str]:
    """Return the REGISTRY_* settings for the spec (the image's own config file is ignored)."""
    endpoint = spec.endpoint
    environment = {
        "REGISTRY_HTTP_ADDR": f":{endpoint.port}",
        "REGISTRY_HTTP_SECRET": secrets.token_hex(16),
        "REGISTRY_LOG_FORMATTER": "json",
        "REGISTRY_LOG_LEVEL": "info",
        "REGISTRY_LOG_ACCESSLOG_DISABLED": "true",
        "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": CONTAINER_STORAGE,
        "REGISTRY_STORAGE_DELETE_ENABLED": "true",
        # The registry trusts the lab CA alone, so it can reach nothing but the lab over TLS.
        "SSL_CERT_FILE": f"{CONTAINER_PKI}/ca.crt",
    }
    if endpoint.tls:
        environment["REGISTRY_HTTP_TLS_CERTIFICATE"] = f"{CONTAINER_PKI}/{endpoint.name}.crt"
        environment["REGISTRY_HTTP_TLS_KEY"] = f"{CONTAINER_PKI}/{endpoint.name}.key"
    if spec.upstream:
        environment["REGISTRY_PROXY_REMOTEURL"] = spec.upstream
    return environment


class LabRegistry:
    """A registry container with a readiness wait, its access log, and stop and restart."""

    def __init__(self, spec: RegistrySpec) -> None:
        self.spec = spec
        self.endpoint = spec.endpoint
        self.container: DockerContainer | None = None
        self.session = requests.Session()
        # Without this, REQUESTS_CA_BUNDLE and proxy variables from the environment would
        # override the lab CA and could route lab requests elsewhere.
        self.session.trust_env = False
        self.session.verify = str(spec.ca_bundle)

    @property
    def name(self) -> str:
        return self.endpoint.name

    @property
    def host_url(self) -> str:
        return self.endpoint.host_url

    def _container_definition(self) -> DockerContainer:
        spec = self.spec
        spec.storage_dir.mkdir(parents=True, exist_ok=True)
        container = DockerContainer(spec.image, name=spec.container_name)
        for key, value in registry_environment(spec).items():
            container.with_env(key, value)
        container.with_volume_mapping(str(spec.pki_dir), CONTAINER_PKI, "ro")
        container.with_volume_mapping(str(spec.storage_dir), CONTAINER_STORAGE, "rw")
        kwargs = {"labels": spec.labels}
        if spec.network_mode:
            kwargs["network_mode"] = spec.network_mode
        else:
            kwargs["network"] = spec.network
            kwargs["networking_config"] = {
                spec.network: EndpointConfig(docker.constants.DEFAULT_DOCKER_API_VERSION,
                                             ipv4_address=self.endpoint.ip)
            }
            kwargs["extra_hosts"] = spec.extra_hosts
            kwargs["dns_opt"] = FAST_FAILING_DNS
        return container.with_kwargs(**kwargs)

    def start(self) -> None:
        """Create and start the container (its readiness is awaited separately)."""
        self.container = self._container_definition()
        self.container.start()
        self._isolate()
        log.info("started %s (%s) as %s at %s", self.name, self.endpoint.url,
                 self.spec.container_name, self.host_url)

    def _isolate(self) -> None:
        # A loopback mirror shares the holder's namespace, which the holder isolates.
        if not self.endpoint.loopback:
            remove_default_route(self.pid)
            install_egress_guard(self.pid, self.spec.subnet)

    @property
    def wrapped(self):
        return self.container.get_wrapped_container()

    @property
    def pid(self) -> int:
        self.wrapped.reload()
        return int(self.wrapped.attrs["State"]["Pid"])

    def answers(self) -> bool:
        """Return whether `GET /v2/` gets any HTTP response (the registry is serving)."""
        try:
            response = self.session.get(f"{self.host_url}/v2/", timeout=2)
            return response.status_code in (200, 401)
        except requests.RequestException:
            return False

    def wait_until_ready(self, timeout: float) -> None:
        """Poll `GET /v2/` until it responds, raising LabError with status and logs on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return
            if self.status() in ("exited", "dead"):
                break
            time.sleep(READY_POLL_INTERVAL)
        raise LabError(
            f"lab registry {self.name} ({self.endpoint.url}) did not respond to GET "
            f"{self.host_url}/v2/ within {timeout:.0f} s; container status "
            f"{self.status()!r}; last log lines:\n{self.log_tail()}"
        )

    def status(self) -> str:
        try:
            self.wrapped.reload()
            return self.wrapped.status
        except docker.errors.NotFound:
            return "removed"

    def log_tail(self, lines: int = 15) -> str:
        try:
            return self.wrapped.logs(tail=lines).decode(errors="replace")
        except docker.errors.APIError as error:
            return f"(logs unavailable: {error.explanation})"

    def access_log(self, since: float | None = None) -> list[dict]:
        """Return the registry's "response completed" entries, from since (epoch seconds) on."""
        raw = self.wrapped.logs(stdout=True, stderr=True, since=since).decode(errors="replace")
        entries = []
        for line in raw.splitlines():
            if not line.startswith("{"):
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("msg") == "response completed":
                entries.append(entry)
        return entries

    def stop(self) -> None:
        """Stop the container, keeping its storage (a warm cache survives a restart)."""
        self.wrapped.stop(timeout=2)

    def restart(self, timeout: float) -> bool:
        """Start the stopped container again; return whether it serves within timeout.

        A proxy-mode registry may fail to start while its upstream is down. With distribution
        2.8.2 and no upstream credentials it started in this lab, so callers record the result.
        """
        self.wrapped.start()
        self._isolate()
        try:
            self.wait_until_ready(timeout)
            return True
        except LabError:
            return False

    def remove(self) -> None:
        if self.container is None:
            return
        try:
            self.container.stop(force=True, delete_volume=True)
        except docker.errors.NotFound:
            pass
        self.session.close()


def upstream_for(endpoint: Endpoint) -> str | None:
    """Return the proxy upstream of a lab registry: mirrors proxy to Docker Hub's real name."""
    return DOCKER_HUB_URL if endpoint.role == "mirror" else None

