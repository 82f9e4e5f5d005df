"""Fixtures for the conformance tests: local docker-registry processes seeded with images."""

from __future__ import annotations

import pytest

from mirrorcheck.lab.images import build_image, push_image
from mirrorcheck.registry import RegistryClient, parse_reference
from mirrorcheck.testing.local_registry import LocalRegistry, TestCA

# The lab's shape: a Docker manifest list, an OCI index and a plain Docker manifest.
SEEDED = {
    "library/alpine:latest": lambda: build_image("library/alpine", "latest", (2048, 300_000),
                                                 "docker-list", seed="local-alpine"),
    "library/nginx:alpine": lambda: build_image("library/nginx", "alpine", (2048,), "oci-index",
                                                seed="local-nginx"),
    "library/python:3.11-slim": lambda: build_image("library/python", "3.11-slim",
                                                    (2048, 100_000), seed="local-python"),
}
REFERENCES = [parse_reference(name) for name in SEEDED]


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory) -> TestCA:
    return TestCA.create(tmp_path_factory.mktemp("ca"))


def seed(registry: LocalRegistry) -> None:
    with RegistryClient(registry.url, ca_bundle=registry.ca.ca_pem) as client:
        for build in SEEDED.values():
            push_image(client, build())


@pytest.fixture(scope="session")
def hub(tmp_path_factory, test_ca) -> LocalRegistry:
    """A plain registry standing in for Docker Hub, seeded with SEEDED."""
    registry = LocalRegistry(tmp_path_factory.mktemp("hub"), test_ca, name="hub").start()
    try:
        seed(registry)
        yield registry
    finally:
        registry.remove()


@pytest.fixture(scope="session")
def mirror(tmp_path_factory, test_ca, hub) -> LocalRegistry:
    """A pull-through cache of `hub`."""
    registry = LocalRegistry(tmp_path_factory.mktemp("mirror"), test_ca, upstream_url=hub.url,
                             name="mirror").start()
    yield registry
    registry.remove()


@pytest.fixture
def registry_pair(tmp_path, test_ca):
    """A fresh upstream and pull-through mirror, for tests that stop the upstream."""
    upstream = LocalRegistry(tmp_path, test_ca, name="upstream").start()
    cache = None
    try:
        cache = LocalRegistry(tmp_path, test_ca, upstream_url=upstream.url, name="cache").start()
        yield upstream, cache
    finally:
        if cache is not None:
            cache.remove()
        upstream.remove()
