"""Fixtures of the config suite: the engine version, the findings and their recording."""

from __future__ import annotations

import logging

import pytest

from mirrorcheck import daemon_json as daemon_json_module
from mirrorcheck.config.correction import Correction, correct
from mirrorcheck.config.engine_version import (
    EngineVersion, host_engine_version, version_from_docker_info,
)
from mirrorcheck.config.evaluation import evaluate
from mirrorcheck.config.findings import Finding
from mirrorcheck.config.parsing import parse_document
from mirrorcheck.config.recording import record_correction, record_findings
from mirrorcheck.results import results_of

log = logging.getLogger(__name__)


@pytest.fixture(scope="session")
def daemon_json_text(settings) -> str:
    """The daemon.json under test as read, before any parsing."""
    return daemon_json_module.read_text(settings.daemon_json)


@pytest.fixture(scope="session")
def engine_version(settings, request) -> EngineVersion:
    """The target engine's version: --docker-host's ServerVersion, else the host's dockerd."""
    if settings.docker_host:
        return version_from_docker_info(request.getfixturevalue("target_docker_info"))
    return host_engine_version()


@pytest.fixture(scope="session")
def config_findings(pytestconfig, settings, daemon_json_text, engine_version) -> list[Finding]:
    """Every finding for the file under test, recorded once in the results store."""
    findings = evaluate(daemon_json_text, engine_version)
    results = results_of(pytestconfig)
    results.set_environment(engine_version=str(engine_version),
                            daemon_json_path=str(settings.daemon_json),
                            daemon_json_text=daemon_json_text)
    record_findings(results, findings)
    log.info("daemon.json %s on dockerd %s: %d findings", settings.daemon_json,
             engine_version, len(findings))
    return findings


@pytest.fixture(scope="session")
def corrected_daemon_json(pytestconfig, daemon_json_text, engine_version) -> Correction | None:
    """The corrected daemon.json offered for the report, or None when the file does not parse."""
    parsed = parse_document(daemon_json_text, engine_version)
    if parsed.document is None:
        return None
    correction = correct(daemon_json_text, parsed.document, engine_version)
    record_correction(results_of(pytestconfig), correction)
    return correction
