"""The rules predict what this machine's real dockerd does with each engine-rule case."""

from __future__ import annotations

import pytest

from mirrorcheck.config.engine_version import parse_engine_version
from mirrorcheck.config.evaluation import evaluate
from mirrorcheck.config.findings import predicts_start
from mirrorcheck.config.redaction import redact
from tests.config.cases import CASES, TABLE_VERSION

engine_trial = pytest.importorskip("mirrorcheck.lab.engine_trial")

ENGINE_CASES = [case for case in CASES if case.engine_rule_case]

pytestmark = [pytest.mark.engine, pytest.mark.slow]


@pytest.mark.parametrize("case", ENGINE_CASES, ids=[case.name for case in ENGINE_CASES])
def test_rules_agree_with_real_dockerd(case):
    verdict = engine_trial.try_start(case.text)
    findings = evaluate(case.text, verdict.version)
    output = redact(verdict.output)
    tail = "\n".join(output.splitlines()[-4:])

    assert predicts_start(findings) == verdict.started, (
        f"{case.name}: rules predict started={predicts_start(findings)}, dockerd "
        f"{verdict.version} started={verdict.started}; it printed:\n{tail}")
    if not verdict.started:
        expected = [finding.dockerd_output for finding in findings if finding.rejects_start]
        assert any(redact(text) in output for text in expected), (
            f"{case.name}: expected dockerd to print one of {expected}; it printed:\n{tail}")
    if parse_engine_version(verdict.version) == parse_engine_version(TABLE_VERSION):
        assert verdict.started == case.dockerd_20_10_24_starts, (
            f"{case.name}: the table records started={case.dockerd_20_10_24_starts} for "
            f"{TABLE_VERSION}, but dockerd started={verdict.started}; update the table")
