"""The lab against the real engine: who serves a pull, and what the hub carries."""

from __future__ import annotations

import pytest

from mirrorcheck.options import FIXTURES
from mirrorcheck.registry.mediatypes import DOCKER_MANIFEST_LIST, OCI_INDEX

pytestmark = pytest.mark.lab

SAMPLES = FIXTURES / "daemon-json"
ALL_MANIFEST_TYPES = ", ".join([
    "application/vnd.docker.distribution.manifest.v2+json",
    DOCKER_MANIFEST_LIST,
    "application/vnd.oci.image.manifest.v1+json",
    OCI_INDEX,
])


@pytest.fixture(scope="module")
def recommended_lab(lab_factory):
    return lab_factory(SAMPLES / "recommended.json")


@pytest.fixture(scope="module")
def private_cache_lab(lab_factory):
    return lab_factory(SAMPLES / "private-cache.json")


def test_recommended_pull_is_served_by_mirror(recommended_lab):
    mirror = recommended_lab.mirror_for_entry("https://mirror.gcr.io")

    report = recommended_lab.pull("alpine:latest")

    assert report.pulled, report.summary()
    assert report.manifest_endpoint == mirror.name, report.summary()
    assert report.blob_endpoints == [mirror.name], report.summary()
    assert not report.served_by_hub, report.summary()


def test_recommended_mirror_fetched_from_hub(recommended_lab):
    recommended_lab.reset_daemon()

    report = recommended_lab.pull("postgres:16-alpine")

    mirror = recommended_lab.mirror_for_entry("https://mirror.gcr.io")
    upstream = report.upstream_requests(mirror.name)
    assert report.pulled, report.summary()
    assert {r.registry for r in upstream} == {"hub"}, upstream
    assert any(r.kind == "manifest" and r.served for r in upstream), upstream
    assert any(r.kind == "blob" and r.served for r in upstream), upstream


def test_daemon_info_shows_configured_mirrors(recommended_lab):
    info = recommended_lab.daemon.info()

    assert info["RegistryConfig"]["Mirrors"] == ["https://mirror.gcr.io/"]


def test_private_cache_loopback_mirror_serves_pull(private_cache_lab):
    loopback = private_cache_lab.mirror_for_entry("http://localhost:5000")

    report = private_cache_lab.pull("alpine:latest")

    assert loopback is not None and loopback.endpoint.loopback
    assert report.pulled, report.summary()
    assert report.manifest_endpoint == loopback.name, report.summary()
    assert report.endpoints_tried == [loopback.name], report.summary()


def test_hub_carries_every_manifest_media_type(recommended_lab):
    served = set()
    for name, image in recommended_lab.images.items():
        response = recommended_lab.hub.session.get(
            f"{recommended_lab.hub.host_url}/v2/{image.repository}/manifests/{image.tag}",
            headers={"Accept": ALL_MANIFEST_TYPES}, timeout=10,
        )
        assert response.status_code == 200, f"{name}: {response.status_code} {response.text}"
        served.add(response.headers["Content-Type"])
        for manifest in image.manifests[:-1]:
            served.add(manifest.media_type)

    assert served == set(ALL_MANIFEST_TYPES.split(", "))


def test_hub_layers_have_configured_size(recommended_lab, settings):
    image = recommended_lab.images["python:3.11-slim"]
    layer = image.blobs[0]

    response = recommended_lab.hub.session.head(
        f"{recommended_lab.hub.host_url}/v2/{image.repository}/blobs/{layer.digest}", timeout=10)

    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) >= settings.layer_size
