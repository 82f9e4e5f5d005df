"""Debian's docker-registry (distribution 2.8) run as a process on 127.0.0.1, for tests.

Each registry gets its own storage and config in a directory the caller owns, TLS from a
trustme CA, and a JSON log that records each request it served. A pull-through registry
(`upstream_url`) trusts the CA through SSL_CERT_FILE, which Go reads on Linux.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests
import trustme

from mirrorcheck.errors import MirrorcheckError

log = logging.getLogger(__name__)

REGISTRY_BINARY = "/usr/bin/docker-registry"
STOP_TIMEOUT = 10.0


class LocalRegistryError(MirrorcheckError):
    """A local docker-registry process could not be started."""


@dataclass(frozen=True)
class TestCA:
    """A trustme CA and, on disk, its PEM and a certificate for 127.0.0.1."""

    ca_pem: Path
    cert_pem: Path
    key_pem: Path

    @classmethod
    def create(cls, directory: Path) -> "TestCA":
        directory.mkdir(parents=True, exist_ok=True)
        authority = trustme.CA()
        certificate = authority.issue_cert("127.0.0.1", "localhost")
        paths = cls(directory / "ca.pem", directory / "cert.pem", directory / "key.pem")
        authority.cert_pem.write_to_path(str(paths.ca_pem))
        certificate.cert_chain_pems[0].write_to_path(str(paths.cert_pem))
        certificate.private_key_pem.write_to_path(str(paths.key_pem))
        return paths


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalRegistry:
    """One docker-registry process; plain, or a pull-through cache of `upstream_url`."""

    def __init__(self, directory: Path, ca: TestCA, upstream_url: str | None = None,
                 name: str = "registry") -> None:
        self.directory = directory
        self.ca = ca
        self.upstream_url = upstream_url
        self.name = name
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.log_path = directory / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def _config(self) -> dict:
        config = {
            "version": 0.1,
            "log": {"level": "info", "formatter": "json", "accesslog": {"disabled": True}},
            "storage": {"filesystem": {"rootdirectory": str(self.directory / f"{self.name}-data")},
                        "delete": {"enabled": True}},
            "http": {"addr": f"127.0.0.1:{self.port}",
                     "tls": {"certificate": str(self.ca.cert_pem),
                             "key": str(self.ca.key_pem)}},
        }
        if self.upstream_url:
            config["proxy"] = {"remoteurl": self.upstream_url}
        return config

    def start(self, timeout: float = 30.0) -> "LocalRegistry":
        """Start the process and wait until GET /v2/ responds, raising LocalRegistryError."""
        if not os.access(REGISTRY_BINARY, os.X_OK):
            raise LocalRegistryError(
                f"{REGISTRY_BINARY} is missing; install Debian's docker-registry package"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        config_path = self.directory / f"{self.name}.json"
        # docker-registry reads YAML, and JSON is valid YAML.
        config_path.write_text(json.dumps(self._config()))
        environment = {**os.environ, "SSL_CERT_FILE": str(self.ca.ca_pem)}
        with open(self.log_path, "ab") as log_file:
            self.process = subprocess.Popen(
                [REGISTRY_BINARY, "serve", str(config_path)], stdout=log_file,
                stderr=subprocess.STDOUT, env=environment, start_new_session=True,
            )
        log.info("started %s (pid %d) at %s", self.name, self.process.pid, self.url)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_error = "no attempt"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalRegistryError(
                    f"{self.name} exited with status {self.process.returncode} before responding "
                    f"on {self.url}; its log ends: {self.log_tail()}"
                )
            try:
                response = requests.get(f"{self.url}/v2/", verify=str(self.ca.ca_pem), timeout=2)
                if response.status_code in (200, 401):
                    return
                last_error = f"status {response.status_code}"
            except requests.RequestException as error:
                last_error = type(error).__name__
            time.sleep(0.05)
        self.stop()
        raise LocalRegistryError(
            f"{self.name} did not respond to GET {self.url}/v2/ within {timeout:g} s (last: "
            f"{last_error}); its log ends: {self.log_tail()}"
        )

    def stop(self) -> None:
        """Stop the process; a process already gone is fine."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log.warning("%s (pid %d) ignored SIGTERM; killing it", self.name, self.process.pid)
            self.process.kill()
            self.process.wait()
        log.info("stopped %s (pid %d)", self.name, self.process.pid)

    def remove(self) -> None:
        """Stop the process and delete its storage, config and log."""
        self.stop()
        shutil.rmtree(self.directory / f"{self.name}-data", ignore_errors=True)

    def has_blob(self, digest: str) -> bool:
        """Return whether the blob is committed to this registry's storage."""
        algorithm, _, hex_digest = digest.partition(":")
        path = (self.directory / f"{self.name}-data" / "docker" / "registry" / "v2" / "blobs"
                / algorithm / hex_digest[:2] / hex_digest / "data")
        return path.is_file()

    def wait_for_blobs(self, digests: list[str], timeout: float = 10.0) -> None:
        """Wait until every blob is in storage: a pull-through cache commits them after serving."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            missing = [digest for digest in digests if not self.has_blob(digest)]
            if not missing:
                return
            time.sleep(0.05)
        raise LocalRegistryError(
            f"{self.name} did not store {missing} within {timeout:g} s of serving them; "
            f"its log ends: {self.log_tail()}"
        )

    def log_tail(self, lines: int = 5) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return " | ".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def completed_requests(self) -> list[dict]:
        """Return the log entries whose msg is "response completed", oldest first."""
        entries = []
        if not self.log_path.exists():
            return entries
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("msg") == "response completed":
                entries.append(entry)
        return entries
