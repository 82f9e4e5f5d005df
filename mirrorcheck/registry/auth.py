"""Registry authentication: the challenge in `WWW-Authenticate` and the bearer token flow.

A registry that requires a token responds with 401 and
`WWW-Authenticate: Bearer realm="<token URL>",service="<name>",scope="<scope>"`. The client
then GETs the realm with `service` and `scope` as query parameters, with Basic credentials
when it has some and anonymously otherwise, and repeats the request with
`Authorization: Bearer <token>`. Tokens are cached per realm, service and scope until they
expire. Tokens and credentials never appear in logs or messages.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field

import requests
from requests.auth import AuthBase, HTTPBasicAuth

from mirrorcheck.registry.credentials import Credentials
from mirrorcheck.registry.errors import RegistryError

log = logging.getLogger(__name__)

# The token specification states that a token without `expires_in` lasts 60 seconds.
DEFAULT_TOKEN_LIFETIME = 60.0
EXPIRY_MARGIN = 5.0

_PARAMETER = re.compile(r'\s*([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*(,|$)')
_SCHEME = re.compile(r"\s*([A-Za-z][\w-]*)(?:\s+|$)")
_REPOSITORY_PATH = re.compile(r"^/v2/(.+)/(?:manifests|blobs|tags)/")


class ChallengeError(RegistryError):
    """A 401 response carries no challenge the client can respond to."""


@dataclass(frozen=True)
class Challenge:
    """One authentication challenge: a scheme such as `bearer` and its parameters."""

    scheme: str
    parameters: dict[str, str] = field(default_factory=dict)


def parse_challenges(header: str) -> list[Challenge]:
    """Parse a WWW-Authenticate value into challenges; the scheme is lower-cased."""
    challenges: list[Challenge] = []
    position = 0
    while position < len(header):
        scheme_match = _SCHEME.match(header, position)
        if scheme_match is None:
            break
        challenge = Challenge(scheme=scheme_match.group(1).lower())
        position = scheme_match.end()
        while position < len(header):
            parameter = _PARAMETER.match(header, position)
            if parameter is None:
                break
            name, quoted, token, _ = parameter.groups()
            value = token if quoted is None else re.sub(r"\\(.)", r"\1", quoted)
            challenge.parameters[name.lower()] = value
            position = parameter.end()
        challenges.append(challenge)
        position = max(position, scheme_match.end())
        while position < len(header) and header[position] in " ,":
            position += 1
    return challenges


def bearer_challenge(response: requests.Response) -> Challenge:
    """Return the usable Bearer or Basic challenge of a 401, raising ChallengeError."""
    header = response.headers.get("WWW-Authenticate", "")
    challenges = parse_challenges(header)
    for challenge in challenges:
        if challenge.scheme == "bearer" and challenge.parameters.get("realm", "").startswith(
            ("https://", "http://")
        ):
            return challenge
        if challenge.scheme == "basic":
            return challenge
    raise ChallengeError(
        f"{response.request.method} {response.url} returned 401 with WWW-Authenticate "
        f"{header!r}; expected 'Bearer realm=\"<http(s) token URL>\",service=\"...\"' or "
        "'Basic realm=\"...\"': fix the registry's auth configuration"
    )


def scope_for(request: requests.PreparedRequest) -> str | None:
    """Return the pull (or pull,push) scope a request to a repository path needs."""
    path = requests.utils.urlparse(request.url).path
    match = _REPOSITORY_PATH.match(path)
    if match is None:
        return None
    actions = "pull" if request.method in ("GET", "HEAD") else "pull,push"
    return f"repository:{match.group(1)}:{actions}"


@dataclass
class _Token:
    value: str
    expires_at: float


class RegistryAuth(AuthBase):
    """requests auth that responds to registry challenges, anonymously or with credentials."""

    def __init__(self, session: requests.Session, credentials: Credentials | None = None,
                 timeout: float = 30.0) -> None:
        self.session = session
        self.credentials = credentials
        self.timeout = timeout
        self._tokens: dict[tuple[str, str, str], _Token] = {}
        self._tokens_by_scope: dict[str, _Token] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RegistryAuth(credentials={self.credentials!r})"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        # A token already issued for this scope is sent up front, which saves the 401 round trip.
        cached = self._tokens_by_scope.get(scope_for(request) or "")
        if cached is not None and cached.expires_at > time.monotonic():
            request.headers["Authorization"] = f"Bearer {cached.value}"
        request.register_hook("response", self._respond_to_challenge)
        return request

    def token(self, challenge: Challenge, scope: str | None) -> str:
        """Return a bearer token for the challenge and scope, fetching one when none is cached."""
        parameters = challenge.parameters
        scope = parameters.get("scope") or scope or ""
        key = (parameters["realm"], parameters.get("service", ""), scope)
        with self._lock:
            cached = self._tokens.get(key)
            if cached is not None and cached.expires_at > time.monotonic():
                return cached.value
        token = self._fetch_token(*key)
        with self._lock:
            self._tokens[key] = token
            self._tokens_by_scope[scope] = token
        return token.value

    def _fetch_token(self, realm: str, service: str, scope: str) -> _Token:
        query = {key: value for key, value in (("service", service), ("scope", scope)) if value}
        basic = HTTPBasicAuth(self.credentials.username, self.credentials.password) \
            if self.credentials else None
        log.info("requesting a token from %s for scope %r (%s)", realm, scope,
                 "with credentials" if basic else "anonymously")
        try:
            response = self.session.get(realm, params=query, auth=basic, timeout=self.timeout)
        except requests.RequestException as error:
            raise ChallengeError(
                f"token request to realm {realm} failed: {error}; check that the realm in "
                "WWW-Authenticate is reachable from this host"
            ) from None
        if response.status_code != 200:
            raise ChallengeError(
                f"token request to realm {realm} for scope {scope!r} returned "
                f"{response.status_code}, expected 200; check the credentials in the docker "
                "config or the realm's access rules"
            )
        return self._parse_token(realm, response)

    @staticmethod
    def _parse_token(realm: str, response: requests.Response) -> _Token:
        try:
            body = response.json()
        except ValueError:
            body = None
        value = (body.get("token") or body.get("access_token")) if isinstance(body, dict) else None
        if not isinstance(value, str) or not value:
            raise ChallengeError(
                f"token response from realm {realm} has no `token` or `access_token` string "
                f"(Content-Type {response.headers.get('Content-Type')!r}); the realm is not a "
                "registry token server"
            )
        lifetime = body.get("expires_in") if isinstance(body.get("expires_in"), int) else None
        lifetime = float(lifetime or DEFAULT_TOKEN_LIFETIME)
        return _Token(value, time.monotonic() + max(lifetime - EXPIRY_MARGIN, 1.0))

    def _respond_to_challenge(self, response: requests.Response, **kwargs) -> requests.Response:
        """Resend a request that got 401 once, with a bearer token or basic credentials.

        A request that already carried Authorization is not resent, so its 401 is returned.
        """
        request = response.request
        already_authorized = "Authorization" in request.headers
        if response.status_code != 401 or already_authorized:
            return response

        challenge = bearer_challenge(response)
        retry = request.copy()
        if challenge.scheme == "bearer":
            retry.headers["Authorization"] = f"Bearer {self.token(challenge, scope_for(request))}"
        elif self.credentials is not None:
            HTTPBasicAuth(self.credentials.username, self.credentials.password)(retry)
        else:
            return response

        # Drain the 401 so its connection goes back to the pool, as requests' digest auth does.
        response.content
        response.close()
        retry.deregister_hook("response", self._respond_to_challenge)
        retried = response.connection.send(retry, **kwargs)
        retried.history.append(response)
        retried.request = retry
        return retried
