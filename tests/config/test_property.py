"""No generated document makes evaluate crash or hang."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mirrorcheck.config.correction import correct
from mirrorcheck.config.engine_version import parse_engine_version
from mirrorcheck.config.evaluation import evaluate
from mirrorcheck.config.findings import Finding
from mirrorcheck.config.parsing import parse_document

KEYS = st.sampled_from([
    "registry-mirrors", "insecure-registries", "log-driver", "log-opts", "live-restore",
    "max-concurrent-downloads", "max-concurrent-uploads", "proxies", "Registry-Mirrors", "x",
])
URLS = st.one_of(
    st.text(max_size=40),
    st.builds(lambda scheme, host, tail: f"{scheme}{host}{tail}",
              st.sampled_from(["https://", "http://", "ftp://", "", "HTTPS://", "://"]),
              st.sampled_from(["mirror.gcr.io", "u:p@h", "[::1]:5000", "10.0.0.1:5000",
                               "registry-1.docker.io", "h:99999", ""]),
              st.sampled_from(["", "/", "/v2", "?q", "#f", "//x"])),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    URLS)
VALUES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=12)
DOCUMENTS = st.dictionaries(KEYS, st.one_of(VALUES, st.lists(URLS, max_size=4)), max_size=6)
VERSIONS = st.sampled_from(["20.10.24", "23.0.0", "24.0.7", "24.0.8", "25.0.0", "27.3.1"])


def _check(findings):
    assert isinstance(findings, list)
    assert all(isinstance(finding, Finding) for finding in findings)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(document=DOCUMENTS, version=VERSIONS)
def test_evaluate_handles_any_document(document, version):
    text = json.dumps(document)

    _check(evaluate(text, version))


@settings(max_examples=300, deadline=2000)
@given(text=st.text(max_size=200), version=VERSIONS)
@example(text=" 00", version="20.10.24")
def test_evaluate_handles_any_text(text, version):
    _check(evaluate(text, version))


@settings(max_examples=200, deadline=2000)
@given(document=DOCUMENTS, version=VERSIONS, indent=st.sampled_from([None, 2, 4]))
def test_correction_is_valid_json(document, version, indent):
    text = json.dumps(document, indent=indent)
    engine = parse_engine_version(version)
    parsed = parse_document(text, engine)

    corrected = correct(text, parsed.document, engine)

    assert isinstance(json.loads(corrected.text), dict)


def test_deep_nesting_is_a_finding():
    findings = evaluate("[" * 100_000 + "]" * 100_000, "20.10.24")

    assert [finding.rule for finding in findings] == ["syntax"]
