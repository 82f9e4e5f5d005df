"""A registry stand-in with switchable faults, for tests that the checks catch them.

It serves synthetic images over plain HTTP on 127.0.0.1 from memory: a Docker manifest list
at `library/alpine:latest`, an OCI index at `library/nginx:alpine` and a Docker manifest at
`library/python:3.11-slim`. With `require_token` it requires a bearer token from its own
`/token` realm, which checks `credentials` when given. With `redirect_blobs` it responds to
blob requests with a 307 to `/storage/<digest>`, which needs no token, as object stores do.
Each fault breaks one behaviour that a check verifies. With no fault, every check passes.
"""

from __future__ import annotations

import base64
import enum
import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mirrorcheck.lab.images import build_image

log = logging.getLogger(__name__)

TOKEN = "broken-registry-token"
LAYER_SIZES = (4096, 65536)
_MANIFEST_PATH = re.compile(r"^/v2/(.+)/manifests/([^/]+)$")
_BLOB_PATH = re.compile(r"^/v2/(.+)/blobs/([^/]+)$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


class Fault(enum.Enum):
    """Faults the stand-in can switch on, each breaking one behaviour a check verifies."""

    WRONG_DIGEST = "wrong-digest"
    WRONG_MEDIA_TYPE = "wrong-media-type"
    HEAD_WITH_BODY = "head-with-body"
    IGNORED_RANGE = "ignored-range"
    RANGE_PAST_END_NOT_416 = "range-past-end-not-416"
    HTML_ERRORS = "html-errors"
    MISSING_API_VERSION = "missing-api-version"
    BAD_CHALLENGE = "bad-challenge"


def _catalog() -> tuple[dict, dict]:
    """Return manifests by (repository, reference) and blobs by digest."""
    images = [
        build_image("library/alpine", "latest", LAYER_SIZES, "docker-list", seed="broken-alpine"),
        build_image("library/nginx", "alpine", LAYER_SIZES, "oci-index", seed="broken-nginx"),
        build_image("library/python", "3.11-slim", LAYER_SIZES, seed="broken-python"),
    ]
    manifests, blobs = {}, {}
    for image in images:
        manifests[(image.repository, image.tag)] = image.manifests[-1]
        for manifest in image.manifests:
            manifests[(image.repository, manifest.digest)] = manifest
        for blob in image.blobs:
            blobs[blob.digest] = blob.data
    return manifests, blobs


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one segment, so no delayed ACK stalls a kept-alive client.
    disable_nagle_algorithm = True
    wbufsize = 1 << 16
    server: "_Server"

    def log_message(self, format: str, *args) -> None:
        log.debug("broken registry: " + format, *args)

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        headers = dict(headers or {})
        if Fault.MISSING_API_VERSION not in self.server.faults:
            headers.setdefault("Docker-Distribution-API-Version", "registry/2.0")
        headers.setdefault("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        sends_body = self.command != "HEAD" or Fault.HEAD_WITH_BODY in self.server.faults
        if sends_body:
            self.wfile.write(body)
        if self.command == "HEAD" and Fault.HEAD_WITH_BODY in self.server.faults:
            self.close_connection = True

    def _error(self, status: int, code: str, message: str) -> None:
        if Fault.HTML_ERRORS in self.server.faults:
            page = f"<html><body><h1>{status}</h1><p>{message}</p></body></html>".encode()
            self._send(status, page, {"Content-Type": "text/html"})
            return
        body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
        self._send(status, body, {"Content-Type": "application/json"})

    def _authorized(self) -> bool:
        if not self.server.require_token:
            return True
        if self.headers.get("Authorization") == f"Bearer {TOKEN}":
            return True
        realm = f"http://127.0.0.1:{self.server.server_port}/token"
        challenge = f'Bearer realm="{realm}",service="broken-registry"'
        if Fault.BAD_CHALLENGE in self.server.faults:
            challenge = 'Bearer service="broken-registry"'
        body = json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "token required"}]})
        self._send(401, body.encode(), {"WWW-Authenticate": challenge,
                                        "Content-Type": "application/json"})
        return False

    def _token(self) -> None:
        expected = self.server.credentials
        if expected is not None:
            received = self.headers.get("Authorization", "")
            basic = "Basic " + base64.b64encode(f"{expected[0]}:{expected[1]}".encode()).decode()
            if received != basic:
                log.info("broken registry: rejected a token request with wrong credentials")
                self._send(401, b'{"details":"invalid credentials"}',
                           {"Content-Type": "application/json"})
                return
        body = json.dumps({"token": TOKEN, "expires_in": 300}).encode()
        self._send(200, body, {"Content-Type": "application/json"})

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/token":
            return self._token()
        if path.startswith("/storage/"):
            return self._blob(path.removeprefix("/storage/"))
        if not self._authorized():
            return
        if path == "/v2/":
            return self._send(200, b"{}", {"Content-Type": "application/json"})
        if match := _MANIFEST_PATH.match(path):
            return self._manifest(*match.groups())
        if match := _BLOB_PATH.match(path):
            if self.server.redirect_blobs:
                location = f"http://127.0.0.1:{self.server.server_port}/storage/{match.group(2)}"
                return self._send(307, b"", {"Location": location})
            return self._blob(match.group(2))
        self._error(404, "NAME_UNKNOWN", "repository name not known to registry")

    do_HEAD = do_GET

    def _manifest(self, repository: str, reference: str) -> None:
        content = self.server.manifests.get((repository, reference))
        if content is None:
            return self._error(404, "MANIFEST_UNKNOWN", "manifest unknown")
        digest = content.digest
        media_type = content.media_type
        if Fault.WRONG_DIGEST in self.server.faults:
            digest = "sha256:" + "0" * 64
        if Fault.WRONG_MEDIA_TYPE in self.server.faults:
            media_type = "application/json"
        self._send(200, content.data, {"Content-Type": media_type,
                                       "Docker-Content-Digest": digest})

    def _blob(self, digest: str) -> None:
        content = self.server.blobs.get(digest)
        if content is None:
            return self._error(404, "BLOB_UNKNOWN", "blob unknown to registry")
        if Fault.WRONG_DIGEST in self.server.faults:
            content = content[:-1] + bytes([content[-1] ^ 0xFF])
        headers = {"Content-Type": "application/octet-stream", "Docker-Content-Digest": digest,
                   "Accept-Ranges": "bytes"}
        requested = _RANGE.match(self.headers.get("Range", ""))
        if requested is None or Fault.IGNORED_RANGE in self.server.faults:
            return self._send(200, content, headers)

        start = int(requested.group(1))
        end = int(requested.group(2)) if requested.group(2) else len(content) - 1
        if start >= len(content):
            if Fault.RANGE_PAST_END_NOT_416 in self.server.faults:
                return self._send(200, b"", headers)
            return self._send(416, b"", {**headers, "Content-Range": f"bytes */{len(content)}"})
        end = min(end, len(content) - 1)
        headers["Content-Range"] = f"bytes {start}-{end}/{len(content)}"
        self._send(206, content[start:end + 1], headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class BrokenRegistry:
    """The stand-in on 127.0.0.1, started in a thread; use as a context manager."""

    def __init__(self, faults: set[Fault] | frozenset[Fault] = frozenset(), *,
                 require_token: bool = False,
                 credentials: tuple[str, str] | None = None,
                 redirect_blobs: bool = False) -> None:
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.faults = set(faults)
        self.server.require_token = require_token or credentials is not None
        self.server.credentials = credentials
        self.server.redirect_blobs = redirect_blobs
        self.server.manifests, self.server.blobs = _catalog()
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                        name="broken-registry")

    @property
    def faults(self) -> set[Fault]:
        """The faults in force; change them between requests to switch behaviour."""
        return self.server.faults

    def start(self) -> "BrokenRegistry":
        self._thread.start()
        log.info("broken registry serving at %s with faults %s", self.url,
                 sorted(fault.value for fault in self.faults))
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()

    def __enter__(self) -> "BrokenRegistry":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

