"""Removing credentials from URLs before any text is shown, logged or reported."""

from __future__ import annotations

import re

REDACTED = "xxxxx"

# "scheme://user:password@host" and "scheme://token@host": the userinfo ends at the last "@"
# before the first "/", "?", "#", quote or whitespace.
_URL_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s\"'@]*(?:@[^/?#\s\"'@]*)*@")


def redact(text: str) -> str:
    """Return the text with the userinfo of every URL in it replaced by xxxxx.

    Both user name and password are hidden, because a user name alone is often a token.
    """
    return _URL_USERINFO.sub(lambda match: f"{match['scheme']}{REDACTED}@", text)


def has_credentials(url: str) -> bool:
    """Return whether the URL carries a userinfo part (user name, password or token)."""
    return redact(url) != url
