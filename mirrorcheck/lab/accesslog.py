"""Reading the lab registries' access logs: who asked which registry for what, and what it got."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

MANIFEST_PATH = re.compile(r"^/v2/(?P<repository>.+)/manifests/(?P<reference>[^/?]+)")
BLOB_PATH = re.compile(r"^/v2/(?P<repository>.+)/blobs/(?P<digest>[^/?]+)$")
DAEMON = "daemon"


@dataclass(frozen=True)
class Request:
    """One request a lab registry served, with its status."""

    registry: str
    method: str
    path: str
    status: int
    client: str
    time: float
    user_agent: str

    @property
    def kind(self) -> str:
        """Return 'ping', 'manifest', 'blob' or 'other'."""
        if self.path.rstrip("/") == "/v2":
            return "ping"
        if MANIFEST_PATH.match(self.path):
            return "manifest"
        if BLOB_PATH.match(self.path):
            return "blob"
        return "other"

    @property
    def served(self) -> bool:
        """Return whether this response gave the client what it requested.

        A HEAD counts: dockerd resolves a tag with HEAD, and when it already has that digest
        it requests nothing more.
        """
        if self.method not in ("GET", "HEAD"):
            return False
        return 200 <= self.status < 300 or self.status in (307, 308)


def _epoch(timestamp: str) -> float:
    # "2026-12-04T20:15:55.980931969Z": Python parses at most microseconds.
    match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?", timestamp)
    if match is None:
        return 0.0
    seconds = datetime.datetime.fromisoformat(match.group(1)).replace(tzinfo=datetime.timezone.utc)
    fraction = float(match.group(2) or 0)
    return seconds.timestamp() + fraction


def client_name(address: str, user_agent: str, addresses: dict[str, str], daemon_ip: str) -> str:
    """Name the client of a request: 'daemon', a lab registry's name, or its address.

    A loopback mirror shares the daemon's network namespace and address, so its upstream
    requests are distinguished by their user agent: dockerd's starts with "docker/".
    """
    ip = address.rsplit(":", 1)[0].strip("[]")
    if ip in ("127.0.0.1", "::1"):
        return DAEMON
    if ip == daemon_ip:
        return DAEMON if user_agent.startswith("docker/") else addresses.get(f"loopback:{ip}", ip)
    return addresses.get(ip, ip)


def parse_entry(registry: str, entry: dict, addresses: dict[str, str], daemon_ip: str) -> Request:
    """Turn one JSON "response completed" log entry into a Request."""
    user_agent = entry.get("http.request.useragent", "")
    return Request(
        registry=registry,
        method=entry.get("http.request.method", ""),
        path=entry.get("http.request.uri", ""),
        status=int(entry.get("http.response.status", 0)),
        client=client_name(entry.get("http.request.remoteaddr", ""), user_agent, addresses, daemon_ip),
        time=_epoch(entry.get("time", "")),
        user_agent=user_agent,
    )
