"""Mirror URLs split the way Go's net/url splits them, and normalised for comparison.

dockerd parses each `registry-mirrors` entry with Go's url.Parse, so a value such as
"mirror.example.com:5000" has the scheme "mirror.example.com", and "10.0.0.1:5000" is not a
URL at all. Python's urllib splits both differently, hence this small parser.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

DEFAULT_PORTS = {"http": "80", "https": "443"}


class GoUrlError(ValueError):
    """The text is not a URL for Go's url.Parse; the message is Go's reason."""


@dataclass(frozen=True)
class GoUrl:
    """The parts of a URL as Go's url.Parse sets them (scheme lower-cased)."""

    scheme: str
    userinfo: str | None
    host: str
    path: str
    query: str
    fragment: str
    opaque: str = ""

    @property
    def hostname(self) -> str:
        """Return the host without port and without IPv6 brackets, lower-cased."""
        host = self.host
        if host.startswith("["):
            return host[1:host.find("]")].lower() if "]" in host else host.lower()
        return host.rsplit(":", 1)[0].lower() if ":" in host else host.lower()

    @property
    def port(self) -> str:
        host = self.host
        if host.startswith("["):
            rest = host[host.find("]") + 1:] if "]" in host else ""
            return rest[1:] if rest.startswith(":") else ""
        return host.rsplit(":", 1)[1] if ":" in host else ""


def _split_scheme(raw: str) -> tuple[str, str]:
    for index, char in enumerate(raw):
        if char.isascii() and char.isalpha():
            continue
        if char.isascii() and (char.isdigit() or char in "+-."):
            if index == 0:
                return "", raw
            continue
        if char == ":":
            if index == 0:
                raise GoUrlError("missing protocol scheme")
            return raw[:index], raw[index + 1:]
        return "", raw
    return "", raw


def _check_port(host: str) -> None:
    if host.startswith("["):
        closing = host.find("]")
        if closing < 0:
            raise GoUrlError("missing ']' in host")
        after = host[closing + 1:]
        if after and not (after.startswith(":") and after[1:].isdigit() or after == ":"):
            raise GoUrlError(f"invalid port {after!r} after host")
        return
    if ":" in host:
        port = host.rsplit(":", 1)[1]
        if port and not port.isdigit():
            raise GoUrlError(f"invalid port {':' + port!r} after host")


def _check_host_characters(host: str) -> None:
    for char in host:
        if char.isascii() and (char.isalnum() or char in "-._~!$&'()*+,;=:[]%"):
            continue
        if not char.isascii():
            continue
        raise GoUrlError(f"invalid character {char!r} in host name")


def parse_go_url(raw: str) -> GoUrl:
    """Split raw as Go's url.Parse does, raising GoUrlError where Go returns an error."""
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in raw):
        raise GoUrlError("invalid control character in URL")

    rest, _, fragment = raw.partition("#")
    scheme, rest = _split_scheme(rest)
    rest, _, query = rest.partition("?")

    if scheme and not rest.startswith("/"):
        return GoUrl(scheme.lower(), None, "", "", query, fragment, opaque=rest)
    if not scheme and ":" in rest.split("/", 1)[0] and not rest.startswith("//"):
        raise GoUrlError("first path segment in URL cannot contain colon")

    userinfo, host, path = None, "", rest
    if rest.startswith("//"):
        authority, slash, tail = rest[2:].partition("/")
        path = slash + tail
        if "@" in authority:
            userinfo, _, host = authority.rpartition("@")
        else:
            host = authority
        _check_port(host)
        _check_host_characters(host)
    return GoUrl(scheme.lower(), userinfo, host, path, query, fragment)


def is_loopback_host(hostname: str) -> bool:
    """Return whether the host name is localhost or a loopback address."""
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def normalise_mirror(raw: str) -> str:
    """Return the mirror URL in a form where equal mirrors compare equal.

    Scheme and host are lower-cased, the scheme's default port is dropped, credentials are
    removed and trailing slashes are stripped. Text that does not parse is returned stripped.
    """
    try:
        url = parse_go_url(raw.strip())
    except GoUrlError:
        return raw.strip().rstrip("/")
    if url.scheme not in DEFAULT_PORTS:
        return raw.strip().rstrip("/")
    host = url.hostname
    if ":" in host:
        host = f"[{host}]"
    port = url.port
    if port and port != DEFAULT_PORTS.get(url.scheme):
        host = f"{host}:{port}"
    return f"{url.scheme}://{host}{url.path.rstrip('/')}"


def dockerd_mirror_form(raw: str) -> str:
    """Return the entry as dockerd stores it: with exactly one trailing slash."""
    return raw.rstrip("/") + "/"
