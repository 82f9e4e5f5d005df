"""Good-practice rules for a mirror setup: dockerd starts, but pulls are at risk."""

from __future__ import annotations

import re

from mirrorcheck.config.engine_rules import builtin_log_drivers
from mirrorcheck.config.engine_version import EngineVersion
from mirrorcheck.config.findings import Finding, Severity
from mirrorcheck.config.mirror_url import (
    GoUrlError, dockerd_mirror_form, is_loopback_host, normalise_mirror, parse_go_url,
)
from mirrorcheck.config.public_mirrors import load_public_mirrors
from mirrorcheck.config.redaction import redact

# Host names that reach Docker Hub itself, which dockerd tries after every mirror anyway.
DOCKER_HUB_HOSTS = frozenset(
    {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com",
     "hub.docker.com"}
)

# A size as docker/go-units FromHumanSize reads it: "10m", "1.5GB", "512k", "100".
_HUMAN_SIZE = re.compile(r"^\d+(\.\d+)?\s*([kKmMgGtTpP][iI]?[bB]?|[bB])?$")


def _finding(severity: Severity, rule: str, message: str, fix: str,
             entry: str | None = None) -> Finding:
    return Finding(severity, rule, redact(message), redact(fix),
                   redact(entry) if entry is not None else None)


def _mirror_strings(document: dict) -> list[str]:
    mirrors = document.get("registry-mirrors")
    if not isinstance(mirrors, list):
        return []
    return [entry for entry in mirrors if isinstance(entry, str)]


def _parsed(entry: str):
    try:
        url = parse_go_url(entry.strip())
    except GoUrlError:
        return None
    return url if url.scheme in ("http", "https") else None


def check_docker_hub_mirrors(document: dict, version: EngineVersion) -> list[Finding]:
    """Reject Docker Hub's own endpoints listed as mirrors."""
    findings = []
    for entry in _mirror_strings(document):
        url = _parsed(entry)
        if url is None or url.hostname not in DOCKER_HUB_HOSTS:
            continue
        findings.append(_finding(
            Severity.ERROR, "docker-hub-mirror",
            f'registry-mirrors lists "{entry}", which is Docker Hub itself: it adds no '
            "redundancy, and when Docker Hub is down the pull waits for it twice, once as a "
            "mirror and once as the registry dockerd always falls back to.",
            f'remove "{entry}" from registry-mirrors; dockerd falls back to Docker Hub by itself',
            entry))
    return findings


def check_duplicate_mirrors(document: dict, version: EngineVersion) -> list[Finding]:
    """Reject mirrors listed twice after normalisation (case, default port, trailing slash)."""
    findings = []
    first_seen: dict[str, str] = {}
    for entry in _mirror_strings(document):
        key = normalise_mirror(entry)
        if key not in first_seen:
            first_seen[key] = entry
            continue
        earlier = first_seen[key]
        # dockerd itself drops an entry equal to an earlier one after adding a trailing slash.
        merged_by_dockerd = dockerd_mirror_form(earlier) == dockerd_mirror_form(entry)
        severity = Severity.WARNING if merged_by_dockerd else Severity.ERROR
        consequence = ("dockerd drops the copy, so the list is longer than what runs"
                       if merged_by_dockerd else
                       "dockerd keeps both, so a failing mirror costs its timeout twice "
                       "before the next one is tried")
        findings.append(_finding(
            severity, "duplicate-mirror",
            f'registry-mirrors lists "{entry}", the same mirror as "{earlier}": {consequence}.',
            f'remove "{entry}"', entry))
    return findings


def check_public_mirrors(document: dict, version: EngineVersion) -> list[Finding]:
    """Reject public mirrors known to be retired or closed to outside users."""
    known = load_public_mirrors()
    findings = []
    for entry in _mirror_strings(document):
        url = _parsed(entry)
        mirror = known.get(url.hostname) if url else None
        if mirror is None:
            continue
        findings.append(_finding(
            Severity.ERROR, "public-mirror-retired",
            f'registry-mirrors lists "{entry}", a public mirror {mirror.status} since '
            f"{mirror.since}: {mirror.detail} (source: {mirror.source}). Every pull first "
            "waits for this mirror to fail.",
            f'remove "{entry}"; use a maintained mirror or a private pull-through cache',
            entry))
    return findings


def check_mirror_transport(document: dict, version: EngineVersion) -> list[Finding]:
    """Warn on plain-HTTP mirrors off loopback and reject mirrors without a host."""
    findings = []
    for entry in _mirror_strings(document):
        url = _parsed(entry)
        if url is None:
            continue
        if not url.host:
            findings.append(_finding(
                Severity.ERROR, "mirror-host-missing",
                f'registry-mirrors entry "{entry}" has no host, so dockerd accepts it but no '
                "pull can use it.", "write the mirror as https://HOST[:PORT]", entry))
        elif url.scheme == "http" and not is_loopback_host(url.hostname):
            findings.append(_finding(
                Severity.WARNING, "plain-http-mirror",
                f'registry-mirrors entry "{entry}" uses plain HTTP to {url.hostname}, so '
                "anyone on the path can read the pulls and respond to tag look-ups with other "
                "images.",
                f"serve the mirror over HTTPS and write https://{url.host}", entry))
    return findings


