"""Each malformed or risky input in the table raises exactly its expected findings."""

from __future__ import annotations

import pytest

from mirrorcheck.config.evaluation import evaluate
from mirrorcheck.config.findings import Severity, predicts_start
from tests.config.cases import BACKGROUND_RULES, CASES, TABLE_VERSION


def test_table_has_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case_raises_expected_findings(case):
    findings = evaluate(case.text, TABLE_VERSION)
    errors = {finding.rule for finding in findings if finding.severity is Severity.ERROR}
    warnings = {finding.rule for finding in findings if finding.severity is Severity.WARNING}

    assert errors == case.errors, f"{case.name}: expected errors {sorted(case.errors)}, got {sorted(errors)}"
    assert case.warnings <= warnings, f"{case.name}: expected warnings {sorted(case.warnings)}, got {sorted(warnings)}"
    assert warnings - case.warnings <= BACKGROUND_RULES, f"{case.name}: unexpected warnings {sorted(warnings - case.warnings - BACKGROUND_RULES)}"


@pytest.mark.parametrize("case", [case for case in CASES if case.engine_rule_case],
                         ids=[case.name for case in CASES if case.engine_rule_case])
def test_prediction_matches_recorded_engine_answer(case):
    findings = evaluate(case.text, TABLE_VERSION)

    assert predicts_start(findings) == case.dockerd_20_10_24_starts


def test_mirror_path_accepted_from_24_0_8():
    text = '{"registry-mirrors": ["https://mirror.example.com/v2", "https://mirror.gcr.io"]}'

    refused = {finding.rule for finding in evaluate(text, "24.0.7")}
    accepted = {finding.rule for finding in evaluate(text, "24.0.8")}

    assert "mirror-path" in refused
    assert "mirror-path" not in accepted


def test_query_still_refused_after_24_0_8():
    rules = {f.rule for f in evaluate('{"registry-mirrors": ["https://m.example?x=1"]}', "25.0.0")}

    assert "mirror-query-fragment" in rules


def test_empty_file_accepted_from_23():
    findings = evaluate("", "23.0.0")

    assert predicts_start(findings)
    assert [finding.rule for finding in findings][0] == "empty-file"


def test_graph_key_unknown_from_23():
    text = '{"graph": "/var/lib/docker"}'

    assert "unknown-key" not in {f.rule for f in evaluate(text, "20.10.24")}
    assert "unknown-key" in {f.rule for f in evaluate(text, "23.0.0")}


def test_unknown_key_message_lists_known_keys_and_suggestion():
    finding = next(f for f in evaluate('{"registry-mirror-list": []}', TABLE_VERSION)
                   if f.rule == "unknown-key")

    assert "registry-mirror-list" in finding.message
    assert 'may be "registry-mirror' in finding.message
    assert "live-restore" in finding.fix


def test_credentials_never_appear_in_findings():
    text = ('{"registry-mirrors": ["https://alice-user:s3cr3t@pass@mirror.example.com/v2?q#f"],'
            ' "insecure-registries": ["https://bob-user:hunter22@registry.local"]}')

    for version in ("20.10.24", "24.0.8", "25.0.0"):
        for finding in evaluate(text, version):
            shown = " ".join(str(part) for part in (finding.message, finding.fix, finding.entry,
                                                    finding.dockerd_output))
            assert "s3cr3t" not in shown, finding
            assert "hunter22" not in shown, finding
            assert "alice-user" not in shown, finding


def test_unknown_version_text_is_a_clear_error():
    from mirrorcheck.errors import MirrorcheckError

    with pytest.raises(MirrorcheckError, match="cannot read a Docker engine version"):
        evaluate("{}", "latest")
