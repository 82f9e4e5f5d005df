"""Checks of unknown content: 404 with the registry error code in a JSON body."""

from __future__ import annotations

import hashlib

import requests

from mirrorcheck.conformance.outcomes import expect_equal, fail
from mirrorcheck.registry import mediatypes
from mirrorcheck.registry.client import RegistryClient

UNKNOWN_TAG = "mirrorcheck-no-such-tag"
# A well-formed digest that no registry stores content for: the sha256 of a fixed text.
UNKNOWN_DIGEST = "sha256:" + hashlib.sha256(b"mirrorcheck: content nobody stores").hexdigest()


def _error_codes(response: requests.Response) -> list[str] | str:
    """Return the error codes of a registry error body, or a description of what came instead."""
    content_type = mediatypes.bare_media_type(response.headers.get("Content-Type"))
    try:
        body = response.json()
    except ValueError:
        return f"a {content_type or 'untyped'} body starting {response.content[:60]!r}"
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return f"JSON without an `errors` list: {response.text[:80]!r}"
    return [str(error.get("code")) for error in errors if isinstance(error, dict)]


def _check_unknown(response: requests.Response, code: str) -> None:
    expect_equal(f"status of GET {response.url}", 404, response.status_code,
                 "unknown content must get 404 so that clients try the next endpoint")
    codes = _error_codes(response)
    if isinstance(codes, str) or code not in codes:
        fail(f"body of the 404 from {response.url}: expected JSON "
             f'{{"errors": [{{"code": "{code}", ...}}]}}, got {codes}; serve registry error '
             "bodies, not the error pages of a web server")


def check_unknown_tag_returns_manifest_unknown(client: RegistryClient,
                                               repository: str) -> None:
    response = client.manifest_response("GET", repository, UNKNOWN_TAG)
    _check_unknown(response, "MANIFEST_UNKNOWN")


def check_unknown_manifest_digest_returns_manifest_unknown(client: RegistryClient,
                                                           repository: str) -> None:
    response = client.manifest_response("GET", repository, UNKNOWN_DIGEST)
    _check_unknown(response, "MANIFEST_UNKNOWN")


def check_unknown_blob_returns_blob_unknown(client: RegistryClient, repository: str) -> None:
    response = client.blob_response("GET", repository, UNKNOWN_DIGEST)
    _check_unknown(response, "BLOB_UNKNOWN")
