"""Explaining why a daemon.json file is not valid JSON: where, and the likely cause."""

from __future__ import annotations

import json
import re

TYPOGRAPHIC_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"

_TRAILING_COMMA = re.compile(r",\s*[\]}]")
_UNQUOTED_KEY = re.compile(r"[{,]\s*[A-Za-z_][A-Za-z0-9_\-]*\s*:")


def explain_syntax_error(text: str, error: json.JSONDecodeError) -> str:
    """Return the position of a JSON syntax error and its likely cause.

    The cause names what daemon.json must not contain (comments, trailing commas,
    typographic or single quotes, unquoted keys, a byte order mark) and the fix.
    """
    cause = likely_cause(text, error)
    where = f"line {error.lineno}, column {error.colno}: {error.msg}"
    return f"{where} ({cause})" if cause else where


def likely_cause(text: str, error: json.JSONDecodeError) -> str:
    """Return the likely cause of the syntax error and its fix, or "" when none is known."""
    if not text.strip():
        return ('the file is empty; write at least "{}", or remove the file to use the '
                "defaults")
    if text.startswith("\ufeff"):
        return "the file starts with a byte order mark (BOM); save it as UTF-8 without BOM"

    at_error = text[error.pos:error.pos + 1]
    before = text[:error.pos].rstrip()
    if before.endswith(",") and at_error in ("]", "}"):
        return "trailing comma; remove the comma before the closing bracket"
    if text[error.pos:error.pos + 2] in ("//", "/*") or at_error == "#":
        return "JSON has no comments; remove them"
    if at_error and at_error in TYPOGRAPHIC_QUOTES:
        return "typographic quotes; use straight double quotes (\")"
    if at_error == "'":
        return "single quotes; JSON strings and keys use double quotes (\")"
    if _UNQUOTED_KEY.match(text, max(0, len(before) - 1)) or (
            at_error.isalpha() and before.endswith(("{", ","))):
        return 'unquoted key; put every key in double quotes, e.g. "live-restore"'
    return _cause_elsewhere(text)


def _cause_elsewhere(text: str) -> str:
    # The decoder may stop after the real fault, so look for the usual faults anywhere.
    if any(quote in text for quote in TYPOGRAPHIC_QUOTES):
        return "the file contains typographic quotes; use straight double quotes (\")"
    if re.search(r"(^|\s)(//|/\*|#)", text):
        return "JSON has no comments; remove them"
    if _TRAILING_COMMA.search(text):
        return "trailing comma; remove the comma before the closing bracket"
    return ""
