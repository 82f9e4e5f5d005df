"""The version of the Docker engine whose start-up rules apply."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from dataclasses import dataclass

from mirrorcheck.errors import MirrorcheckError

log = logging.getLogger(__name__)

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True, order=True)
class EngineVersion:
    """A dockerd release as major, minor and patch numbers; `text` is the version as reported."""

    major: int
    minor: int
    patch: int
    text: str = ""

    def at_least(self, major: int, minor: int = 0, patch: int = 0) -> bool:
        return (self.major, self.minor, self.patch) >= (major, minor, patch)

    def __str__(self) -> str:
        return self.text or f"{self.major}.{self.minor}.{self.patch}"


def parse_engine_version(text: str) -> EngineVersion:
    """Parse "20.10.24+dfsg1", "24.0.8" or "Docker version 26.1.0, build ..." into a version."""
    match = _VERSION.search(text or "")
    if match is None:
        raise MirrorcheckError(
            f"cannot read a Docker engine version from {text!r}; expected a version such as "
            "24.0.8, as printed by `dockerd --version` or `docker info --format "
            "'{{.ServerVersion}}'`"
        )
    major, minor, patch = match.groups()
    return EngineVersion(int(major), int(minor), int(patch or 0), match.group(0))


def host_engine_version(binary: str = "dockerd") -> EngineVersion:
    """Return the version of the host's dockerd binary from `dockerd --version`."""
    path = shutil.which(binary)
    if path is None:
        raise MirrorcheckError(
            f"{binary} not found on PATH, so the engine version is unknown; install the engine "
            "or point --docker-host at a running daemon"
        )
    completed = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30,
                               check=False)
    if completed.returncode != 0:
        raise MirrorcheckError(
            f"`{path} --version` exited with {completed.returncode}: "
            f"{completed.stderr.strip()[:200]}; check that the binary runs on this host"
        )
    log.debug("host dockerd reports %s", completed.stdout.strip())
    # "Docker version 20.10.24+dfsg1, build 5d6db84": the number after "version".
    return parse_engine_version(completed.stdout.partition("version")[2] or completed.stdout)


def version_from_docker_info(info: dict) -> EngineVersion:
    """Return the engine version of a daemon from its `docker info` dict (ServerVersion)."""
    server_version = info.get("ServerVersion")
    if not server_version:
        raise MirrorcheckError(
            "docker info has no ServerVersion, so the engine version is unknown; "
            "check that --docker-host points at a Docker engine"
        )
    return parse_engine_version(str(server_version))
