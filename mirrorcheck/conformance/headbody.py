"""A HEAD request over a raw socket, to see bytes that an HTTP library would discard.

HTTP clients never read a body after a HEAD, so a server that sends one corrupts the next
response on a kept-alive connection. Sending `Connection: close` makes everything after the
header block, up to the server's close, the body.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from mirrorcheck.registry.client import RegistryClient, TransportError

MAX_READ = 1 << 20


@dataclass(frozen=True)
class RawResponse:
    status_line: str
    headers: dict[str, str]
    body: bytes


def _open(url: str, client: RegistryClient) -> socket.socket:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connection = socket.create_connection((parts.hostname, port), timeout=client.timeout)
    if parts.scheme != "https":
        return connection
    context = ssl.create_default_context(
        cafile=client.session.verify if isinstance(client.session.verify, str) else None
    )
    return context.wrap_socket(connection, server_hostname=parts.hostname)


def _read_all(connection: socket.socket) -> bytes:
    received = bytearray()
    while len(received) < MAX_READ:
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    return bytes(received)


def raw_head(client: RegistryClient, path: str, headers: dict[str, str]) -> RawResponse:
    """Send HEAD with `Connection: close` and return everything the server sent."""
    url = client.url(path)
    host = urlsplit(url).netloc
    lines = [f"HEAD {urlsplit(url).path} HTTP/1.1", f"Host: {host}", "Connection: close",
             *(f"{name}: {value}" for name, value in headers.items()), "", ""]
    try:
        with _open(url, client) as connection:
            connection.sendall("\r\n".join(lines).encode("latin-1"))
            received = _read_all(connection)
    except (OSError, ssl.SSLError) as error:
        raise TransportError(f"HEAD {url} over a raw socket failed: {error}") from None

    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return RawResponse(status_line=status_line, headers=parsed, body=body)
