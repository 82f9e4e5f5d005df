"""Planning the lab from a daemon.json: which registries to run, where, under which names.

Every registry-mirrors entry becomes one mirror endpoint served under the entry's host name,
port and scheme, or a skipped entry with the reason. Addresses are fixed before any container
starts, so every hosts file can be written in advance and no name ever needs DNS.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Names under which dockerd and the mirrors reach Docker Hub; the lab's hub serves all of them.
DOCKER_HUB_NAMES = (
    "registry-1.docker.io", "index.docker.io", "docker.io", "registry.hub.docker.com",
    "auth.docker.io", "production.cloudflare.docker.com",
)
DOCKER_HUB_URL = "https://registry-1.docker.io"
LOOPBACK_NAMES = ("localhost",)
HUB_HOST_NUMBER = 2
HOLDER_HOST_NUMBER = 3
FIRST_MIRROR_HOST_NUMBER = 10


@dataclass(frozen=True)
class Endpoint:
    """One lab registry: the URL the daemon uses, and where it really listens."""

    role: str
    name: str
    scheme: str
    host: str
    port: int
    ip: str
    entry: str | None = None
    loopback: bool = False

    @property
    def url(self) -> str:
        """The URL the daemon under test uses."""
        return f"{self.scheme}://{self.netloc}"

    @property
    def netloc(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"

    @property
    def host_url(self) -> str:
        """A URL that reaches the registry from the host (its certificate carries the IP)."""
        return f"{self.scheme}://{self.ip}:{self.port}"

    @property
    def tls(self) -> bool:
        return self.scheme == "https"


@dataclass(frozen=True)
class SkippedEntry:
    """A registry-mirrors entry that gets no container, and why."""

    entry: object
    reason: str


@dataclass
class Topology:
    """The lab plan: subnet, hub, mirrors in daemon.json order, skipped entries."""

    subnet: ipaddress.IPv4Network
    hub: Endpoint
    holder_ip: str
    mirrors: list[Endpoint] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)

    @property
    def gateway(self) -> str:
        return str(self.subnet.network_address + 1)

    def hosts_entries(self) -> dict[str, str]:
        """Return name -> address for every lab name reachable on the lab network."""
        entries = {name: self.hub.ip for name in DOCKER_HUB_NAMES}
        for mirror in self.mirrors:
            if not mirror.loopback:
                entries[mirror.host] = mirror.ip
        return entries

    def hosts_file(self) -> str:
        """Return the /etc/hosts text for the daemon under test."""
        lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
        lines += [f"{ip}\t{name}" for name, ip in self.hosts_entries().items()]
        return "\n".join(lines) + "\n"


def _host_of(subnet: ipaddress.IPv4Network, number: int) -> str:
    return str(subnet.network_address + number)


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_ip_literal(host: str) -> bool:
    """Return whether host is an IP address rather than a name."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _skip_reason(entry: object, parts, seen: dict[str, str]) -> str | None:
    if not isinstance(entry, str):
        return f"not a string but {type(entry).__name__}; dockerd refuses to start"
    if parts is None:
        return "not a URL; dockerd refuses to start"
    if parts.scheme not in ("http", "https"):
        return "no http:// or https:// scheme; dockerd refuses to start"
    if not parts.hostname:
        return "no host name; dockerd refuses to start"
    if parts.username or parts.password:
        return "credentials in the URL; dockerd refuses to start"
    if parts.query or parts.fragment:
        return "query or fragment in the URL; dockerd refuses to start"
    if parts.path.strip("/"):
        return "a path after the host cannot be served by registry:2 in the lab"
    if parts.hostname in DOCKER_HUB_NAMES:
        return ("Docker Hub's own endpoint, not a mirror: the lab's hub answers it, and dockerd "
                "tries Docker Hub after the mirrors anyway")
    key = f"{parts.scheme}://{parts.hostname}:{_port_of(parts)}"
    if key in seen:
        return f"duplicate of {seen[key]}: dockerd drops repeated mirrors"
    if is_ip_literal(parts.hostname) and not _is_loopback(parts.hostname):
        # NOTE: serving a fixed outside address would need a second lab network around it.
        return "an IP address that the lab cannot give to a container; use a host name"
    return None


def _conflict(parts, hosts: dict[str, str]) -> str | None:
    host = parts.hostname.lower()
    if host in hosts:
        return f"shares its host name with {hosts[host]}; the lab gives one address per name"
    loopback_port = f"loopback port {_port_of(parts)}"
    if _is_loopback(host) and loopback_port in hosts:
        return f"listens on the same loopback port as {hosts[loopback_port]}"
    return None


def _port_of(parts) -> int:
    try:
        port = parts.port
    except ValueError:
        port = None
    return port or (443 if parts.scheme == "https" else 80)


def _parse(entry: object):
    if not isinstance(entry, str):
        return None
    try:
        parts = urlsplit(entry.strip())
        _ = parts.port
        return parts
    except ValueError:
        return None


def plan(mirror_entries: list, subnet: ipaddress.IPv4Network) -> Topology:
    """Plan hub, mirrors and skipped entries for the given registry-mirrors list."""
    hub = Endpoint(role="hub", name="hub", scheme="https", host="registry-1.docker.io",
                   port=443, ip=_host_of(subnet, HUB_HOST_NUMBER))
    topology = Topology(subnet=subnet, hub=hub, holder_ip=_host_of(subnet, HOLDER_HOST_NUMBER))

    seen: dict[str, str] = {}
    hosts: dict[str, str] = {}
    for entry in mirror_entries:
        parts = _parse(entry)
        reason = _skip_reason(entry, parts, seen)
        if reason is None:
            reason = _conflict(parts, hosts)
        if reason is not None:
            topology.skipped.append(SkippedEntry(entry=entry, reason=reason))
            continue

        host = parts.hostname.lower()
        port = _port_of(parts)
        seen[f"{parts.scheme}://{host}:{port}"] = entry
        hosts[host] = entry
        if _is_loopback(host):
            hosts[f"loopback port {port}"] = entry
        topology.mirrors.append(_mirror_endpoint(topology, entry, parts.scheme, host, port))
    return topology


def _mirror_endpoint(topology: Topology, entry: str, scheme: str, host: str, port: int) -> Endpoint:
    index = len(topology.mirrors)
    loopback = _is_loopback(host)
    ip = topology.holder_ip if loopback else _host_of(topology.subnet, FIRST_MIRROR_HOST_NUMBER + index)
    return Endpoint(role="mirror", name=f"mirror{index + 1}", scheme=scheme, host=host,
                    port=port, ip=ip, entry=entry, loopback=loopback)
