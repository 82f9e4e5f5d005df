"""summary.json: verdict, counts that agree with junit.xml, and what the suites recorded."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import synthetic_suites


def _junit_counts(synthetic_run) -> dict[str, int]:
    suite = ET.parse(synthetic_run.reports / "junit.xml").getroot().find("testsuite")
    return {name: int(suite.get(name)) for name in ("tests", "failures", "errors", "skipped")}


def test_run_exits_with_failure(synthetic_run):
    assert synthetic_run.exit_code == 1, (
        f"expected exit status 1 (a check failed), got {synthetic_run.exit_code}: "
        f"{synthetic_run.stdout[-2000:]}"
    )


def test_counts_agree_with_junit(synthetic_run):
    summary = synthetic_run.summary()
    junit = _junit_counts(synthetic_run)
    counts = summary["counts"]

    assert summary["junit_counts"] == junit
    assert counts["tests"] == junit["tests"]
    assert counts["failed"] == junit["failures"]
    assert counts["error"] == junit["errors"]
    assert counts["skipped"] + counts["xfailed"] == junit["skipped"]


def test_counts_match_session(synthetic_run):
    counts = dict(synthetic_run.summary()["counts"])
    expected = dict(synthetic_suites.EXPECTED_COUNTS)

    # pytest versions differ in whether junit's `tests` counts a test that fails and then
    # errors in teardown once or twice. The summary follows the junit.xml it wrote.
    assert counts.pop("tests") in (expected["tests"], expected["tests"] + 1)
    expected.pop("tests")
    assert counts == expected


def test_verdict_separates_gate_and_run(synthetic_run):
    verdict = synthetic_run.summary()["verdict"]
    assert verdict["gate"] == {"verdict": "passed", "tests": 6, "failed": 0}
    assert verdict["overall"] == "failed"
    assert verdict["exit_status"] == 1


def test_per_suite_counts(synthetic_run):
    suites = synthetic_run.summary()["suites"]
    assert set(suites) == {"config", "conformance", "fallback", "benchmark"}
    assert suites["fallback"]["passed"] == 4
    assert suites["config"]["failed"] == 2
    assert suites["conformance"]["skipped"] == 1
    assert suites["conformance"]["xfailed"] == 1


def test_recorded_data_in_summary(synthetic_run):
    summary = synthetic_run.summary()
    assert len(summary["fallback_matrix"]) == 8
    hub_served = [row for row in summary["fallback_matrix"] if row["spent_hub_rate_limit"]]
    assert {row["scenario"] for row in hub_served} == {"mirror-a refused"}
    assert [row["median_seconds"] for row in summary["benchmarks"]] == [2.2, 0.7, 3.1]
    assert [finding["severity"] for finding in summary["config_findings"]] == ["warning", "info"]
    assert summary["corrected_daemon_json"]["text"].startswith('{"registry-mirrors"')
    assert summary["conformance"][0]["rate_limit"] == {"RateLimit-Limit": "100;w=21600"}


def test_environment_in_summary(synthetic_run):
    environment = synthetic_run.summary()["environment"]
    assert environment["daemon_json_path"].endswith("daemon.json")
    assert len(environment["daemon_json_sha256"]) == 64
    assert "https://***@127.0.0.1:5999" in environment["daemon_json_text"]


def test_progress_lines_without_capture_flag(synthetic_run):
    """Progress lines reach the terminal although pytest captures output (no -s)."""
    lines = [line for line in synthetic_run.stdout.splitlines() if "[mirrorcheck " in line]
    scenarios = [line for line in lines if "scenario " in line]
    assert len(scenarios) == 4, f"expected 4 scenario lines, found {lines}"
