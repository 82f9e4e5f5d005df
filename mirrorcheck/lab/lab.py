"""The hermetic lab: a stand-in Docker Hub, one registry:2 per mirror, and a daemon under test.

Start order, with independent steps run at once: first the network and certificates, then
the hub and the namespace holder. The mirrors, the hub's images and the daemon under test
come last, because a proxy-mode registry contacts its upstream at start-up. Every resource is registered for removal the moment it
exists, so a failed start leaves nothing.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import random
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors
from docker.types import IPAMConfig, IPAMPool

from mirrorcheck.daemon_json import DaemonJson
from mirrorcheck.errors import LabError
from mirrorcheck.lab import images as synthetic
from mirrorcheck.lab.accesslog import parse_entry
from mirrorcheck.lab.daemon import DaemonUnderTest, NamespaceHolder
from mirrorcheck.lab.dockerd import DaemonLayout, config_text_for_lab
from mirrorcheck.lab.pki import LabAuthority
from mirrorcheck.lab.pulls import PullReport
from mirrorcheck.lab.registry import LabRegistry, RegistrySpec, upstream_for
from mirrorcheck.lab.run import Run, current_run, remove_netns_names
from mirrorcheck.lab.topology import (
    DOCKER_HUB_NAMES, Endpoint, SkippedEntry, Topology, is_ip_literal, plan,
)
from mirrorcheck.registry import RegistryClient, RegistryError

log = logging.getLogger(__name__)

SUBNET_POOL = ipaddress.ip_network("10.214.0.0/16")
SUBNET_ATTEMPTS = 8
# Seconds allowed for access-log lines to reach `docker logs` after a pull ends.
LOG_SETTLE_SECONDS = 0.3


@dataclass
class LabConfig:
    """The inputs a lab is built from."""

    daemon_json: DaemonJson
    registry_image: str
    images: tuple[str, ...]
    layer_size: int = 1 << 20
    start_timeout: float = 60.0
    pull_timeout: float = 75.0


@dataclass
class LabNote:
    """Something about the lab a reader of the results must know."""

    subject: str
    text: str


@dataclass
class Lab:
    """A running lab. Use `start_lab()`; `close()` removes everything."""

    config: LabConfig
    run: Run
    topology: Topology
    directory: Path
    authority: LabAuthority
    network_name: str
    hub: LabRegistry | None = None
    mirrors: list[LabRegistry] = field(default_factory=list)
    daemon: DaemonUnderTest | None = None
    images: dict[str, synthetic.SyntheticImage] = field(default_factory=dict)
    notes: list[LabNote] = field(default_factory=list)
    cleanup: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    seconds_to_start: float = 0.0

    @property
    def registries(self) -> list[LabRegistry]:
        return [self.hub, *self.mirrors] if self.hub else list(self.mirrors)

    @property
    def ca_bundle(self) -> Path:
        return self.directory / "pki" / "ca.crt"

    @property
    def skipped(self) -> list[SkippedEntry]:
        return self.topology.skipped

    def registry(self, name: str) -> LabRegistry:
        for registry in self.registries:
            if registry.name == name:
                return registry
        raise KeyError(name)

    def mirror_for_entry(self, entry: str) -> LabRegistry | None:
        return next((m for m in self.mirrors if m.endpoint.entry == entry), None)

    def pull(self, image: str, timeout: float | None = None) -> PullReport:
        """Pull image with the daemon under test and attribute every lab request to it."""
        outcome = self.daemon.pull(image, timeout or self.config.pull_timeout)
        time.sleep(LOG_SETTLE_SECONDS)
        report = PullReport(outcome=outcome, requests=self.requests_since(outcome.started_at))
        log.info("pull %s", report.summary())
        return report

    def requests_since(self, since: float) -> list:
        """Return every request the lab registries served from since (epoch seconds) on."""
        addresses = {r.endpoint.ip: r.name for r in self.registries if not r.endpoint.loopback}
        loopback = [r for r in self.mirrors if r.endpoint.loopback]
        if loopback:
            addresses[f"loopback:{self.topology.holder_ip}"] = loopback[0].name
        requests_seen = []
        for registry in self.registries:
            if registry.status() != "running":
                continue
            for entry in registry.access_log(since=since):
                request = parse_entry(registry.name, entry, addresses, self.topology.holder_ip)
                if request.time >= since:
                    requests_seen.append(request)
        return sorted(requests_seen, key=lambda r: r.time)

    def reset_daemon(self) -> None:
        """Remove every image from the daemon under test."""
        self.daemon.remove_images()

    def push_image(self, repository: str, tag: str, kind: str = "docker",
                   layer_size: int | None = None, layer_count: int = 1) -> str:
        """Push a fresh synthetic image to the hub and return its manifest digest."""
        layer_sizes = (layer_size or self.config.layer_size,) * layer_count
        image = synthetic.build_image(repository, tag, layer_sizes, kind)
        with self.hub_client() as client:
            digest = _push_to_hub(client, image)
        self.images[f"{repository}:{tag}"] = image
        return digest

    def hub_client(self) -> RegistryClient:
        """Create a registry client that reaches the hub from the host. The caller closes it."""
        return RegistryClient(self.hub.host_url, ca_bundle=str(self.ca_bundle))

    def clear_mirror_caches(self) -> None:
        """Empty every mirror's cache: stop it, delete its storage, start it again."""
        for mirror in self.mirrors:
            mirror.stop()
            shutil.rmtree(mirror.spec.storage_dir, ignore_errors=True)
            mirror.spec.storage_dir.mkdir(parents=True)
            if not mirror.restart(self.config.start_timeout):
                raise LabError(f"mirror {mirror.name} did not come back after its cache was "
                               f"emptied; last log lines:\n{mirror.log_tail()}")

    def close(self) -> None:
        """Remove every container, network, namespace, process and file of the lab."""
        log.info("removing lab %s", self.run.id)
        self.cleanup.close()


