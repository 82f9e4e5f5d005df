"""A registry client for the distribution pull API, on requests with kept-alive connections."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import BinaryIO

import requests

from mirrorcheck import __version__
from mirrorcheck.registry import mediatypes
from mirrorcheck.registry.auth import RegistryAuth
from mirrorcheck.registry.blobs import BlobDownload, read_verified
from mirrorcheck.registry.credentials import Credentials
from mirrorcheck.registry.errors import RegistryError
from mirrorcheck.registry.manifests import Manifest, parse_manifest
from mirrorcheck.registry.timing import TimedAdapter, TimedSession

log = logging.getLogger(__name__)

USER_AGENT = f"mirrorcheck/{__version__}"


class TransportError(RegistryError):
    """A request got no HTTP response: refused, reset, timed out or failed TLS."""


class StatusError(RegistryError):
    """A request got an HTTP status other than the ones expected."""

    def __init__(self, message: str, response: requests.Response) -> None:
        super().__init__(message)
        self.response = response


@dataclass(frozen=True)
class ManifestResponse:
    """A manifest fetched by tag or digest, with the headers that describe it."""

    manifest: Manifest
    response: requests.Response

    @property
    def content_type(self) -> str:
        return mediatypes.bare_media_type(self.response.headers.get("Content-Type"))

    @property
    def digest_header(self) -> str | None:
        return self.response.headers.get("Docker-Content-Digest")


class _NoAuth(requests.auth.AuthBase):
    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


def describe_transport_error(error: requests.RequestException, timeout: float) -> str:
    """Return a short cause for a failed request, without the library's nested wrapping."""
    if isinstance(error, requests.exceptions.SSLError):
        return ("TLS verification failed; pass the CA bundle that signed the registry's "
                "certificate")
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return f"no connection within {timeout:g} s"
    if isinstance(error, requests.exceptions.Timeout):
        return f"no data for {timeout:g} s"
    if isinstance(error, requests.exceptions.ConnectionError):
        text = str(error)
        for cause in ("Connection refused", "Connection reset", "Name or service not known",
                      "No route to host", "Network is unreachable", "RemoteDisconnected"):
            if cause in text:
                return cause.lower()
        return "connection failed"
    return type(error).__name__


class RegistryClient:
    """Client for one registry: a base URL such as `https://10.213.7.3`, TLS verified by default.

    Args:
        base_url: scheme, host and port of the registry, without `/v2/`.
        ca_bundle: PEM file of the CA that signed the registry's certificate; None uses the
            system's CAs.
        timeout: seconds to wait to connect and between bytes of a response.
        credentials: for registries and realms that require a login.
    """

    def __init__(self, base_url: str, ca_bundle: str | None = None, timeout: float = 30.0,
                 credentials: Credentials | None = None, pool_size: int = 8) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = TimedSession()
        # Proxies, netrc and REQUESTS_CA_BUNDLE from the environment would change what is
        # measured; the registry is reached directly.
        self.session.trust_env = False
        self.session.verify = str(ca_bundle) if ca_bundle else True
        self.session.headers["User-Agent"] = USER_AGENT
        adapter = TimedAdapter(pool_connections=4, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.auth = RegistryAuth(self.session, credentials, timeout)
        self.session.auth = self.auth

    def __enter__(self) -> "RegistryClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RegistryClient({self.base_url!r})"

    def close(self) -> None:
        self.session.close()

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method: str, path: str, *, authenticate: bool = True,
                **kwargs) -> requests.Response:
        """Send a request to a path under the base URL; raise TransportError when no response came."""
        url = path if path.startswith(("http://", "https://")) else self.url(path)
        kwargs.setdefault("timeout", self.timeout)
        if not authenticate:
            kwargs["auth"] = _NoAuth()
        try:
            return self.session.request(method, url, **kwargs)
        except requests.RequestException as error:
            log.warning("%s %s failed: %s", method, url, error)
            raise TransportError(
                f"{method} {url} got no response: {describe_transport_error(error, self.timeout)}"
            ) from None

    def ping(self) -> requests.Response:
        """GET /v2/ without responding to a challenge, so a 401 and its header stay visible."""
        return self.request("GET", "/v2/", authenticate=False)

    def manifest_response(self, method: str, repository: str, reference: str,
                          accept: tuple[str, ...] = mediatypes.MANIFEST_TYPES) -> requests.Response:
        return self.request(method, f"/v2/{repository}/manifests/{reference}",
                            headers={"Accept": mediatypes.accept_header(accept)})

    def get_manifest(self, repository: str, reference: str,
                     accept: tuple[str, ...] = mediatypes.MANIFEST_TYPES) -> ManifestResponse:
        """GET a manifest by tag or digest; raise StatusError unless the status is 200."""
        response = self.manifest_response("GET", repository, reference, accept)
        expect_status(response, 200, f"manifest {repository}:{reference}")
        source = f"{response.request.method} {response.url}"
        manifest = parse_manifest(response.content, response.headers.get("Content-Type"), source)
        return ManifestResponse(manifest=manifest, response=response)

    def blob_response(self, method: str, repository: str, digest: str, *,
                      stream: bool = False, headers: dict | None = None) -> requests.Response:
        """Send a blob request that follows redirects, asking for the bytes as stored."""
        headers = {"Accept-Encoding": "identity", **(headers or {})}
        return self.request(method, f"/v2/{repository}/blobs/{digest}", stream=stream,
                            headers=headers)

    def download_blob(self, repository: str, digest: str,
                      sink: BinaryIO | None = None) -> BlobDownload:
        """GET a blob, verifying its digest while streaming; raise DigestMismatch or StatusError."""
        response = self.blob_response("GET", repository, digest, stream=True)
        if response.status_code != 200:
            response.content
            expect_status(response, 200, f"blob {repository}@{digest}")
        try:
            return read_verified(response, digest, sink)
        except requests.RequestException as error:
            raise TransportError(
                f"GET {response.url} failed while streaming: "
                f"{describe_transport_error(error, self.timeout)}"
            ) from None


def expect_status(response: requests.Response, expected: int, what: str) -> None:
    """Raise StatusError naming the request, expected and actual status, and the body's start."""
    if response.status_code == expected:
        return
    excerpt = response.content[:200].decode("utf-8", "replace")
    raise StatusError(
        f"{response.request.method} {response.url} for {what} returned {response.status_code}, "
        f"expected {expected}; body starts {excerpt!r}",
        response,
    )
