"""Evaluating a daemon.json text against dockerd's start-up rules and good practice."""

from __future__ import annotations

import logging

from mirrorcheck.config.engine_rules import ENGINE_CHECKS
from mirrorcheck.config.engine_version import EngineVersion, parse_engine_version
from mirrorcheck.config.findings import Finding
from mirrorcheck.config.parsing import parse_document
from mirrorcheck.config.practice_rules import PRACTICE_CHECKS
from mirrorcheck.config.redaction import register_url_credentials

log = logging.getLogger(__name__)


def evaluate(daemon_json_text: str, engine_version: EngineVersion | str) -> list[Finding]:
    """Return every finding for the daemon.json text on the given engine version.

    A file that does not parse gives its syntax findings only. Otherwise the engine rules
    come first, then the good-practice rules. Findings contain no credential.
    """
    version = (engine_version if isinstance(engine_version, EngineVersion)
               else parse_engine_version(engine_version))
    parsed = parse_document(daemon_json_text, version)
    findings = list(parsed.findings)
    if parsed.document is None:
        return findings

    _register_credentials(parsed.document)
    for check in ENGINE_CHECKS + PRACTICE_CHECKS:
        findings.extend(check(parsed.document, version))
    log.debug("evaluated daemon.json for dockerd %s: %d findings", version, len(findings))
    return findings


def _register_credentials(document: dict) -> None:
    # Registered before any check runs, so no message, log line or report can show them.
    for key in ("registry-mirrors", "insecure-registries"):
        entries = document.get(key)
        if isinstance(entries, list):
            for entry in entries:
                if isinstance(entry, str):
                    register_url_credentials(entry)
