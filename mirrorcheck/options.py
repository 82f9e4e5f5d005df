"""Command-line options of the mirrorcheck plugin, each with an environment variable.

An option given on the command line wins over its environment variable, which wins over the
default. Repeatable options take a comma-separated list from the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mirrorcheck.errors import MirrorcheckError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_ROOT / "fixtures"
SYSTEM_DAEMON_JSON = Path("/etc/docker/daemon.json")
RECOMMENDED_DAEMON_JSON = FIXTURES / "daemon-json" / "recommended.json"
DEFAULT_IMAGES = ("alpine:latest", "nginx:alpine", "python:3.11-slim", "postgres:16-alpine")


@dataclass(frozen=True)
class Option:
    flag: str
    env: str
    help: str
    default: object = None
    kind: type = str
    repeatable: bool = False

    @property
    def dest(self) -> str:
        return "mirrorcheck_" + self.flag.lstrip("-").replace("-", "_")


OPTIONS = (
    Option("--daemon-json", "MIRRORCHECK_DAEMON_JSON",
           "daemon.json to test (default: /etc/docker/daemon.json when it exists, "
           "else fixtures/daemon-json/recommended.json)"),
    Option("--image", "MIRRORCHECK_IMAGES",
           "critical image that must stay pullable, repeatable "
           f"(default: {', '.join(DEFAULT_IMAGES)})", repeatable=True),
    Option("--registry-image", "MIRRORCHECK_REGISTRY_IMAGE",
           "registry:2 image for the lab's hub and mirrors; built locally from Debian's "
           "docker-registry when absent (default: registry:2)", "registry:2"),
    Option("--docker-host", "MIRRORCHECK_DOCKER_HOST",
           "daemon whose running configuration the config suite compares with the file "
           "(default: DOCKER_HOST, else the lab's daemon under test)"),
    Option("--mirror", "MIRRORCHECK_MIRRORS",
           "live mirror URL to check read-only, repeatable (default: the lab's mirrors)",
           repeatable=True),
    Option("--ca-bundle", "MIRRORCHECK_CA_BUNDLE",
           "PEM file of the CAs that signed the live mirrors' certificates "
           "(default: the CAs that requests trusts)"),
    Option("--reference", "MIRRORCHECK_REFERENCE",
           "image the conformance suite reads from each mirror (default: library/alpine:latest)",
           "library/alpine:latest"),
    Option("--layer-size", "MIRRORCHECK_LAYER_SIZE",
           "size of each synthetic image layer in the lab, in bytes (default: 1048576)",
           1048576, int),
    Option("--lab-start-timeout", "MIRRORCHECK_LAB_START_TIMEOUT",
           "seconds to wait for each lab registry and the daemon under test to answer "
           "(default: 60)", 60.0, float),
    Option("--pull-timeout", "MIRRORCHECK_PULL_TIMEOUT",
           "seconds after which a pull by the daemon under test is stopped and recorded as hung "
           "(default: 75)", 75.0, float),
    Option("--finding-pull-timeout", "MIRRORCHECK_FINDING_PULL_TIMEOUT",
           "seconds after which a pull in a fallback finding scenario (stall, slow link, "
           "multi-hop outage) is stopped and recorded as hung (default: 30)", 30.0, float),
    Option("--failover-budget", "MIRRORCHECK_FAILOVER_BUDGET",
           "seconds a pull may take in a single-hop outage before the gate fails (default: 60)",
           60.0, float),
    Option("--request-timeout", "MIRRORCHECK_REQUEST_TIMEOUT",
           "seconds the registry client waits to connect and between bytes (default: 30)",
           30.0, float),
    Option("--workers", "MIRRORCHECK_WORKERS",
           "fallback scenarios run at once, each in its own lab (default: 4)", 4, int),
)


def add_options(parser: pytest.Parser) -> None:
    """Register every option in the "mirrorcheck" group."""
    group = parser.getgroup("mirrorcheck", "mirrorcheck: Docker registry mirror checks")
    for option in OPTIONS:
        action = "append" if option.repeatable else "store"
        group.addoption(option.flag, action=action, dest=option.dest, default=None,
                        help=f"{option.help} [env {option.env}]")


@dataclass(frozen=True)
class Settings:
    """Resolved values of every option, echoed in the report."""

    daemon_json: Path
    images: tuple[str, ...]
    registry_image: str
    docker_host: str | None
    mirrors: tuple[str, ...]
    ca_bundle: str | None
    reference: str
    layer_size: int
    lab_start_timeout: float
    pull_timeout: float
    finding_pull_timeout: float
    failover_budget: float
    request_timeout: float
    workers: int
    sources: dict[str, str] = field(default_factory=dict, compare=False)


def _raw_value(config: pytest.Config, option: Option) -> tuple[object, str]:
    given = config.getoption(option.dest)
    if given is not None:
        return given, "command line"
    from_env = os.environ.get(option.env)
    if from_env:
        if option.repeatable:
            return [item.strip() for item in from_env.split(",") if item.strip()], option.env
        return from_env, option.env
    return option.default, "default"


def _convert(option: Option, value: object, source: str) -> object:
    if value is None or option.kind is str:
        return value
    try:
        converted = option.kind(value)
    except (TypeError, ValueError):
        raise MirrorcheckError(
            f"{option.flag} from {source} is {value!r}, which is not a number; "
            f"give a {option.kind.__name__}, for example {option.flag}={option.default}"
        ) from None
    if converted <= 0:
        raise MirrorcheckError(
            f"{option.flag} from {source} is {value!r}; it must be greater than 0"
        )
    return converted


def default_daemon_json() -> Path:
    """Return the host's daemon.json when it exists, else the recommended sample."""
    if SYSTEM_DAEMON_JSON.exists():
        return SYSTEM_DAEMON_JSON
    return RECOMMENDED_DAEMON_JSON


def resolve_settings(config: pytest.Config) -> Settings:
    """Build Settings from the command line, the environment and the defaults."""
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    for option in OPTIONS:
        raw, source = _raw_value(config, option)
        name = option.dest.removeprefix("mirrorcheck_")
        values[name] = _convert(option, raw, source)
        sources[name] = source

    ca_bundle = values.get("ca_bundle")
    if ca_bundle and not Path(ca_bundle).is_file():
        raise MirrorcheckError(
            f"--ca-bundle {ca_bundle} from {sources['ca_bundle']} is not a file; give the path "
            "of a PEM file holding the CA certificates of the live mirrors"
        )
    daemon_json = values.pop("daemon_json")
    docker_host = values.pop("docker_host") or os.environ.get("DOCKER_HOST") or None
    return Settings(
        daemon_json=Path(daemon_json) if daemon_json else default_daemon_json(),
        images=tuple(values.pop("image") or DEFAULT_IMAGES),
        mirrors=tuple(values.pop("mirror") or ()),
        docker_host=docker_host,
        sources=sources,
        **values,
    )
