"""The session-wide results store: what the suites record and what the reports read.

Suites reach the store through the session fixture `results`, or through
`results_of(config)` where only a `pytest.Config` is at hand (hooks, other plugins). Every
text passes `mirrorcheck.report.redact.redact` on the way in, so nothing recorded can carry a
secret into `reports/`. Recording is thread-safe, because fallback scenarios run at once.

Example, from a suite::

    def test_pull_survives_hub_outage(results, ...):
        results.record_fallback(scenario="hub blackholed, warm caches", image="alpine:latest",
                                outcome="pulled", manifest_endpoint="https://mirror-a:5000",
                                blob_endpoints=["https://mirror-a:5000"], total_seconds=3.2,
                                failover_seconds=0.0, spent_hub_rate_limit=False)
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Literal

import pytest

from mirrorcheck.report.redact import redact, redact_value

Severity = Literal["error", "warning", "info"]
ConformanceOutcome = Literal["pass", "fail", "unsupported", "error"]
PullOutcome = Literal["pulled", "failed", "hung"]
CacheState = Literal["cold", "warm"]

SEVERITIES = ("error", "warning", "info")
CONFORMANCE_OUTCOMES = ("pass", "fail", "unsupported", "error")
PULL_OUTCOMES = ("pulled", "failed", "hung")
CACHE_STATES = ("cold", "warm")


@dataclass(frozen=True)
class ConfigFinding:
    """One config rule's verdict on the daemon.json under test."""

    severity: Severity
    rule: str
    message: str
    fix: str = ""
    entry: str = ""  # the daemon.json key or mirror URL the finding is about


@dataclass(frozen=True)
class CorrectedDaemonJson:
    """The suggested daemon.json: a unified diff from the input, and the full text."""

    diff: str
    text: str


@dataclass(frozen=True)
class ConformanceResult:
    """One conformance check against one target registry."""

    target: str
    check: str
    outcome: ConformanceOutcome
    detail: str = ""  # the failure message, or the reason a check is unsupported
    rate_limit: dict[str, str] = field(default_factory=dict)  # RateLimit-* headers seen


@dataclass(frozen=True)
class FallbackRow:
    """One cell of the fallback matrix: one image pulled during one outage scenario."""

    scenario: str
    image: str
    outcome: PullOutcome
    manifest_endpoint: str = ""
    blob_endpoints: tuple[str, ...] = ()
    total_seconds: float | None = None
    failover_seconds: float | None = None
    daemon_error: str = ""
    spent_hub_rate_limit: bool = False  # Docker Hub served the pull and counted it


@dataclass(frozen=True)
class BenchmarkFigure:
    """Pull times of one benchmark, in seconds, and its throughput in MB/s (10**6 bytes)."""

    name: str
    path: str  # the route of the pull, for example "daemon via mirror-a" or "client to hub"
    image: str
    cache: CacheState
    min_seconds: float
    median_seconds: float
    p90_seconds: float
    max_seconds: float
    mb_per_second: float | None = None


@dataclass(frozen=True)
class Environment:
    """The run's host and engine, and the daemon.json it tested."""

    host: str = ""
    engine_version: str = ""
    daemon_json_path: str = ""
    daemon_json_text: str = ""  # redacted on the way in
    daemon_json_sha256: str = ""  # of the file as read, before redaction


@dataclass(frozen=True)
class LabNote:
    """A daemon.json entry the lab could not stand in for, and why."""

    entry: str
    reason: str


class ResultsError(ValueError):
    """A suite recorded a value outside the allowed set; the message names it and the set."""


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ResultsError(f"{name} is {value!r}; record one of {', '.join(allowed)}")


def _redacted(record):
    """Return a copy of a record dataclass with every string field redacted."""
    changes = {}
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        if isinstance(value, (str, dict, list, tuple)):
            changes[item.name] = redact_value(value)
    return dataclasses.replace(record, **changes)


