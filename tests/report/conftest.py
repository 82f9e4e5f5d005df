"""A synthetic pytest session, run once in a subprocess, whose reports the tests here read."""

from __future__ import annotations

import pytest
from synthetic_session import SyntheticRun, run_session, write_inputs, write_suites


@pytest.fixture(scope="session")
def synthetic_run(tmp_path_factory: pytest.TempPathFactory) -> SyntheticRun:
    """Return the finished synthetic session; its reports go to reports/ in its own directory."""
    root = tmp_path_factory.mktemp("synthetic")
    daemon_json, docker_config = write_inputs(root)
    write_suites(root)
    reports = root / "reports"

    completed = run_session(root, daemon_json, docker_config, f"--reports-dir={reports}")

    return SyntheticRun(root, reports, completed.returncode, completed.stdout,
                        completed.stderr)
