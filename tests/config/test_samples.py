"""The verdicts on each sample in fixtures/daemon-json on dockerd 20.10.24."""

from __future__ import annotations

from mirrorcheck.config.evaluation import evaluate
from mirrorcheck.config.findings import errors_of, predicts_start, warnings_of
from mirrorcheck.options import FIXTURES

SAMPLES = FIXTURES / "daemon-json"
VERSION = "20.10.24"


def _rules(findings):
    return {finding.rule for finding in findings}


def _evaluate(name: str):
    return evaluate((SAMPLES / name).read_text(encoding="utf-8"), VERSION)


def test_current_fails_on_docker_hub_entry():
    findings = _evaluate("current.json")

    assert _rules(errors_of(findings)) == {"docker-hub-mirror"}
    assert "registry-1.docker.io" in errors_of(findings)[0].message


def test_multiple_public_fails_on_retired_mirrors():
    findings = _evaluate("multiple-public.json")
    flagged = {finding.entry for finding in errors_of(findings)}

    assert _rules(errors_of(findings)) == {"public-mirror-retired"}
    assert flagged == {"https://dockerhub.azk8s.cn", "https://docker.mirrors.ustc.edu.cn"}


def test_recommended_passes_with_single_mirror_warning():
    findings = _evaluate("recommended.json")

    assert errors_of(findings) == []
    assert _rules(warnings_of(findings)) == {"single-mirror"}


def test_no_mirror_warns_nothing_fails_over():
    findings = _evaluate("no-mirror.json")
    no_mirror = [finding for finding in findings if finding.rule == "no-mirror"]

    assert errors_of(findings) == []
    assert len(no_mirror) == 1
    assert "nothing fails over" in no_mirror[0].message


def test_private_cache_has_no_errors():
    findings = _evaluate("private-cache.json")

    assert errors_of(findings) == []
    assert "plain-http-mirror" not in _rules(findings)


def test_every_sample_starts_dockerd():
    for sample in sorted(SAMPLES.glob("*.json")):
        assert predicts_start(evaluate(sample.read_text(encoding="utf-8"), VERSION)), sample.name
