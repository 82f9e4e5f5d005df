"""Secrets and environment taken from the run's inputs: the daemon.json and the docker config."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import re
from pathlib import Path

from mirrorcheck.report.redact import (
    register_docker_auth,
    register_secret,
    register_url_credentials,
)
from mirrorcheck.results import Results

log = logging.getLogger(__name__)

DOCKER_CONFIG_SECRET_KEYS = ("password", "identitytoken", "registrytoken")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]+")


def docker_config_path() -> Path:
    """Return the docker client's config.json: $DOCKER_CONFIG/config.json, else ~/.docker/."""
    directory = os.environ.get("DOCKER_CONFIG")
    base = Path(directory) if directory else Path.home() / ".docker"
    return base / "config.json"


def register_daemon_json_secrets(path: Path) -> None:
    """Register the password of every URL in the daemon.json so no report can show it."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        log.info("daemon.json %s not read for secrets: %s", path, error.strerror)
        return
    # A plain scan finds URLs also in a file that is not valid JSON.
    for url in _URL.findall(text):
        register_url_credentials(url)


def register_docker_config_secrets(path: Path | None = None) -> None:
    """Register every credential in the docker config: auths' auth, password and tokens."""
    path = path or docker_config_path()
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as error:
        log.warning("docker config %s not read for secrets to mask: %s", path, error)
        return
    auths = config.get("auths", {}) if isinstance(config, dict) else {}
    for entry in auths.values() if isinstance(auths, dict) else ():
        if not isinstance(entry, dict):
            continue
        register_docker_auth(entry.get("auth"))
        for key in DOCKER_CONFIG_SECRET_KEYS:
            value = entry.get(key)
            register_secret(value if isinstance(value, str) else None)


def fill_environment(results: Results, daemon_json_path: Path | None) -> None:
    """Set the host and the daemon.json path, text and sha256 unless a suite set them."""
    env = results.environment
    text, digest = "", ""
    if daemon_json_path is not None and not env.daemon_json_text:
        try:
            raw = daemon_json_path.read_bytes()
            text = raw.decode("utf-8", errors="replace")
            digest = hashlib.sha256(raw).hexdigest()
        except OSError as error:
            log.info("daemon.json %s not read for the report: %s", daemon_json_path,
                     error.strerror)
    results.set_environment(
        host=env.host or platform.node(),
        daemon_json_path=env.daemon_json_path or (str(daemon_json_path)
                                                   if daemon_json_path else ""),
        daemon_json_text=text, daemon_json_sha256=digest,
    )