class Results:
    """Everything the suites of one session recorded, in the order they recorded it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.findings: list[ConfigFinding] = []
        self.corrected_daemon_json: CorrectedDaemonJson | None = None
        self.conformance: list[ConformanceResult] = []
        self.fallback: list[FallbackRow] = []
        self.benchmarks: list[BenchmarkFigure] = []
        self.environment = Environment()
        self.lab_notes: list[LabNote] = []

    def record_finding(self, severity: Severity, rule: str, message: str, fix: str = "",
                       entry: str = "") -> ConfigFinding:
        """Record one config finding; severity is error, warning or info."""
        _check_choice("severity", severity, SEVERITIES)
        finding = _redacted(ConfigFinding(severity, rule, message, fix, entry))
        with self._lock:
            self.findings.append(finding)
        return finding

    def set_corrected_daemon_json(self, diff: str, text: str) -> CorrectedDaemonJson:
        """Store the suggested daemon.json; a later call replaces an earlier one."""
        corrected = _redacted(CorrectedDaemonJson(diff, text))
        with self._lock:
            self.corrected_daemon_json = corrected
        return corrected

    def record_conformance(self, target: str, check: str, outcome: ConformanceOutcome,
                           detail: str = "",
                           rate_limit: dict[str, str] | None = None) -> ConformanceResult:
        """Record one check against one target: pass, fail, unsupported or error."""
        _check_choice("conformance outcome", outcome, CONFORMANCE_OUTCOMES)
        result = _redacted(ConformanceResult(target, check, outcome, detail,
                                             dict(rate_limit or {})))
        with self._lock:
            self.conformance.append(result)
        return result

    def record_fallback(self, scenario: str, image: str, outcome: PullOutcome,
                        manifest_endpoint: str = "", blob_endpoints=(),
                        total_seconds: float | None = None,
                        failover_seconds: float | None = None, daemon_error: str = "",
                        spent_hub_rate_limit: bool = False) -> FallbackRow:
        """Record one pull of one image in one scenario: pulled, failed or hung."""
        _check_choice("pull outcome", outcome, PULL_OUTCOMES)
        row = _redacted(FallbackRow(scenario, image, outcome, manifest_endpoint,
                                    tuple(blob_endpoints), total_seconds, failover_seconds,
                                    daemon_error, bool(spent_hub_rate_limit)))
        with self._lock:
            self.fallback.append(row)
        return row

    def record_benchmark(self, name: str, path: str, image: str, cache: CacheState,
                         min_seconds: float, median_seconds: float, p90_seconds: float,
                         max_seconds: float,
                         mb_per_second: float | None = None) -> BenchmarkFigure:
        """Record the figures of one benchmark; cache is cold or warm."""
        _check_choice("cache", cache, CACHE_STATES)
        figure = _redacted(BenchmarkFigure(name, path, image, cache, min_seconds,
                                           median_seconds, p90_seconds, max_seconds,
                                           mb_per_second))
        with self._lock:
            self.benchmarks.append(figure)
        return figure

    def set_environment(self, host: str = "", engine_version: str = "",
                        daemon_json_path: str = "", daemon_json_text: str = "",
                        daemon_json_sha256: str = "") -> Environment:
        """Store the run's environment; empty arguments keep values set earlier."""
        given = {"host": host, "engine_version": engine_version,
                 "daemon_json_path": daemon_json_path, "daemon_json_text": daemon_json_text,
                 "daemon_json_sha256": daemon_json_sha256}
        with self._lock:
            kept = dataclasses.asdict(self.environment)
            kept.update({key: value for key, value in given.items() if value})
            self.environment = _redacted(Environment(**kept))
            return self.environment

    def add_lab_note(self, entry: str, reason: str) -> LabNote:
        """Record a daemon.json entry that got no container in the lab, and why."""
        note = _redacted(LabNote(entry, reason))
        with self._lock:
            self.lab_notes.append(note)
        return note

    def to_dict(self) -> dict:
        """Return every record as JSON-ready data."""
        with self._lock:
            return {
                "environment": dataclasses.asdict(self.environment),
                "config_findings": [dataclasses.asdict(item) for item in self.findings],
                "corrected_daemon_json": (dataclasses.asdict(self.corrected_daemon_json)
                                          if self.corrected_daemon_json else None),
                "conformance": [dataclasses.asdict(item) for item in self.conformance],
                "fallback_matrix": [dataclasses.asdict(item) for item in self.fallback],
                "benchmarks": [dataclasses.asdict(item) for item in self.benchmarks],
                "lab_notes": [dataclasses.asdict(item) for item in self.lab_notes],
            }


RESULTS_KEY = pytest.StashKey[Results]()


def results_of(config: pytest.Config) -> Results:
    """Return the session's store, creating it on first use."""
    if RESULTS_KEY not in config.stash:
        config.stash[RESULTS_KEY] = Results()
    return config.stash[RESULTS_KEY]


__all__ = [
    "BenchmarkFigure", "ConfigFinding", "ConformanceResult", "CorrectedDaemonJson",
    "Environment", "FallbackRow", "LabNote", "Results", "ResultsError", "redact",
    "results_of",
]
