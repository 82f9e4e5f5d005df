"""summary.json: the verdict, counts, matrix, benchmark figures and findings, for dashboards."""

from __future__ import annotations

import json
import os
import tempfile
from xml.etree import ElementTree
from pathlib import Path

from mirrorcheck.report.html import EXIT_STATUS_NAMES
from mirrorcheck.report.outcomes import Outcomes
from mirrorcheck.report.redact import redact_value
from mirrorcheck.results import Results

SCHEMA_VERSION = 1


def build_summary(results: Results, outcomes: Outcomes, exit_status: int) -> dict:
    """Return the summary; its counts are those of junit.xml's testsuite element."""
    recorded = results.to_dict()
    return {
        "schema_version": SCHEMA_VERSION,
        "verdict": {
            "gate": outcomes.gate(),
            "overall": "passed" if exit_status == 0 else "failed",
            "exit_status": exit_status,
            "exit_status_meaning": EXIT_STATUS_NAMES.get(exit_status, "unknown"),
        },
        "counts": outcomes.totals(),
        "junit_counts": outcomes.junit_counts(),
        "suites": outcomes.by_suite(),
        "environment": recorded["environment"],
        "config_findings": recorded["config_findings"],
        "corrected_daemon_json": recorded["corrected_daemon_json"],
        "conformance": recorded["conformance"],
        "fallback_matrix": recorded["fallback_matrix"],
        "benchmarks": recorded["benchmarks"],
        "lab_notes": recorded["lab_notes"],
        "tests": [
            {"nodeid": test.nodeid, "suite": test.suite, "requirement": test.requirement,
             "gate": test.gate, "outcome": test.outcome, "duration_seconds": test.duration,
             "message": test.message}
            for test in outcomes.tests.values()
        ],
    }


def junit_file_counts(path: Path) -> dict[str, int] | None:
    """Return the counts of the first testsuite in a junit.xml file, or None without one."""
    try:
        suite = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return None
    if suite.tag != "testsuite":
        suite = suite.find("testsuite")
    if suite is None:
        return None
    return {name: int(suite.get(name, 0)) for name in ("tests", "failures", "errors", "skipped")}


def align_with_junit(summary: dict, junit_path: Path | None) -> dict:
    """Take the counts from the junit.xml written in this session, when there is one.

    pytest versions differ in how `tests` counts a test that fails and then errors in
    teardown, so the file itself is the reference the summary must agree with.
    """
    counts = junit_file_counts(junit_path) if junit_path else None
    if counts is not None:
        summary["junit_counts"] = counts
        summary["counts"]["tests"] = counts["tests"]
    return summary


def write_summary(path: Path, summary: dict) -> None:
    """Write the summary atomically, so a dashboard never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(redact_value(summary), indent=2, sort_keys=False)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".summary-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text + "\n")
    os.replace(temporary, path)
