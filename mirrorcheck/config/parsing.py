"""Parsing daemon.json text the way dockerd does, as findings instead of exceptions."""

from __future__ import annotations

import json
from dataclasses import dataclass

from mirrorcheck.config.engine_version import EngineVersion
from mirrorcheck.config.findings import Finding, Severity
from mirrorcheck.config.redaction import redact
from mirrorcheck.config.syntax import explain_syntax_error


@dataclass(frozen=True)
class ParsedDocument:
    """The parsed top-level object, or None, and the findings found while parsing."""

    document: dict | None
    findings: list[Finding]


def _syntax_finding(message: str, fix: str, output: str) -> Finding:
    return Finding(Severity.ERROR, "syntax", redact(message), fix, None, output)


def _empty_file(version: EngineVersion) -> ParsedDocument:
    # From 23.0 dockerd treats a blank file as an empty configuration; 20.10 fails to decode.
    if version.at_least(23):
        finding = Finding(Severity.WARNING, "empty-file",
                          "daemon.json is empty, so dockerd runs with every default.",
                          'write "{}" to make the intent plain, or add the settings you need')
        return ParsedDocument({}, [finding])
    finding = _syntax_finding(
        f"daemon.json is empty, and dockerd {version} cannot decode an empty file (EOF).",
        'write "{}", or remove the file to use the defaults', "EOF")
    return ParsedDocument(None, [finding])


def _extra_data(text: str, error: json.JSONDecodeError, version: EngineVersion) -> ParsedDocument:
    # raw_decode does not skip leading whitespace, which json.loads does.
    start = len(text) - len(text.lstrip(" \t\n\r"))
    document, _ = json.JSONDecoder().raw_decode(text, start)
    where = f"line {error.lineno}, column {error.colno}"
    fix = "remove everything after the closing brace of the top-level object"
    if version.at_least(23):
        finding = _syntax_finding(
            f"daemon.json has more text after the top-level object at {where}.", fix,
            "after top-level value")
        return ParsedDocument(None, [finding])
    # Up to 20.10 dockerd decodes the first JSON value only and ignores what follows.
    finding = Finding(Severity.WARNING, "trailing-data",
                      f"daemon.json has more text after the top-level object at {where}; "
                      f"dockerd {version} ignores it, but later releases reject the file.", fix)
    if not isinstance(document, dict):
        return ParsedDocument(None, [_not_an_object(document), finding])
    return ParsedDocument(document, [finding])


def parse_document(text: str, version: EngineVersion) -> ParsedDocument:
    """Parse daemon.json text, returning the object or the findings that stop dockerd."""
    if not text.strip():
        return _empty_file(version)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            return _extra_data(text, error, version)
        truncated = error.pos >= len(text.rstrip())
        return ParsedDocument(None, [_syntax_finding(
            f"daemon.json is not valid JSON: {explain_syntax_error(text, error)}.",
            "correct the JSON at that position; daemon.json is strict JSON",
            "EOF" if truncated else "invalid character")])
    except (RecursionError, ValueError) as error:
        # Deep nesting or a number too long for Python's int conversion.
        return ParsedDocument(None, [_syntax_finding(
            f"daemon.json could not be decoded: {type(error).__name__}: {str(error)[:120]}.",
            "write a flat JSON object of daemon options", "")])

    if not isinstance(document, dict):
        return ParsedDocument(None, [_not_an_object(document)])
    return ParsedDocument(document, [])


def _not_an_object(document: object) -> Finding:
    kind = {list: "array", str: "string", bool: "bool", type(None): "null"}.get(
        type(document), "number")
    return _syntax_finding(
        f"daemon.json contains a JSON {kind}, but dockerd needs an object.",
        'wrap the settings in an object, e.g. {"registry-mirrors": ["https://mirror.gcr.io"]}',
        f"cannot unmarshal {kind} into Go value")
