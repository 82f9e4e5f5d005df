"""The API root, GET /v2/, of each target."""

import pytest

from mirrorcheck.conformance import ping


@pytest.mark.gate
def test_ping_answers_200_or_401_with_challenge(client):
    ping.check_ping_answers_200_or_401_with_challenge(client)


@pytest.mark.gate
def test_ping_sends_api_version_header(client):
    ping.check_ping_sends_api_version_header(client)


def test_challenge_realm_issues_token(client):
    ping.check_challenge_realm_issues_token(client)
