"""Checks of manifests and indexes, by tag and by digest, for each media type."""

from __future__ import annotations

import pytest

from mirrorcheck.conformance.headbody import raw_head
from mirrorcheck.conformance.outcomes import expect_equal, fail
from mirrorcheck.conformance.samples import ManifestSample
from mirrorcheck.registry import mediatypes
from mirrorcheck.registry.client import ManifestResponse, RegistryClient
from mirrorcheck.registry.manifests import sha256_digest

STALE_CACHE_HINT = "the mirror serves content that differs from the upstream; clear its cache"


def _get(client: RegistryClient, sample: ManifestSample, identifier: str) -> ManifestResponse:
    return client.get_manifest(sample.repository, identifier)


def _tag_of(sample: ManifestSample) -> str:
    if sample.tag is None:
        pytest.skip(f"{sample.media_type} is only reachable by digest here ({sample}); give "
                    "--reference to an image whose tag points at one")
    return sample.tag


def check_manifest_by_tag_answers_200(client: RegistryClient, sample: ManifestSample) -> None:
    fetched = _get(client, sample, _tag_of(sample))
    expect_equal(f"media type of {sample.repository}:{sample.tag}", sample.media_type,
                 fetched.manifest.media_type, "the tag changed while the suite ran; run it again")


def check_manifest_by_digest_returns_those_bytes(client: RegistryClient,
                                                 sample: ManifestSample) -> None:
    fetched = _get(client, sample, sample.digest)
    expect_equal(f"sha256 of GET {fetched.response.url}", sample.digest,
                 sha256_digest(fetched.manifest.body), STALE_CACHE_HINT)
    expect_equal(f"size of GET {fetched.response.url}", sample.size,
                 len(fetched.manifest.body), STALE_CACHE_HINT)


def check_manifest_digest_header_matches_body(client: RegistryClient,
                                              sample: ManifestSample) -> None:
    fetched = _get(client, sample, sample.tag or sample.digest)
    expect_equal(f"Docker-Content-Digest of GET {fetched.response.url}",
                 sha256_digest(fetched.manifest.body), fetched.digest_header,
                 "clients verify pulls by this header, so the registry must send the sha256 "
                 "of the exact bytes it serves")


def check_manifest_content_type_is_media_type(client: RegistryClient,
                                              sample: ManifestSample) -> None:
    fetched = _get(client, sample, sample.tag or sample.digest)
    expect_equal(f"Content-Type of GET {fetched.response.url}", fetched.manifest.media_type,
                 fetched.content_type,
                 "clients pick the parser by Content-Type, so it must equal the manifest's "
                 "mediaType")


def check_manifest_head_agrees_with_get(client: RegistryClient, sample: ManifestSample) -> None:
    identifier = sample.tag or sample.digest
    fetched = _get(client, sample, identifier)
    head = client.manifest_response("HEAD", sample.repository, identifier)
    expect_equal(f"status of HEAD {head.url}", 200, head.status_code,
                 "HEAD must respond as GET does; dockerd resolves tags with HEAD")
    expect_equal(f"Docker-Content-Digest of HEAD {head.url}", fetched.manifest.digest,
                 head.headers.get("Docker-Content-Digest"),
                 "HEAD must name the digest of the manifest that GET returns")
    expect_equal(f"Content-Length of HEAD {head.url}", str(len(fetched.manifest.body)),
                 head.headers.get("Content-Length"),
                 "HEAD must give the size of the manifest that GET returns")


def check_manifest_head_has_no_body(client: RegistryClient, sample: ManifestSample) -> None:
    identifier = sample.tag or sample.digest
    path = f"/v2/{sample.repository}/manifests/{identifier}"
    # A normal HEAD first obtains the token the raw request needs.
    authorized = client.manifest_response("HEAD", sample.repository, identifier)
    headers = {"Accept": mediatypes.accept_header()}
    if "Authorization" in authorized.request.headers:
        headers["Authorization"] = authorized.request.headers["Authorization"]

    raw = raw_head(client, path, headers)
    if raw.body:
        fail(f"HEAD {client.url(path)}: expected no body, got {len(raw.body)} bytes starting "
             f"{raw.body[:40]!r}; a body after HEAD corrupts the next response on the "
             "connection, so fix the server or the proxy in front of it")


def check_index_resolves_to_platform_manifests(client: RegistryClient,
                                               sample: ManifestSample) -> None:
    if sample.media_type not in mediatypes.INDEX_TYPES:
        pytest.skip(f"{mediatypes.SHORT_NAMES[sample.media_type]} is not an index")
    index = _get(client, sample, sample.tag or sample.digest).manifest
    if not index.children:
        fail(f"index {sample}: expected at least one platform manifest, got none")

    for child in index.children:
        fetched = client.get_manifest(sample.repository, child.digest)
        where = f"platform manifest {child.platform_name or '?'} of {sample}"
        expect_equal(f"sha256 of {where}", child.digest, fetched.manifest.digest,
                     STALE_CACHE_HINT)
        expect_equal(f"size of {where}", child.size, len(fetched.manifest.body),
                     STALE_CACHE_HINT)
        expect_equal(f"media type of {where}", child.media_type, fetched.manifest.media_type,
                     "the index and the manifest it lists must agree on the media type")
        if fetched.manifest.is_index:
            fail(f"{where}: expected an image manifest, got another index")
