"""Bad input and a machine that cannot run the lab give a message with the fix, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mirrorcheck.options import PROJECT_ROOT

NOBODY = 65534


def run_suites(tmp_path, *arguments: str, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "suites/fallback", "-x", "-q", "-p", "no:cacheprovider",
               f"--reports-dir={tmp_path / 'reports'}", *arguments]
    return subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300,
                          env=dict(os.environ, **(env or {})))


def assert_clear_message(result: subprocess.CompletedProcess, *fragments: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    for fragment in fragments:
        assert fragment in output, output


def test_missing_daemon_json_names_path_and_fix(tmp_path):
    missing = tmp_path / "absent.json"

    result = run_suites(tmp_path, f"--daemon-json={missing}")

    assert_clear_message(result, str(missing), "--daemon-json")
    assert result.returncode == 4


@pytest.mark.parametrize("content, expected", [
    ('{"registry-mirrors": ["https://mirror.gcr.io",]}', "trailing comma"),
    ("// mirrors\n{}", "comments"),
    ('["https://mirror.gcr.io"]', "needs an object"),
], ids=["trailing-comma", "comment", "array"])
def test_invalid_daemon_json_names_cause(tmp_path, content, expected):
    path = tmp_path / "daemon.json"
    path.write_text(content)

    result = run_suites(tmp_path, f"--daemon-json={path}")

    assert_clear_message(result, str(path), expected)


def test_no_engine_names_provision_command(tmp_path):
    result = run_suites(tmp_path, env={"DOCKER_HOST": f"unix://{tmp_path}/no-engine.sock"})

    assert_clear_message(result, "no Docker engine responds", "python -m mirrorcheck.provision")


def test_not_root_names_fix(tmp_path):
    code = ("from mirrorcheck.lab.fixtures import preflight\n"
            "from mirrorcheck.errors import MirrorcheckError\n"
            "import os\n"
            f"os.setgid({NOBODY}); os.setuid({NOBODY})\n"
            "try:\n    preflight()\nexcept MirrorcheckError as error:\n"
            "    print(error)\n    raise SystemExit(1)\n")

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=PROJECT_ROOT, env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)))

    assert_clear_message(result, "the lab needs root", "sudo")
