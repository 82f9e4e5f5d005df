"""The synthetic pytest session: its inputs, its test files and the command that runs it."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import synthetic_suites

from mirrorcheck.options import PROJECT_ROOT

RUN_TIMEOUT_SECONDS = 180


@dataclass(frozen=True)
class SyntheticRun:
    """The finished synthetic session: its directory, reports, exit code and output."""

    root: Path
    reports: Path
    exit_code: int
    stdout: str
    stderr: str

    def summary(self) -> dict:
        return json.loads((self.reports / "summary.json").read_text(encoding="utf-8"))


def write_inputs(root: Path) -> tuple[Path, Path]:
    """Write the daemon.json and docker config that carry the secrets; return both paths."""
    daemon_json = root / "daemon.json"
    daemon_json.write_text(json.dumps({
        "registry-mirrors": [synthetic_suites.MIRROR_URL],
        "log-driver": "json-file",
    }, indent=2) + "\n", encoding="utf-8")

    docker_config = root / "docker-config"
    docker_config.mkdir()
    auth = base64.b64encode(
        f"{synthetic_suites.DOCKER_USER}:{synthetic_suites.DOCKER_PASSWORD}".encode()
    ).decode()
    (docker_config / "config.json").write_text(json.dumps({"auths": {
        "127.0.0.1:5999": {"auth": auth},
        "127.0.0.1:6000": {"identitytoken": synthetic_suites.DOCKER_IDENTITY_TOKEN},
    }}), encoding="utf-8")
    return daemon_json, docker_config


def write_suites(root: Path) -> None:
    (root / "pytest.ini").write_text(synthetic_suites.PYTEST_INI, encoding="utf-8")
    for relative, source in synthetic_suites.SUITES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


def run_session(root: Path, daemon_json: Path, docker_config: Path,
                *extra_args: str) -> subprocess.CompletedProcess:
    """Run pytest on the synthetic suites with both mirrorcheck plugins loaded."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                      env.get("PYTHONPATH")]))
    env["DOCKER_CONFIG"] = str(docker_config)
    env["GIT_URL"] = synthetic_suites.MIRROR_URL  # pytest-metadata copies it into the report
    env.pop("MIRRORCHECK_REPORTS_DIR", None)
    command = [
        sys.executable, "-m", "pytest", "-p", "mirrorcheck.plugin",
        "-p", "mirrorcheck.report.plugin", "--daemon-json", str(daemon_json),
        "--benchmark-autosave", f"--benchmark-storage={root / 'reports' / 'benchmarks'}",
        "--metadata", "mirror", synthetic_suites.MIRROR_URL,
        "-o", "log_level=INFO", *extra_args, "suites",
    ]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_SECONDS, check=False)
