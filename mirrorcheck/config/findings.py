"""Findings of the config checks: one rule broken by one daemon.json entry."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """Errors fail a check. Warnings pass it but are listed in the report."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One broken rule, with the text to show and the fix.

    Every text field is already redacted: no credential from the input appears in it.
    `dockerd_output` is the text dockerd prints when it rejects the file at start-up, and is
    None for findings that do not stop dockerd from starting.
    """

    severity: Severity
    rule: str
    message: str
    fix: str
    entry: str | None = None
    dockerd_output: str | None = None

    @property
    def rejects_start(self) -> bool:
        """True when dockerd rejects this file at start-up and does not start."""
        return self.dockerd_output is not None

    def describe(self) -> str:
        """Return the one-paragraph text for a failure message or a report line."""
        return f"[{self.severity.value}] {self.rule}: {self.message} Fix: {self.fix}"


def errors_of(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity is Severity.ERROR]


def warnings_of(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.severity is Severity.WARNING]


def predicts_start(findings: list[Finding]) -> bool:
    """Return whether dockerd is predicted to start with the evaluated file."""
    return not any(finding.rejects_start for finding in findings)
