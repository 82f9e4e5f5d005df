"""The registry client: references, challenges, credentials, rate limits, timing, redirects."""

from __future__ import annotations

import base64
import json

import pytest

from mirrorcheck.registry import DigestMismatch, RegistryClient, TransportError, parse_reference
from mirrorcheck.registry.auth import ChallengeError, parse_challenges
from mirrorcheck.registry.credentials import Credentials, DockerConfigError, load_credentials
from mirrorcheck.registry.ratelimit import parse_rate_limit
from mirrorcheck.registry.reference import ReferenceError
from mirrorcheck.conformance.samples import resolve_samples
from mirrorcheck.testing.broken_registry import BrokenRegistry, Fault

from tests.conformance.test_broken_registry import REFERENCES


@pytest.mark.parametrize(("text", "repository", "tag", "digest"), [
    ("alpine", "library/alpine", "latest", None),
    ("alpine:3.19", "library/alpine", "3.19", None),
    ("docker.io/library/nginx:alpine", "library/nginx", "alpine", None),
    ("index.docker.io/bitnami/redis", "bitnami/redis", "latest", None),
    ("localhost:5000/team/app:v1", "team/app", "v1", None),
    ("alpine@sha256:" + "a" * 64, "library/alpine", None, "sha256:" + "a" * 64),
])
def test_reference_parses(text, repository, tag, digest):
    reference = parse_reference(text)
    assert reference.repository == repository
    assert reference.tag == tag
    assert reference.digest == digest


@pytest.mark.parametrize(("text", "named"), [
    ("Alpine:latest", "repository"),
    ("alpine:-bad", "tag"),
    ("alpine@sha256:xyz", "digest"),
])
def test_reference_rejects_bad_part(text, named):
    with pytest.raises(ReferenceError, match=f"invalid {named}"):
        parse_reference(text)


def test_challenge_parses_docker_hub_header():
    header = ('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
              'scope="repository:library/alpine:pull"')
    (challenge,) = parse_challenges(header)
    assert challenge.scheme == "bearer"
    assert challenge.parameters == {
        "realm": "https://auth.docker.io/token",
        "service": "registry.docker.io",
        "scope": "repository:library/alpine:pull",
    }


def test_challenge_parses_several_schemes():
    challenges = parse_challenges('Basic realm="x", Bearer realm="https://a/t",service=s')
    assert [challenge.scheme for challenge in challenges] == ["basic", "bearer"]
    assert challenges[1].parameters["service"] == "s"


def test_rate_limit_parses_docker_hub_headers():
    rate_limit = parse_rate_limit({"RateLimit-Limit": "100;w=21600",
                                   "RateLimit-Remaining": "76;w=21600",
                                   "Docker-RateLimit-Source": "203.0.113.9"})
    assert rate_limit.limit.count == 100
    assert rate_limit.limit.window_seconds == 21600
    assert rate_limit.remaining.count == 76
    assert rate_limit.invalid == {}
    assert rate_limit.describe() == ("76 of 100 requests left per 21600 s, "
                                     "counted for 203.0.113.9")


def test_rate_limit_flags_malformed_value():
    rate_limit = parse_rate_limit({"RateLimit-Remaining": "lots"})
    assert rate_limit.invalid == {"ratelimit-remaining": "lots"}


def test_rate_limit_absent_is_none():
    assert parse_rate_limit({"Content-Type": "application/json"}) is None


def write_docker_config(directory, auths: dict):
    path = directory / "config.json"
    path.write_text(json.dumps({"auths": auths}))
    return path


def test_credentials_come_from_docker_config(tmp_path):
    encoded = base64.b64encode(b"reader:s3cret").decode()
    path = write_docker_config(tmp_path, {"https://127.0.0.1:5000": {"auth": encoded}})
    credentials = load_credentials("https://127.0.0.1:5000", path)
    assert credentials.username == "reader"
    assert credentials.password == "s3cret"
    assert "s3cret" not in repr(credentials)


def test_credentials_absent_for_other_host(tmp_path):
    path = write_docker_config(tmp_path, {"registry.example": {"auth": "eDp5"}})
    assert load_credentials("https://127.0.0.1:5000", path) is None


def test_credentials_reject_bad_auth_field(tmp_path):
    path = write_docker_config(tmp_path, {"127.0.0.1:5000": {"auth": "bm9jb2xvbg=="}})
    with pytest.raises(DockerConfigError, match="not base64 of user:password"):
        load_credentials("https://127.0.0.1:5000", path)


def test_token_flow_sends_config_credentials(tmp_path, monkeypatch):
    with BrokenRegistry(credentials=("reader", "s3cret")) as registry:
        host = registry.url.removeprefix("http://")
        encoded = base64.b64encode(b"reader:s3cret").decode()
        write_docker_config(tmp_path, {host: {"auth": encoded}})
        monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
        with RegistryClient(registry.url, credentials=load_credentials(registry.url)) as client:
            fetched = client.get_manifest("library/alpine", "latest")
    assert fetched.response.status_code == 200
    assert [response.status_code for response in fetched.response.history] == [401]


def test_token_flow_rejects_wrong_credentials():
    with BrokenRegistry(credentials=("reader", "s3cret")) as registry:
        with RegistryClient(registry.url, credentials=Credentials("reader", "wrong")) as client:
            with pytest.raises(ChallengeError, match="returned 401, expected 200"):
                client.get_manifest("library/alpine", "latest")


def test_blob_follows_redirect_and_verifies():
    with BrokenRegistry(require_token=True, redirect_blobs=True) as registry:
        with RegistryClient(registry.url) as client:
            samples = resolve_samples(client, REFERENCES)
            blob = samples.blob()
            download = client.download_blob(samples.repository, blob.digest)
    assert download.size == blob.size
    assert download.redirects == 1
    assert "/storage/" in download.url


def test_blob_digest_mismatch_raises():
    with BrokenRegistry() as registry:
        with RegistryClient(registry.url) as client:
            samples = resolve_samples(client, REFERENCES)
            registry.faults.add(Fault.WRONG_DIGEST)
            with pytest.raises(DigestMismatch) as mismatch:
                client.download_blob(samples.repository, samples.blob().digest)
    assert mismatch.value.expected == samples.blob().digest
    assert mismatch.value.actual != mismatch.value.expected


def test_timing_counts_connect_once(hub):
    with RegistryClient(hub.url, ca_bundle=hub.ca.ca_pem) as client:
        first = client.ping().timing
        second = client.ping().timing
    assert first.connect > 0
    assert second.connect == 0
    assert 0 < first.first_byte <= first.total
    assert 0 < second.first_byte <= second.total


def test_tls_without_ca_bundle_fails_clearly(hub):
    with RegistryClient(hub.url) as client:
        with pytest.raises(TransportError, match="TLS verification failed"):
            client.ping()
