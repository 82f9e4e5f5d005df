"""Blobs of each target: content by digest, size by HEAD, byte ranges."""

import pytest

from mirrorcheck.conformance import blobs


@pytest.mark.gate
def test_blob_content_matches_digest(client, samples):
    blobs.check_blob_content_matches_digest(client, samples.repository, samples.blob())


def test_blob_head_gives_size(client, samples):
    blobs.check_blob_head_gives_size(client, samples.repository, samples.blob())


def test_blob_range_returns_206_with_content_range(client, samples):
    blobs.check_blob_range_returns_206(client, samples.repository, samples.blob())


def test_blob_range_past_end_returns_416(client, samples):
    blobs.check_blob_range_past_end_returns_416(client, samples.repository, samples.blob())
