"""Outcomes of the session's tests, counted the way pytest's terminal summary and junit.xml count.

A test whose call fails and whose teardown also fails counts once as failed and once as an
error, as in both of pytest's outputs. An expected failure (xfail) is skipped in junit.xml.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mirrorcheck.report.redact import redact

OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
SUITES = ("config", "conformance", "fallback", "benchmark")
OTHER_SUITE = "other"

_SUITE_IN_NODEID = re.compile(r"(?:^|/)suites/(?P<suite>[^/:]+)/")


def suite_of(nodeid: str, path: Path | None = None) -> str:
    """Return the suite a test belongs to from its path, suites/<suite>/..., else "other".

    The file path is tried first, because the node id is relative to the rootdir, which may
    lie inside suites/.
    """
    parts = path.parts if path is not None else ()
    for index, part in enumerate(parts[:-2]):
        if part == "suites":
            return parts[index + 1]
    match = _SUITE_IN_NODEID.search(nodeid)
    return match["suite"] if match else OTHER_SUITE


def requirement_of(item: pytest.Item) -> str:
    """Return the requirement a test checks: its docstring's first line, else its name in words."""
    function = getattr(item, "function", None)
    doc = (function.__doc__ or "").strip() if function else ""
    name = getattr(item, "originalname", None) or item.name
    words = doc.splitlines()[0].strip() if doc else name.removeprefix("test_").replace("_", " ")
    callspec = getattr(item, "callspec", None)
    return f"{words} [{callspec.id}]" if callspec else words


@dataclass
class TestOutcome:
    """The final state of one test, for the report's per-suite sections."""

    nodeid: str
    suite: str
    requirement: str = ""
    gate: bool = False
    outcome: str = "not run"
    teardown_error: bool = False
    message: str = ""
    duration: float = 0.0


@dataclass
class Outcomes:
    """Every test's outcome and the counts of the session."""

    tests: dict[str, TestOutcome] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    double_counted: int = 0  # tests counted as failed and as an error

    def describe(self, item: pytest.Item, nodeid: str) -> None:
        """Note the suite, requirement and gate marker of a test before it reports."""
        self.tests[nodeid] = TestOutcome(
            nodeid=nodeid, suite=suite_of(nodeid, item.path),
            requirement=redact(requirement_of(item)),
            gate=item.get_closest_marker("gate") is not None,
        )

    def add_test_report(self, report: pytest.TestReport) -> None:
        """Count one phase's report (setup, call or teardown)."""
        test = self.tests.setdefault(report.nodeid,
                                     TestOutcome(report.nodeid, suite_of(report.nodeid)))
        test.duration += report.duration
        outcome = _phase_outcome(report)
        if outcome is None:
            return

        if report.when == "teardown" and outcome == "error":
            if test.outcome == "failed":
                self.double_counted += 1
            test.teardown_error = True
            if test.outcome in ("passed", "xpassed"):
                self.counts[test.outcome] -= 1
                test.outcome = "error"
            self.counts["error"] += 1
            test.message = test.message or _message(report)
            return

        test.outcome = outcome
        test.message = _message(report)
        self.counts[outcome] += 1

    def add_collect_report(self, report: pytest.CollectReport) -> None:
        """Count a collection error or a module skipped at collection, as junit.xml does."""
        if report.passed:
            return
        outcome = "error" if report.failed else "skipped"
        self.tests[report.nodeid] = TestOutcome(report.nodeid, suite_of(report.nodeid),
                                                requirement="collect " + report.nodeid,
                                                outcome=outcome, message=_message(report))
        self.counts[outcome] += 1

    def totals(self) -> dict[str, int]:
        """Return counts by outcome and the number of tests, as in junit.xml's `tests`."""
        totals = {outcome: self.counts[outcome] for outcome in OUTCOMES}
        totals["tests"] = sum(totals.values()) - self.double_counted
        return totals

    def junit_counts(self) -> dict[str, int]:
        """Return the counts junit.xml's testsuite element carries."""
        totals = self.totals()
        return {"tests": totals["tests"], "failures": totals["failed"],
                "errors": totals["error"], "skipped": totals["skipped"] + totals["xfailed"]}

    def by_suite(self) -> dict[str, dict[str, int]]:
        """Return outcome counts of final test states per suite."""
        suites: dict[str, Counter] = {}
        for test in self.tests.values():
            suites.setdefault(test.suite, Counter())[test.outcome] += 1
        return {name: {outcome: counter[outcome] for outcome in OUTCOMES}
                for name, counter in sorted(suites.items())}

    def gate(self) -> dict[str, int | str]:
        """Return the gate's verdict: passed when every test marked gate passed or was skipped."""
        gate_tests = [test for test in self.tests.values() if test.gate]
        broken = [test for test in gate_tests if test.outcome in ("failed", "error")]
        if not gate_tests:
            verdict = "not run"
        else:
            verdict = "failed" if broken else "passed"
        return {"verdict": verdict, "tests": len(gate_tests), "failed": len(broken)}


def _phase_outcome(report: pytest.TestReport) -> str | None:
    xfail = hasattr(report, "wasxfail")
    if report.failed:
        return "failed" if report.when == "call" else "error"
    if report.skipped:
        return "xfailed" if xfail else "skipped"
    if report.when == "call":
        return "xpassed" if xfail else "passed"
    return None


def _message(report) -> str:
    if report.passed:
        return ""
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    saved = getattr(report, "mirrorcheck_crash_message", None)
    if saved:
        return saved
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message
    return str(report.longrepr or "")