def _lab_directory(run: Run) -> Path:
    directory = run.directory / f"lab-{int(time.time() * 1000) % 10**8}"
    directory.mkdir(parents=True)
    return directory


def _create_network(client: docker.DockerClient, run: Run, name: str) -> tuple[object, ipaddress.IPv4Network]:
    subnets = list(SUBNET_POOL.subnets(new_prefix=24))
    last_error = None
    for subnet in random.sample(subnets, SUBNET_ATTEMPTS):
        ipam = IPAMConfig(pool_configs=[IPAMPool(subnet=str(subnet))])
        try:
            network = client.networks.create(name, driver="bridge", internal=True, ipam=ipam,
                                              labels=run.labels, check_duplicate=True)
            return network, subnet
        except docker.errors.APIError as error:
            last_error = error
            log.info("subnet %s unavailable (%s), trying another", subnet, error.explanation)
    raise LabError(f"could not create the lab network {name}: {last_error}; "
                   "free a 10.214.x.0/24 subnet or remove stale docker networks")


def _remove_network(network) -> None:
    try:
        network.remove()
    except docker.errors.NotFound:
        pass


def _write_pki(lab: Lab) -> None:
    pki = lab.directory / "pki"
    pki.mkdir()
    (pki / "ca.crt").write_bytes(lab.authority.cert_pem)
    hub = lab.topology.hub
    lab.authority.issue(list(DOCKER_HUB_NAMES), [hub.ip]).write(pki, hub.name)
    for mirror in lab.topology.mirrors:
        names = [mirror.host] if not is_ip_literal(mirror.host) else []
        addresses = [mirror.ip] + ([mirror.host] if is_ip_literal(mirror.host) else [])
        if mirror.loopback:
            names = sorted({*names, "localhost"})
            addresses = sorted({*addresses, "127.0.0.1"})
        lab.authority.issue(names, addresses).write(pki, mirror.name)


def _registry_spec(lab: Lab, endpoint: Endpoint, network_name: str, holder_id: str | None) -> RegistrySpec:
    spec = RegistrySpec(
        endpoint=endpoint, image=lab.config.registry_image,
        container_name=f"{lab.run.id}-{lab.directory.name[-4:]}-{endpoint.name}",
        labels=lab.run.labels, pki_dir=lab.directory / "pki",
        storage_dir=lab.directory / "storage" / endpoint.name, ca_bundle=lab.ca_bundle,
        upstream=upstream_for(endpoint), extra_hosts=lab.topology.hosts_entries(),
        subnet=str(lab.topology.subnet),
    )
    if endpoint.loopback:
        spec.network_mode = f"container:{holder_id}"
    else:
        spec.network = network_name
    return spec