def check_mirror_count(document: dict, version: EngineVersion) -> list[Finding]:
    """Warn when no mirror or a single usable mirror comes before Docker Hub."""
    mirrors = _mirror_strings(document)
    if not mirrors:
        return [_finding(
            Severity.WARNING, "no-mirror",
            "registry-mirrors is empty or missing, so every pull goes to Docker Hub and "
            "nothing fails over when Docker Hub is slow, rate-limited or down.",
            'add a private pull-through cache and a second mirror, e.g. "registry-mirrors": '
            '["https://cache.internal.example", "https://mirror.gcr.io"]', "registry-mirrors")]
    usable = _usable_mirrors(mirrors)
    if len({normalise_mirror(entry) for entry in usable}) == 1:
        return [_finding(
            Severity.WARNING, "single-mirror",
            f'registry-mirrors has one usable mirror, "{usable[0]}": it is a single point '
            "of failure, and when it fails every pull falls back to Docker Hub alone.",
            "add a second mirror or a private pull-through cache before or after it",
            usable[0])]
    return []


def _usable_mirrors(mirrors: list[str]) -> list[str]:
    # Docker Hub itself and retired public mirrors give no failover.
    retired = load_public_mirrors()
    usable = []
    for entry in mirrors:
        url = _parsed(entry)
        if url is None or url.hostname in DOCKER_HUB_HOSTS or url.hostname in retired:
            continue
        usable.append(entry)
    return usable


def _json_file_rotation_missing(options: dict) -> bool:
    max_size = options.get("max-size")
    return max_size in (None, "", "-1")


def check_log_rotation(document: dict, version: EngineVersion) -> list[Finding]:
    """Warn when the json-file or local log driver keeps container logs without bound."""
    driver = document.get("log-driver") or "json-file"
    options = document.get("log-opts")
    options = options if isinstance(options, dict) else {}
    if driver == "json-file" and _json_file_rotation_missing(options):
        return [_finding(
            Severity.WARNING, "log-rotation-missing",
            "the json-file log driver has no max-size, so container logs grow until the disk "
            "is full and pulls fail with no space left.",
            'add "log-opts": {"max-size": "10m", "max-file": "3"}', "log-opts")]
    if driver == "local" and options.get("max-size") == "-1":
        return [_finding(
            Severity.WARNING, "log-rotation-missing",
            'the local log driver has max-size "-1", which turns its rotation off.',
            'remove max-size or set it, e.g. "max-size": "20m"', "log-opts.max-size")]
    return []


def check_log_opts_values(document: dict, version: EngineVersion) -> list[Finding]:
    """Reject max-size and max-file values that make every container start fail."""
    driver = document.get("log-driver") or "json-file"
    options = document.get("log-opts")
    if driver not in ("json-file", "local") or not isinstance(options, dict):
        return []
    findings = []
    max_size = options.get("max-size")
    if isinstance(max_size, str) and max_size != "-1" and not _HUMAN_SIZE.match(max_size.strip()):
        findings.append(_finding(
            Severity.ERROR, "log-opts-value",
            f'log-opts max-size "{max_size}" is not a size, so dockerd starts but cannot create '
            "a container with the default log driver.",
            'give a size such as "10m" or "1g"', "log-opts.max-size"))
    max_file = options.get("max-file")
    if isinstance(max_file, str) and not (max_file.isdigit() and int(max_file) >= 1):
        findings.append(_finding(
            Severity.ERROR, "log-opts-value",
            f'log-opts max-file "{max_file}" is not a whole number of at least 1, so dockerd '
            "starts but cannot create a container with the default log driver.",
            'give a count such as "3"', "log-opts.max-file"))
    return findings


def check_log_driver(document: dict, version: EngineVersion) -> list[Finding]:
    """Reject a log driver that is neither built in nor likely a plugin name."""
    driver = document.get("log-driver")
    drivers = builtin_log_drivers(version)
    if not isinstance(driver, str) or driver in drivers or "/" in driver:
        return []
    # dockerd 20.10.24 starts with an unknown driver name, but creating any container that
    # uses the default driver fails until a logging plugin of that name is installed.
    return [_finding(
        Severity.ERROR, "log-driver-unknown",
        f'log-driver "{driver}" is not a built-in driver of dockerd {version}: dockerd starts, '
        "but every container that uses the default log driver fails to start unless a "
        "logging plugin of that name is installed.",
        f"use one of {', '.join(sorted(drivers))}, or install the plugin and give its full "
        "name (e.g. \"vendor/plugin:tag\")", "log-driver")]


def check_live_restore(document: dict, version: EngineVersion) -> list[Finding]:
    """Warn when live-restore is off: applying a daemon.json change then stops containers."""
    if document.get("live-restore") is True:
        return []
    return [_finding(
        Severity.WARNING, "live-restore-off",
        "live-restore is off, so restarting dockerd to apply a daemon.json change (such as a "
        "new mirror) stops every running container.",
        'add "live-restore": true', "live-restore")]


def check_max_concurrent_zero(document: dict, version: EngineVersion) -> list[Finding]:
    """Warn on a zero transfer limit, which dockerd accepts but does not apply as a limit."""
    findings = []
    for key in ("max-concurrent-downloads", "max-concurrent-uploads"):
        if document.get(key) == 0 and not isinstance(document.get(key), bool):
            findings.append(_finding(
                Severity.WARNING, "max-concurrent-zero",
                f'"{key}" is 0: dockerd accepts it, but 0 sets no usable limit (releases '
                "from 23.0 replace it with the default).",
                f'set "{key}" to 1 or more, or remove it to keep the default', key))
    return findings


PRACTICE_CHECKS = (
    check_docker_hub_mirrors,
    check_duplicate_mirrors,
    check_public_mirrors,
    check_mirror_transport,
    check_mirror_count,
    check_log_rotation,
    check_log_opts_values,
    check_log_driver,
    check_live_restore,
    check_max_concurrent_zero,
)
