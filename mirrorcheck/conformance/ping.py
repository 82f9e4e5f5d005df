"""Checks of the API root, `GET /v2/`: status, challenge and version header."""

from __future__ import annotations

import pytest

from mirrorcheck.conformance.outcomes import fail
from mirrorcheck.registry.auth import ChallengeError, bearer_challenge
from mirrorcheck.registry.client import RegistryClient

API_VERSION_HEADER = "Docker-Distribution-API-Version"
API_VERSION = "registry/2.0"


def check_ping_answers_200_or_401_with_challenge(client: RegistryClient) -> None:
    response = client.ping()
    if response.status_code == 200:
        return
    if response.status_code != 401:
        fail(f"GET {response.url}: expected status 200 or 401, got {response.status_code}; "
             "a mirror must serve the registry API at /v2/")
    try:
        bearer_challenge(response)
    except ChallengeError as error:
        fail(str(error))


def check_ping_sends_api_version_header(client: RegistryClient) -> None:
    response = client.ping()
    actual = response.headers.get(API_VERSION_HEADER)
    if actual is None or actual.strip() != API_VERSION:
        fail(f"GET {response.url}: expected header {API_VERSION_HEADER}: {API_VERSION}, got "
             f"{actual!r}; clients use it to recognise a v2 registry, so configure the server "
             "or proxy in front of it to pass it through")


def check_challenge_realm_issues_token(client: RegistryClient) -> None:
    response = client.ping()
    if response.status_code != 401:
        pytest.skip(f"GET {response.url} returned {response.status_code}: the target asks for "
                    "no authentication")
    try:
        challenge = bearer_challenge(response)
    except ChallengeError as error:
        fail(str(error))
    if challenge.scheme != "bearer":
        pytest.skip(f"GET {response.url} asks for {challenge.scheme} authentication, which has "
                    "no token realm")
    try:
        client.auth.token(challenge, scope=None)
    except ChallengeError as error:
        fail(str(error))
