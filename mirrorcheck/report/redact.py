"""Redaction of secrets from every text that reaches the reports.

One function, `redact`, removes four kinds of secret. The first is credentials in URLs
(`user:pass@`). The second is the value of a secret key such as `auth`, `password` or
`identitytoken`, written as JSON, as a Python repr or as `key=value`. The third is a `Bearer`
or `Basic` authorization value. The last is any literal value registered with
`register_secret`, for example a password taken from a URL or the decoded docker config `auth`.

NOTE: any user info in a URL is masked, also a harmless one such as `ssh://git@host`.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
import urllib.parse

MASK = "***"

# A registered secret shorter than this would mask ordinary words in the report.
MIN_SECRET_LENGTH = 4

_URL_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s\"'<>]+)@")
_SECRET_KEYS = r"auth|password|passwd|identitytoken|registrytoken|token|secret"
_JSON_SECRET = re.compile(
    rf"(?P<key>[\"'](?:{_SECRET_KEYS})[\"']\s*:\s*[\"'])(?P<value>[^\"']*)(?P<end>[\"'])",
    re.IGNORECASE,
)
_ASSIGNED_SECRET = re.compile(
    rf"(?P<key>\b(?:{_SECRET_KEYS})=)(?P<value>[^\s&\"',;]+)", re.IGNORECASE
)
_AUTHORIZATION = re.compile(r"(?P<scheme>\b(?:Bearer|Basic)\s+)(?P<value>[A-Za-z0-9._~+/=-]+)")

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Mask this literal value, and its percent-decoded form, wherever it appears later."""
    if not value:
        return
    forms = {value, urllib.parse.unquote(value)}
    with _secrets_lock:
        _secrets.update(form for form in forms if len(form) >= MIN_SECRET_LENGTH)


def register_docker_auth(auth: str | None) -> None:
    """Mask a docker config `auth` value and the user name and password it encodes."""
    if not auth:
        return
    register_secret(auth)
    try:
        decoded = base64.b64decode(auth, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return
    _, _, password = decoded.partition(":")
    register_secret(decoded)
    register_secret(password)


def register_url_credentials(url: str) -> None:
    """Mask the password of a URL such as https://user:pass@mirror.example wherever it appears."""
    try:
        parsed = urllib.parse.urlsplit(url)
    except ValueError:
        return
    register_secret(parsed.password)


def clear_registered_secrets() -> None:
    """Forget the registered literal values, so that a new test session starts from none."""
    with _secrets_lock:
        _secrets.clear()


def redact(text: str) -> str:
    """Return the text with every known kind of secret replaced by ***."""
    if not text:
        return text

    text = _URL_USERINFO.sub(lambda match: f"{match['scheme']}{MASK}@", text)
    text = _JSON_SECRET.sub(lambda match: f"{match['key']}{MASK}{match['end']}", text)
    text = _ASSIGNED_SECRET.sub(lambda match: f"{match['key']}{MASK}", text)
    text = _AUTHORIZATION.sub(lambda match: f"{match['scheme']}{MASK}", text)

    with _secrets_lock:
        # Longest first, so a secret that contains a shorter one is masked whole.
        literals = sorted(_secrets, key=len, reverse=True)
    for literal in literals:
        text = text.replace(literal, MASK)
    return text


def redact_value(value: object) -> object:
    """Redact every string inside a JSON-like value: dicts, lists, tuples and strings."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(key)) if isinstance(key, str) else key: redact_value(item)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(item) for item in value)
    return value

