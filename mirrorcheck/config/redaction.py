"""Credentials in daemon.json URLs: found and masked before any text is shown or logged.

Masking ends in the project's one redactor, mirrorcheck.report.redact.redact. The URL
userinfo is masked here first, up to the last "@" of the authority, because a password may
itself contain "@".
"""

from __future__ import annotations

import re

from mirrorcheck.config.mirror_url import GoUrlError, parse_go_url
from mirrorcheck.report.redact import MASK, register_secret
from mirrorcheck.report.redact import redact as redact_secrets

__all__ = ["has_credentials", "redact", "register_url_credentials"]

_URL_USERINFO = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s\"'<>@]*(?:@[^/?#\s\"'<>@]*)*@"
)


def redact(text: str) -> str:
    """Return the text with URL credentials and every registered secret masked."""
    return redact_secrets(_URL_USERINFO.sub(lambda match: f"{match['scheme']}{MASK}@", text))


def has_credentials(url: str) -> bool:
    """Return whether the URL carries a userinfo part (user name, password or token)."""
    try:
        return parse_go_url(url.strip()).userinfo is not None
    except GoUrlError:
        return "@" in url.partition("://")[2].split("/", 1)[0]


def register_url_credentials(url: str) -> None:
    """Register the userinfo of the URL as a secret, so every later text masks it.

    The whole userinfo, the user name and the password are registered, because the text
    that dockerd prints may show any of them.
    """
    authority = url.partition("://")[2].split("/", 1)[0]
    userinfo, at, _ = authority.rpartition("@")
    if not at:
        return
    user, _, password = userinfo.partition(":")
    for secret in (userinfo, user, password):
        register_secret(secret)
