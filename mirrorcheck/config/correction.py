"""A corrected daemon.json, offered as a minimal unified diff from the input.

Edits are made on the text, not by re-serialising the document, so key order, indentation
and untouched lines stay as they were. Only values whose fix is certain are changed: bad
mirror entries are repaired or dropped, unknown keys and negative limits are removed, and
log rotation and live-restore are added when missing.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass

from mirrorcheck.config.dockerd_keys import known_keys
from mirrorcheck.config.engine_rules import mirror_path_allowed
from mirrorcheck.config.engine_version import EngineVersion
from mirrorcheck.config.mirror_url import GoUrlError, normalise_mirror, parse_go_url
from mirrorcheck.config.practice_rules import DOCKER_HUB_HOSTS
from mirrorcheck.config.public_mirrors import load_public_mirrors
from mirrorcheck.config.redaction import redact


@dataclass(frozen=True)
class Correction:
    """The corrected text and its unified diff from the input (redacted)."""

    text: str
    diff: str

    @property
    def changed(self) -> bool:
        return bool(self.diff)


def _value_spans(text: str) -> dict[str, tuple[int, int, int]]:
    """Return, for each top-level key, (key start, value start, value end) offsets."""
    decoder = json.JSONDecoder()
    spans: dict[str, tuple[int, int, int]] = {}
    position = text.index("{") + 1
    while True:
        position = _skip_space(text, position)
        if text[position] == "}":
            return spans
        key_start = position
        key, position = decoder.raw_decode(text, position)
        position = _skip_space(text, position) + 1  # the colon
        value_start = _skip_space(text, position)
        _, value_end = decoder.raw_decode(text, value_start)
        spans[key] = (key_start, value_start, value_end)
        position = _skip_space(text, value_end)
        if text[position] == ",":
            position += 1


def _skip_space(text: str, position: int) -> int:
    while text[position] in " \t\r\n":
        position += 1
    return position


def _fixed_mirror(entry: str, version: EngineVersion) -> str | None:
    """Return the repaired mirror URL, or None when the entry should be dropped."""
    candidate = entry.strip()
    if "://" not in candidate:
        candidate = "https://" + candidate
    try:
        url = parse_go_url(candidate)
    except GoUrlError:
        return None
    if url.scheme not in ("http", "https") or not url.host:
        return None
    if url.hostname in DOCKER_HUB_HOSTS or url.hostname in load_public_mirrors():
        return None
    path = url.path if mirror_path_allowed(version) else ""
    return f"{url.scheme}://{url.host}{path}"


def _fixed_mirrors(mirrors: list, version: EngineVersion) -> list:
    fixed, seen = [], set()
    for entry in mirrors:
        if not isinstance(entry, str):
            continue
        repaired = _fixed_mirror(entry, version)
        if repaired is None or normalise_mirror(repaired) in seen:
            continue
        seen.add(normalise_mirror(repaired))
        fixed.append(entry if repaired == entry.rstrip("/") or repaired == entry else repaired)
    return fixed


def _render_list(original: str, items: list) -> str:
    if "\n" not in original or not items:
        return json.dumps(items)
    first_line = original.split("\n", 2)[1]
    indent = first_line[:len(first_line) - len(first_line.lstrip())]
    closing_indent = original.rsplit("\n", 1)[1][:-1]
    body = ",\n".join(indent + json.dumps(item) for item in items)
    return f"[\n{body}\n{closing_indent}]"


def _remove_key(text: str, key_start: int, value_end: int) -> str:
    after = _skip_space(text, value_end)
    if text[after] == ",":
        end = _skip_space(text, after + 1)
        return text[:key_start] + text[end:]
    # The last key: drop the comma before it instead.
    start = key_start
    while start > 0 and text[start - 1] in " \t\r\n":
        start -= 1
    if text[start - 1] == ",":
        start -= 1
    return text[:start] + text[value_end:]


def _add_key(text: str, key: str, value: object) -> str:
    closing = text.rindex("}")
    body = text[:closing].rstrip()
    multiline = "\n" in text.strip()
    lines = [line for line in body.splitlines() if line.strip().startswith('"')]
    indent = lines[0][:len(lines[0]) - len(lines[0].lstrip())] if multiline and lines else ""
    separator = "" if body.endswith("{") else ","
    addition = (f'{separator}\n{indent}"{key}": {json.dumps(value)}\n' if multiline
                else f'{separator} "{key}": {json.dumps(value)}')
    return body + addition + text[closing:]


def correct(text: str, document: dict, version: EngineVersion) -> Correction:
    """Return the corrected daemon.json for a parsed document and its unified diff."""
    corrected = text.lstrip("\ufeff")
    spans = _value_spans(corrected)

    # Replace or remove from the end of the text first, so earlier offsets stay valid.
    edits: list[tuple[int, str | None, str]] = []
    accepted = known_keys(version)
    for key, (key_start, value_start, value_end) in spans.items():
        value = document.get(key)
        if key not in accepted:
            edits.append((key_start, None, key))
        elif key == "registry-mirrors" and isinstance(value, list):
            fixed = _fixed_mirrors(value, version)
            if fixed != value:
                edits.append((key_start, _render_list(corrected[value_start:value_end], fixed), key))
        elif key in ("max-concurrent-downloads", "max-concurrent-uploads") and (
                isinstance(value, int) and not isinstance(value, bool) and value < 0):
            edits.append((key_start, None, key))

    for key_start, replacement, key in sorted(edits, reverse=True):
        _, value_start, value_end = spans[key]
        if replacement is None:
            corrected = _remove_key(corrected, key_start, value_end)
        else:
            corrected = corrected[:value_start] + replacement + corrected[value_end:]

    driver = document.get("log-driver") or "json-file"
    if driver == "json-file" and "log-opts" not in document:
        corrected = _add_key(corrected, "log-opts", {"max-size": "10m", "max-file": "3"})
    if "live-restore" not in document:
        corrected = _add_key(corrected, "live-restore", True)

    return Correction(corrected, unified_diff(text, corrected))


def unified_diff(before: str, after: str, name: str = "daemon.json") -> str:
    """Return the redacted unified diff between two texts, or "" when they are equal."""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=f"a/{name}", tofile=f"b/{name}")
    return redact("".join(line if line.endswith("\n") else line + "\n" for line in lines))
