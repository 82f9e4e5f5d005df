"""Line, column and likely cause for daemon.json syntax errors."""

from __future__ import annotations

import json

import pytest

from mirrorcheck.config.syntax import explain_syntax_error

CAUSES = [
    ("", "empty"),
    ("\ufeff{}", "byte order mark"),
    ('{\n  // mirrors\n  "live-restore": true\n}', "no comments"),
    ('{"live-restore": true /* on */}', "no comments"),
    ('{"live-restore": true,}', "trailing comma"),
    ('{"registry-mirrors": ["https://mirror.gcr.io",]}', "trailing comma"),
    ("{\u201clive-restore\u201d: true}", "typographic quotes"),
    ("{'live-restore': true}", "single quotes"),
    ("{live-restore: true}", "unquoted key"),
]


def _explain(text: str) -> str:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(text)
    return explain_syntax_error(text, caught.value)


@pytest.mark.parametrize(("text", "cause"), CAUSES, ids=[cause for _, cause in CAUSES])
def test_cause_is_named(text, cause):
    assert cause in _explain(text)


def test_position_is_line_and_column():
    explanation = _explain('{\n  "live-restore": true,\n}')

    assert explanation.startswith("line 3, column 1:")


def test_unknown_fault_gives_position_only():
    assert _explain('{"live-restore" true}') == "line 1, column 17: Expecting ':' delimiter"
