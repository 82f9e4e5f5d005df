"""The report plugin: the `results` fixture, default report paths, the HTML report and summary.json."""

from __future__ import annotations

import logging

import pytest

from mirrorcheck.report import progress as progress_module
from mirrorcheck.report.redact import clear_registered_secrets
from mirrorcheck.results import Results, results_of

log = logging.getLogger(__name__)


def pytest_configure(config: pytest.Config) -> None:
    clear_registered_secrets()
    results_of(config)
    progress_module.bind(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    progress_module.bind(None)


@pytest.fixture(scope="session")
def results(pytestconfig: pytest.Config) -> Results:
    """The session's results store, which the report and summary.json read."""
    return results_of(pytestconfig)
