"""Blob downloads that verify the digest while the bytes stream in."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import BinaryIO

import requests

from mirrorcheck.registry.errors import DigestMismatch, RegistryError
from mirrorcheck.registry.timing import RequestTiming, timing_of

log = logging.getLogger(__name__)

# Large reads keep Python's per-chunk work small next to the copy itself.
CHUNK_SIZE = 1 << 20


@dataclass(frozen=True)
class BlobDownload:
    """A blob read in full: its verified digest, size, final URL after redirects, timing."""

    digest: str
    size: int
    url: str
    redirects: int
    timing: RequestTiming

    @property
    def throughput(self) -> float:
        """Return bytes per second over the whole request."""
        return self.size / self.timing.total if self.timing.total else 0.0


def _hasher_for(digest: str):
    algorithm, _, _ = digest.partition(":")
    if algorithm not in ("sha256", "sha512"):
        raise RegistryError(
            f"digest {digest!r} uses algorithm {algorithm!r}; the client verifies only "
            "sha256 and sha512 digests"
        )
    return algorithm, hashlib.new(algorithm)


def read_verified(response: requests.Response, digest: str,
                  sink: BinaryIO | None = None) -> BlobDownload:
    """Read a streamed blob response, hashing as it goes, and raise DigestMismatch on a mismatch.

    The bytes are read undecoded, because the digest covers the blob as stored.
    """
    algorithm, hasher = _hasher_for(digest)
    size = 0
    buffer = bytearray(CHUNK_SIZE)
    view = memoryview(buffer)
    raw = response.raw
    try:
        while True:
            count = raw.readinto(view)
            if not count:
                break
            chunk = view[:count]
            hasher.update(chunk)
            if sink is not None:
                sink.write(chunk)
            size += count
    finally:
        response.close()

    timing = timing_of(response)
    timing.finish()
    actual = f"{algorithm}:{hasher.hexdigest()}"
    if actual != digest:
        raise DigestMismatch(response.url, digest, actual, size)
    return BlobDownload(digest=digest, size=size, url=response.url,
                        redirects=len(response.history), timing=timing)
