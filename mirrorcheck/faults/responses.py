"""Actions of the fault proxy for each request: forward it, respond with an error, or stall."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from mirrorcheck.faults.model import Kind

MANIFEST_PATH = re.compile(r"^/v2/(?P<name>.+)/manifests/(?P<reference>[^/?]+)(\?.*)?$")
PING_PATHS = ("/v2", "/v2/")

# Docker Hub's pull rate limit for anonymous clients, in the header form Hub sends
# ("limit;w=window seconds"), as seen in responses from registry-1.docker.io in 2025.
RATE_LIMIT = "100;w=21600"
RATE_LIMIT_REMAINING = "0;w=21600"
RATE_LIMIT_MESSAGE = (
    "You have reached your unauthenticated pull rate limit. "
    "https://www.docker.com/increase-rate-limit"
)


@dataclass(frozen=True)
class Forward:
    """Action that sends the request on to the hop."""


@dataclass(frozen=True)
class Stall:
    """Action that reads the request and sends no response."""


@dataclass(frozen=True)
class Respond:
    """Action that responds at once with this status, these headers and this body."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


Action = Forward | Stall | Respond


def _error_body(code: str, message: str, detail: object = None) -> bytes:
    """Return a registry error body as the distribution API defines it."""
    error: dict[str, object] = {"code": code, "message": message}
    if detail is not None:
        error["detail"] = detail
    return json.dumps({"errors": [error]}, separators=(",", ":")).encode() + b"\n"


def _registry_error(status: int, code: str, message: str, detail: object = None,
                    extra: dict[str, str] | None = None) -> Respond:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Docker-Distribution-Api-Version": "registry/2.0",
        **(extra or {}),
    }
    return Respond(status, _error_body(code, message, detail), headers)


def _manifest_unknown(name: str, reference: str) -> Respond:
    # The detail as distribution 2.8.2 sends it: the tag alone, or repository and digest.
    if ":" in reference:
        detail: dict[str, str] = {"Name": name, "Revision": reference}
    else:
        detail = {"Tag": reference}
    return _registry_error(404, "MANIFEST_UNKNOWN", "manifest unknown", detail)


def _rate_limited(client_ip: str) -> Respond:
    return _registry_error(429, "TOOMANYREQUESTS", RATE_LIMIT_MESSAGE, extra={
        "RateLimit-Limit": RATE_LIMIT,
        "RateLimit-Remaining": RATE_LIMIT_REMAINING,
        "Docker-RateLimit-Source": client_ip,
    })


def _unavailable() -> Respond:
    return _registry_error(503, "UNAVAILABLE", "service unavailable",
                           extra={"Retry-After": "30"})


def decide(kind: Kind, method: str, path: str, client_ip: str) -> Action:
    """Return the proxy's action for one request under the given outage kind.

    - stall: forwards the ping (GET /v2/) and stalls every other request.
    - http-503: responds to every request, the ping included, with 503 UNAVAILABLE.
    - http-429: responds to manifest GETs with 429 TOOMANYREQUESTS, because Docker Hub
      counts only those as pulls. It forwards the rest.
    - manifest-unknown: responds to manifest GET and HEAD with 404 MANIFEST_UNKNOWN and
      forwards the rest.
    - tls-untrusted, tls-wrong-name and slow: forward everything, because the fault is in
      the certificate or in the proxy's pacing.
    """
    manifest = MANIFEST_PATH.match(path)
    if kind is Kind.STALL:
        return Forward() if path.split("?", 1)[0] in PING_PATHS else Stall()
    if kind is Kind.HTTP_503:
        return _unavailable()
    if kind is Kind.HTTP_429 and manifest and method == "GET":
        return _rate_limited(client_ip)
    if kind is Kind.MANIFEST_UNKNOWN and manifest and method in ("GET", "HEAD"):
        return _manifest_unknown(manifest["name"], manifest["reference"])
    return Forward()
