"""Whether a running daemon uses the daemon.json under test, from its `docker info`."""

from __future__ import annotations

from dataclasses import dataclass

from mirrorcheck.config.mirror_url import dockerd_mirror_form
from mirrorcheck.config.redaction import redact

NOT_RESTARTED = "the daemon has not been restarted since daemon.json changed"

# Keys dockerd re-reads on SIGHUP; the others need a restart.
RELOADABLE = frozenset({"registry-mirrors", "insecure-registries", "live-restore", "debug",
                        "max-concurrent-downloads", "max-concurrent-uploads"})


@dataclass(frozen=True)
class Mismatch:
    """One checked key whose value in the file differs from what the daemon runs with."""

    key: str
    in_file: object
    in_daemon: object

    def describe(self) -> str:
        return redact(f"{self.key}: daemon.json has {self.in_file!r}, the daemon uses "
                      f"{self.in_daemon!r}")


def _file_mirrors(document: dict) -> list[str]:
    # dockerd stores each mirror with one trailing slash and drops repeats.
    mirrors = document.get("registry-mirrors") or []
    stored: list[str] = []
    for entry in mirrors:
        if isinstance(entry, str) and dockerd_mirror_form(entry) not in stored:
            stored.append(dockerd_mirror_form(entry))
    return stored


def _daemon_insecure(registry_config: dict) -> set[str]:
    cidrs = {str(cidr) for cidr in registry_config.get("InsecureRegistryCIDRs") or []}
    names = {name for name, index in (registry_config.get("IndexConfigs") or {}).items()
             if isinstance(index, dict) and index.get("Secure") is False}
    return cidrs | names


def _file_insecure(document: dict) -> set[str]:
    entries = document.get("insecure-registries") or []
    stripped = set()
    for entry in entries:
        if isinstance(entry, str):
            for prefix in ("http://", "https://"):
                if entry.lower().startswith(prefix):
                    entry = entry[len(prefix):]
            stripped.add(entry)
    return stripped


def compare_with_info(document: dict, info: dict) -> list[Mismatch]:
    """Return the checked keys where the daemon's `docker info` differs from the file.

    `info` is the dict of docker-py's `client.info()`. Checked: registry-mirrors (order
    matters, because dockerd tries mirrors in order), insecure-registries (each entry of the
    file must be in force), live-restore, log-driver, storage-driver and debug.
    """
    registry_config = info.get("RegistryConfig") or {}
    mismatches: list[Mismatch] = []

    file_mirrors = _file_mirrors(document)
    daemon_mirrors = list(registry_config.get("Mirrors") or [])
    if file_mirrors != daemon_mirrors:
        mismatches.append(Mismatch("registry-mirrors", file_mirrors, daemon_mirrors))

    missing = _file_insecure(document) - _daemon_insecure(registry_config)
    if missing:
        mismatches.append(Mismatch("insecure-registries", sorted(missing),
                                   sorted(_daemon_insecure(registry_config))))

    expected_scalars = {
        "live-restore": ("LiveRestoreEnabled", bool(document.get("live-restore", False))),
        "log-driver": ("LoggingDriver", document.get("log-driver") or "json-file"),
        "debug": ("Debug", bool(document.get("debug", False))),
    }
    if document.get("storage-driver"):
        expected_scalars["storage-driver"] = ("Driver", document["storage-driver"])
    for key, (info_key, expected) in expected_scalars.items():
        if info_key in info and info[info_key] != expected:
            mismatches.append(Mismatch(key, expected, info[info_key]))
    return mismatches


def apply_command(mismatches: list[Mismatch]) -> str:
    """Return the command that makes the daemon read daemon.json again."""
    if all(mismatch.key in RELOADABLE for mismatch in mismatches):
        return ("sudo systemctl reload docker (or sudo kill -HUP $(pidof dockerd)), which "
                "re-reads these keys without stopping containers")
    return "sudo systemctl restart docker"


def not_in_force_message(mismatches: list[Mismatch]) -> str:
    """Return the failure message for a daemon that runs another configuration."""
    details = "; ".join(mismatch.describe() for mismatch in mismatches)
    return f"{NOT_RESTARTED}: {details}. Apply it with: {apply_command(mismatches)}"
