"""Every conformance check against a real docker-registry, plain and as a pull-through cache."""

from __future__ import annotations

import pytest

from mirrorcheck.conformance.catalog import CATALOG
from mirrorcheck.conformance.samples import resolve_samples
from mirrorcheck.registry import RegistryClient, mediatypes

from tests.conformance.conftest import REFERENCES

# distribution 2.8.2 in proxy mode wraps the upstream's 404 for an unknown manifest digest
# in a 500 UNKNOWN error. An unknown tag gets a proper 404.
KNOWN_PROXY_FAULTS = {"unknown manifest digest returns MANIFEST_UNKNOWN"}


def subjects_of(entry, client: RegistryClient) -> list[tuple]:
    """Return the argument tuples an entry's check takes, after the client."""
    samples = resolve_samples(client, REFERENCES)
    assert samples.faults == []
    if entry.subject == "client":
        return [()]
    if entry.subject == "repository":
        return [(samples.repository,)]
    if entry.subject == "blob":
        return [(samples.repository, samples.blob())]
    return [(samples.manifest(media_type),) for media_type in mediatypes.MANIFEST_TYPES]


def run_entry(entry, client: RegistryClient) -> list[str]:
    """Run a catalog entry on every subject; return the skip reasons, raise on a failure."""
    skipped = []
    for arguments in subjects_of(entry, client):
        try:
            entry.check(client, *arguments)
        except pytest.skip.Exception as skip:
            skipped.append(str(skip))
    return skipped


@pytest.mark.parametrize("entry", CATALOG, ids=[entry.name for entry in CATALOG])
def test_check_passes_on_plain_registry(entry, hub):
    with RegistryClient(hub.url, ca_bundle=hub.ca.ca_pem) as client:
        skipped = run_entry(entry, client)
    for reason in skipped:
        assert reason, f"{entry.name} was skipped without a reason"


@pytest.mark.parametrize("entry", CATALOG, ids=[entry.name for entry in CATALOG])
def test_check_passes_on_pull_through_cache(entry, mirror):
    if entry.name in KNOWN_PROXY_FAULTS:
        pytest.xfail("distribution 2.8.2's proxy returns 500 UNKNOWN for an unknown digest")
    with RegistryClient(mirror.url, ca_bundle=mirror.ca.ca_pem) as client:
        skipped = run_entry(entry, client)
    for reason in skipped:
        assert reason, f"{entry.name} was skipped without a reason"


def test_proxy_unknown_digest_still_fails(mirror):
    """The known proxy fault is still there; when this fails, drop it from KNOWN_PROXY_FAULTS."""
    entry = next(entry for entry in CATALOG if entry.name in KNOWN_PROXY_FAULTS)
    with RegistryClient(mirror.url, ca_bundle=mirror.ca.ca_pem) as client:
        with pytest.raises(AssertionError, match="expected 404, got 500"):
            run_entry(entry, client)