def _daemon_layout(lab: Lab) -> DaemonLayout:
    text, dropped = config_text_for_lab(lab.config.daemon_json.text, lab.config.daemon_json.data)
    for key in dropped:
        lab.notes.append(LabNote(key, "set by the lab as a dockerd flag, so dropped from the "
                                      "daemon under test's copy of daemon.json"))
    ca_files = {m.netloc: lab.authority.cert_pem for m in lab.topology.mirrors if m.tls}
    bundle = Path("/etc/ssl/certs/ca-certificates.crt")
    system_roots = bundle.read_bytes() if bundle.exists() else b""
    return DaemonLayout(root=lab.directory / "dut", config_text=text,
                        hosts_text=lab.topology.hosts_file(), ca_files=ca_files,
                        ca_bundle=system_roots + b"\n" + lab.authority.cert_pem)


def _seed_images(lab: Lab) -> None:
    kinds_used = 0
    with lab.hub_client() as client:
        for name in lab.config.images:
            reference = synthetic.docker_reference(name)
            if reference is None:
                lab.notes.append(LabNote(name, "not a docker.io image: registry mirrors never "
                                               "serve it, so the lab does not carry it"))
                continue
            repository, tag = reference
            image = synthetic.build_image(repository, tag, (lab.config.layer_size,),
                                          synthetic.kind_for_position(kinds_used))
            kinds_used += 1
            _push_to_hub(client, image)
            lab.images[name] = image


def _push_to_hub(client: RegistryClient, image: synthetic.SyntheticImage) -> str:
    """Push image to the hub and return its digest, raising LabError when the push fails."""
    try:
        return synthetic.push_image(client, image)
    except RegistryError as error:
        raise LabError(f"seeding the lab hub failed: {error}") from error


def _start_registry(lab: Lab, spec: RegistrySpec) -> LabRegistry:
    registry = LabRegistry(spec)
    lab.cleanup.callback(registry.remove)
    registry.start()
    return registry


def _start(lab: Lab) -> None:
    topology = lab.topology
    network_name = lab.network_name
    _write_pki(lab)

    holder = NamespaceHolder(lab.config.registry_image, f"{network_name}-dut", network_name,
                             topology.holder_ip, str(topology.subnet), topology.hosts_entries(),
                             lab.run.labels)
    lab.cleanup.callback(holder.remove)
    lab.cleanup.callback(remove_netns_names, f"{network_name}-dut")
    timeout = lab.config.start_timeout

    with ThreadPoolExecutor(max_workers=4) as pool:
        hub_started = pool.submit(_start_registry, lab, _registry_spec(lab, topology.hub, network_name, None))
        holder_started = pool.submit(holder.start, f"{network_name}-dut")
        lab.hub = hub_started.result()
        holder_started.result()

        lab.daemon = DaemonUnderTest(_daemon_layout(lab), holder)
        lab.cleanup.callback(lab.daemon.stop)
        daemon_started = pool.submit(lab.daemon.start, timeout)
        lab.hub.wait_until_ready(timeout)
        seeded = pool.submit(_seed_images, lab)

        specs = [_registry_spec(lab, m, network_name, holder.id) for m in topology.mirrors]
        lab.mirrors = list(pool.map(lambda spec: _start_registry(lab, spec), specs))
        for mirror in lab.mirrors:
            mirror.wait_until_ready(timeout)
        seeded.result()
        daemon_started.result()


def start_lab(config: LabConfig, client: docker.DockerClient | None = None) -> Lab:
    """Build and start a lab for config.daemon_json; raise LabError (leaving nothing) on failure."""
    began = time.monotonic()
    client = client or docker.from_env()
    run = current_run()
    directory = _lab_directory(run)

    cleanup = contextlib.ExitStack()
    cleanup.callback(shutil.rmtree, directory, True)
    try:
        network_name = f"{run.id}-{directory.name[-4:]}"
        network, subnet = _create_network(client, run, network_name)
        cleanup.callback(_remove_network, network)
        lab = Lab(config=config, run=run, topology=plan(config.daemon_json.mirrors, subnet),
                  directory=directory, authority=LabAuthority(run.id),
                  network_name=network_name, cleanup=cleanup)
        for skipped in lab.topology.skipped:
            lab.notes.append(LabNote(str(skipped.entry), skipped.reason))
        _start(lab)
    except BaseException:
        cleanup.close()
        raise
    lab.seconds_to_start = time.monotonic() - began
    log.info("lab %s started in %.1f s: hub, %d mirror(s), daemon under test",
             network_name, lab.seconds_to_start, len(lab.mirrors))
    return lab

