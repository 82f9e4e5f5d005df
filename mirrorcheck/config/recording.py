"""Recording config findings and the corrected daemon.json in the session's results store."""

from __future__ import annotations

from mirrorcheck.config.correction import Correction
from mirrorcheck.config.findings import Finding
from mirrorcheck.results import Results


def record_findings(results: Results, findings: list[Finding]) -> None:
    """Record each finding once, in evaluation order."""
    recorded = {(item.rule, item.message) for item in results.findings}
    for finding in findings:
        if (finding.rule, finding.message) in recorded:
            continue
        results.record_finding(finding.severity.value, finding.rule, finding.message,
                               finding.fix, finding.entry or "")


def record_correction(results: Results, correction: Correction) -> None:
    if correction.changed:
        results.set_corrected_daemon_json(correction.diff, correction.text)
