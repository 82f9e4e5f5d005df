"""Uploading synthetic images to the lab's hub through the registry push API."""

from __future__ import annotations

import logging
from urllib.parse import urljoin

import requests

from mirrorcheck.errors import LabError
from mirrorcheck.lab.images import Blob, SyntheticImage

log = logging.getLogger(__name__)


def _check(response: requests.Response, expected: int, action: str) -> None:
    if response.status_code != expected:
        raise LabError(
            f"seeding the lab hub failed: {action} returned HTTP {response.status_code}, "
            f"expected {expected}: {response.text[:300]}"
        )


def blob_exists(session: requests.Session, base_url: str, repository: str, digest: str) -> bool:
    response = session.head(f"{base_url}/v2/{repository}/blobs/{digest}")
    return response.status_code == 200


def upload_blob(session: requests.Session, base_url: str, repository: str, blob: Blob) -> None:
    """Upload one blob in two requests (start, then a monolithic PUT), unless it is present."""
    if blob_exists(session, base_url, repository, blob.digest):
        return
    started = session.post(f"{base_url}/v2/{repository}/blobs/uploads/")
    _check(started, 202, f"starting an upload to {repository}")

    location = urljoin(base_url + "/", started.headers["Location"])
    separator = "&" if "?" in location else "?"
    finished = session.put(
        f"{location}{separator}digest={blob.digest}", data=blob.data,
        headers={"Content-Type": "application/octet-stream"},
    )
    _check(finished, 201, f"uploading blob {blob.digest} to {repository}")


def put_manifest(session: requests.Session, base_url: str, repository: str, reference: str,
                 manifest: Blob) -> None:
    response = session.put(
        f"{base_url}/v2/{repository}/manifests/{reference}", data=manifest.data,
        headers={"Content-Type": manifest.media_type},
    )
    _check(response, 201, f"putting manifest {reference} of {repository}")


def push(session: requests.Session, base_url: str, image: SyntheticImage) -> str:
    """Push an image's blobs, its platform manifests by digest, then its tag; return the digest."""
    for blob in image.blobs:
        upload_blob(session, base_url, image.repository, blob)
    for manifest in image.manifests[:-1]:
        put_manifest(session, base_url, image.repository, manifest.digest, manifest)
    put_manifest(session, base_url, image.repository, image.tag, image.manifests[-1])
    log.info("pushed %s:%s (%s, %d bytes of blobs) to %s",
             image.repository, image.tag, image.media_type, image.size, base_url)
    return image.digest
