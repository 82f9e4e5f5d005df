"""Pull-through cache behaviour of docker-registry in proxy mode, against a local upstream."""

from __future__ import annotations

import pytest

from mirrorcheck.conformance import cache
from mirrorcheck.lab.images import build_image, push_image
from mirrorcheck.registry import RegistryClient

REPOSITORY = "library/alpine"


def clients(upstream, mirror) -> tuple[RegistryClient, RegistryClient]:
    return (RegistryClient(upstream.url, ca_bundle=upstream.ca.ca_pem, timeout=10),
            RegistryClient(mirror.url, ca_bundle=mirror.ca.ca_pem, timeout=10))


def content_requests(entries: list[dict]) -> list[str]:
    """Return 'METHOD URI' of logged requests that transfer a manifest or blob."""
    return [f"{entry['http.request.method']} {entry['http.request.uri']}" for entry in entries
            if entry.get("http.request.method") == "GET"
            and ("/manifests/" in entry["http.request.uri"] or "/blobs/" in entry["http.request.uri"])]


def test_cold_pull_fills_cache(registry_pair):
    upstream, mirror = registry_pair
    hub_client, mirror_client = clients(upstream, mirror)
    push_image(hub_client, build_image(REPOSITORY, "latest", (4096, 200_000), "docker-list",
                                      seed="cold"))

    cold = cache.check_pull_succeeds(mirror_client, REPOSITORY, "latest", "a cold cache")
    mirror.wait_for_blobs(cold.blobs)
    before_warm = len(upstream.completed_requests())
    assert content_requests(upstream.completed_requests()) != []

    cache.check_pull_succeeds(mirror_client, REPOSITORY, cold.digest, "a warm cache")
    warm_requests = upstream.completed_requests()[before_warm:]
    assert warm_requests == [], f"a warm pull by digest reached the upstream: {warm_requests}"


def test_warm_pull_by_tag_transfers_nothing_upstream(registry_pair):
    upstream, mirror = registry_pair
    hub_client, mirror_client = clients(upstream, mirror)
    push_image(hub_client, build_image(REPOSITORY, "latest", seed="warm-tag"))
    cold = cache.check_pull_succeeds(mirror_client, REPOSITORY, "latest", "a cold cache")
    mirror.wait_for_blobs(cold.blobs)

    before = len(upstream.completed_requests())
    cache.check_pull_succeeds(mirror_client, REPOSITORY, "latest", "a warm cache")
    warm = upstream.completed_requests()[before:]
    # distribution 2.8.2 revalidates the tag with a HEAD (and pings /v2/ first), but must
    # fetch no content again.
    assert content_requests(warm) == []
    assert {entry["http.request.method"] for entry in warm} <= {"GET", "HEAD"}


def test_moved_tag_is_seen_through_mirror(registry_pair):
    upstream, mirror = registry_pair
    hub_client, mirror_client = clients(upstream, mirror)
    push_image(hub_client, build_image(REPOSITORY, "latest", seed="before-move"))
    cache.check_pull_succeeds(mirror_client, REPOSITORY, "latest", "a cold cache")

    moved = push_image(hub_client, build_image(REPOSITORY, "latest", seed="after-move"))
    cache.check_tag_move_is_seen(mirror_client, REPOSITORY, "latest", moved)


def test_cached_content_served_with_upstream_down(registry_pair):
    upstream, mirror = registry_pair
    hub_client, mirror_client = clients(upstream, mirror)
    push_image(hub_client, build_image(REPOSITORY, "latest", (4096,), "docker-list",
                                      seed="offline"))
    record = cache.check_pull_succeeds(mirror_client, REPOSITORY, "latest", "a cold cache")
    # distribution 2.8.2 stores a served blob by fetching it from the upstream a second time,
    # in the background. An upstream that goes down before that leaves the cache without it.
    mirror.wait_for_blobs(record.blobs)

    upstream.stop()
    cache.wait_until_cached(mirror_client, REPOSITORY, record, timeout=10)
    by_tag = cache.check_pull_succeeds(mirror_client, REPOSITORY, "latest", "the upstream down")
    by_digest = cache.check_pull_succeeds(mirror_client, REPOSITORY, record.digest,
                                          "the upstream down")
    assert by_tag.digest == record.digest
    assert by_digest.blobs == record.blobs


def test_uncached_content_with_upstream_down_fails(registry_pair):
    upstream, mirror = registry_pair
    hub_client, mirror_client = clients(upstream, mirror)
    push_image(hub_client, build_image("library/never-pulled", "latest", seed="never-pulled"))

    upstream.stop()
    status = cache.check_uncached_fails_with_status(mirror_client, "library/never-pulled",
                                                    "latest")
    assert 400 <= status < 600


def test_uncached_check_fails_on_success(registry_pair):
    """The uncached check fails when the mirror serves the image, so it can fail at all."""
    upstream, mirror = registry_pair
    hub_client, mirror_client = clients(upstream, mirror)
    push_image(hub_client, build_image(REPOSITORY, "latest", seed="served"))
    with pytest.raises(AssertionError, match="expected a 4xx or 5xx status, got 200"):
        cache.check_uncached_fails_with_status(mirror_client, REPOSITORY, "latest")


