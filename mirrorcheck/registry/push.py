"""Writing to a registry: blob upload and manifest put.

Only the lab and the tests use these, to seed a registry they started. The conformance
checks never write to the registry they check.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from mirrorcheck.registry.client import RegistryClient, expect_status
from mirrorcheck.registry.manifests import sha256_digest

log = logging.getLogger(__name__)


def blob_exists(client: RegistryClient, repository: str, digest: str) -> bool:
    response = client.blob_response("HEAD", repository, digest)
    return response.status_code == 200


def push_blob(client: RegistryClient, repository: str, content: bytes) -> str:
    """Upload a blob in one PUT unless the repository has it; return its digest."""
    digest = sha256_digest(content)
    if blob_exists(client, repository, digest):
        return digest

    started = client.request("POST", f"/v2/{repository}/blobs/uploads/")
    expect_status(started, 202, f"upload start in {repository}")
    location = urljoin(client.url("/"), started.headers["Location"])
    separator = "&" if "?" in location else "?"
    finished = client.request(
        "PUT", f"{location}{separator}digest={digest}", data=content,
        headers={"Content-Type": "application/octet-stream"},
    )
    expect_status(finished, 201, f"blob {digest} in {repository}")
    log.debug("pushed blob %s (%d bytes) to %s", digest, len(content), repository)
    return digest


def push_manifest(client: RegistryClient, repository: str, reference: str, body: bytes,
                  media_type: str) -> str:
    """PUT a manifest under a tag or digest and return the digest of the bytes sent."""
    response = client.request(
        "PUT", f"/v2/{repository}/manifests/{reference}", data=body,
        headers={"Content-Type": media_type},
    )
    expect_status(response, 201, f"manifest {repository}:{reference}")
    digest = sha256_digest(body)
    log.info("pushed manifest %s:%s (%s)", repository, reference, digest)
    return digest
