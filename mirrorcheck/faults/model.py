"""Values that describe an outage: where it applies, what it breaks, and how."""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass

from mirrorcheck.errors import MirrorcheckError

COMMENT_PREFIX = "mirrorcheck-"


class FaultError(MirrorcheckError):
    """An outage could not be installed or removed."""


class Kind(str, enum.Enum):
    """Outage kinds, named as the fallback suite reports them."""

    BLACKHOLE = "blackhole"
    REFUSED = "refused"
    UNRESOLVABLE = "unresolvable"
    STALL = "stall"
    HTTP_503 = "http-503"
    HTTP_429 = "http-429"
    MANIFEST_UNKNOWN = "manifest-unknown"
    TLS_UNTRUSTED = "tls-untrusted"
    TLS_WRONG_NAME = "tls-wrong-name"
    SLOW = "slow"

    @property
    def uses_proxy(self) -> bool:
        return self in PROXY_KINDS

    @property
    def needs_tls(self) -> bool:
        return self in (Kind.TLS_UNTRUSTED, Kind.TLS_WRONG_NAME)


PROXY_KINDS = frozenset({
    Kind.STALL, Kind.HTTP_503, Kind.HTTP_429, Kind.MANIFEST_UNKNOWN,
    Kind.TLS_UNTRUSTED, Kind.TLS_WRONG_NAME, Kind.SLOW,
})


def parse_kind(value: str | Kind) -> Kind:
    """Return the Kind named by value, or raise FaultError listing the valid names."""
    try:
        return Kind(value)
    except ValueError:
        names = ", ".join(kind.value for kind in Kind)
        raise FaultError(f"unknown outage kind {value!r}; use one of: {names}") from None


@dataclass(frozen=True)
class Hop:
    """The server side of one hop: the address and name a client uses to reach it."""

    ip: str
    port: int
    tls: bool
    host_name: str

    def __post_init__(self) -> None:
        address = ipaddress.ip_address(self.ip)
        if address.version != 4:
            # The proxy listens on 127.0.0.1, where nat REDIRECT sends IPv4 only.
            raise FaultError(f"hop address {self.ip} is IPv6; outages support IPv4 hops only")
        if not 0 < self.port < 65536:
            raise FaultError(f"hop port {self.port} is out of range; give 1 to 65535")


@dataclass(frozen=True)
class TlsMaterial:
    """The lab CA, in PEM: the proxy signs the hop's certificate and verifies the hop with it."""

    ca_cert_pem: bytes
    ca_key_pem: bytes = b""


@dataclass(frozen=True)
class SlowLink:
    """Parameters of the slow kind: delay_ms is added before each request is forwarded and
    rate_kbit caps the response bytes (kilobits per second, 1 kbit = 1000 bits)."""

    delay_ms: int = 200
    rate_kbit: int = 1024

    def __post_init__(self) -> None:
        if self.delay_ms < 0:
            raise FaultError(f"slow delay_ms is {self.delay_ms}; give 0 or more milliseconds")
        if self.rate_kbit <= 0:
            raise FaultError(f"slow rate_kbit is {self.rate_kbit}; give more than 0 kbit/s")


@dataclass(frozen=True)
class Leftover:
    """One thing an outage left behind: an iptables rule, a proxy process or a hosts edit."""

    kind: str
    detail: str


def comment_for(run_id: str) -> str:
    """Return the iptables comment and hosts-file marker that tag everything of run_id."""
    return COMMENT_PREFIX + run_id.removeprefix(COMMENT_PREFIX)


def validate_run_id(run_id: str) -> None:
    """Raise FaultError unless run_id is safe as an iptables comment and a command argument."""
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    if not run_id or len(run_id) > 200 or not set(run_id) <= allowed:
        raise FaultError(
            f"run id {run_id!r} is invalid; use 1 to 200 letters, digits, '-', '_' or '.'"
        )
