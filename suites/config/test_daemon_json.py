"""Config suite: will dockerd accept daemon.json, is it a sound mirror setup, is it in force.

Each test checks one requirement. Error findings fail it. Warning findings pass it, and are
recorded in the results store and shown as pytest warnings.
"""

from __future__ import annotations

import warnings

import pytest

from mirrorcheck.config.findings import Finding, Severity
from mirrorcheck.config.in_force import compare_with_info, not_in_force_message
from mirrorcheck.config.parsing import parse_document


class DaemonJsonWarning(UserWarning):
    """A good-practice warning about the daemon.json under test."""


def _verify(findings: list[Finding], *rules: str) -> None:
    selected = [finding for finding in findings if finding.rule in rules]
    for finding in selected:
        if finding.severity is Severity.WARNING:
            warnings.warn(finding.describe(), DaemonJsonWarning, stacklevel=2)
    errors = [finding.describe() for finding in selected if finding.severity is Severity.ERROR]
    assert not errors, "\n".join(errors)


@pytest.mark.gate
def test_daemon_json_is_a_json_object(config_findings):
    _verify(config_findings, "syntax", "empty-file", "trailing-data")


@pytest.mark.gate
def test_keys_are_known_to_dockerd(config_findings):
    _verify(config_findings, "unknown-key")


@pytest.mark.gate
def test_values_have_the_types_dockerd_decodes(config_findings):
    _verify(config_findings, "value-type")


@pytest.mark.gate
def test_mirror_urls_are_accepted_by_dockerd(config_findings):
    _verify(config_findings, "mirror-scheme", "mirror-invalid-uri", "mirror-path",
            "mirror-query-fragment", "mirror-host-missing")


@pytest.mark.gate
def test_mirror_urls_carry_no_credentials(config_findings):
    _verify(config_findings, "mirror-credentials")


@pytest.mark.gate
def test_log_opts_are_known_to_the_log_driver(config_findings):
    _verify(config_findings, "log-opts-unknown", "log-driver-unknown", "log-opts-value")


@pytest.mark.gate
def test_max_concurrent_transfers_are_in_range(config_findings):
    _verify(config_findings, "max-concurrent-range", "max-concurrent-zero")


@pytest.mark.gate
def test_insecure_registries_have_valid_forms(config_findings):
    _verify(config_findings, "insecure-registry-form")


@pytest.mark.gate
def test_mirrors_exclude_docker_hub_endpoints(config_findings):
    _verify(config_findings, "docker-hub-mirror")


@pytest.mark.gate
def test_mirrors_are_unique_after_normalisation(config_findings):
    _verify(config_findings, "duplicate-mirror")


@pytest.mark.gate
def test_mirrors_exclude_retired_public_mirrors(config_findings):
    _verify(config_findings, "public-mirror-retired")


def test_mirrors_use_https_off_loopback(config_findings):
    _verify(config_findings, "plain-http-mirror")


def test_mirrors_provide_failover(config_findings):
    _verify(config_findings, "single-mirror", "no-mirror")


def test_container_logs_rotate(config_findings):
    _verify(config_findings, "log-rotation-missing")


def test_live_restore_is_enabled(config_findings):
    _verify(config_findings, "live-restore-off")


def test_corrected_daemon_json_is_offered(corrected_daemon_json, config_findings):
    if corrected_daemon_json is None:
        pytest.skip("daemon.json does not parse, so no corrected file can be derived; "
                    "fix the syntax error first")
    if corrected_daemon_json.changed:
        warnings.warn("corrected daemon.json offered:\n" + corrected_daemon_json.diff,
                      DaemonJsonWarning, stacklevel=1)


def test_daemon_runs_the_file_configuration(request, daemon_json_text, engine_version):
    try:
        info = request.getfixturevalue("target_docker_info")
    except pytest.FixtureLookupError:
        pytest.skip("no target daemon: the target_docker_info fixture is not available")
    document = parse_document(daemon_json_text, engine_version).document
    if document is None:
        pytest.skip("daemon.json does not parse, so there is nothing to compare")

    mismatches = compare_with_info(document, info)

    assert not mismatches, not_in_force_message(mismatches)


@pytest.mark.engine
@pytest.mark.slow
def test_dockerd_starts_with_the_file(request, daemon_json_text):
    engine_trial = pytest.importorskip("mirrorcheck.lab.engine_trial")
    from mirrorcheck.config.redaction import redact
    from mirrorcheck.results import results_of

    verdict = engine_trial.try_start(daemon_json_text)

    last_lines = redact("\n".join(verdict.output.splitlines()[-5:]))
    results_of(request.config).record_finding(
        "info" if verdict.started else "error", "engine-trial",
        f"dockerd {verdict.version} {'started' if verdict.started else 'did not start'} "
        f"with this daemon.json; last output:\n{last_lines}")
    assert verdict.started, (
        f"dockerd {verdict.version} did not start with this daemon.json; it printed:\n"
        f"{last_lines}\nFix the error it names, then run the suite again")
