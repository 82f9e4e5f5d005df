"""Registry credentials from the user's docker config, as `docker login` stores them.

The file is `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. Only the `auths`
section is read: an entry's `auth` field (base64 of `user:password`) or its `username` and
`password` fields. Credential helpers (`credsStore`, `credHelpers`) and identity tokens are
not run or used. Credentials never appear in logs, reprs or messages.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mirrorcheck.errors import MirrorcheckError

log = logging.getLogger(__name__)

DOCKER_HUB_KEY = "https://index.docker.io/v1/"


class DockerConfigError(MirrorcheckError):
    """The docker config file exists but cannot be read as JSON with an `auths` object."""


@dataclass(frozen=True)
class Credentials:
    """A user name and password (or token) for a registry or its token realm."""

    username: str
    password: str = field(repr=False)

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=<redacted>)"


def docker_config_path() -> Path:
    """Return the path of the docker config file that the docker CLI would read."""
    directory = os.environ.get("DOCKER_CONFIG")
    if directory:
        return Path(directory) / "config.json"
    return Path.home() / ".docker" / "config.json"


def registry_host(url_or_key: str) -> str:
    """Return `host[:port]` of a registry URL or of an `auths` key such as `localhost:5000`."""
    text = url_or_key.strip()
    if "://" not in text:
        text = "//" + text
    netloc = urlsplit(text).netloc.lower()
    if netloc in ("index.docker.io", "registry-1.docker.io", "docker.io"):
        return "index.docker.io"
    return netloc


def _read_auths(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DockerConfigError(f"cannot read docker config {path}: {error.strerror}") from None
    except ValueError as error:
        raise DockerConfigError(
            f"docker config {path} is not valid JSON ({error}); fix the file or point "
            "DOCKER_CONFIG at a directory with a valid config.json"
        ) from None
    auths = data.get("auths", {}) if isinstance(data, dict) else None
    if not isinstance(auths, dict):
        raise DockerConfigError(
            f"docker config {path} has an `auths` that is not an object; run `docker login` "
            "again or remove the section"
        )
    return auths


def _decode_entry(key: str, entry: object, path: Path) -> Credentials | None:
    if not isinstance(entry, dict):
        return None
    if entry.get("username") and entry.get("password"):
        return Credentials(str(entry["username"]), str(entry["password"]))
    encoded = entry.get("auth")
    if not encoded:
        return None
    try:
        username, separator, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        separator = ""
    if not separator:
        raise DockerConfigError(
            f"the `auth` field for {key} in {path} is not base64 of user:password; "
            f"run `docker login {key}` again"
        )
    return Credentials(username, password)


def load_credentials(registry_url: str, path: Path | None = None) -> Credentials | None:
    """Return the credentials stored for the registry's host, or None when there are none."""
    path = path or docker_config_path()
    if not path.is_file():
        return None

    wanted = registry_host(registry_url)
    for key, entry in _read_auths(path).items():
        if registry_host(key) != wanted:
            continue
        credentials = _decode_entry(key, entry, path)
        if credentials is not None:
            log.info("using credentials for %s from %s", wanted, path)
            return credentials
    return None
