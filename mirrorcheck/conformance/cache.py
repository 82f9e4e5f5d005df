"""Checks of pull-through cache behaviour: fill, freshness of tags, serving without upstream.

A pull here is what a client does for one image: the manifest by tag (or digest), the
linux/amd64 manifest when that is an index, then the config and every layer, each verified
against its digest.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from mirrorcheck.conformance.outcomes import expect_equal, fail
from mirrorcheck.registry import mediatypes
from mirrorcheck.registry.client import RegistryClient
from mirrorcheck.registry.errors import RegistryError
from mirrorcheck.registry.manifests import select_platform

log = logging.getLogger(__name__)


@dataclass
class PullRecord:
    """Digests of one pull: the one the reference resolved to, and every one fetched."""

    reference: str
    digest: str = ""
    manifests: list[str] = field(default_factory=list)
    blobs: list[str] = field(default_factory=list)


def pull(client: RegistryClient, repository: str, identifier: str) -> PullRecord:
    """Pull one image by tag or digest; raise RegistryError on any failed step."""
    record = PullRecord(reference=f"{repository}:{identifier}")
    fetched = client.get_manifest(repository, identifier).manifest
    record.digest = fetched.digest
    record.manifests.append(fetched.digest)

    image = fetched
    if fetched.is_index:
        chosen = select_platform(fetched)
        if chosen is None:
            raise RegistryError(f"index {record.reference} has no linux/amd64 manifest")
        image = client.get_manifest(repository, chosen.digest).manifest
        record.manifests.append(image.digest)

    for blob in image.blobs:
        client.download_blob(repository, blob.digest)
        record.blobs.append(blob.digest)
    return record


def check_pull_succeeds(client: RegistryClient, repository: str, identifier: str,
                        situation: str) -> PullRecord:
    """Pull and fail with the step that broke, naming the situation (such as 'upstream down')."""
    try:
        return pull(client, repository, identifier)
    except RegistryError as error:
        fail(f"pull of {repository}:{identifier} through {client.base_url} with {situation}: "
             f"expected the image, got: {error}")


def check_tag_move_is_seen(client: RegistryClient, repository: str, tag: str,
                           moved_digest: str) -> None:
    fetched = client.get_manifest(repository, tag)
    expect_equal(f"digest of {repository}:{tag} through {client.base_url} after the tag moved "
                 "upstream", moved_digest, fetched.manifest.digest,
                 "the mirror serves a stale tag; lower its tag cache lifetime or revalidate "
                 "tags upstream")


def check_uncached_fails_with_status(client: RegistryClient, repository: str,
                                     identifier: str) -> int:
    """Request content the mirror never cached while its upstream is down; return the status.

    The mirror must respond within the client's request timeout with an error status (4xx or
    5xx) and a registry error body, so a client moves on to the next endpoint.
    """
    try:
        response = client.manifest_response("GET", repository, identifier)
    except RegistryError as error:
        fail(f"GET of uncached {repository}:{identifier} through {client.base_url} with the "
             f"upstream down: expected an error status within {client.timeout:g} s, got "
             f"{error}; give the mirror an upstream timeout shorter than clients' timeouts")
    if response.status_code < 400:
        fail(f"GET of uncached {repository}:{identifier} through {client.base_url} with the "
             f"upstream down: expected a 4xx or 5xx status, got {response.status_code}")
    content_type = mediatypes.bare_media_type(response.headers.get("Content-Type"))
    expect_equal(f"Content-Type of the {response.status_code} from {response.url}",
                 "application/json", content_type,
                 "send a registry error body that names the cause")
    log.info("uncached %s:%s with upstream down: %d in %.3f s", repository, identifier,
             response.status_code, response.timing.total or 0.0)
    return response.status_code


def wait_until_cached(client: RegistryClient, repository: str, record: PullRecord,
                      timeout: float) -> None:
    """Poll HEAD for every blob of a pull, with the upstream down, until the cache serves them.

    distribution 2.8.2 streams a blob to the client and commits it to storage afterwards, so
    for a moment after a cold pull the blob is neither local nor reachable upstream.
    """
    deadline = time.monotonic() + timeout
    pending = list(record.blobs)
    while pending and time.monotonic() < deadline:
        head = client.blob_response("HEAD", repository, pending[0])
        if head.status_code == 200:
            pending.pop(0)
        else:
            time.sleep(0.1)
    if pending:
        fail(f"{len(pending)} blobs of {record.reference} pulled through {client.base_url}: "
             f"expected them cached within {timeout:g} s of the pull, got HEAD "
             f"{head.status_code} with the upstream down for {pending[0]}; the cache does not "
             "keep what it served")
