"""Check of the `RateLimit-*` headers: parsed and shown when the target sends them."""

from __future__ import annotations

import logging

import pytest

from mirrorcheck.conformance.outcomes import fail
from mirrorcheck.conformance.samples import ManifestSample
from mirrorcheck.registry.client import RegistryClient
from mirrorcheck.registry.ratelimit import RateLimit, parse_rate_limit

log = logging.getLogger(__name__)


def check_rate_limit_headers_are_well_formed(client: RegistryClient,
                                             sample: ManifestSample) -> RateLimit:
    """HEAD the sample manifest, as Docker Hub counts pulls, and return the parsed limits."""
    response = client.manifest_response("HEAD", sample.repository, sample.tag or sample.digest)
    rate_limit = parse_rate_limit(response.headers)
    if rate_limit is None:
        pytest.skip(f"HEAD {response.url} returned no RateLimit-* headers: the target sets "
                    "no rate limit it reports")

    log.info("rate limit of %s: %s", client.base_url, rate_limit.describe())
    if rate_limit.invalid:
        fail(f"rate-limit headers of HEAD {response.url}: expected 'N' or 'N;w=SECONDS', got "
             f"{rate_limit.invalid}; clients cannot pace themselves on these values")
    return rate_limit
