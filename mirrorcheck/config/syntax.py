"""Explaining why a daemon.json file is not valid JSON."""

from __future__ import annotations

import json


def explain_syntax_error(text: str, error: json.JSONDecodeError) -> str:
    """Return the position of a JSON syntax error and its likely cause."""
    cause = _likely_cause(text, error)
    where = f"line {error.lineno}, column {error.colno}: {error.msg}"
    return f"{where} ({cause})" if cause else where


def _likely_cause(text: str, error: json.JSONDecodeError) -> str:
    if text.startswith("\ufeff"):
        return "the file starts with a byte order mark (BOM); save it as UTF-8 without BOM"
    if "//" in text or "/*" in text:
        return "JSON has no comments; remove them"
    if any(quote in text for quote in "\u201c\u201d\u2018\u2019"):
        return "typographic quotes; use straight double quotes"
    before = text[: error.pos].rstrip()
    if before.endswith(",") and text[error.pos: error.pos + 1] in "]}":
        return "trailing comma; remove the comma before the closing bracket"
    return ""
