"""Each conformance check against the broken stand-in: it fails on its fault, naming both values."""

from __future__ import annotations

import re

import pytest

from mirrorcheck.conformance import blobs, manifests, ping, unknown
from mirrorcheck.conformance.catalog import CATALOG
from mirrorcheck.conformance.samples import resolve_samples
from mirrorcheck.registry import RegistryClient, mediatypes, parse_reference
from mirrorcheck.testing.broken_registry import BrokenRegistry, Fault

REFERENCES = [parse_reference(name) for name in
              ("library/alpine:latest", "library/nginx:alpine", "library/python:3.11-slim")]

# Fault, check, subject, and a substring the failure message must contain.
CASES = [
    (Fault.WRONG_DIGEST, manifests.check_manifest_digest_header_matches_body, "manifest",
     "expected 'sha256:"),
    (Fault.WRONG_DIGEST, blobs.check_blob_content_matches_digest, "blob",
     "expected content with that digest, got sha256:"),
    (Fault.WRONG_MEDIA_TYPE, manifests.check_manifest_content_type_is_media_type, "manifest",
     "got 'application/json'"),
    (Fault.HEAD_WITH_BODY, manifests.check_manifest_head_has_no_body, "manifest",
     "expected no body, got"),
    (Fault.IGNORED_RANGE, blobs.check_blob_range_returns_206, "blob", "expected 206, got 200"),
    (Fault.RANGE_PAST_END_NOT_416, blobs.check_blob_range_past_end_returns_416, "blob",
     "expected 416, got 200"),
    (Fault.HTML_ERRORS, unknown.check_unknown_tag_returns_manifest_unknown, "repository",
     "got a text/html body"),
    (Fault.HTML_ERRORS, unknown.check_unknown_blob_returns_blob_unknown, "repository",
     "got a text/html body"),
    (Fault.MISSING_API_VERSION, ping.check_ping_sends_api_version_header, "client",
     "expected header Docker-Distribution-API-Version: registry/2.0, got None"),
    (Fault.BAD_CHALLENGE, ping.check_ping_answers_200_or_401_with_challenge, "client",
     "expected 'Bearer realm="),
]


def subject_args(subject: str, client: RegistryClient, media_type: str) -> tuple:
    if subject == "client":
        return ()
    samples = resolve_samples(client, REFERENCES)
    if subject == "manifest":
        return (samples.manifest(media_type),)
    if subject == "blob":
        return (samples.repository, samples.blob())
    return (samples.repository,)


def resolve_on_healthy(subject: str, media_type: str, require_token: bool) -> tuple:
    """Resolve subjects with no fault in force, so that only the check under test meets it."""
    with BrokenRegistry(require_token=require_token) as healthy:
        with RegistryClient(healthy.url) as client:
            return subject_args(subject, client, media_type)


@pytest.mark.parametrize(
    ("fault", "check", "subject", "message"), CASES,
    ids=[f"{fault.value}-{check.__name__.removeprefix('check_')}"
         for fault, check, _, _ in CASES],
)
def test_check_fails_on_fault(fault, check, subject, message):
    require_token = fault is Fault.BAD_CHALLENGE
    arguments = resolve_on_healthy(subject, mediatypes.DOCKER_MANIFEST, require_token)
    with BrokenRegistry({fault}, require_token=require_token) as registry:
        with RegistryClient(registry.url) as client:
            with pytest.raises(AssertionError) as failure:
                check(client, *arguments)
    assert message in str(failure.value)
    assert "expected" in str(failure.value)


@pytest.mark.parametrize("media_type", mediatypes.MANIFEST_TYPES,
                         ids=list(mediatypes.SHORT_NAMES.values()))
def test_wrong_media_type_fails_each_type(media_type):
    arguments = resolve_on_healthy("manifest", media_type, False)
    with BrokenRegistry({Fault.WRONG_MEDIA_TYPE}) as registry:
        with RegistryClient(registry.url) as client:
            with pytest.raises(AssertionError, match=re.escape(f"expected '{media_type}'")):
                manifests.check_manifest_content_type_is_media_type(client, *arguments)


@pytest.mark.parametrize("require_token", [False, True], ids=["anonymous", "token"])
@pytest.mark.parametrize("entry", CATALOG, ids=[entry.name for entry in CATALOG])
def test_check_passes_without_faults(entry, require_token):
    with BrokenRegistry(require_token=require_token) as registry:
        with RegistryClient(registry.url) as client:
            media_types = mediatypes.MANIFEST_TYPES if entry.subject == "manifest" else (None,)
            for media_type in media_types:
                arguments = subject_args(entry.subject, client, media_type)
                try:
                    entry.check(client, *arguments)
                except pytest.skip.Exception as skip:
                    assert str(skip), f"{entry.name} was skipped without a reason"


def test_resolution_ignores_wrong_digest_headers():
    """Digests in headers are not trusted while resolving, so the checks see the fault."""
    with BrokenRegistry({Fault.WRONG_DIGEST}) as registry:
        with RegistryClient(registry.url) as client:
            samples = resolve_samples(client, REFERENCES)
    assert samples.faults == []
    assert set(samples.manifests) == set(mediatypes.MANIFEST_TYPES)
