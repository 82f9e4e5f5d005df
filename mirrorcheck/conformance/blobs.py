"""Checks of blobs: content by digest, size by HEAD, and byte ranges."""

from __future__ import annotations

import io
import re

from mirrorcheck.conformance.outcomes import expect_equal, fail
from mirrorcheck.registry.client import RegistryClient
from mirrorcheck.registry.errors import DigestMismatch
from mirrorcheck.registry.manifests import Descriptor

RANGE_LENGTH = 100


def _download(client: RegistryClient, repository: str, blob: Descriptor) -> bytes:
    sink = io.BytesIO()
    try:
        client.download_blob(repository, blob.digest, sink)
    except DigestMismatch as error:
        fail(f"blob {blob.digest} in {repository}: expected content with that digest, got "
             f"{error.actual} ({error.size} bytes); clear the mirror's cache for this blob")
    return sink.getvalue()


def check_blob_content_matches_digest(client: RegistryClient, repository: str,
                                      blob: Descriptor) -> None:
    content = _download(client, repository, blob)
    expect_equal(f"size of blob {blob.digest} in {repository}", blob.size, len(content),
                 "the manifest and the blob disagree, so the mirror serves a wrong blob")


def check_blob_head_gives_size(client: RegistryClient, repository: str,
                               blob: Descriptor) -> None:
    head = client.blob_response("HEAD", repository, blob.digest)
    expect_equal(f"status of HEAD {head.url}", 200, head.status_code,
                 "clients check for a blob with HEAD before they fetch it")
    expect_equal(f"Content-Length of HEAD {head.url}", str(blob.size),
                 head.headers.get("Content-Length"),
                 "HEAD must give the size of the blob that GET returns")


def check_blob_range_returns_206(client: RegistryClient, repository: str,
                                 blob: Descriptor) -> None:
    # Read the blob in full first, so a pull-through cache stores it and serves it from storage.
    content = _download(client, repository, blob)
    start = min(10, max(len(content) - 1, 0))
    end = min(start + RANGE_LENGTH, len(content)) - 1
    response = client.blob_response("GET", repository, blob.digest,
                                    headers={"Range": f"bytes={start}-{end}"})

    url = response.url
    expect_equal(f"status of GET {url} with Range bytes={start}-{end}", 206,
                 response.status_code,
                 "clients resume interrupted layer downloads with ranges, so serve them")
    expect_equal(f"Content-Range of GET {url}", f"bytes {start}-{end}/{len(content)}",
                 response.headers.get("Content-Range"), "the range served must be the range "
                 "requested, and name the blob's full size")
    if response.content != content[start:end + 1]:
        fail(f"body of GET {url} with Range bytes={start}-{end}: expected those "
             f"{end - start + 1} bytes of the blob, got {len(response.content)} other bytes; "
             "the server returns the wrong part of the blob")


def check_blob_range_past_end_returns_416(client: RegistryClient, repository: str,
                                          blob: Descriptor) -> None:
    _download(client, repository, blob)
    start = blob.size + 10
    # Only the headers are read: distribution 2.8.2 sends this 416 with the Content-Length
    # of the whole blob and a 33-byte body, which no client can read to the end.
    response = client.blob_response("GET", repository, blob.digest, stream=True,
                                    headers={"Range": f"bytes={start}-"})
    response.close()
    expect_equal(f"status of GET {response.url} with Range bytes={start}- past the end "
                 f"({blob.size} bytes)", 416, response.status_code,
                 "a range that cannot be satisfied must get 416, so clients do not take an "
                 "empty or full body for the bytes they asked")
    content_range = response.headers.get("Content-Range")
    if content_range is not None and not re.fullmatch(rf"bytes \*/{blob.size}", content_range):
        fail(f"Content-Range of the 416 from {response.url}: expected 'bytes */{blob.size}', "
             f"got {content_range!r}")
